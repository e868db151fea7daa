"""The inspections export (the scrape tool's columns), the agreement with a reference, the page."""

from __future__ import annotations

import json

import polars as pl

from csfacts.inspection_agreement import compare, score_gold, summary, with_evidence
from csfacts.inspection_page import render_page
from tests.transform.conftest import docs_of
from transform.inspection_export import POST_REFORM, PRE_DATES, latest_and_history, reference_frame
from transform.pipeline import transform_documents

REPORT_2022 = (
    "Inspection of Bournemouth, Christchurch and Poole local authority\nchildren’s services\n"
    "Inspection dates: 6 to 17 December 2021\nLead inspector: Ann Smith, His Majesty’s Inspector\nJudgement Grade\n"
    "The impact of leaders on social work\npractice with children and families\nGood\n"
    "The experiences and progress of\nchildren who need help and protection\nInadequate\n"
    "The experiences and progress of\nchildren in care and care leavers\nRequires improvement to be good\n"
    "Overall effectiveness Requires improvement to be good\n\nLeaders know their services.\n"
)
REPORT_2026 = (
    "Inspection of Wigan local authority\nchildren’s services\n"
    "Inspection dates: 11 to 15 May 2026\nJudgement Grade\n"
    "The impact of leaders on practice with\nchildren and families\nOutstanding\n"
    "The experiences and progress of\nchildren who need help and protection\nGood\n"
    "The experiences and progress of\nchildren in care\nGood\n"
    "The experiences and progress of care\nleavers\nGood\n\nChildren are safe.\n"
)


def _tables() -> dict[str, pl.DataFrame]:
    docs = docs_of(REPORT_2022, REPORT_2026).with_columns(
        source_name=pl.Series(["1_bcp_2022-02-11.pdf", "2_wigan_2026-07-07.pdf"]),
        page_starts=pl.Series([[0, 300], [0]], dtype=pl.List(pl.Int64)),
    )
    out = transform_documents(docs)
    out["documents"] = docs
    return out


def test_export_has_the_scrape_tools_columns_and_markers():
    t = _tables()
    export = reference_frame(t["inspections"], t["ratings"], t["documents"])
    rows = {r["file"]: r for r in export.iter_rows(named=True)}
    bcp, wigan = rows["1_bcp_2022-02-11.pdf"], rows["2_wigan_2026-07-07.pdf"]
    assert (bcp["urn"], bcp["local_authority"], bcp["inspection_framework"]) == ("1", "Bournemouth, Christchurch and Poole", "standard")
    assert (bcp["overall_effectiveness_grade"], bcp["help_and_protection_grade"], bcp["in_care_grade"]) == (
        "requires improvement", "inadequate", "requires improvement")
    assert bcp["care_leavers_grade"] == PRE_DATES  # judged together with children in care
    assert (wigan["framework"], wigan["overall_effectiveness_grade"], wigan["care_leavers_grade"]) == ("ilacs_post_2026", POST_REFORM, "good")
    assert str(wigan["publication_date"]) == "2026-07-07"  # not printed: from the file name


def test_compare_statuses_and_council_names():
    t = _tables()
    export = reference_frame(t["inspections"], t["ratings"], t["documents"])
    ref = pl.DataFrame({
        "file": ["1_bcp_2022-02-11.pdf", "2_wigan_2026-07-07.pdf", "3_gone.pdf"],
        "local_authority": ["bournemouth, christchurch & poole", "wigan", "leeds"],
        "inspection_framework": ["standard", "short", None],
        "inspection_start_date": ["2021-12-06", "2026-05-11", None],
        "inspection_end_date": ["2021-12-17", "2026-05-15", None],
        "publication_date": ["2022-02-11", "2026-07-07", "2020-01-01"],
        "overall_effectiveness_grade": ["requires improvement", POST_REFORM, "data_unreadable"],
        "impact_of_leaders_grade": ["good", "outstanding", None],
        "help_and_protection_grade": ["good", "good", None],  # bcp: the reference reads good, the report says inadequate
        "in_care_grade": ["requires improvement", "good", None],
        "care_leavers_grade": [PRE_DATES, "good", None],
    })
    compared = compare(export, ref)
    status = {(r["file"], r["field"]): r["status"] for r in compared.iter_rows(named=True)}
    assert status[("1_bcp_2022-02-11.pdf", "local_authority")] == "agree"  # '&' and case do not matter
    assert status[("1_bcp_2022-02-11.pdf", "help_and_protection_grade")] == "disagree"
    assert status[("2_wigan_2026-07-07.pdf", "overall_effectiveness_grade")] == "agree"
    assert status[("3_gone.pdf", "local_authority")] == "missing"
    assert status[("3_gone.pdf", "overall_effectiveness_grade")] == "not_read"
    totals = {r["field"]: r for r in summary(compared).iter_rows(named=True)}
    assert (totals["help_and_protection_grade"]["agree"], totals["help_and_protection_grade"]["compared"]) == (1, 2)
    assert totals["local_authority"]["missing"] == 1 and totals["local_authority"]["agreement_pct"] == 100.0
    detail = with_evidence(compared, t["inspections"], t["ratings"], t["documents"])
    bad = detail.filter(pl.col("field") == "help_and_protection_grade").row(0, named=True)
    assert bad["words"].endswith("help and protection Inadequate") and bad["page"] == 1


