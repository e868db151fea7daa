"""`csfacts eval`: per-rule scoring (hand-made frames), equivalence with score.py, the CLI."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csfacts import cli
from csfacts.evaluate import SPECS, evaluate, score_span_table

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared").resolve()
SCORER = SHARED / "eval" / "score.py"
SEEDS = SHARED / "corpus" / "seeds"
SEEDS_GOLD = SHARED / "gold" / "seeds"

DOCS = pl.DataFrame({"doc_id": ["d1", "d2"], "source_name": ["a.txt", "nogold.txt"]})


def fig(doc_id: str, start: int, end: int, value: float, unit: str, rule: str, role: str = "level", **kw) -> dict:
    return {
        "doc_id": doc_id, "start": start, "end": end, "text": f"t{start}", "value": value, "value_max": None,
        "unit": unit, "approx": kw.get("approx"), "role": role, "direction": kw.get("direction"), "rule_id": rule,
    }


def gold_fig(gid: str, start: int, end: int, value: float, unit: str, role: str = "level", optional: bool = False) -> dict:
    return {
        "doc": "a.txt", "id": gid, "text": f"t{start}", "start": start, "end": end, "value": value, "value_max": None,
        "unit": unit, "approx": None, "role": role, "direction": None, "optional": optional,
    }


def rules_by_id(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["rule_id"]: r for r in frame.iter_rows(named=True)}


# --- hand-made frames with known numbers --------------------------------------------------------


def test_figures_per_rule_counts():
    gold = [
        gold_fig("F1", 0, 3, 35, "percent"),  # A: strict hit
        gold_fig("F2", 10, 13, 6_000_000, "GBP", role="change"),  # B: span only (wrong value), wrong role
        gold_fig("F3", 30, 35, 7, "count"),  # missed by every rule
        gold_fig("F4", 40, 42, 2, "count", optional=True),  # A: matched, not scored
        gold_fig("F5", 50, 60, 9, "count", optional=True),  # optional and missed: no penalty
    ]
    figures = pl.DataFrame([
        fig("d1", 0, 3, 35, "percent", "A"),
        fig("d1", 10, 13, 6, "GBP", "B"),
        fig("d1", 20, 22, 1, "count", "B"),  # fp: no gold overlap
        fig("d1", 40, 42, 2, "count", "A"),
        fig("d2", 0, 2, 5, "count", "A"),  # document without gold: not scored
    ])
    result = evaluate({"figures": gold}, {"documents": DOCS, "figures": figures}).tables["figures"]

    assert result.overall["span"] == {"tp": 2, "fp": 1, "fn": 1, "precision": 0.6667, "recall": 0.6667, "f1": 0.6667}
    assert result.overall["strict"] == {"tp": 1, "fp": 2, "fn": 2, "precision": 0.3333, "recall": 0.3333, "f1": 0.3333}
    assert result.overall["attribute_accuracy"] == {"value": 0.5, "unit": 1.0, "approx": 1.0, "role": 0.5, "direction": 1.0}
    assert (result.n_gold, result.n_optional_gold, result.n_unscored) == (3, 2, 1)

    rules = rules_by_id(result.rules)
    assert rules["A"] == {
        "rule_id": "A", "predictions": 2, "optional": 1, "strict": 1, "span_only": 0, "fp": 0,
        "precision": 1.0, "recall": 0.3333, "approx": 1.0, "role": 1.0, "direction": 1.0,
    }
    assert rules["B"] == {
        "rule_id": "B", "predictions": 2, "optional": 0, "strict": 0, "span_only": 1, "fp": 1,
        "precision": 0.0, "recall": 0.0, "approx": 1.0, "role": 0.0, "direction": 1.0,
    }
    assert result.misses["id"].to_list() == ["F3"]
    span_only = result.outcomes.filter(pl.col("outcome") == "span_only").row(0, named=True)
    assert (span_only["gold_id"], span_only["value"], span_only["gold_value"]) == ("F2", 6.0, 6_000_000.0)
    assert (span_only["role"], span_only["gold_role"], span_only["role_ok"]) == ("level", "change", False)
    fp = result.outcomes.filter(pl.col("outcome") == "fp").row(0, named=True)
    assert (fp["rule_id"], fp["start"], fp["gold_id"], fp["overlaps_gold"]) == ("B", 20, None, None)


def test_matching_prefers_strict_agreement_over_closer_span():
    gold = [gold_fig("F1", 0, 10, 5, "count")]
    figures = pl.DataFrame([
        fig("d1", 0, 10, 6, "count", "EXACT-SPAN"),  # same span, wrong value
        fig("d1", 2, 8, 5, "count", "INNER"),  # overlapping, right value
    ])
    result = evaluate({"figures": gold}, {"documents": DOCS, "figures": figures}).tables["figures"]
    rules = rules_by_id(result.rules)
    assert (rules["INNER"]["strict"], rules["EXACT-SPAN"]["fp"]) == (1, 1)
    fp = result.outcomes.filter(pl.col("outcome") == "fp").row(0, named=True)
    assert fp["overlaps_gold"] == "F1"  # a duplicate: the gold item was taken by INNER
    assert result.overall["strict"]["tp"] == 1 and result.overall["span"]["fp"] == 1


def test_periods_and_authorities_strict_fields():
    periods = pl.DataFrame({
        "doc_id": ["d1", "d1"], "start": [0, 10], "end": [4, 17], "text": ["2016", "2015/16"],
        "kind": ["year", "fiscal_year"], "start_date": [dt.date(2016, 1, 1), dt.date(2015, 1, 1)],
        "end_date": [dt.date(2016, 12, 31), dt.date(2015, 12, 31)], "rule_id": ["PER-YEAR", "PER-FY"],
    })
    gold_p = [
        {"doc": "a.txt", "id": "P1", "text": "2016", "start": 0, "end": 4, "kind": "year",
         "start_date": "2016-01-01", "end_date": "2016-12-31"},
        {"doc": "a.txt", "id": "P2", "text": "2015/16", "start": 10, "end": 17, "kind": "fiscal_year",
         "start_date": "2015-04-01", "end_date": "2016-03-31"},
    ]
    mentions = pl.DataFrame({
        "doc_id": ["d1", "d1"], "start": [20, 30], "end": [30, 36], "text": ["Calderdale", "Leeds!"],
        "canonical": ["Calderdale", "Leeds"], "gss_code": ["E08000033", None], "rule_id": ["AUTH-NAME", "AUTH-NAME"],
    })
    gold_a = [
        {"doc": "a.txt", "id": "A1", "text": "Calderdale", "start": 20, "end": 30, "canonical": "calderdale",
         "gss_code": "E08000033"},
        {"doc": "a.txt", "id": "A2", "text": "Leeds", "start": 30, "end": 35, "canonical": "Leeds",
         "gss_code": "E08000035"},  # canonical agrees: strict although the code is missing
    ]
    result = evaluate(
        {"periods": gold_p, "authorities": gold_a},
        {"documents": DOCS, "periods": periods, "authority_mentions": mentions},
    )
    p = rules_by_id(result.tables["periods"].rules)
    assert (p["PER-YEAR"]["strict"], p["PER-FY"]["span_only"], p["PER-FY"]["precision"]) == (1, 1, 0.0)
    row = result.tables["periods"].outcomes.filter(pl.col("outcome") == "span_only").row(0, named=True)
    assert (row["start_date"], row["gold_start_date"]) == ("2015-01-01", "2015-04-01")
    a = result.tables["authorities"]
    assert a.overall["strict"]["tp"] == 2
    assert a.overall["attribute_accuracy"] == {"canonical": 1.0, "gss_code": 0.5}


def test_ratings_per_rule():
    gold = [
        {"doc": "a.txt", "id": "R1", "authority": "Calderdale", "rating": "inadequate", "start": 0, "end": 9},
        {"doc": "a.txt", "id": "R2", "authority": "Merton", "rating": "good", "start": 10, "end": 19},  # missed
        {"doc": "a.txt", "id": "R3", "authority": "Leeds", "rating": "good", "start": 20, "end": 29, "optional": True},
        {"doc": "a.txt", "id": "R4", "authority": "Kent", "rating": "requires_improvement", "start": 30, "end": 39},
    ]
    ratings = pl.DataFrame({
        "doc_id": ["d1", "d1", "d1", "d1", "d2"],
        "start": [0, 20, 10, 30, 0], "end": [9, 29, 19, 39, 9], "text": ["r"] * 5,
        "authority": ["Calderdale", "Leeds", "Merton", "KENT", "Leeds"],
        "rating": ["inadequate", "good", "outstanding", "Requires Improvement", "good"],
        "rule_id": ["RAT-A", "RAT-B", "RAT-B", "RAT-A", "RAT-A"],
    })
    result = evaluate({"ratings": gold}, {"documents": DOCS, "ratings": ratings}).tables["ratings"]
    assert result.overall == {"tp": 2, "fp": 1, "fn": 1, "precision": 0.6667, "recall": 0.6667, "f1": 0.6667}
    rules = rules_by_id(result.rules)
    assert {k: rules["RAT-A"][k] for k in ("predictions", "optional", "strict", "fp", "precision", "recall")} == {
        "predictions": 2, "optional": 0, "strict": 2, "fp": 0, "precision": 1.0, "recall": 0.6667,
    }
    assert {k: rules["RAT-B"][k] for k in ("predictions", "optional", "strict", "fp", "precision")} == {
        "predictions": 2, "optional": 1, "strict": 0, "fp": 1, "precision": 0.0,
    }
    fp = result.outcomes.filter(pl.col("outcome") == "fp").row(0, named=True)
    assert (fp["authority"], fp["rating"], fp["overlaps_gold"]) == ("Merton", "outstanding", "R2")
    assert result.misses["id"].to_list() == ["R2"] and result.n_unscored == 1


# --- equivalence with the official scorer -------------------------------------------------------


def _load_scorer():
    spec = importlib.util.spec_from_file_location("official_score", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_span = st.tuples(st.integers(0, 40), st.integers(1, 8)).map(lambda t: (t[0], t[0] + t[1]))


@pytest.mark.skipif(not SCORER.is_file(), reason="../shared/eval/score.py not present")
@settings(max_examples=300, deadline=None)
@given(
    gold=st.lists(st.tuples(_span, st.integers(1, 3), st.booleans()), max_size=8),
    pred=st.lists(st.tuples(_span, st.integers(1, 3), st.sampled_from(["A", "B", "C"])), max_size=10),
)
def test_span_matching_equals_score_py(gold, pred):
    """Random overlapping spans (ties included): the same overall numbers as score.score_spans."""
    scorer = _load_scorer()
    gold_rows = [
        {"doc": "a.txt", "id": f"G{i}", "start": s, "end": e, "text": "x", "value": float(v), "unit": "count",
         "optional": opt}
        for i, ((s, e), v, opt) in enumerate(gold)
    ]
    pred_rows = [
        {"doc": "a.txt", "start": s, "end": e, "text": "x", "value": float(v), "unit": "count", "rule_id": r,
         "approx": None, "role": "level", "direction": None, "value_max": None}
        for (s, e), v, r in pred
    ]
    spec = SPECS["figures"]
    theirs, *_ = scorer.score_spans(gold_rows, pred_rows, spec.strict, spec.strict, attrs=spec.attrs)
    ours = score_span_table(spec, gold_rows, pred_rows)
    assert ours.overall == theirs
    assert ours.rules["strict"].sum() == theirs["strict"]["tp"]
    assert ours.rules["fp"].sum() == theirs["span"]["fp"]


@pytest.mark.skipif(not (SCORER.is_file() and SEEDS.is_dir() and SEEDS_GOLD.is_dir()), reason="../shared not present")
def test_eval_equals_score_py_on_a_run_warehouse(tmp_path, capsys):
    """`csfacts run` on the seeds, then score.py --json and `csfacts eval` (warehouse and --docs)."""
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    run = subprocess.run(
        [sys.executable, "-m", "csfacts.cli", "run", str(SEEDS), "--data-dir", str(data)],
        check=False, capture_output=True, text=True, timeout=300, env=env, cwd=REPO,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    official = tmp_path / "official.json"
    subprocess.run(
        [sys.executable, str(SCORER), str(data / "warehouse"), str(SEEDS_GOLD), "--json", str(official)],
        check=True, capture_output=True, timeout=120,
    )
    theirs = json.loads(official.read_text())

    ours_json = tmp_path / "ours.json"
    assert cli.main(["eval", str(SEEDS_GOLD), "--data-dir", str(data), "--json", str(ours_json)]) == 0
    ours = json.loads(ours_json.read_text())
    docs_json = tmp_path / "docs.json"
    assert cli.main(["eval", str(SEEDS_GOLD), "--docs", str(SEEDS), "--json", str(docs_json)]) == 0
    in_process = json.loads(docs_json.read_text())
    for table in ("figures", "periods", "authorities", "ratings"):
        assert ours[table]["overall"] == theirs[table], table
        assert in_process[table]["overall"] == theirs[table], table
    assert "FIG-" in capsys.readouterr().out


# --- the CLI on a made-up corpus ----------------------------------------------------------------

TEXT = (
    "Quarterly note from Leeds City Council.\n\n"
    "During 2019 the fostering team found homes for 42 children, and 18% of those placements "
    "kept brothers and sisters together. The team also saved £3 million on agency costs.\n"
)


def _span_of(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _write_gold(gold_dir: Path) -> None:
    gold_dir.mkdir()

    def item(prefix: str, n: int, needle: str, **fields) -> dict:
        start, end = _span_of(TEXT, needle)
        return {"doc": "note.txt", "id": f"N-{prefix}{n:03d}", "text": needle, "start": start, "end": end,
                "optional": False} | fields

    base = {"value_max": None, "approx": None, "role": "level", "direction": None}
    figures = [
        item("F", 1, "42", value=42.0, unit="count", **base),
        item("F", 2, "18%", value=18.0, unit="percentage_point", **base),  # deliberately disagrees: span only
        item("F", 3, "Quarterly", value=4.0, unit="count", **base),  # nothing extracts this: a miss
        # "£3 million" is left out on purpose: its prediction is a false positive
    ]
    periods = [item("P", 1, "2019", kind="year", start_date="2019-01-01", end_date="2019-12-31")]
    authorities = [item("A", 1, "Leeds City Council", canonical="Leeds", gss_code="E08000035",
                        la_type="metropolitan_borough")]
    for name, rows in (("figures", figures), ("periods", periods), ("authorities", authorities), ("ratings", [])):
        (gold_dir / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_cli_eval_docs_on_made_up_corpus(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text(TEXT, encoding="utf-8")
    gold = tmp_path / "gold"
    _write_gold(gold)
    out = tmp_path / "eval.json"

    assert cli.main(["eval", str(gold), "--docs", str(docs), "--details", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    result = json.loads(out.read_text())

    figures = result["figures"]
    assert figures["overall"]["span"] == {"tp": 2, "fp": 1, "fn": 1, "precision": 0.6667, "recall": 0.6667, "f1": 0.6667}
    assert figures["overall"]["strict"]["tp"] == 1
    assert figures["gold_required"] == 3 and figures["misses"] == 1
    totals = {k: sum(r[k] for r in figures["rules"]) for k in ("strict", "span_only", "fp")}
    assert totals == {"strict": 1, "span_only": 1, "fp": 1}
    [span_only] = figures["details"]["span_only"]
    assert (span_only["text"], span_only["unit"], span_only["gold_unit"]) == ("18%", "percent", "percentage_point")
    [fp] = figures["details"]["fp"]
    assert fp["text"] == "£3 million" and fp["value"] == 3_000_000
    assert [m["id"] for m in figures["details"]["misses"]] == ["N-F003"]
    assert result["periods"]["overall"]["strict"]["tp"] == 1
    assert result["authorities"]["overall"]["strict"]["tp"] == 1

    assert "figures      strict" in printed
    assert f"{span_only['rule_id']}" in printed and "misses (required gold items no rule found): 1" in printed
    assert "(gold percentage_point)" in printed and "N-F003" in printed and "'£3 million'" in printed


def test_cli_eval_errors(tmp_path, capsys):
    gold = tmp_path / "gold"
    _write_gold(gold)
    assert cli.main(["eval", str(tmp_path / "missing")]) == cli.EXIT_ERROR
    assert cli.main(["eval", str(gold), "--data-dir", str(tmp_path / "empty")]) == cli.EXIT_ERROR
    assert "no warehouse" in capsys.readouterr().err
    assert cli.main(["eval", str(gold), "--docs", str(tmp_path / "nowhere")]) == cli.EXIT_ERROR
