"""The findings page, cross-document checks over the merged warehouse, and the consistency suite."""

from __future__ import annotations

import polars as pl

from expectations.suites import CONSISTENCY_SUITE, consistency_suite, suite_specs
from flows.io import findings_html, write_failures_report
from tests.transform.conftest import docs_of
from transform.pipeline import recompute_checks, transform_documents
from warehouse.merge import apply_documents

BAD = "Referrals rose from 200 to 260 in the year, a rise of 45%."
A = "The region reported that 4,310 families were supported by the hubs last winter."
B = "A later review noted that 4,310 families were supported by the hubs last winter, as planned."


def tables_of(*texts: str) -> dict[str, pl.DataFrame]:
    docs = docs_of(*texts)
    out = transform_documents(docs)
    out["documents"] = docs
    return out


def test_findings_page_lists_failed_checks_with_marked_numbers():
    tables = tables_of(BAD)
    page = findings_html(tables, "run-1")
    failed = tables["checks"].filter(pl.col("verdict") == "fail")
    assert failed.height == 1
    assert failed["check_id"][0] in page
    assert "<mark>200</mark>" in page and "<mark>260</mark>" in page and "<mark>45%</mark>" in page
    assert "tolerance" in page and "Claims that do not add up (1)" in page


def test_findings_page_without_failures():
    assert "No failed consistency checks" in findings_html(tables_of(A), "run-2")


def test_failures_report_links_findings(tmp_path):
    tables = tables_of(BAD)
    results = pl.DataFrame(schema={"success": pl.Boolean, "severity": pl.String, "table": pl.String, "column": pl.String,
                                   "expectation_type": pl.String, "unexpected_count": pl.Int64, "element_count": pl.Int64,
                                   "details": pl.String, "unexpected_ids": pl.List(pl.String)})
    out = write_failures_report(tmp_path, "run-3", results, tables, None, findings_page=tmp_path / "findings.html")
    assert "findings.html" in out.read_text() and "1 claims that do not add up" in out.read_text()


def test_cross_document_checks_follow_the_merged_warehouse():
    def batch(text: str) -> dict[str, pl.DataFrame]:
        t = tables_of(text)
        from warehouse.schema import SCHEMAS

        docs = docs_of(text).with_columns(
            pl.col("text").str.len_chars().cast(pl.Int64).alias("n_chars"), pl.lit("text/plain").alias("media_type")
        )
        empty_docs = pl.from_arrow(SCHEMAS["documents"].empty_table())
        t["documents"] = pl.concat([empty_docs, docs], how="diagonal_relaxed").select(empty_docs.columns)
        return t

    def across(state):
        checks = recompute_checks(state)
        return checks.filter(pl.col("rule_id") == "xref_across_documents")

    empty: dict[str, pl.DataFrame] = {}
    for first, second in ((A, B), (B, A)):
        state = apply_documents(empty, batch(first))
        state = apply_documents(state, batch(second))
        assert across(state).height == 1
    removed = apply_documents(state, {}, remove_doc_ids=docs_of(A)["doc_id"].to_list())
    assert across(removed).height == 0


def test_consistency_suite_fails_exactly_on_fail_verdicts():
    spec = consistency_suite()
    assert spec.table == "checks" and spec.expectations[0].severity == "warning"
    assert CONSISTENCY_SUITE in suite_specs(2024, ("checks",))
    allowed = set(spec.expectations[0].kwargs["value_set"])
    checks = tables_of(BAD, A)["checks"]
    unexpected = set(checks.filter(~pl.col("verdict").is_in(list(allowed)))["check_id"].to_list())
    assert unexpected == set(checks.filter(pl.col("verdict") == "fail")["check_id"].to_list()) != set()
