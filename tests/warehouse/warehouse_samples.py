"""Small synthetic warehouse tables for the storage and merge tests (and their child processes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import polars as pl
import pyarrow as pa

from warehouse.schema import SCHEMAS

UTC = dt.UTC


def frame(table: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    """A Polars frame of `table` built from row dicts with the table's exact schema."""
    result = pl.from_arrow(pa.Table.from_pylist(rows, schema=SCHEMAS[table]))
    assert isinstance(result, pl.DataFrame)
    return result


def document_batch(
    doc_ids: Iterable[str],
    gen: int = 0,
    run_id: str | None = None,
    paths: Mapping[str, str] | None = None,
) -> dict[str, pl.DataFrame]:
    """Every table's rows for `doc_ids` as processed by generation `gen`, plus logs of `run_id`.

    Generation changes values and the number of figures, so old and new rows of a document differ.
    """
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in SCHEMAS}
    for doc in doc_ids:
        text = f"Kent had {gen} children in care in 202{gen}. gen {gen}"
        sentence = f"{doc}-s{gen}"
        span = {"doc_id": doc, "start": 0, "end": 4, "text": text[:4]}
        rows["documents"].append(
            {
                "doc_id": doc,
                "source_name": f"{doc}.txt",
                "text": text,
                "n_chars": len(text),
                "media_type": "text/plain",
                "status": "ok",
                "encoding": "utf-8",
                "extractor": None if gen % 2 else "plain",
                "n_pages": None,
                "page_starts": [0] if gen % 2 else None,
                "reason": None,
            }
        )
        rows["source_files"].append(
            {
                "source_path": (paths or {}).get(doc, f"inbox/{doc}.txt"),
                "source_name": f"{doc}.txt",
                "doc_id": doc,
                "size_bytes": 100 + gen,
                "status": "ok",
                "reason": None,
            }
        )
        rows["sentences"].append({"sentence_id": sentence, **span})
        for i in range(1 + gen % 3):
            rows["figures"].append(
                {
                    "figure_id": f"{doc}-f{gen}-{i}",
                    **span,
                    "value": gen * 10.0 + i,
                    "value_max": None if i else 99.5,
                    "unit": "count",
                    "approx": None,
                    "role": "total",
                    "direction": "up" if i else None,
                    "rule_id": "figure.count",
                    "sentence_id": sentence,
                }
            )
        rows["periods"].append(
            {
                "period_id": f"{doc}-p{gen}",
                **span,
                "kind": "year",
                "start_date": dt.date(2020 + gen, 1, 1),
                "end_date": None,
                "rule_id": "period.year",
                "sentence_id": sentence,
            }
        )
        rows["authority_mentions"].append(
            {
                "mention_id": f"{doc}-m{gen}",
                **span,
                "canonical": "Kent",
                "gss_code": "E10000016",
                "la_type": "county",
                "rule_id": "authority.name",
                "sentence_id": None,
            }
        )
        rows["group_mentions"].append(
            {
                "mention_id": f"{doc}-g{gen}",
                **span,
                "canonical": "counties",
                "la_type": "other",
                "rule_id": "group.type",
                "sentence_id": sentence,
            }
        )
        rows["ratings"].append(
            {
                "rating_id": f"{doc}-r{gen}",
                **span,
                "authority": "Kent",
                "gss_code": None,
                "rating": "good",
                "when": f"202{gen}",
                "rule_id": "rating.word",
                "sentence_id": sentence,
            }
        )
        rows["inspections"].append(
            {
                "inspection_id": f"{doc}-i{gen}",
                **span,
                "authority": "Kent",
                "gss_code": "E10000016",
                "framework": "ilacs_standard",
                "inspection_start": dt.date(2020 + gen, 1, 6),
                "inspection_end": dt.date(2020 + gen, 1, 17),
                "publication_date": None,
                "lead_inspector": None,
                "report_type": "inspection",
                "inspection_type": "standard",
                "publication_source": None,
                "rule_id": "inspection.title",
                "n_judgements": gen,
            }
        )
        rows["claims"].append(
            {
                "claim_id": f"{doc}-k{gen}",
                **span,
                "kind": "level",
                "figure_ids": [f"{doc}-f{gen}-0"],
                "main_figure_id": f"{doc}-f{gen}-0",
                "change_figure_id": None,
                "from_figure_id": None,
                "to_figure_id": None,
                "context_figure_ids": [],
                "unit": "count",
                "direction": None,
                "subject": "E10000016",
                "metric": "children in care",
                "measure": "looked_after_children",
                "period_id": f"{doc}-p{gen}",
                "comparison_cue": None,
                "comparison_target": None,
                "sentence_id": sentence,
            }
        )
        rows["checks"].append(
            {
                "check_id": f"{doc}-c{gen}",
                "kind": "sum",
                "doc_ids": [doc],
                "figure_ids": [f"{doc}-f{gen}-0"],
                "verdict": "pass",
                "computed": float(gen),
                "tolerance": None,
                "explanation": f"gen {gen}",
            }
        )
    if run_id is not None:
        start = dt.datetime(2026, 1, 1, 12, 0, gen, tzinfo=UTC)
        counts = {
            name: len(rows[name])
            for name in ("figures", "periods", "authority_mentions", "ratings", "checks")
        }
        rows["runs"].append(
            {
                "run_id": run_id,
                "started_at": start,
                "finished_at": start + dt.timedelta(seconds=5),
                "n_inputs": len(rows["documents"]),
                "n_documents": len(rows["documents"]),
                "n_quarantined": 0,
                **{f"n_{k}": v for k, v in counts.items()},
                "n_expectations": 2,
                "n_failed_critical": 0,
                "n_failed_warning": gen % 2,
                "outcome": "published",
                "published": True,
                "report_path": None,
                "contract_version": "1",
            }
        )
        for column in ("doc_id", None):
            rows["validation_results"].append(
                {
                    "run_id": run_id,
                    "suite": "figures",
                    "table": "figures",
                    "expectation_type": "expect_column_values_to_not_be_null",
                    "column": column,
                    "severity": "critical",
                    "success": True,
                    "element_count": 3,
                    "unexpected_count": 0,
                    "unexpected_ids": [] if column else None,
                    "details": None,
                }
            )
    return {name: frame(name, table_rows) for name, table_rows in rows.items()}


def changed_tables(gen: int) -> dict[str, pl.DataFrame]:
    """The tables the atomicity tests rewrite in each version (the rest are hard-linked)."""
    batch = document_batch(["a", "b", "c"], gen=gen, run_id="run-0")
    return {name: batch[name] for name in CHANGED}


CHANGED = ("documents", "figures", "runs")
