"""Expectation suites in code: one per validated table, derived from SCHEMAS and the vocabularies.

Suites are plain data here (:class:`ExpectationSpec`), so they can be read and tested without
importing Great Expectations; :mod:`expectations.run` turns them into GX objects. Every
expectation carries meta ``{"severity", "rule", "description"}``:

- ``critical``: the pipeline produced something malformed (schema, types, nulls, ids,
  vocabularies, spans that are not the text they point at); the run must not be published.
- ``warning``: the documents say something odd (a 140 % share, a "2015/17" fiscal year);
  worth a look, not a pipeline bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from expectations import frames
from transform.figure_context import SUBJECT_KINDS
from transform.reference_data import Vocabularies, vocabularies
from warehouse.schema import ID_COLUMNS, SCHEMAS, SPAN_TABLES

Severity = Literal["critical", "warning"]
CRITICAL: Severity = "critical"
WARNING: Severity = "warning"

SUITE_PREFIX = "csfacts_"

MIN_PLAUSIBLE_YEAR = 1900
# Periods may look this many years past the reference year (targets, plans) before warning.
MAX_YEARS_AHEAD = 10
PERCENT_BOUNDS = (0, 100)


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation: a GX core class name, its arguments and its tags.

    ``where`` is a row condition: the expectation only sees rows whose columns equal these
    values (all of them).
    """

    expectation_type: str
    kwargs: Mapping[str, Any]
    severity: Severity
    rule: str
    description: str
    where: Mapping[str, str] = field(default_factory=dict)

    @property
    def meta(self) -> dict[str, str]:
        """The meta GX stores with the expectation (and Data Docs show)."""
        return {"severity": self.severity, "rule": self.rule, "description": self.description}


@dataclass(frozen=True)
class SuiteSpec:
    """The expectations of one table."""

    name: str
    table: str
    expectations: tuple[ExpectationSpec, ...]


def suite_name(table: str) -> str:
    """GX suite name of ``table`` (also its validation definition name)."""
    return f"{SUITE_PREFIX}{table}"


def vocabulary_columns(vocab: Vocabularies | None = None) -> dict[tuple[str, str], tuple[str, ...]]:
    """(table, column) -> allowed values, matched from the vocabulary field names.

    A vocabulary named like a column applies to every table with that column (``unit``,
    ``rating``, ...); ``<entity>_<column>`` applies to column ``<column>`` of table
    ``<entity>s`` (``period_kind`` -> periods.kind, ``document_status`` -> documents.status).
    Raises if a vocabulary matches no column, so a new vocabulary cannot be silently unused.
    """
    vocab = vocab or vocabularies()
    mapping: dict[tuple[str, str], tuple[str, ...]] = {}
    for name, values in vocab.model_dump().items():
        if name == "version":
            continue
        targets = [(t, name) for t in frames.VALIDATED_TABLES if name in SCHEMAS[t].names]
        if not targets and "_" in name:
            entity, column = name.split("_", 1)
            table = f"{entity}s"
            if table in SCHEMAS and column in SCHEMAS[table].names:
                targets = [(table, column)]
        if not targets:
            raise ValueError(f"vocabulary {name!r} matches no warehouse column")
        for target in targets:
            mapping[target] = tuple(values)
    return mapping


def _schema_expectations(table: str) -> list[ExpectationSpec]:
    """Critical: exact column set, dtype per column, not-null per required field, unique id."""
    schema = SCHEMAS[table]
    specs = [
        ExpectationSpec(
            "ExpectTableColumnsToMatchSet",
            {
                "column_set": [*schema.names, *frames.derived_columns(table)],
                "exact_match": True,
            },
            CRITICAL,
            "columns_match_schema",
            f"{table} has exactly the columns of its schema (plus the derived check columns)",
        )
    ]
    dtypes = frames.expected_pandas_dtypes(table)
    for column in schema.names:
        if frames.is_list_column(table, column):
            # pandas cannot parse a nested ArrowDtype name, so only the list kind is checked.
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToBeOfType",
                    {"column": column, "type_": "list"},
                    CRITICAL,
                    "column_dtype",
                    f"{table}.{column} is a list column ({dtypes[column]})",
                )
            )
        else:
            specs.append(
                ExpectationSpec(
                    "ExpectColumnTypeToBe",
                    {"column": column, "type_": dtypes[column]},
                    CRITICAL,
                    "column_dtype",
                    f"{table}.{column} has pandas dtype {dtypes[column]}",
                )
            )
    for schema_field in schema:
        if not schema_field.nullable:
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToNotBeNull",
                    {"column": schema_field.name},
                    CRITICAL,
                    "not_null",
                    f"{table}.{schema_field.name} is required",
                )
            )
    id_column = ID_COLUMNS.get(table)
    if id_column:
        specs.append(
            ExpectationSpec(
                "ExpectColumnValuesToBeUnique",
                {"column": id_column},
                CRITICAL,
                "id_unique",
                f"{table}.{id_column} identifies one row",
            )
        )
    return specs


