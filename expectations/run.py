"""Validate warehouse tables with Great Expectations: one checkpoint, Data Docs, a results frame.

How a run works (:func:`validate_tables`):

1. :mod:`expectations.frames` adds the derived check columns (pure Polars).
2. Each table's validation frame is written to ``reports_dir/views/<run_id>/<table>.parquet``.
3. A file-backed GX context lives in ``reports_dir/gx``; a pandas *filesystem* data source
   points at the run's view directory with one Parquet asset per table (read with the options
   of :data:`expectations.frames.PANDAS_READ_OPTIONS`).
4. ONE checkpoint holds one validation definition per table. After it has run, the local Data
   Docs site in ``reports_dir/data_docs`` is rendered once for all of the run's results. (The
   stock ``UpdateDataDocsAction`` rebuilds the site index once per validation result: 11 builds
   per run, about 2.5 s of a seeds run.)

Why Parquet views rather than in-memory dataframe assets: a dataframe asset takes its frame
from the checkpoint's ``batch_parameters``, and ``Checkpoint.run`` passes the same
``batch_parameters`` to every validation definition, so one checkpoint cannot validate eight
different dataframes. Files need no batch parameters. For the same reason (the checkpoint's
``result_format`` is shared by every definition) each view carries a ``row_id`` alias of its
table's id column, the one ``unexpected_index_column_names`` entry.

Running again is idempotent: the data source is add-or-updated (rebuilt for the run's view
directory) and the checkpoint, validation definitions and suites of the previous run are deleted
and re-added (faster than add_or_update on 30-expectation suites). Validation results accumulate
in ``reports_dir/gx/uncommitted/validations``; the Data Docs index lists the newest runs.
Great Expectations is imported lazily, inside functions of this module only (~5 s).
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from expectations import frames
from expectations.suites import CRITICAL, WARNING, ExpectationSpec, SuiteSpec, suite_specs
from warehouse.schema import SCHEMAS

if TYPE_CHECKING:
    from great_expectations.checkpoint.checkpoint import CheckpointResult
    from great_expectations.data_context import AbstractDataContext

DATA_DOCS_DIRNAME = "data_docs"
VIEWS_DIRNAME = "views"
DATA_DOCS_SITE = "csfacts"
DATASOURCE_NAME = "csfacts_views"
CHECKPOINT_NAME = "csfacts_warehouse"
# View directories of older runs kept beside the current one (they hold whole tables).
KEEP_VIEW_RUNS = 3
MAX_UNEXPECTED_IDS = 1000
# Runs listed on the Data Docs index page. Building the index loads every listed result, so
# keep this small.
DATA_DOCS_INDEX_RUNS = 3
# Size limits of the ``details`` JSON.
DETAIL_VALUES = 5
DETAIL_CHARS = 120

RESULTS_SCHEMA = SCHEMAS["validation_results"]


@dataclass(frozen=True)
class ValidationOutcome:
    """What a validation run found and where its Data Docs are."""

    results: pl.DataFrame
    n_failed_critical: int
    n_failed_warning: int
    data_docs_index: Path
    success_critical: bool


class ValidationSetupError(ValueError):
    """The tables or run id handed to :func:`validate_tables` cannot be validated."""


def validate_tables(
    tables: dict[str, pl.DataFrame],
    reports_dir: Path,
    run_id: str,
    reference_year: int,
) -> ValidationOutcome:
    """Validate ``tables`` with one GX checkpoint; write views, GX stores and Data Docs under
    ``reports_dir``; return one result row per expectation (schema ``validation_results``).

    ``tables`` maps table names of SCHEMAS to frames (``runs`` and ``validation_results`` are
    ignored). ``reference_year`` bounds plausible period years (warning beyond +10 years).
    """
    to_validate = _tables_to_validate(tables)
    _check_run_id(run_id)
    reports_dir = Path(reports_dir).resolve()
    specs = suite_specs(reference_year, tuple(to_validate))

    view_dir = reports_dir / VIEWS_DIRNAME / run_id
    views = frames.validation_frames(to_validate)
    for key, spec in specs.items():
        if key not in views:  # a suite over another suite's table (consistency -> checks)
            views[key] = views[spec.table]
    _write_views(views, view_dir)
    _prune_views(reports_dir / VIEWS_DIRNAME, keep=run_id)

    docs_dir = reports_dir / DATA_DOCS_DIRNAME
    context = _context(reports_dir, docs_dir)
    checkpoint_result, order = _run_checkpoint(context, specs, view_dir, run_id)
    results = _results_frame(checkpoint_result, specs, order, run_id)

    failed = results.filter(~pl.col("success"))
    n_critical = failed.filter(pl.col("severity") == CRITICAL).height
    n_warning = failed.filter(pl.col("severity") == WARNING).height
    return ValidationOutcome(
        results=results,
        n_failed_critical=n_critical,
        n_failed_warning=n_warning,
        data_docs_index=docs_dir / "index.html",
        success_critical=n_critical == 0,
    )


def _tables_to_validate(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    unknown = set(tables) - set(SCHEMAS)
    if unknown:
        raise ValidationSetupError(f"unknown tables {sorted(unknown)}; known: {sorted(SCHEMAS)}")
    selected = {name: tables[name] for name in frames.VALIDATED_TABLES if name in tables}
    if not selected:
        raise ValidationSetupError(
            f"no table to validate; expected some of {frames.VALIDATED_TABLES}"
        )
    return selected


def _check_run_id(run_id: str) -> None:
    if not run_id or run_id in (".", "..") or "/" in run_id or "\\" in run_id:
        raise ValidationSetupError(f"run_id {run_id!r} must be usable as one directory name")


def _write_views(views: dict[str, pl.DataFrame], view_dir: Path) -> None:
    """Write each validation frame as ``<table>.parquet`` (replacing a previous attempt)."""
    if view_dir.exists():
        shutil.rmtree(view_dir)
    view_dir.mkdir(parents=True)
    for table, frame in views.items():
        pq.write_table(frames.to_arrow(frame), view_dir / f"{table}.parquet")


def _prune_views(views_root: Path, keep: str) -> None:
    """Delete the view directories of all but the newest KEEP_VIEW_RUNS older runs."""
    older = sorted(
        (d for d in views_root.iterdir() if d.is_dir() and d.name != keep),
        key=lambda d: d.stat().st_mtime,
        reverse=True,
    )
    for stale in older[KEEP_VIEW_RUNS:]:
        shutil.rmtree(stale)


def _context(reports_dir: Path, docs_dir: Path) -> AbstractDataContext:
    """The file-backed GX context in ``reports_dir/gx``, configured (idempotently) with one
    local Data Docs site in ``docs_dir`` and no progress bars."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=reports_dir)
    site_config: dict[str, Any] = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir),
        },
        # The index lists (and loads) only the newest results, so its build time stays flat.
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "validation_results_limit": DATA_DOCS_INDEX_RUNS * (len(frames.VALIDATED_TABLES) + 1),
        },
    }
    sites = context.list_data_docs_sites()
    for name in [name for name in sites if name != DATA_DOCS_SITE]:
        context.delete_data_docs_site(name)  # e.g. GX's default site under gx/uncommitted
    if DATA_DOCS_SITE not in sites:
        context.add_data_docs_site(DATA_DOCS_SITE, site_config)  # type: ignore[arg-type]
    elif sites[DATA_DOCS_SITE] != site_config:
        context.update_data_docs_site(DATA_DOCS_SITE, site_config)  # type: ignore[arg-type]
    bars = context.variables.progress_bars  # a ProgressBarsConfig, or a dict once reloaded
    flags = dict(bars) if isinstance(bars, dict) else vars(bars) if bars is not None else {}
    if flags.get("globally", True) or flags.get("metric_calculations", True):
        context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        context.variables.save()
    return context


