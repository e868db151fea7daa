"""The csfacts run flow: extract -> transform -> validate -> load, batched.

Documents are processed in batches of `batch_size` (one extract and one transform task per
batch), so 10,000 documents make 2 * 10,000 / batch_size tasks plus one validate and one
load task. Tasks do not cache (NO_CACHE): their inputs are large frames, hashing them
would cost more than the work, and a run must reflect the files as they are now. The flow
only wires tasks; the work lives in extract/, transform/, expectations/ and warehouse/.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from csfacts.settings import BATCH_SIZE, CONTRACT_VERSION, INBOX_DIRNAME, QUARANTINE_DIRNAME, REPORTS_DIRNAME, data_dir_from_env
from warehouse.schema import CONTENT_TABLES, SCHEMAS


@dataclass
class RunSummary:
    """What a run did: counts, outcome, where the report is, and time per stage."""

    run_id: str
    outcome: str
    published: bool
    n_inputs: int
    n_ignored: int
    n_documents: int
    n_quarantined: int
    rows: dict[str, int]
    n_expectations: int
    n_failed_critical: int
    n_failed_warning: int
    failed_expectations: list[str]
    report_path: str | None
    data_docs_path: str | None
    warehouse_path: str
    findings_path: str | None = None
    inspections_page: str | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain-dict form (JSON-serialisable)."""
        return asdict(self)


