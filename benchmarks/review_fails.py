"""Every `fail` verdict on a folder of documents, with the reviewer's judgement beside it.

usage: python benchmarks/review_fails.py DOCS_DIR JUDGEMENTS.yaml [--write]

Extracts and transforms DOCS_DIR in-process (as `csfacts run` does, without Prefect or GX),
lists every check with verdict `fail` (document, offset, rule, figures, explanation) and joins
the judgements in JUDGEMENTS.yaml: a list of {doc, start, rule, judgement: real|false_alarm,
why}. Prints a markdown table and the share of fails judged real; a fail with no judgement is
listed as `unreviewed`. With --write, appends an `unreviewed` entry for each new fail to the
YAML so a reviewer can fill it in. No document text is copied: only figures and offsets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def fails(docs_dir: Path) -> list[dict]:
    import polars as pl

    from csfacts.eval_report import tables_from_docs

    tables, _ = tables_from_docs(docs_dir)
    names = dict(tables["documents"].select("doc_id", "source_name").iter_rows())
    figs = {r["figure_id"]: r for r in tables["figures"].select("figure_id", "doc_id", "start", "text").iter_rows(named=True)}
    out = []
    for c in tables["checks"].filter(pl.col("verdict") == "fail").to_dicts():
        members = [figs[i] for i in c["figure_ids"] if i in figs]
        start = min(m["start"] for m in members)
        out.append({"doc": names[members[0]["doc_id"]], "start": start, "rule": c["rule_id"],
                    "figures": [m["text"].replace("\n", " ") for m in members], "explanation": c["explanation"].replace("\n", " ")})
    return sorted(out, key=lambda r: (r["doc"], r["start"]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", type=Path)
    ap.add_argument("judgements", type=Path)
    ap.add_argument("--write", action="store_true", help="append unreviewed fails to the judgements file")
    args = ap.parse_args()
    judged = yaml.safe_load(args.judgements.read_text(encoding="utf-8")) if args.judgements.exists() else []
    judged = judged or []
    index = {(j["doc"], j["start"], j["rule"]): j for j in judged}
    found = fails(args.docs)
    rows, counts = [], {"real": 0, "false_alarm": 0, "unreviewed": 0}
    for f in found:
        j = index.get((f["doc"], f["start"], f["rule"]))
        verdict = j["judgement"] if j and j.get("judgement") in ("real", "false_alarm") else "unreviewed"
        counts[verdict] += 1
        rows.append(f"| {f['doc']} | {f['start']} | {f['rule']} | {', '.join(f['figures'])} | {verdict} | {(j or {}).get('why', '')} |")
        if j is None and args.write:
            judged.append({"doc": f["doc"], "start": f["start"], "rule": f["rule"], "figures": f["figures"], "judgement": "unreviewed", "why": ""})
    print(f"# fail verdicts on {args.docs}: {len(found)}; real {counts['real']}, false alarms {counts['false_alarm']}, unreviewed {counts['unreviewed']}")
    if found:
        print(f"share judged real: {counts['real'] / len(found):.0%}\n")
    print("| document | offset | rule | figures | judgement | why |\n|---|---|---|---|---|---|")
    print("\n".join(rows))
    stale = set(index) - {(f["doc"], f["start"], f["rule"]) for f in found}
    if stale:
        print(f"\n{len(stale)} judged fail(s) no longer raised: " + "; ".join(f"{d} @{s} {r}" for d, s, r in sorted(stale)))
    if args.write:
        args.judgements.write_text(yaml.safe_dump(judged, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