def _row_condition(where: Mapping[str, str]) -> Any:
    """GX row condition: every column of ``where`` equals its value."""
    from great_expectations.expectations.row_conditions import AndCondition, Column

    conditions = [Column(column) == value for column, value in where.items()]
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else AndCondition(conditions=conditions)


def _expectation(spec: ExpectationSpec) -> Any:
    """The GX core expectation of ``spec``, tagged with its meta."""
    import great_expectations.expectations as gxe

    cls = getattr(gxe, spec.expectation_type)
    kwargs: dict[str, Any] = {**spec.kwargs, "meta": spec.meta}
    if spec.where:
        kwargs["row_condition"] = _row_condition(spec.where)
    return cls(**kwargs)


def _delete_previous(context: AbstractDataContext, specs: dict[str, SuiteSpec]) -> None:
    """Delete the checkpoint, validation definitions and suites a previous run stored.

    Re-adding is much faster than add_or_update, which matches every new expectation against
    every stored one (quadratic in suite size) to keep expectation ids stable.
    """
    from great_expectations.exceptions import DataContextError

    names = [spec.name for spec in specs.values()]
    deletions = [
        (context.checkpoints.delete, [CHECKPOINT_NAME]),
        (context.validation_definitions.delete, names),
        (context.suites.delete, names),
    ]
    for delete, targets in deletions:
        for name in targets:
            try:
                delete(name)
            except DataContextError:
                pass  # not stored yet