@task(name="extract", cache_policy=NO_CACHE)
def extract_batch(paths: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read and extract one batch of files: (documents, source_files) frames.

    A file that cannot be read (vanished, permission denied) is recorded in source_files
    as quarantined with the OS error; its doc_id is the hash of its path, as it has no content.
    """
    import hashlib

    from extract.document import documents_frame, extract_document

    docs = []
    files = []
    for p in paths:
        path = Path(p)
        try:
            data = path.read_bytes()
        except OSError as exc:
            files.append(
                {"source_path": str(path), "source_name": path.name, "doc_id": hashlib.sha256(f"unreadable:{path}".encode()).hexdigest(),
                 "size_bytes": 0, "status": "quarantined", "reason": f"could not read file: {exc.strerror or exc}"}
            )
            continue
        d = extract_document(path.name, data)
        docs.append(d)
        files.append(
            {"source_path": str(path), "source_name": path.name, "doc_id": d.doc_id, "size_bytes": len(data), "status": d.status, "reason": d.reason}
        )
    frame = documents_frame(docs).unique("doc_id", keep="first", maintain_order=True)
    return frame, pl.DataFrame(files, schema=pl.from_arrow(SCHEMAS["source_files"].empty_table()).schema)


@task(name="transform", cache_policy=NO_CACHE)
def transform_batch(documents: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """All transforms of one batch of documents; a document whose transform fails is left out of the tables and
    listed under transform.pipeline.FAILED_KEY (doc_id, reason) for quarantine, so one bad document never stops the run."""
    from transform.pipeline import transform_isolated

    return transform_isolated(documents)


def _quarantine_failed(frame: pl.DataFrame, failed: pl.DataFrame) -> pl.DataFrame:
    """Mark the rows of `frame` (documents or source_files) whose doc_id failed as quarantined, with the reason."""
    if failed.is_empty():
        return frame
    f = frame.join(failed.rename({"reason": "_why"}), on="doc_id", how="left")
    hit = pl.col("_why").is_not_null()
    return f.with_columns(
        status=pl.when(hit).then(pl.lit("quarantined")).otherwise(pl.col("status")),
        reason=pl.when(hit).then(pl.col("_why")).otherwise(pl.col("reason")),
    ).drop("_why")


@task(name="validate", cache_policy=NO_CACHE)
def validate_state(tables: dict[str, pl.DataFrame], reports_dir: str, run_id: str) -> dict:
    """Run the GX suites over the state to publish; results and failure counts."""
    from expectations.run import validate_tables

    outcome = validate_tables(tables, Path(reports_dir), run_id, reference_year=datetime.now(timezone.utc).year)
    return {
        "results": outcome.results,
        "n_failed_critical": outcome.n_failed_critical,
        "n_failed_warning": outcome.n_failed_warning,
        "data_docs_index": str(outcome.data_docs_index),
    }


@task(name="load", cache_policy=NO_CACHE)
def load_state(data_dir: str, tables: dict[str, pl.DataFrame], publish_content: bool) -> bool:
    """Write the new version of the warehouse and swap it in atomically (content only if valid)."""
    from warehouse.store import publish, stage_version

    to_write = tables if publish_content else {k: v for k, v in tables.items() if k not in CONTENT_TABLES}
    staged = stage_version(Path(data_dir), to_write)
    publish(Path(data_dir), staged)
    return publish_content


def _batches(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _removed_doc_ids(current_files: pl.DataFrame, new_files: pl.DataFrame, gone_paths: list[str] | None = None) -> list[str]:
    """Doc ids no longer referenced by any source path once new_files replace their paths
    and gone_paths are removed."""
    touched = set(new_files["source_path"].to_list()) | set(gone_paths or [])
    is_touched = pl.col("source_path").is_in(list(touched))
    candidates = set(current_files.filter(is_touched)["doc_id"].to_list())
    still = set(current_files.filter(~is_touched)["doc_id"].to_list()) | set(new_files["doc_id"].to_list())
    return sorted(candidates - still)


def _new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def _only_changed(new: dict[str, pl.DataFrame], known_files: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Keep only inputs whose (source_path, doc_id) the warehouse does not already hold."""
    fresh = new["source_files"].join(known_files.select("source_path", "doc_id"), on=["source_path", "doc_id"], how="anti")
    ids = fresh["doc_id"].unique()
    keep = ids.implode()
    out = {
        k: v.filter(pl.col("doc_ids").list.eval(pl.element().is_in(keep)).list.any() if "doc_ids" in v.columns else pl.col("doc_id").is_in(keep))
        for k, v in new.items()
        if k != "source_files"
    }
    out["source_files"] = fresh
    return out


def _validate_record_publish(
    root: Path,
    current: dict[str, pl.DataFrame],
    state: dict[str, pl.DataFrame],
    run_id: str,
    started: datetime,
    inputs: dict,
    publish_content: bool,
    timings: dict[str, float],
) -> RunSummary:
    """Validate `state`, write the run report, append the run and its results to the logs and
    publish (content only if `publish_content` and no critical failure). Caller holds the lock."""
    from flows.io import write_failures_report, write_findings_page

    logger = get_run_logger()
    t = time.perf_counter()
    reports_dir = root / REPORTS_DIRNAME
    content = {k: state[k] for k in CONTENT_TABLES}
    v = validate_state(content, str(reports_dir), run_id)
    timings["validate"] = time.perf_counter() - t
    results: pl.DataFrame = v["results"]
    failed = results.filter(~pl.col("success"))
    critical_ok = v["n_failed_critical"] == 0
    findings = write_findings_page(reports_dir / "findings.html", content, run_id)
    write_findings_page(reports_dir / "runs" / run_id / "findings.html", content, run_id)
    report = write_failures_report(
        reports_dir / "runs" / run_id, run_id, results, content, Path(v["data_docs_index"]), findings_page=Path("findings.html")
    )
    logger.info("validate: %d expectations, %d critical and %d warning failures", results.height, v["n_failed_critical"], v["n_failed_warning"])

    t = time.perf_counter()
    counts = {k: state[k].height for k in CONTENT_TABLES}
    outcome = "ok" if critical_ok and not failed.height else ("warnings" if critical_ok else "failed")
    published = publish_content and critical_ok
    run_row = pl.DataFrame(
        [
            {
                "run_id": run_id, "started_at": started, "finished_at": datetime.now(timezone.utc), "n_inputs": inputs["n_inputs"],
                "n_documents": inputs["n_documents"], "n_quarantined": inputs["n_quarantined"],
                "n_figures": counts["figures"], "n_periods": counts["periods"],
                "n_authority_mentions": counts["authority_mentions"], "n_ratings": counts["ratings"], "n_checks": counts["checks"],
                "n_expectations": results.height, "n_failed_critical": v["n_failed_critical"], "n_failed_warning": v["n_failed_warning"],
                "outcome": outcome, "published": published, "report_path": str(report), "contract_version": CONTRACT_VERSION,
            }
        ]
    )
    state = dict(state)
    state["runs"] = pl.concat([current["runs"], run_row.cast(current["runs"].schema)], how="vertical")  # type: ignore[arg-type]
    state["validation_results"] = pl.concat([current["validation_results"], results], how="vertical_relaxed")
    load_state(str(root), state, published)
    timings["load"] = time.perf_counter() - t
    page = reports_dir / "inspections" / "inspections.html"
    if published:  # the latest-judgements page and exports follow the published warehouse
        from flows.inspection_reports import write_inspection_reports

        page = write_inspection_reports(content, reports_dir / "inspections")[0]["page"]
    return RunSummary(
        run_id=run_id,
        outcome=outcome,
        published=published,
        n_inputs=inputs["n_inputs"],
        n_ignored=inputs["n_ignored"],
        n_documents=inputs["n_documents"],
        n_quarantined=inputs["n_quarantined"],
        rows=counts,
        n_expectations=results.height,
        n_failed_critical=v["n_failed_critical"],
        n_failed_warning=v["n_failed_warning"],
        failed_expectations=[
            f"{r['severity']}: {r['table']}.{r['column'] or ''} {r['expectation_type']} ({r['unexpected_count']} rows)"
            for r in failed.iter_rows(named=True)
        ],
        report_path=str(report),
        data_docs_path=v["data_docs_index"],
        warehouse_path=str(root / "warehouse"),
        findings_path=str(findings),
        inspections_page=str(page) if page.exists() else None,
        stage_seconds={k: round(x, 3) for k, x in timings.items()},
    )


def _emit_run_events(root: Path, summary: dict) -> None:
    from flows.events import emit, run_payloads

    for name, payload in run_payloads(summary):
        emit(name, root, payload)


@flow(name="csfacts-run", log_prints=True)
def run_pipeline(
    paths: list[str] | None = None,
    data_dir: str | None = None,
    batch_size: int = BATCH_SIZE,
    skip_unchanged: bool = False,
    remove_paths: list[str] | None = None,
    emit_events: bool = False,
    allow_empty: bool = False,
) -> dict:
    """Process files or folders into the warehouse under data_dir; returns the run summary.

    paths: files or folders (None: DATA_DIR/inbox). skip_unchanged: leave out inputs whose
    (path, content hash) the warehouse already holds; with nothing left the run ends as
    'unchanged' without a new version. remove_paths: source paths whose rows are removed
    (deleted files). emit_events: emit csfacts.warehouse.updated / csfacts.validation.failed.
    """
    from flows.io import discover, quarantine
    from flows.preload import start_validation_import
    from warehouse.lock import writer_lock
    from warehouse.merge import apply_documents
    from warehouse.store import read_tables

    start_validation_import()  # no-op when `csfacts run` started it already
    logger = get_run_logger()
    started = datetime.now(timezone.utc)
    run_id = _new_run_id(started)
    root = data_dir_from_env(data_dir).resolve()
    inputs = [str(root / INBOX_DIRNAME)] if paths is None else list(paths)
    if not inputs and not allow_empty and not remove_paths:
        raise ValueError("no input paths given")
    files, ignored = discover(inputs)
    timings: dict[str, float] = {}
    logger.info("run %s: %d input files (%d ignored) -> %s", run_id, len(files), len(ignored), root)

    t = time.perf_counter()
    batches = _batches([str(f) for f in files], batch_size)
    extracted = [f.result() for f in [extract_batch.submit(b) for b in batches]]
    docs = pl.concat([d for d, _ in extracted], how="vertical") if extracted else pl.from_arrow(SCHEMAS["documents"].empty_table())
    source_files = pl.concat([s for _, s in extracted], how="vertical") if extracted else pl.from_arrow(SCHEMAS["source_files"].empty_table())
    docs = docs.unique("doc_id", keep="first", maintain_order=True)
    timings["extract"] = time.perf_counter() - t
    logger.info("extract: %d documents in %d batches", docs.height, len(batches))

    t = time.perf_counter()
    doc_batches = [docs.slice(i, batch_size) for i in range(0, docs.height, batch_size)]
    parts = [f.result() for f in [transform_batch.submit(b) for b in doc_batches]]
    from transform.pipeline import FAILED_KEY

    failed = pl.concat([p[FAILED_KEY] for p in parts]) if parts else pl.DataFrame(schema={"doc_id": pl.String, "reason": pl.String})
    for row in failed.iter_rows(named=True):
        logger.warning("quarantined %s: %s", row["doc_id"][:16], row["reason"])
    docs, source_files = _quarantine_failed(docs, failed), _quarantine_failed(source_files, failed)
    new: dict[str, pl.DataFrame] = {"documents": docs, "source_files": source_files}
    from transform.pipeline import OUTPUT_TABLES, recompute_checks

    for name in OUTPUT_TABLES:
        frames = [p[name] for p in parts]
        if frames:
            new[name] = pl.concat(frames, how="vertical")
    timings["transform"] = time.perf_counter() - t
    logger.info("transform: %s", ", ".join(f"{k}={v.height}" for k, v in new.items()))

    with writer_lock(root):
        t = time.perf_counter()
        current = read_tables(root)
        if skip_unchanged:
            new = _only_changed(new, current["source_files"])
        gone = sorted(set(remove_paths or []) & set(current["source_files"]["source_path"].to_list()))
        removed = _removed_doc_ids(current["source_files"], new["source_files"], gone)
        base = {**current, "source_files": current["source_files"].filter(~pl.col("source_path").is_in(gone))}
        n_changes = new["source_files"].height + len(gone)
        inputs_info = {
            "n_inputs": len(files), "n_ignored": len(ignored),
            "n_documents": new["documents"].filter(pl.col("status") == "ok").height,
            "n_quarantined": new["source_files"].filter(pl.col("status") == "quarantined").height,
        }
        if n_changes == 0:
            logger.info("nothing new: every input is already in the warehouse with the same content")
            summary = RunSummary(
                run_id=run_id, outcome="unchanged", published=False, **inputs_info,
                rows={k: current[k].height for k in CONTENT_TABLES}, n_expectations=0, n_failed_critical=0, n_failed_warning=0,
                failed_expectations=[], report_path=None, data_docs_path=None, warehouse_path=str(root / "warehouse"),
                stage_seconds={k: round(x, 3) for k, x in timings.items()},
            ).to_dict()
            return summary
        state = apply_documents(base, new, removed)
        # Checks relate figures across documents: recompute them over the merged warehouse, so a
        # check between two documents exists whichever came first and goes when one is removed.
        state["checks"] = recompute_checks(state)
        timings["merge"] = time.perf_counter() - t
        result = _validate_record_publish(root, current, state, run_id, started, inputs_info, True, timings)
    quarantine(new["source_files"], root / QUARANTINE_DIRNAME)
    summary = result.to_dict()
    if emit_events:
        _emit_run_events(root, summary)
    return summary


def validate_current(data_dir: str | None = None, trigger: str | None = None) -> dict:
    """Validate the current warehouse, record the run and results; emit csfacts.validation.failed
    on critical failures. Call from within a flow (it runs the validate and load tasks)."""
    from warehouse.lock import writer_lock
    from warehouse.store import read_tables

    started = datetime.now(timezone.utc)
    run_id = _new_run_id(started)
    root = data_dir_from_env(data_dir).resolve()
    get_run_logger().info("validate %s (after run %s)", run_id, trigger)
    with writer_lock(root):
        current = read_tables(root)
        info = {"n_inputs": 0, "n_ignored": 0, "n_documents": 0, "n_quarantined": 0}
        summary = _validate_record_publish(root, current, current, run_id, started, info, False, {}).to_dict()
    _emit_run_events(root, summary)
    return summary