def _vocabulary_expectations(table: str) -> list[ExpectationSpec]:
    """Critical: controlled-vocabulary columns hold only known values."""
    return [
        ExpectationSpec(
            "ExpectColumnValuesToBeInSet",
            {"column": column, "value_set": list(values)},
            CRITICAL,
            "vocabulary",
            f"{table}.{column} is in the controlled vocabulary",
        )
        for (vocab_table, column), values in vocabulary_columns().items()
        if vocab_table == table
    ]


def _span_expectations(table: str) -> list[ExpectationSpec]:
    """Critical: 0 <= start < end, and text is exactly documents.text[start:end]."""
    if table not in SPAN_TABLES:
        return []
    return [
        ExpectationSpec(
            "ExpectColumnValuesToBeBetween",
            {"column": "start", "min_value": 0},
            CRITICAL,
            "span_start_non_negative",
            f"{table}.start is a non-negative offset",
        ),
        ExpectationSpec(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {
                "column_A": "end",
                "column_B": "start",
                "or_equal": False,
                "ignore_row_if": "either_value_is_missing",
            },
            CRITICAL,
            "span_end_after_start",
            f"{table}.end is after {table}.start",
        ),
        ExpectationSpec(
            "ExpectColumnValuesToBeInSet",
            {"column": frames.SPAN_MATCHES, "value_set": [True]},
            CRITICAL,
            "span_provenance",
            f"{table}.text equals documents.text[start:end] of its document",
        ),
    ]


