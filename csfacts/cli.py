"""The `csfacts` command line: run the pipeline, inspect the warehouse, list rules."""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Sequence

from csfacts.settings import DATA_DIR_ENV, data_dir_from_env

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CRITICAL = 3  # argparse uses 2 for usage errors

MAIN_EXAMPLES = """\
examples:
  csfacts run samples/corpus              process the sample corpus into ./data
  csfacts run reports/ --data-dir /srv/cs  process a folder into /srv/cs
  csfacts serve --data-dir /srv/cs         event-driven service watching /srv/cs/inbox
  csfacts validate                         re-validate the current warehouse
  csfacts tables                           row counts of the warehouse tables
  csfacts rules                            list the extraction rules
  csfacts eval gold/ --docs corpus/        per-rule precision/recall against gold annotations
  csfacts inspections                      each council's Ofsted judgements: page and CSV/Parquet export
"""


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(
        prog="csfacts",
        description="Figures, periods, councils and Ofsted ratings from children's services documents, "
        "validated into a Parquet warehouse.",
        epilog=MAIN_EXAMPLES,
        formatter_class=fmt,
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_help = f"data directory (default: ${DATA_DIR_ENV} or ./data)"

    def command(name: str, summary: str, description: str, *examples: str, json_out: bool = False,
                runner: bool = False, data_dir: bool = True) -> argparse.ArgumentParser:
        epilog = "example:\n" + "\n".join(f"  csfacts {name} {e}".rstrip() for e in examples)
        cmd = sub.add_parser(name, help=summary, description=description, epilog=epilog, formatter_class=fmt)
        if data_dir:
            cmd.add_argument("--data-dir", help=data_help)
        if json_out:
            cmd.add_argument("--json", action="store_true", help="print the summary as JSON")
        if runner:
            cmd.add_argument("--task-runner", choices=["threads", "dask"], default="threads",
                             help="where extract/transform batches run (default: threads)")
            cmd.add_argument("--dask-address", help="Dask scheduler (tcp://host:8786); default with --task-runner dask: a local cluster")
        return cmd

    run = command(
        "run",
        "process files or folders into the warehouse (one Prefect flow run)",
        "Extract, transform, validate and load the given files or folders. Exits 3 when a "
        "critical expectation fails (the warehouse content is then left as it was).",
        "samples/corpus --data-dir data",
        "report.pdf page.html notes.txt",
        json_out=True,
        runner=True,
    )
    run.add_argument("paths", nargs="*", help="files or folders (default: DATA_DIR/inbox)")
    run.add_argument("--batch-size", type=int, default=None, help="documents per Prefect task (default 250)")

    serve = command(
        "serve",
        "serve the deployments: inbox events, nightly reconcile, validation (a long-running service)",
        "Serve ingest-documents (on csfacts.document.received), reconcile-corpus (cron) and "
        "validate-warehouse (on csfacts.warehouse.updated), and watch DATA_DIR/inbox. Uses the Prefect "
        "server at $PREFECT_API_URL, or starts a local one on 127.0.0.1 and stops it on exit.",
        "--data-dir /srv/csfacts",
        "--data-dir data --schedule '*/30 * * * *' --task-runner dask",
        runner=True,
    )
    serve.add_argument("--schedule", default=None, help="cron schedule of reconcile-corpus (default: nightly, '0 2 * * *')")
    serve.add_argument("--settle-seconds", type=float, default=1.0, help="size/mtime must be stable this long before a file counts as landed")
    serve.add_argument("--notify-block", help="notification block (type-slug/name) the failure automation sends to, instead of pausing reconcile")

    command(
        "reconcile",
        "bring the warehouse in line with DATA_DIR/inbox once (what the nightly schedule runs)",
        "Process inbox files that are new or changed since the warehouse (size or content hash) and "
        "remove the rows of files no longer in the inbox.",
        "--data-dir /srv/csfacts",
        json_out=True,
        runner=True,
    )
    command(
        "validate",
        "validate the current warehouse and record the results (no documents processed)",
        "Run every expectation suite over the current warehouse, write the report and Data Docs, "
        "append to runs and validation_results. Exits 3 on critical failures.",
        "--data-dir data",
        json_out=True,
    )
    command("tables", "row counts of the warehouse tables and the latest run",
            "Show each warehouse table with its row count, and the latest run.", "--data-dir data")
    rules = command("rules", "list every extraction rule with its description and example",
                    "List every rule (id, table, description, a passing example).", "--table figures", data_dir=False)
    rules.add_argument("--table", choices=["figures", "periods", "exclusions", "ratings", "groups", "metrics"], help="only this rule file")
    ev = command(
        "eval",
        "score the extraction against gold annotations: overall and per-rule precision/recall",
        "Score figures, periods, authority mentions and ratings against the gold JSON Lines in "
        "GOLD_DIR (../shared/gold/SCHEMA.md), with the matching of ../shared/eval/score.py, then "
        "per rule_id: predictions, strict hits, span-only matches, false positives, precision, "
        "recall, and the gold items no rule found. Scores the current warehouse, or with --docs "
        "extracts DIR in-process (no Prefect, no validation, nothing written).",
        "../shared/gold/seeds --docs ../shared/corpus/seeds",
        "../shared/gold/seeds --data-dir data --details --json scores.json",
        "gold/real-dev --docs ../shared/corpus/real --checks      consistency checks vs relation gold",
        "gold/real-dev --docs ../shared/corpus/real --mutate      ... and the mutation harness",
    )
    ins = command(
        "inspections",
        "each council's Ofsted judgements: latest-judgements page, CSV/Parquet export, agreement with a reference",
        "Write inspections.html (each council's latest judgements and history), inspections.csv and "
        "inspections.parquet (one row per inspection report, the ILACS scrape tool's columns first) from the "
        "warehouse, or with --docs from a folder extracted in-process. With --reference CSV (the scrape tool's "
        "columns), also compare every field and write agreement.csv and agreement.md.",
        "--data-dir data",
        "--docs ../shared/corpus/ofsted-ilacs --reference ../shared/gold/ofsted-ilacs/reference.csv --out out/",
    )
    ins.add_argument("--docs", metavar="DIR", help="extract and transform the documents in DIR in-process instead of reading the warehouse")
    ins.add_argument("--out", metavar="DIR", help="output folder (default: DATA_DIR/reports/inspections)")
    ins.add_argument("--reference", metavar="CSV", help="compare with this CSV (the ILACS scrape tool's columns) field by field")
    ins.add_argument("--gold", metavar="DIR", help="score the judgements and report fields against an annotated sample (gold/ofsted-judgements)")
    ins.add_argument("--review", metavar="YAML", help="with --reference: a reader's judgement of disagreements (file: {field: text}) shown in agreement.md")
    ev.add_argument("gold", metavar="GOLD_DIR", help="folder holding figures.jsonl, periods.jsonl, authorities.jsonl, ratings.jsonl")
    ev.add_argument("--docs", metavar="DIR", help="extract and transform the documents in DIR in-process instead of reading the warehouse")
    ev.add_argument("--details", action="store_true", help="list each rule's false positives and span-only matches, and the misses")
    ev.add_argument("--json", metavar="OUT", help="write the whole result (overall, per rule, details) as JSON to OUT")
    ev.add_argument("--checks", action="store_true",
                    help="score the consistency checks instead: GOLD_DIR holds relations.jsonl (gold/README.md) or SCHEMA "
                    "checks.jsonl + figures.jsonl; needs --docs")
    ev.add_argument("--mutate", action="store_true",
                    help="with --checks: also plant one breaking same-length change per relation that holds, one mutant "
                    "document each, and report caught / missed / new fails")
    return p


def _quiet_prefect_defaults() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The temporary server (no PREFECT_API_URL) migrates its database on first start, which
    # can exceed Prefect's 20 s default on a busy 2-core machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def cmd_run(args: argparse.Namespace) -> int:
    """Run the flow once and print a short summary."""
    _quiet_prefect_defaults()
    from flows.preload import start_validation_import
    from flows.service_flows import run_with

    start_validation_import()  # overlaps GX's import with the server start and extraction
    kwargs: dict = {"paths": args.paths or None, "data_dir": str(data_dir_from_env(args.data_dir))}
    if args.batch_size:
        kwargs["batch_size"] = args.batch_size
    try:
        summary = run_with(args.task_runner, args.dask_address, **kwargs)
    except FileNotFoundError as exc:
        print(f"csfacts: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print(format_summary(summary))
    return EXIT_CRITICAL if summary["n_failed_critical"] else EXIT_OK


def format_summary(s: dict) -> str:
    """Human-readable run summary."""
    if s.get("skipped"):
        return f"skipped: {s.get('reason')}"
    rows = ", ".join(f"{k}={v}" for k, v in s["rows"].items())
    lines = [
        f"run {s['run_id']}: {s['outcome']}" + ("" if s["published"] else " (warehouse content NOT updated)"),
        f"  inputs: {s['n_inputs']} files ({s['n_ignored']} ignored as hidden/temporary); "
        f"documents ok: {s['n_documents']}, quarantined: {s['n_quarantined']}",
        f"  rows: {rows}",
        f"  expectations: {s['n_expectations']} run, {s['n_failed_critical']} critical and {s['n_failed_warning']} warning failures",
    ]
    lines += [f"    - {f}" for f in s["failed_expectations"][:20]]
    lines += [
        f"  warehouse: {s['warehouse_path']}",
        f"  report: {s['report_path']}",
        f"  data docs: {s['data_docs_path']}",
        f"  findings (failed consistency checks): {s.get('findings_path')}",
        *([f"  inspections (latest judgements by council): {s['inspections_page']}"] if s.get("rows", {}).get("inspections") else []),
        "  seconds: " + ", ".join(f"{k}={v}" for k, v in s["stage_seconds"].items()),
    ]
    return "\n".join(lines)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the current warehouse once."""
    _quiet_prefect_defaults()
    from flows.service_flows import validate_warehouse

    summary = validate_warehouse(data_dir=str(data_dir_from_env(args.data_dir)))
    print(json.dumps(summary, indent=2, default=str) if args.json else format_summary(summary))
    return EXIT_CRITICAL if summary["n_failed_critical"] else EXIT_OK


def cmd_reconcile(args: argparse.Namespace) -> int:
    """Run the reconcile flow once."""
    _quiet_prefect_defaults()
    from flows.service_flows import reconcile_corpus

    summary = reconcile_corpus(data_dir=str(data_dir_from_env(args.data_dir)), task_runner=args.task_runner, dask_address=args.dask_address)
    print(json.dumps(summary, indent=2, default=str) if args.json else format_summary(summary))
    return EXIT_CRITICAL if summary.get("n_failed_critical") else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the service until Ctrl-C or SIGTERM."""
    from csfacts.settings import REPORTS_DIRNAME
    from flows.service import DEFAULT_SCHEDULE, run_service

    root = data_dir_from_env(args.data_dir).resolve()
    log_path = root / REPORTS_DIRNAME / "serve.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)

    def say(message: str) -> None:
        print(message, flush=True)
        with open(log_path, "a", encoding="utf-8") as fh:
            fh.write(message + "\n")

    _quiet_prefect_defaults()
    return run_service(
        root,
        schedule=args.schedule or DEFAULT_SCHEDULE,
        task_runner=args.task_runner,
        dask_address=args.dask_address,
        settle_s=args.settle_seconds,
        notify_block=args.notify_block,
        say=say,
    )


def cmd_tables(args: argparse.Namespace) -> int:
    """Print row counts of every table of the current warehouse version."""
    from warehouse.schema import SCHEMAS
    from warehouse.store import current_version, read_tables

    root = data_dir_from_env(args.data_dir)
    version = current_version(root)
    if version is None:
        print(f"no warehouse under {root} yet (run `csfacts run PATH --data-dir {root}`)")
        return EXIT_OK
    tables = read_tables(root)
    print(f"warehouse {root / 'warehouse'} (version {version})")
    for name in SCHEMAS:
        print(f"  {name:<20} {tables[name].height:>8} rows")
    runs = tables["runs"]
    if runs.height:
        last = runs.sort("started_at").row(-1, named=True)
        print(f"latest run {last['run_id']}: {last['outcome']}, report {last['report_path']}")
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    """Print every rule (extraction, exclusion, group and metric rules) with its description and first passing example."""
    from transform.figure_context import metric_rules
    from transform.rules import RULE_FILES, rules_for

    tables = [args.table] if args.table else [*RULE_FILES, "metrics"]
    for table in tables:
        for r in metric_rules() if table == "metrics" else rules_for(table):
            ex = r.examples.passing[0]
            print(f"{r.id:<26} {table:<10} {r.description}")
            print(textwrap.indent(f'e.g. "{ex.text}" -> "{ex.span}"' + (f" {dict(ex.expect)}" if table == "metrics" else ""), " " * 38))
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the warehouse (or --docs, in-process) against gold; print overall and per-rule numbers."""
    from pathlib import Path

    from csfacts.eval_report import format_report, read_gold
    from csfacts.evaluate import PRED_TABLES, evaluate

    if args.checks or args.mutate:
        return _eval_checks(args)
    try:
        gold = read_gold(Path(args.gold))
    except (FileNotFoundError, ValueError) as exc:
        print(f"csfacts: {exc}", file=sys.stderr)
        return EXIT_ERROR
    loaded = _tables_or_docs(args, PRED_TABLES)
    if loaded is None:
        return EXIT_ERROR
    tables, source = loaded
    result = evaluate(gold, tables)
    print(f"scoring {source} against {args.gold}\n")
    print(format_report(result, details=args.details))
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_dict(), indent=2, default=str), encoding="utf-8")
    return EXIT_OK


def _tables_or_docs(args: argparse.Namespace, names) -> tuple[dict, str] | None:
    """The tables to work on and where they came from: `--docs DIR` extracted in-process, else the
    current warehouse of the data directory (its tables `names`); None after printing why not."""
    from pathlib import Path

    if args.docs:
        from csfacts.eval_report import tables_from_docs

        docs_dir = Path(args.docs)
        if not docs_dir.exists():
            print(f"csfacts: documents folder does not exist: {docs_dir}", file=sys.stderr)
            return None
        tables, n_files = tables_from_docs(docs_dir)
        return tables, f"{n_files} files under {docs_dir} (extracted in-process)"
    from warehouse.store import current_version, read_tables

    root = data_dir_from_env(args.data_dir)
    version = current_version(root)
    if version is None:
        print(f"csfacts: no warehouse under {root} yet (run `csfacts run PATH --data-dir {root}`, or use --docs)", file=sys.stderr)
        return None
    return read_tables(root, names), f"warehouse {root / 'warehouse'} (version {version})"


def cmd_inspections(args: argparse.Namespace) -> int:
    """Write the latest-judgements page and the inspection exports; with --reference, the agreement."""
    from pathlib import Path

    import polars as pl

    from flows.inspection_reports import TABLES, write_inspection_reports

    root = data_dir_from_env(args.data_dir)
    reference = Path(args.reference) if args.reference else None
    if reference is not None and not reference.is_file():
        print(f"csfacts: reference CSV does not exist: {reference}", file=sys.stderr)
        return EXIT_ERROR
    loaded = _tables_or_docs(args, TABLES)
    if loaded is None:
        return EXIT_ERROR
    tables = loaded[0]
    out = Path(args.out) if args.out else root / "reports" / "inspections"
    paths, totals = write_inspection_reports(tables, out, reference, Path(args.review) if args.review else None)
    ins = tables["inspections"]
    frameworks = ", ".join(f"{f} {n}" for f, n in ins.group_by("framework").len().sort("framework").iter_rows())
    print(f"{ins.height} inspection reports ({frameworks}); {ins['authority'].n_unique()} councils")
    if totals is not None:
        print(f"\nagreement with {reference.name} (fields the reference holds):")
        for r in totals.iter_rows(named=True):
            pct = "-" if r["agreement_pct"] is None else f"{r['agreement_pct']:.1f}%"
            print(f"  {r['field']:<30} {r['agree']:>4}/{r['compared']:<4} {pct:>7}   not read by the reference: {r['not_read']}")
    if args.gold:
        from csfacts.inspection_agreement import score_gold

        scored = score_gold(Path(args.gold), tables["inspections"], tables["ratings"], tables["documents"])
        judged = scored.filter(~pl.col("item").is_in(["framework", "inspection_start", "inspection_end", "publication_date"]))
        fields = scored.filter(pl.col("item").is_in(["framework", "inspection_start", "inspection_end", "publication_date"]))
        print(f"\nagainst {args.gold} ({scored['file'].n_unique()} annotated reports): judgements {judged['right'].sum()}/{judged.height} right, "
              f"report fields {fields['right'].sum()}/{fields.height} right")
        for r in scored.filter(~pl.col("right")).iter_rows(named=True):
            print(f"  wrong: {r['file']} {r['item']}: annotated {r['gold']}, csfacts {r['csfacts']}")
        paths["gold_csv"] = out / "gold.csv"
        scored.write_csv(paths["gold_csv"])
    for name, path in paths.items():
        print(f"{name:<14} {path}")
    return EXIT_OK


def _eval_checks(args: argparse.Namespace) -> int:
    """`csfacts eval --checks/--mutate`: consistency checks against relation gold."""
    from pathlib import Path

    from csfacts.relation_run import main_checks

    gold, docs = Path(args.gold), Path(args.docs) if args.docs else None
    if docs is None or not docs.is_dir():
        print("csfacts: --checks needs --docs DIR, the folder of the annotated documents", file=sys.stderr)
        return EXIT_ERROR
    if not gold.is_dir():
        print(f"csfacts: gold directory does not exist: {gold}", file=sys.stderr)
        return EXIT_ERROR
    try:
        return main_checks([(gold.name, gold, docs)], args.mutate, args.details, Path(args.json) if args.json else None)
    except (FileNotFoundError, ValueError) as exc:
        print(f"csfacts: {exc}", file=sys.stderr)
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `csfacts` console script."""
    args = _parser().parse_args(argv)
    handler = {"run": cmd_run, "serve": cmd_serve, "reconcile": cmd_reconcile, "validate": cmd_validate, "tables": cmd_tables, "rules": cmd_rules, "eval": cmd_eval,
               "inspections": cmd_inspections}[args.command]
    try:
        return handler(args)
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
