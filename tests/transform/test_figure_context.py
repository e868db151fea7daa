"""Figure context: metric (rules in reference/metric_rules.yaml, with golden examples), subject
(same-sentence council, else group) and period_id (the period scoping the figure)."""

from __future__ import annotations

import polars as pl
import pytest

from tests.transform.conftest import docs_of
from transform.figure_context import CONTEXT_COLUMNS, metric_rules
from transform.pipeline import transform_documents
from warehouse.schema import SCHEMAS

RULES = metric_rules()


def figures(text: str) -> pl.DataFrame:
    out = transform_documents(docs_of(text))
    periods = out["periods"].select("period_id", pl.col("text").alias("period"))
    return out["figures"].join(periods, on="period_id", how="left").sort("start")


def figure(text: str, span: str) -> dict:
    rows = figures(text).filter(pl.col("text") == span)
    assert rows.height, f"no figure {span!r} in {text!r}"
    return rows.row(0, named=True)


# --- metric rules: golden examples ---------------------------------------------------------


@pytest.mark.parametrize(
    "rule,example",
    [(r, ex) for r in RULES for ex in r.examples.passing],
    ids=[f"{r.id}-pass{i}" for r in RULES for i, _ in enumerate(r.examples.passing)],
)
def test_metric_rule_passing_example(rule, example):
    row = figure(example.text, example.span)
    assert row["metric_rule_id"] == rule.id, (row["metric_rule_id"], row["metric"])
    for key, want in example.expect.items():
        assert row[key] == want, f"{rule.id}.{key}: {row[key]!r} != {want!r}"


@pytest.mark.parametrize(
    "rule,text",
    [(r, t) for r in RULES for t in r.examples.failing],
    ids=[f"{r.id}-fail{i}" for r in RULES for i, _ in enumerate(r.examples.failing)],
)
def test_metric_rule_failing_example(rule, text):
    fired = figures(text).filter(pl.col("metric_rule_id") == rule.id)
    assert fired.is_empty(), f"{rule.id} fired on {text!r}: {fired['metric'].to_list()}"


def test_metric_rules_are_described_and_unique():
    assert len({r.id for r in RULES}) == len(RULES)
    assert all(r.description.strip() and r.examples.passing and r.examples.failing for r in RULES)


# --- metric phrases -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,span,metric",
    [
        ("Last March there were 712 children in care across the county.", "712", "children in care"),
        ("Around 42% of referrals were repeat referrals.", "42%", "referrals"),
        ("The social worker vacancy rate of 19% worried members.", "19%", "social worker vacancy rate"),
        ("By March the vacancy rate had risen to 23%.", "23%", "vacancy rate"),
        ("Spending on children's social care rose by £3m this year.", "£3m", "spending on children's social care"),
        ("The council was given £7.2 million.", "£7.2 million", None),
        ("Staff turnover fell to 11% in Leeds.", "11%", "staff turnover"),
        ("The rate of looked after children in Leeds rose to 81 per 10,000 children.", "81 per 10,000 children", "rate of looked after children"),
        ("A 14% rise in the number of care leavers was seen.", "14%", "number of care leavers"),
    ],
)
def test_metric_phrases(text, span, metric):
    assert figure(text, span)["metric"] == metric


def test_metric_keeps_acronyms_and_lowers_headings():
    assert figure("There are 37 CCN member councils.", "37")["metric"] == "CCN member councils"
    assert figure("WE HAVE 212 FOSTER CARERS.", "212")["metric"] == "foster carers"


# --- subject --------------------------------------------------------------------------------


def test_subject_is_the_council_in_the_sentence():
    row = figure("In Leeds, 412 children were adopted.", "412")
    assert (row["subject"], row["subject_kind"]) == ("E08000035", "authority")


def test_subject_prefers_the_nearest_council_before_the_figure():
    text = "Kent has 900 foster carers while Essex has 700 foster carers."
    assert figure(text, "900")["subject"] == "E10000016"  # Kent
    assert figure(text, "700")["subject"] == "E10000012"  # Essex, nearer than Kent
    assert figure("Some 310 staff joined Wigan Council.", "310")["subject"] == "E08000010"  # after, when none before


def test_subject_is_a_group_when_no_council_is_named():
    row = figure("Metropolitan boroughs saw a 9% rise in referrals.", "9%")
    assert (row["subject"], row["subject_kind"]) == ("metropolitan boroughs", "group")


def test_subject_named_as_the_place_of_the_figure_comes_first():
    text = "Inner London councils paid £1,300 per child, against £700 in the shire counties."
    assert figure(text, "£1,300")["subject"] == "Inner London councils"
    assert figure(text, "£700")["subject"] == "counties"
    assert figure("Kent saw a rate of 21% in Leeds last year.", "21%")["subject"] == "E08000035"  # Leeds


def test_subject_stays_in_its_sentence():
    text = "Leeds published its plan. Nationally 412 children were adopted."
    row = figure(text, "412")
    assert row["subject"] is None and row["subject_kind"] is None


# --- period ---------------------------------------------------------------------------------


def test_period_before_the_figure_with_a_cue_word():
    row = figure("In 2015/16, councils placed 3,400 children with foster carers.", "3,400")
    assert row["period"] == "2015/16"


def test_period_following_closely_beats_a_distant_one():
    text = "Since 2010 the picture has changed in many ways for the service, and 626 children were in care in 2016."
    assert figure(text, "626")["period"] == "2016"


def test_period_with_cue_beats_a_nearer_one_without():
    text = "During 2014 the service, created 2009, supported 75 families."
    assert figure(text, "75")["period"] == "2014"


def test_period_written_right_after_the_figure_is_its_own():
    text = "Referrals rose from 18,420 in 2015-16 to 20,260 in 2016-17."
    assert figure(text, "18,420")["period"] == "2015-16"
    assert figure(text, "20,260")["period"] == "2016-17"


def test_no_period_in_the_sentence_gives_null():
    text = "In 2016 the plan began. Afterwards 75 families were supported."
    assert figure(text, "75")["period_id"] is None


# --- table shape ----------------------------------------------------------------------------


def test_context_columns_follow_the_figure_columns_in_the_schema():
    names = SCHEMAS["figures"].names
    assert names[-len(CONTEXT_COLUMNS):] == CONTEXT_COLUMNS
    out = transform_documents(docs_of("There were 626 children in care."))["figures"]
    assert out.columns == names