def _figure_expectations() -> list[ExpectationSpec]:
    low, high = PERCENT_BOUNDS
    return [
        ExpectationSpec(
            "ExpectColumnValuesToBeInSet",
            {"column": "subject_kind", "value_set": list(SUBJECT_KINDS)},
            CRITICAL,
            "subject_kind_vocabulary",
            "figures.subject_kind is authority or group (or null when no subject was found)",
        ),
        ExpectationSpec(
            "ExpectColumnValuesToBeBetween",
            {"column": "value", "min_value": low, "max_value": high},
            WARNING,
            "percent_level_range",
            f"a percentage level lies within {low}..{high}",
            where={"unit": "percent", "role": "level"},
        ),
        ExpectationSpec(
            "ExpectColumnValuesToBeBetween",
            {"column": "value", "min_value": -high, "max_value": high},
            WARNING,
            "percent_decrease_range",
            f"a percentage decrease is at most {high} in absolute value",
            where={"unit": "percent", "role": "change", "direction": "decrease"},
        ),
        ExpectationSpec(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {
                "column_A": "value_max",
                "column_B": "value",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            WARNING,
            "range_max_not_below_min",
            "a range's value_max is not below its value",
        ),
    ]


def _period_expectations(reference_year: int) -> list[ExpectationSpec]:
    latest = reference_year + MAX_YEARS_AHEAD
    return [
        ExpectationSpec(
            "ExpectColumnValuesToBeInSet",
            {"column": frames.DATES_ORDERED, "value_set": [True]},
            CRITICAL,
            "period_dates_ordered",
            "start_date is not after end_date where both are known",
        ),
        *(
            ExpectationSpec(
                "ExpectColumnValuesToBeBetween",
                {"column": column, "min_value": MIN_PLAUSIBLE_YEAR, "max_value": latest},
                WARNING,
                "period_year_plausible",
                f"the year of {column.replace('_year', '_date')} is within "
                f"{MIN_PLAUSIBLE_YEAR}..{latest}",
            )
            for column in (frames.START_YEAR, frames.END_YEAR)
        ),
        ExpectationSpec(
            "ExpectColumnValuesToBeInSet",
            {"column": frames.FISCAL_YEARS_CONSECUTIVE, "value_set": [True]},
            WARNING,
            "fiscal_years_consecutive",
            'a fiscal year written "YYYY/YY" spans consecutive years',
        ),
    ]


def _document_expectations() -> list[ExpectationSpec]:
    return [
        ExpectationSpec(
            "ExpectColumnValuesToNotBeNull",
            {"column": "reason"},
            CRITICAL,
            "quarantine_has_reason",
            "a quarantined document says why",
            where={"status": "quarantined"},
        )
    ]


def _inspection_expectations() -> list[ExpectationSpec]:
    return [
        ExpectationSpec(
            "ExpectColumnValuesToBeInSet",
            {"column": frames.INSPECTION_DATES_ORDERED, "value_set": [True]},
            CRITICAL,
            "inspection_dates_ordered",
            "an inspection's start date is not after its end date (both read from one 'Inspection dates' line)",
        ),
        ExpectationSpec(
            "ExpectColumnValuesToBeInSet",
            {"column": frames.PUBLISHED_AFTER_END, "value_set": [True]},
            WARNING,
            "inspection_published_after_end",
            "a report is published on or after the last day of its inspection",
        ),
        ExpectationSpec(
            "ExpectColumnValuesToNotBeNull",
            {"column": "gss_code"},
            WARNING,
            "inspection_council_resolves",
            "each report's council resolves to a GSS code (a trust or a pre-2021 council name may not)",
        ),
    ]


def _judgement_expectations() -> list[ExpectationSpec]:
    return [
        ExpectationSpec(
            "ExpectColumnValuesToBeInSet",
            {"column": frames.JUDGEMENT_UNIQUE, "value_set": [True]},
            CRITICAL,
            "judgement_one_grade_per_area",
            "one judgement-table grade per area per report",
        ),
        ExpectationSpec(
            "ExpectColumnValuesToBeInSet",
            {"column": frames.GRADE_FITS_FRAMEWORK, "value_set": [True]},
            WARNING,
            "judgement_grade_fits_framework",
            "a judgement's grade is one its framework uses ('adequate' only before 2013, 'requires improvement' after)",
        ),
        ExpectationSpec(
            "ExpectColumnValuesToBeInSet",
            {"column": frames.RESTATED_AGREES, "value_set": [True]},
            WARNING,
            "judgement_restated_agrees",
            "cross_reference: a judgement restated in the report's body equals the judgement table's grade",
        ),
    ]


def suite_spec(table: str, reference_year: int) -> SuiteSpec:
    """The suite of ``table``; ``reference_year`` bounds plausible period years."""
    if table not in frames.VALIDATED_TABLES:
        raise ValueError(f"no suite for table {table!r}; expected one of {frames.VALIDATED_TABLES}")
    specs = [
        *_schema_expectations(table),
        *_vocabulary_expectations(table),
        *_span_expectations(table),
    ]
    if table == "documents":
        specs += _document_expectations()
    if table == "figures":
        specs += _figure_expectations()
    if table == "periods":
        specs += _period_expectations(reference_year)
    if table == "inspections":
        specs += _inspection_expectations()
    if table == "ratings":
        specs += _judgement_expectations()
    return SuiteSpec(name=suite_name(table), table=table, expectations=tuple(specs))


CONSISTENCY_SUITE = "consistency"
PASSING_VERDICTS = ("pass", "unverifiable")


def consistency_suite() -> SuiteSpec:
    """The ``consistency`` suite over the checks table: its failing rows are exactly the checks
    whose verdict is fail (row ids = check_id).

    Severity warning: a claim that does not add up is a finding about a source document (the
    pipeline did its job by finding it), not a pipeline failure, so it never blocks publishing.
    The findings page (reports/findings.html) shows each one with its sentences.
    """
    return SuiteSpec(
        name=suite_name(CONSISTENCY_SUITE),
        table="checks",
        expectations=(
            ExpectationSpec(
                "ExpectColumnValuesToBeInSet",
                {"column": "verdict", "value_set": list(PASSING_VERDICTS)},
                WARNING,
                "consistency_claims_add_up",
                "every consistency check of the documents' numbers passes or is unverifiable "
                "(failing rows: claims that do not add up, listed on the findings page)",
            ),
        ),
    )


def suite_specs(
    reference_year: int, tables: tuple[str, ...] = frames.VALIDATED_TABLES
) -> dict[str, SuiteSpec]:
    """Suites of ``tables`` keyed by table name, plus ``consistency`` when checks are validated."""
    specs = {table: suite_spec(table, reference_year) for table in tables}
    if "checks" in tables:
        specs[CONSISTENCY_SUITE] = consistency_suite()
    return specs
