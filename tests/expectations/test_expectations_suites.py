"""The suites are derived from SCHEMAS and the vocabularies (no Great Expectations needed)."""

from __future__ import annotations

import pytest

from expectations import frames
from expectations.suites import CRITICAL, WARNING, suite_specs, vocabulary_columns
from transform.reference_data import vocabularies
from warehouse.schema import ID_COLUMNS, SCHEMAS, SPAN_TABLES

SPECS = suite_specs(reference_year=2024)


def _rules(table: str) -> list[tuple[str, str | None]]:
    return [(e.rule, e.kwargs.get("column")) for e in SPECS[table].expectations]


def test_one_suite_per_validated_table() -> None:
    # plus the consistency suite over the checks table (failing rows = fail verdicts)
    assert set(SPECS) == set(frames.VALIDATED_TABLES) | {"consistency"}
    assert SPECS["consistency"].table == "checks"
    assert "runs" not in SPECS and "validation_results" not in SPECS
    assert len({spec.name for spec in SPECS.values()}) == len(SPECS)


@pytest.mark.parametrize("table", frames.VALIDATED_TABLES)
def test_schema_rules_cover_every_column(table: str) -> None:
    rules = _rules(table)
    schema = SCHEMAS[table]
    for schema_field in schema:
        assert ("column_dtype", schema_field.name) in rules
        assert (("not_null", schema_field.name) in rules) == (not schema_field.nullable)
    assert ("id_unique", ID_COLUMNS[table]) in rules
    (column_set,) = [e for e in SPECS[table].expectations if e.rule == "columns_match_schema"]
    assert set(column_set.kwargs["column_set"]) == {*schema.names, *frames.derived_columns(table)}
    assert (("span_provenance", frames.SPAN_MATCHES) in rules) == (table in SPAN_TABLES)


def test_every_vocabulary_is_checked_on_its_column() -> None:
    mapping = vocabulary_columns()
    assert mapping[("figures", "unit")] == vocabularies().unit
    assert mapping[("periods", "kind")] == vocabularies().period_kind
    assert mapping[("checks", "kind")] == vocabularies().check_kind
    assert mapping[("documents", "status")] == vocabularies().document_status
    assert mapping[("group_mentions", "la_type")] == mapping[("authority_mentions", "la_type")]
    # all but "version"; la_type is checked on both mention tables, unit and direction on
    # figures and claims
    assert mapping[("claims", "kind")] == vocabularies().claim_kind
    assert len(mapping) == len(vocabularies().model_dump()) - 1 + 1 + 2
    for (table, column), values in mapping.items():
        (spec,) = [e for e in SPECS[table].expectations
                   if e.rule == "vocabulary" and e.kwargs["column"] == column]
        assert spec.kwargs["value_set"] == list(values) and spec.severity == CRITICAL


def test_every_expectation_is_tagged() -> None:
    for spec in SPECS.values():
        for expectation in spec.expectations:
            assert expectation.meta.keys() == {"severity", "rule", "description"}
            assert expectation.severity in (CRITICAL, WARNING)
            assert expectation.rule and expectation.description
            assert expectation.expectation_type.startswith("Expect")


def test_document_anomalies_are_warnings_and_bounds_follow_reference_year() -> None:
    warnings = {e.rule for s in SPECS.values() for e in s.expectations if e.severity == WARNING}
    assert warnings == {"percent_level_range", "percent_decrease_range", "range_max_not_below_min",
                        "period_year_plausible", "fiscal_years_consecutive", "consistency_claims_add_up",
                        "inspection_published_after_end", "inspection_council_resolves",
                        "judgement_grade_fits_framework", "judgement_restated_agrees"}
    periods = suite_specs(2030)["periods"].expectations
    years = [e for e in periods if e.rule == "period_year_plausible"]
    assert {(e.kwargs["min_value"], e.kwargs["max_value"]) for e in years} == {(1900, 2040)}