def _run_checkpoint(
    context: AbstractDataContext,
    specs: dict[str, SuiteSpec],
    view_dir: Path,
    run_id: str,
) -> tuple[CheckpointResult, dict[str, int]]:
    """Build data source, suites, validation definitions and the checkpoint; run it.

    Returns the checkpoint result and each expectation id's position in its suite spec.
    """
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    _delete_previous(context, specs)
    datasource = context.data_sources.add_or_update_pandas_filesystem(
        DATASOURCE_NAME, base_directory=view_dir
    )
    definitions = []
    for table, spec in specs.items():
        asset = datasource.add_parquet_asset(table, **frames.PANDAS_READ_OPTIONS)
        batch_definition = asset.add_batch_definition_path(table, f"{table}.parquet")
        suite = gx.ExpectationSuite(
            name=spec.name,
            expectations=[_expectation(e) for e in spec.expectations],
            meta={"table": table},
        )
        definitions.append(
            gx.ValidationDefinition(name=spec.name, data=batch_definition, suite=suite)
        )
    # Adds the validation definitions and their suites too.
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=CHECKPOINT_NAME,
            validation_definitions=definitions,
            actions=[],
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [frames.ROW_ID],
            },
        )
    )
    order = {
        str(expectation.id): position
        for definition in checkpoint.validation_definitions
        for position, expectation in enumerate(definition.suite.expectations)
    }
    result = checkpoint.run(run_id=RunIdentifier(run_name=run_id))
    _build_data_docs(context, result)
    return result, order


