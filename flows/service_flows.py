"""The flows `csfacts serve` deploys: ingest one document, reconcile the corpus, validate.

They only decide *what* to process and delegate to `run_pipeline` (flows/pipeline.py),
which does the work under the warehouse's single-writer lock.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from csfacts.settings import INBOX_DIRNAME, data_dir_from_env


def task_runner_for(kind: str, dask_address: str | None = None):
    """The Prefect task runner named by `kind`: 'threads' (default) or 'dask'.

    'dask' uses the Dask scheduler at `dask_address` (tcp://host:8786), or starts a local
    cluster for the duration of the flow run when no address is given.
    """
    if kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner()
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address) if dask_address else DaskTaskRunner()
    raise ValueError(f"unknown task runner {kind!r}: use 'threads' or 'dask'")


def run_with(task_runner: str, dask_address: str | None, **kwargs) -> dict:
    """Run the pipeline flow (as a subflow when called from a flow) on the chosen task runner."""
    from flows.pipeline import run_pipeline

    return run_pipeline.with_options(task_runner=task_runner_for(task_runner, dask_address))(**kwargs)


@flow(name="ingest-documents")
def ingest_documents(
    path: str,
    sha256: str = "",
    data_dir: str | None = None,
    task_runner: str = "threads",
    dask_address: str | None = None,
) -> dict:
    """Process one landed file; a (path, content) the warehouse already holds is skipped."""
    root = data_dir_from_env(data_dir).resolve()
    if not Path(path).exists():
        return {"skipped": True, "reason": f"{path} no longer exists (reconcile removes its rows)"}
    return run_with(task_runner, dask_address, paths=[path], data_dir=str(root), skip_unchanged=True, emit_events=True)


def inbox_changes(inbox: Path, known: dict[str, tuple[int, str]]) -> tuple[list[str], list[str]]:
    """(files to process, source paths to remove): inbox files new or changed in size or
    content hash against `known` (source_path -> (size_bytes, doc_id)), and known paths under
    the inbox that are gone."""
    from flows.io import discover
    from flows.watcher import file_sha256

    inbox.mkdir(parents=True, exist_ok=True)
    files, _ = discover([inbox])
    present = {str(f) for f in files}
    todo = []
    for f in files:
        k = known.get(str(f))
        if k is None or k[0] != f.stat().st_size or k[1] != file_sha256(f):
            todo.append(str(f))
    prefix = str(inbox) + "/"
    gone = sorted(p for p in known if p.startswith(prefix) and p not in present)
    return todo, gone


@flow(name="reconcile-corpus")
def reconcile_corpus(data_dir: str | None = None, task_runner: str = "threads", dask_address: str | None = None) -> dict:
    """Process inbox files missing from or changed since the warehouse; drop rows of deleted ones."""
    from warehouse.store import read_table

    root = data_dir_from_env(data_dir).resolve()
    files = read_table(root, "source_files")
    known = {r["source_path"]: (r["size_bytes"], r["doc_id"]) for r in files.iter_rows(named=True)}
    todo, gone = inbox_changes(root / INBOX_DIRNAME, known)
    if not todo and not gone:
        return {"skipped": True, "reason": "inbox and warehouse agree"}
    return run_with(task_runner, dask_address, paths=todo, data_dir=str(root), remove_paths=gone, skip_unchanged=True, emit_events=True, allow_empty=True)


@flow(name="validate-warehouse")
def validate_warehouse(data_dir: str | None = None, after_run_id: str | None = None) -> dict:
    """Validate the current warehouse, record the results, emit csfacts.validation.failed on critical failures."""
    from flows.pipeline import validate_current

    return validate_current(data_dir=str(data_dir_from_env(data_dir).resolve()), trigger=after_run_id)
