"""validate_tables end to end with real Great Expectations (one shared set of runs: GX is slow)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from validation_cases import critical_tables, valid_tables, warning_tables

from expectations.run import ValidationOutcome, validate_tables
from expectations.suites import suite_specs
from warehouse.schema import SCHEMAS, SPAN_TABLES

REFERENCE_YEAR = 2024


@pytest.fixture(scope="module")
def reports_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def outcomes(
    reports_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, ValidationOutcome]:
    """Three runs into the same reports_dir (so also: running again works), from an empty cwd."""
    cwd = tmp_path_factory.mktemp("cwd")
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        runs = {
            "valid": valid_tables(),
            "warnings": warning_tables(),
            "critical": critical_tables(),
        }
        out = {
            name: validate_tables(tables, reports_dir, f"run-{name}", REFERENCE_YEAR)
            for name, tables in runs.items()
        }
    finally:
        os.chdir(previous)
    assert list(cwd.iterdir()) == []  # nothing written outside reports_dir
    return out


def failures(outcome: ValidationOutcome, table: str, rule: str) -> pl.DataFrame:
    rules = outcome.results["details"].map_elements(
        lambda details: json.loads(details)["rule"], return_dtype=pl.String
    )
    return outcome.results.filter((pl.col("table") == table) & (rules == rule) & ~pl.col("success"))


def failed_ids(outcome: ValidationOutcome, table: str, rule: str) -> set[str]:
    lists = failures(outcome, table, rule)["unexpected_ids"].to_list()
    return {row_id for ids in lists for row_id in ids or []}


def test_results_have_the_validation_results_schema(outcomes: dict[str, ValidationOutcome]) -> None:
    expected = pl.from_arrow(SCHEMAS["validation_results"].empty_table()).schema
    n_expectations = sum(len(s.expectations) for s in suite_specs(REFERENCE_YEAR).values())
    for outcome in outcomes.values():
        assert outcome.results.schema == expected
        assert outcome.results.height == n_expectations
        for details in outcome.results["details"]:
            assert "rule" in json.loads(details)
    assert set(outcomes["valid"].results["run_id"]) == {"run-valid"}


def test_valid_tables_pass_everything(outcomes: dict[str, ValidationOutcome]) -> None:
    outcome = outcomes["valid"]
    failed = outcome.results.filter(~pl.col("success"))
    assert failed.is_empty(), failed.select("table", "column", "details").rows()
    assert outcome.success_critical and outcome.n_failed_critical == outcome.n_failed_warning == 0
    assert set(outcome.results["severity"]) == {"critical", "warning"}
    provenance = outcome.results.filter(pl.col("column") == "span_matches")
    assert provenance.height == len(SPAN_TABLES) and provenance["element_count"].min() >= 1


def test_document_anomalies_are_warnings_only(outcomes: dict[str, ValidationOutcome]) -> None:
    outcome = outcomes["warnings"]
    assert outcome.success_critical and outcome.n_failed_critical == 0
    # the third: a claim that does not add up (consistency); then four about inspection reports
    assert outcome.n_failed_warning == 7
    assert failed_ids(outcome, "figures", "percent_level_range") == {"f-140"}
    assert failed_ids(outcome, "ratings", "judgement_restated_agrees") == {"r-j3"}
    assert failed_ids(outcome, "ratings", "judgement_grade_fits_framework") == {"r-j4"}
    assert failed_ids(outcome, "inspections", "inspection_published_after_end") == {"ins-2"}
    assert failed_ids(outcome, "inspections", "inspection_council_resolves") == {"ins-2"}
    (row,) = failures(outcome, "figures", "percent_level_range").iter_rows(named=True)
    assert row["severity"] == "warning" and row["unexpected_count"] == 1
    assert json.loads(row["details"])["partial_unexpected"] == [140.0]
    assert failed_ids(outcome, "periods", "fiscal_years_consecutive") == {"p-2015-17"}


@pytest.mark.parametrize(
    ("table", "rule", "row_id"),
    [
        ("figures", "span_provenance", "f-bad-span"),
        ("figures", "id_unique", "f-dup"),
        ("figures", "vocabulary", "f-unit"),
        ("periods", "period_dates_ordered", "p-reversed"),
        ("documents", "quarantine_has_reason", "doc-q"),
        ("ratings", "judgement_one_grade_per_area", "r-jdup"),
        ("inspections", "inspection_dates_ordered", "ins-rev"),
    ],
)
def test_pipeline_bugs_are_critical(
    outcomes: dict[str, ValidationOutcome], table: str, rule: str, row_id: str
) -> None:
    outcome = outcomes["critical"]
    found = failures(outcome, table, rule)
    assert set(found["severity"]) == {"critical"}
    assert row_id in failed_ids(outcome, table, rule)
    assert not outcome.success_critical


def test_critical_run_counts_and_vocabulary_details(outcomes: dict[str, ValidationOutcome]) -> None:
    outcome = outcomes["critical"]
    assert outcome.n_failed_critical == 7 and outcome.n_failed_warning == 0
    (unit,) = failures(outcome, "figures", "vocabulary").iter_rows(named=True)
    assert unit["column"] == "unit"
    assert json.loads(unit["details"])["partial_unexpected"] == ["furlongs"]
    (dup,) = failures(outcome, "figures", "id_unique").iter_rows(named=True)
    assert dup["unexpected_ids"] == ["f-dup"] and dup["unexpected_count"] == 2


def test_empty_tables_validate(outcomes: dict[str, ValidationOutcome]) -> None:
    results = outcomes["critical"].results
    empty = ["source_files", "sentences", "authority_mentions", "checks"]
    rows = results.filter(pl.col("table").is_in(empty))
    assert rows.height > 0 and rows["success"].all()


def test_data_docs_index_lists_the_suites(
    outcomes: dict[str, ValidationOutcome], reports_dir: Path
) -> None:
    index = outcomes["critical"].data_docs_index
    assert index == reports_dir.resolve() / "data_docs" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "csfacts_figures" in html and "run-critical" in html
    assert (reports_dir / "views" / "run-critical" / "figures.parquet").exists()
    assert not list((reports_dir / "gx").rglob("index.html"))  # no second (default) site
    # one build after the checkpoint renders a result page and a suite page for every suite
    suites = set(outcomes["critical"].results["suite"].to_list())
    docs = reports_dir / "data_docs"
    assert {p.parent.parent.name for p in (docs / "validations").glob("*/run-critical/*")} == suites
    assert {p.stem for p in (docs / "expectations").glob("*.html")} >= suites
    for suite in suites:
        assert suite in html


def test_consistency_suite_failures_are_exactly_the_fail_checks(outcomes: dict[str, ValidationOutcome]) -> None:
    """The consistency suite's failing row ids are the check_ids with verdict fail (a warning)."""
    tables = warning_tables()
    want = set(tables["checks"].filter(pl.col("verdict") == "fail")["check_id"].to_list())
    result = outcomes["warnings"].results.filter(pl.col("suite") == "csfacts_consistency")
    assert result.height == 1 and result["severity"][0] == "warning" and result["table"][0] == "checks"
    assert not result["success"][0]
    assert set(result["unexpected_ids"][0]) == want == {"c-fail"}
    valid = outcomes["valid"].results.filter(pl.col("suite") == "csfacts_consistency")
    assert valid["success"].all()
