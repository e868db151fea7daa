"""Arrow schemas of every warehouse table: the one place column names and types are fixed.

The contract tables (../shared/design/warehouse-contract.md) keep their required columns
first; extra columns follow. Every file of a table is written with exactly this schema,
so `pl.scan_parquet(".../<table>/**/*.parquet", hive_partitioning=True)` needs no options.
"""

from __future__ import annotations

import pyarrow as pa

STR = pa.string()
INT = pa.int64()
FLOAT = pa.float64()
DATE = pa.date32()
TS = pa.timestamp("us", tz="UTC")
STR_LIST = pa.list_(pa.string())


def _schema(*fields: tuple[str, pa.DataType, bool]) -> pa.Schema:
    return pa.schema([pa.field(name, typ, nullable=nullable) for name, typ, nullable in fields])


SPAN = [("start", INT, False), ("end", INT, False), ("text", STR, False)]

SCHEMAS: dict[str, pa.Schema] = {
    "documents": _schema(
        ("doc_id", STR, False),
        ("source_name", STR, False),
        ("text", STR, False),
        ("n_chars", INT, False),
        ("media_type", STR, False),
        ("status", STR, False),
        ("encoding", STR, True),
        ("extractor", STR, True),
        ("n_pages", INT, True),
        ("page_starts", pa.list_(INT), True),
        ("reason", STR, True),
    ),
    "source_files": _schema(
        ("source_path", STR, False),
        ("source_name", STR, False),
        ("doc_id", STR, False),
        ("size_bytes", INT, False),
        ("status", STR, False),
        ("reason", STR, True),
    ),
    "sentences": _schema(
        ("sentence_id", STR, False),
        ("doc_id", STR, False),
        *SPAN,
    ),
    "figures": _schema(
        ("figure_id", STR, False),
        ("doc_id", STR, False),
        *SPAN,
        ("value", FLOAT, False),
        ("value_max", FLOAT, True),
        ("unit", STR, False),
        ("approx", STR, True),
        ("role", STR, False),
        ("direction", STR, True),
        ("rule_id", STR, False),
        ("sentence_id", STR, True),
        # Figure context (transform/figure_context.py): what the number measures, whom it is
        # about (a council's GSS code or a group's canonical name) and the period scoping it.
        ("metric", STR, True),
        ("metric_rule_id", STR, True),
        ("subject", STR, True),
        ("subject_kind", STR, True),
        ("period_id", STR, True),
    ),
    "periods": _schema(
        ("period_id", STR, False),
        ("doc_id", STR, False),
        *SPAN,
        ("kind", STR, False),
        ("start_date", DATE, True),
        ("end_date", DATE, True),
        ("rule_id", STR, False),
        ("sentence_id", STR, True),
    ),
    "authority_mentions": _schema(
        ("mention_id", STR, False),
        ("doc_id", STR, False),
        *SPAN,
        ("canonical", STR, False),
        ("gss_code", STR, True),
        ("la_type", STR, True),
        ("rule_id", STR, False),
        ("sentence_id", STR, True),
    ),
    "group_mentions": _schema(
        ("mention_id", STR, False),
        ("doc_id", STR, False),
        *SPAN,
        ("canonical", STR, False),
        ("la_type", STR, False),
        ("rule_id", STR, False),
        ("sentence_id", STR, True),
    ),
    "ratings": _schema(
        ("rating_id", STR, False),
        ("doc_id", STR, False),
        *SPAN,
        ("authority", STR, False),
        ("gss_code", STR, True),
        ("rating", STR, False),
        ("when", STR, True),
        ("rule_id", STR, False),
        ("sentence_id", STR, True),
        # Judgements of inspection reports (transform/inspections.py; contract v2): the area judged,
        # the report (inspections.inspection_id), whether the row is the report's judgement ('table')
        # or a restatement of it in the body ('restated'), and the area's label as printed.
        ("judgement_area", STR, True),
        ("inspection_id", STR, True),
        ("judgement_source", STR, True),
        ("judgement_label", STR, True),
    ),
    # One row per inspection report (contract v2); span = the title words that name the framework.
    "inspections": _schema(
        ("inspection_id", STR, False),
        ("doc_id", STR, False),
        ("authority", STR, True),
        ("gss_code", STR, True),
        ("framework", STR, False),
        ("inspection_start", DATE, True),
        ("inspection_end", DATE, True),
        ("publication_date", DATE, True),
        ("lead_inspector", STR, True),
        ("report_type", STR, False),
        ("inspection_type", STR, True),
        ("publication_source", STR, True),
        *SPAN,
        ("rule_id", STR, False),
        # evidence of each field: its span in documents.text
        ("authority_start", INT, True),
        ("authority_end", INT, True),
        ("dates_start", INT, True),
        ("dates_end", INT, True),
        ("publication_start", INT, True),
        ("publication_end", INT, True),
        ("lead_inspector_start", INT, True),
        ("lead_inspector_end", INT, True),
        ("n_judgements", INT, False),
    ),
    # Claims (transform/claims.py): figures grouped into the statements they make.
    "claims": _schema(
        ("claim_id", STR, False),
        ("doc_id", STR, False),
        *SPAN,
        ("kind", STR, False),
        ("figure_ids", STR_LIST, False),
        ("main_figure_id", STR, False),
        ("change_figure_id", STR, True),
        ("from_figure_id", STR, True),
        ("to_figure_id", STR, True),
        ("context_figure_ids", STR_LIST, True),
        ("unit", STR, True),
        ("direction", STR, True),
        ("subject", STR, True),
        ("metric", STR, True),
        ("measure", STR, True),
        ("period_id", STR, True),
        ("comparison_cue", STR, True),
        ("comparison_target", STR, True),
        ("sentence_id", STR, True),
    ),
    "checks": _schema(
        ("check_id", STR, False),
        ("kind", STR, False),
        ("doc_ids", STR_LIST, False),
        ("figure_ids", STR_LIST, False),
        ("verdict", STR, False),
        ("computed", FLOAT, True),
        ("tolerance", STR, True),
        ("explanation", STR, False),
        # Consistency checks (transform/checks/): the rule that found the relation, the stated
        # number, the computed interval, and where to read it.
        ("rule_id", STR, True),
        ("stated", FLOAT, True),
        ("computed_low", FLOAT, True),
        ("computed_high", FLOAT, True),
        ("sentence_ids", STR_LIST, True),
        ("period_ids", STR_LIST, True),
        ("claim_ids", STR_LIST, True),
        ("figure_texts", STR_LIST, True),
    ),
    "runs": _schema(
        ("run_id", STR, False),
        ("started_at", TS, False),
        ("finished_at", TS, False),
        ("n_inputs", INT, False),
        ("n_documents", INT, False),
        ("n_quarantined", INT, False),
        ("n_figures", INT, False),
        ("n_periods", INT, False),
        ("n_authority_mentions", INT, False),
        ("n_ratings", INT, False),
        ("n_checks", INT, False),
        ("n_expectations", INT, False),
        ("n_failed_critical", INT, False),
        ("n_failed_warning", INT, False),
        ("outcome", STR, False),
        ("published", pa.bool_(), False),
        ("report_path", STR, True),
        ("contract_version", STR, False),
    ),
    "validation_results": _schema(
        ("run_id", STR, False),
        ("suite", STR, False),
        ("table", STR, False),
        ("expectation_type", STR, False),
        ("column", STR, True),
        ("severity", STR, False),
        ("success", pa.bool_(), False),
        ("element_count", INT, True),
        ("unexpected_count", INT, True),
        ("unexpected_ids", STR_LIST, True),
        ("details", STR, True),
    ),
}

# Tables whose content is a function of the input documents alone (identical on a rerun).
CONTENT_TABLES = (
    "documents",
    "source_files",
    "sentences",
    "figures",
    "periods",
    "authority_mentions",
    "group_mentions",
    "ratings",
    "inspections",
    "claims",
    "checks",
)
# Append-only run logs.
LOG_TABLES = ("runs", "validation_results")

# Id column of each table (unique per table); None for log tables keyed by several columns.
ID_COLUMNS: dict[str, str | None] = {
    "documents": "doc_id",
    "source_files": "source_path",
    "sentences": "sentence_id",
    "figures": "figure_id",
    "periods": "period_id",
    "authority_mentions": "mention_id",
    "group_mentions": "mention_id",
    "ratings": "rating_id",
    "inspections": "inspection_id",
    "claims": "claim_id",
    "checks": "check_id",
    "runs": "run_id",
    "validation_results": None,
}

# Tables whose rows carry a span into documents.text.
SPAN_TABLES = ("sentences", "figures", "periods", "authority_mentions", "group_mentions", "ratings", "inspections", "claims")