def _build_data_docs(context: AbstractDataContext, result: CheckpointResult) -> None:
    """Render the pages of this run's results and suites, then the site index, in one build."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    identifiers: list[Any] = []
    for result_id, suite_result in result.run_results.items():
        identifiers += [result_id, ExpectationSuiteIdentifier(name=suite_result.suite_name)]
    context.build_data_docs(site_names=[DATA_DOCS_SITE], resource_identifiers=identifiers)


def _columns_of(kwargs: dict[str, Any]) -> str | None:
    """The column(s) an expectation is about, comma-separated; None for table expectations."""
    if kwargs.get("column") is not None:
        return str(kwargs["column"])
    pair = [kwargs.get("column_A"), kwargs.get("column_B")]
    if all(pair):
        return ",".join(str(c) for c in pair)
    if kwargs.get("column_list"):
        return ",".join(str(c) for c in kwargs["column_list"])
    return None


def _unexpected_ids(result: dict[str, Any]) -> list[str] | None:
    """Row ids of failing rows (``row_id`` of GX's unexpected_index_list), unique, capped."""
    index_list = result.get("unexpected_index_list")
    if index_list is None:
        return None
    ids: dict[str, None] = {}
    for entry in index_list:
        value = entry.get(frames.ROW_ID) if isinstance(entry, dict) else entry
        if value is not None and value is not pd.NA:
            ids[str(value)] = None
        if len(ids) >= MAX_UNEXPECTED_IDS:
            break
    return list(ids)


def _short(value: Any) -> Any:
    """A JSON-friendly, size-limited copy of ``value`` for ``details``."""
    if isinstance(value, (list, tuple)):
        return [_short(v) for v in value[:DETAIL_VALUES]] + (
            [f"... {len(value) - DETAIL_VALUES} more"] if len(value) > DETAIL_VALUES else []
        )
    if isinstance(value, dict):
        return {str(k): _short(v) for k, v in list(value.items())[:DETAIL_VALUES]}
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar -> Python scalar
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def _details(rule: str, result: dict[str, Any], exception_info: Any) -> str:
    """Short JSON: the rule id, a few unexpected values, the observed value, any exception."""
    details: dict[str, Any] = {"rule": rule}
    if result.get("partial_unexpected_list"):
        details["partial_unexpected"] = _short(result["partial_unexpected_list"])
    if "observed_value" in result:
        details["observed_value"] = _short(result["observed_value"])
    mismatched = (result.get("details") or {}).get("mismatched")
    if mismatched:
        details["mismatched"] = _short(mismatched)
    message = _exception_message(exception_info)
    if message:
        details["exception"] = _short(message)
    return json.dumps(details, default=str, ensure_ascii=False)


def _exception_message(exception_info: Any) -> str | None:
    """The first exception message of a result: GX reports either one exception, or one per
    failed metric (keyed by metric id)."""
    if not isinstance(exception_info, dict):
        return None
    if exception_info.get("raised_exception"):
        return str(exception_info.get("exception_message"))
    for info in exception_info.values():
        if isinstance(info, dict) and info.get("raised_exception"):
            return str(info.get("exception_message"))
    return None


def _results_frame(
    checkpoint_result: CheckpointResult,
    specs: dict[str, SuiteSpec],
    order: dict[str, int],
    run_id: str,
) -> pl.DataFrame:
    """One row per expectation, ordered by table then suite position."""
    table_of = {spec.name: spec.table for spec in specs.values()}
    suite_rank = {spec.name: i for i, spec in enumerate(specs.values())}
    rows: list[dict[str, Any]] = []
    for suite_result in checkpoint_result.run_results.values():
        table = table_of[suite_result.suite_name]
        for er in suite_result.results:
            config = er.expectation_config
            meta = config.meta or {}
            result = dict(er.result or {})
            rows.append(
                {
                    "run_id": run_id,
                    "suite": suite_result.suite_name,
                    "table": table,
                    "expectation_type": config.type,
                    "column": _columns_of(config.kwargs),
                    "severity": meta.get("severity", CRITICAL),
                    "success": bool(er.success),
                    "element_count": result.get("element_count"),
                    "unexpected_count": result.get("unexpected_count"),
                    "unexpected_ids": _unexpected_ids(result),
                    "details": _details(meta.get("rule", ""), result, er.exception_info),
                    "_rank": (suite_rank[suite_result.suite_name], order.get(str(config.id), len(order))),
                }
            )
    rows.sort(key=lambda row: row.pop("_rank"))
    arrow = pa.Table.from_pylist(rows, schema=RESULTS_SCHEMA)
    return pl.from_arrow(arrow)  # type: ignore[return-value]