def test_score_gold_counts_right_wrong_and_extra(tmp_path):
    t = _tables()
    text = REPORT_2022
    end = text.index("Inadequate") + len("Inadequate")
    (tmp_path / "judgements.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"file": "1_bcp_2022-02-11.pdf", "area": "help_and_protection", "label": None, "rating": "inadequate", "start": end - 10, "end": end},
        {"file": "1_bcp_2022-02-11.pdf", "area": "leadership", "label": None, "rating": "outstanding", "start": 0, "end": 5},
    ]) + "\n")
    (tmp_path / "reports.jsonl").write_text(json.dumps({
        "file": "1_bcp_2022-02-11.pdf", "framework": "ilacs_standard", "inspection_start": "2021-12-06",
        "inspection_end": "2021-12-17", "publication_date": None}) + "\n")
    scored = score_gold(tmp_path, t["inspections"], t["ratings"], t["documents"])
    right = {r["item"]: r["right"] for r in scored.iter_rows(named=True)}
    assert right["help_and_protection"] and not right["leadership"]
    assert right["framework"] and right["inspection_start"] and right["publication_date"]  # printed none: null
    extras = [i for i in right if i.endswith("(extra)")]
    assert set(extras) == {"leadership (extra)", "children_in_care (extra)", "overall_effectiveness (extra)"}


def test_page_lists_latest_and_history_escaped():
    t = _tables()
    export = reference_frame(t["inspections"], t["ratings"], t["documents"])
    latest, history = latest_and_history(export)
    html = render_page(latest, history, "now")
    assert "Bournemouth, Christchurch and Poole" in html and 'class="g4">inadequate' in html
    assert 'href="#c-wigan"' in html and 'id="c-wigan"' in html
    assert "<script" not in html


def test_reports_folder_with_agreement_and_review(tmp_path):
    from flows.inspection_reports import write_inspection_reports

    t = _tables()
    ref = tmp_path / "reference.csv"
    pl.DataFrame({
        "file": ["1_bcp_2022-02-11.pdf"], "urn": ["1"], "local_authority": ["bournemouth, christchurch & poole"],
        "publication_date": ["2022-02-11"], "inspection_framework": ["standard"], "inspection_start_date": ["2021-12-06"],
        "inspection_end_date": ["2021-12-17"], "overall_effectiveness_grade": ["requires improvement"],
        "impact_of_leaders_grade": ["good"], "help_and_protection_grade": ["good"],
        "in_care_grade": ["requires improvement"], "care_leavers_grade": [PRE_DATES],
    }).write_csv(ref)
    review = tmp_path / "review.yaml"
    review.write_text("1_bcp_2022-02-11.pdf:\n  help_and_protection_grade: \"csfacts right: the table says Inadequate\"\n")
    paths, totals = write_inspection_reports(t, tmp_path / "out", ref, review)
    assert {p.name for p in paths.values()} == {
        "inspections.html", "inspections.csv", "inspections.parquet", "agreement.csv", "agreement.md"}
    md = paths["agreement_md"].read_text()
    assert "| help_and_protection_grade | 1 | 0 | 1 | 0 | 0 | 0.0 | 1 | 100.0 |" in md
    assert "csfacts right: the table says Inadequate" in md
    assert pl.read_parquet(paths["parquet"]).height == 2 and totals is not None


def test_cli_writes_the_page_from_the_warehouse(tmp_path, capsys):
    from csfacts.cli import main
    from warehouse.store import publish, stage_version

    from extract.document import documents_frame, extract_document

    docs = documents_frame([
        extract_document("1_bcp_2022-02-11.txt", REPORT_2022.encode()),
        extract_document("2_wigan_2026-07-07.txt", REPORT_2026.encode()),
    ])
    t = transform_documents(docs)
    data = tmp_path / "data"
    publish(data, stage_version(data, {"documents": docs, "ratings": t["ratings"], "inspections": t["inspections"]}))
    assert main(["inspections", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "2 inspection reports (ilacs_post_2026 1, ilacs_standard 1); 2 councils" in out
    page = data / "reports" / "inspections" / "inspections.html"
    assert page.is_file() and "Wigan" in page.read_text()
    assert main(["inspections", "--data-dir", str(tmp_path / "none")]) == 1  # no warehouse: a clear error
