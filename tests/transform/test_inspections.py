"""Inspection reports: every rule's golden examples, the merge into ratings, and real reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from tests.transform.conftest import docs_of
from transform.inspections import INSPECTION_COLUMNS, reference, rules
from transform.pipeline import transform_documents
from transform.scan import scan
from warehouse.schema import SCHEMAS

ROOT = Path(__file__).resolve().parents[2]
OFSTED = ROOT.parent / "shared" / "corpus" / "ofsted-ilacs"
GOLD = ROOT / "gold" / "ofsted-judgements"
TITLE = "Inspection of Wigan local authority\nchildren’s services\n"
SECTIONS = ("frameworks", "fields", "judgements")
RULES = [(section, r) for section in SECTIONS for r in rules(section)]


def _tables(text: str) -> dict[str, pl.DataFrame]:
    return transform_documents(docs_of(text))


def _as_report(section: str, text: str) -> str:
    """Field and judgement examples sit in an ILACS report unless they carry their own title."""
    found = scan(docs_of(text).select("doc_id", pl.col("text").alias("shadow")), rules("frameworks"))
    return text if section == "frameworks" or found.height else TITLE + text


def _value(v):
    return v.isoformat() if isinstance(v, dt.date) else v


@pytest.mark.parametrize("section,rule", RULES, ids=[r.id for _, r in RULES])
def test_rule_passing_examples(section, rule):
    for ex in rule.examples.passing:
        text = _as_report(section, ex.text)
        out = _tables(text)
        ins = out["inspections"]
        assert ins.height == 1, f"{rule.id}: no inspection report found in {text!r}"
        row = ins.row(0, named=True)
        if section == "frameworks":
            assert row["rule_id"] == rule.id and row["text"] == ex.span
            got = row
        elif section == "fields":
            field = rule.attrs["field"]
            bounds = {"dates": "dates", "published": "publication", "lead_inspector": "lead_inspector", "title_line": "authority"}[field]
            s, e = row[f"{bounds}_start"], row[f"{bounds}_end"]
            assert s is not None and text[s:e] == ex.span, f"{rule.id}: evidence {s}-{e} is not {ex.span!r}"
            got = row
        else:
            r = out["ratings"].filter(pl.col("rule_id") == rule.id)
            assert r.height, f"{rule.id} gave no judgement in {text!r}"
            got = r.row(0, named=True)
            assert got["text"].endswith(ex.span)
            # a judgement of the report carries its id; one of the previous inspection carries none
            want_id = None if got["judgement_source"] == "previous" else row["inspection_id"]
            assert got["inspection_id"] == want_id
        for key, want in ex.expect.items():
            assert _value(got[key]) == want, f"{rule.id}.{key}: {got[key]!r} != {want!r}"


@pytest.mark.parametrize("section,rule", RULES, ids=[r.id for _, r in RULES])
def test_rule_failing_examples(section, rule):
    for text in rule.examples.failing:
        found = scan(docs_of(text).select("doc_id", pl.col("text").alias("shadow")), [rule])
        assert found.is_empty(), f"{rule.id} fired on {text!r}: {found['match'].to_list()}"


def test_every_rule_has_examples_and_description():
    for _, r in RULES:
        assert r.description.strip() and r.examples.passing and r.examples.failing


def test_table_judgements_restatements_and_generic_ratings_merge():
    text = (
        TITLE
        + "Inspection dates: 6 to 17 March 2023\nLead inspector: Ann Smith, His Majesty’s Inspector\nJudgement Grade\n"
        "The impact of leaders on social work\npractice with children and families\nGood\n"
        "The experiences and progress of\nchildren who need help and protection\nRequires improvement to be good\n"
        "Overall effectiveness Good\n\nWigan was judged inadequate in 2015 by inspectors.\n\n"
        "The experiences and progress of children who need help and protection: requires improvement to be good\n"
    )
    out = _tables(text)
    ins = out["inspections"].row(0, named=True)
    assert (ins["framework"], ins["inspection_type"], ins["authority"], ins["lead_inspector"]) == ("ilacs_standard", "standard", "Wigan", "Ann Smith")
    assert (ins["inspection_start"], ins["inspection_end"], ins["n_judgements"]) == (dt.date(2023, 3, 6), dt.date(2023, 3, 17), 3)
    r = out["ratings"]
    table = r.filter(pl.col("judgement_source") == "table")
    assert dict(table.select("judgement_area", "rating").iter_rows()) == {
        "leadership": "good",
        "help_and_protection": "requires_improvement",
        "overall_effectiveness": "good",
    }
    restated = r.filter(pl.col("judgement_source") == "restated")
    assert restated.select("judgement_area", "rating").rows() == [("help_and_protection", "requires_improvement")]
    # the earlier judgement in prose stays a plain rating, without area or inspection
    prose = r.filter(pl.col("judgement_area").is_null())
    assert prose["rating"].to_list() == ["inadequate"] and prose["inspection_id"].to_list() == [None]
    # a generic rating word inside a judgement line is replaced by the judgement, not doubled
    assert r.filter(pl.col("rating") == "good").height == 2
    assert out["inspections"].columns == INSPECTION_COLUMNS == SCHEMAS["inspections"].names
    assert r.columns == SCHEMAS["ratings"].names


def test_post_reform_report_without_overall_grade():
    text = (
        TITLE + "Inspection dates: 27 April to 1 May 2026\nJudgement Grade\n"
        "The experiences and progress of\nchildren who need help and protection\nGood\n"
        "The experiences and progress of care\nleavers\nGood\n\nLeaders know their services well.\n"
    )
    ins = _tables(text)["inspections"].row(0, named=True)
    assert ins["framework"] == "ilacs_post_2026" and ins["inspection_type"] == "short"


def test_documents_that_are_not_reports_give_no_inspection():
    out = _tables("Wigan Council was rated good by Ofsted in 2019. Its budget rose by 4%.")
    assert out["inspections"].is_empty()
    assert out["ratings"]["judgement_area"].to_list() == [None]


def test_grade_words_cover_the_vocabulary():
    from transform.reference_data import vocabularies

    assert set(reference()["grades"].values()) <= set(vocabularies().rating)


# --- real reports (read from ../shared, never copied) ---------------------------------------------

SAMPLE = [
    "80418_norfolk_2013-08-16.pdf",  # 2013 looked-after children inspection, 'Grade 4 (inadequate)' headings
    "80449_bradford_2014-05-23.pdf",  # SIF 2014: 'The overall judgement is ...', LSCB effectiveness line
    "80458_darlington_2018-05-21.pdf",  # SIF with grades wrapped over three lines
]


@pytest.fixture(scope="module")
def real_tables():
    if not OFSTED.is_dir():
        pytest.skip("../shared/corpus/ofsted-ilacs not available")
    from extract.document import documents_frame, extract_document

    files = [*SAMPLE, "2637539_north-northamptonshire_2026-07-07.pdf", "80432_bolton_2018-06-12.pdf"]
    docs = documents_frame([extract_document(f, (OFSTED / f).read_bytes()) for f in files])
    out = transform_documents(docs)
    out["documents"] = docs
    return out


def _by_file(out: dict[str, pl.DataFrame], table: str) -> pl.DataFrame:
    return out[table].join(out["documents"].select("doc_id", "source_name"), on="doc_id")


def test_real_reports_match_the_annotated_judgements(real_tables):
    gold = [json.loads(line) for line in (GOLD / "judgements.jsonl").read_text().splitlines()]
    reports = {json.loads(line)["file"]: json.loads(line) for line in (GOLD / "reports.jsonl").read_text().splitlines()}
    ratings = _by_file(real_tables, "ratings").filter(pl.col("judgement_source") == "table")
    ins = _by_file(real_tables, "inspections")
    for f in SAMPLE:
        # a judgement's span ends with its grade word: the gold grade word's end locates it
        want = {(g["area"], g["end"], g["rating"]) for g in gold if g["file"] == f}
        got = set(ratings.filter(pl.col("source_name") == f).select("judgement_area", "end", "rating").iter_rows())
        assert want <= got, (f, want - got)
        row = ins.filter(pl.col("source_name") == f).row(0, named=True)
        rep = reports[f]
        assert row["framework"] == rep["framework"]
        assert (_value(row["inspection_start"]), _value(row["inspection_end"])) == (rep["inspection_start"], rep["inspection_end"])
        # the gold holds the publication date the report prints; one that prints none takes the file name's
        printed = _value(row["publication_date"]) if row["publication_source"] == "text" else None
        assert printed == rep["publication_date"]
        assert row["publication_date"] is not None


def test_real_ilacs_reports_agree_with_the_reference(real_tables):
    from csfacts.inspection_agreement import compare
    from transform.inspection_export import reference_frame

    ref = pl.read_csv(ROOT.parent / "shared" / "gold" / "ofsted-ilacs" / "reference.csv", infer_schema=False)
    files = ["2637539_north-northamptonshire_2026-07-07.pdf", "80432_bolton_2018-06-12.pdf"]
    export = reference_frame(real_tables["inspections"], real_tables["ratings"], real_tables["documents"])
    compared = compare(export.filter(pl.col("file").is_in(files)), ref.filter(pl.col("file").is_in(files)))
    held = compared.filter(pl.col("status") != "not_read")
    assert held.height >= 20
    # the reference's framework for the post-reform report is its length ('standard'); everything else agrees
    assert held.filter(pl.col("status") != "agree").select("file", "field").rows() == [], held.filter(pl.col("status") != "agree")


def test_judgements_of_the_previous_inspection_are_not_restatements():
    text = (
        "Wigan\nRe-inspection of services for children in need of help and\nprotection, children looked after and care leavers\n"
        "Inspection dates: 1 May 2017 to 12 May 2017\nChildren’s services in Wigan are good\n"
        "1. Children who need help and protection Good\n\n"
        "Previous Ofsted inspections\nThe previous single inspection of the local authority’s children’s services was\n"
        "published in July 2015. The judgements for the local authority were:\n"
        "Overall effectiveness: Inadequate\nChildren who need help and protection: Inadequate\n\n"
        "The experiences and progress of children who need help and protection: good\n"
    )
    r = _tables(text)["ratings"].filter(pl.col("judgement_area") == "help_and_protection").sort("start")
    assert r.select("judgement_source", "rating").rows() == [("table", "good"), ("previous", "inadequate"), ("restated", "good")]
    assert r["inspection_id"].null_count() == 1 and r["rating_id"].null_count() == 0 and r["rating_id"].n_unique() == 3


def test_council_is_the_one_named_nearest_the_title_not_an_address_above_it():
    text = (
        "Ofsted\nPiccadilly Gate\nManchester\nM1 2WD\n\nWigan Metropolitan Borough Council\n"
        "Inspection of children’s social care services\nInspection dates: 3 to 14 March 2025\n"
        "Judgement Grade\nOverall effectiveness Good\n\nManchester and Wigan share a border.\n"
    )
    row = _tables(text)["inspections"].row(0, named=True)
    assert (row["authority"], row["gss_code"]) == ("Wigan", "E08000010")
    assert text[row["authority_start"]:row["authority_end"]].startswith("Wigan")
