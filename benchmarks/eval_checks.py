"""Consistency checks on every annotated corpus: verdicts, false alarms and (--mutate) the mutation harness.

usage: python benchmarks/eval_checks.py [--mutate] [--only NAME ...] [--dev | --blind] [--json OUT]

Corpora: the seeds (../shared/gold/seeds), the invented corpora under samples/ that carry
gold checks, and the relation gold on real documents under gold/ (real-dev, ofsted-dev, and
the blind real-blind, ofsted-blind: aggregate numbers only, never --details on them).
Prints one table (the same numbers as `csfacts eval --checks` per corpus).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
# Blind corpora: nobody tunes on their per-item results.
BLIND = {"novel", "reserve", "real-blind", "ofsted-blind"}


def corpora() -> list[tuple[str, Path, Path]]:
    out = [("seeds", SHARED / "gold" / "seeds", SHARED / "corpus" / "seeds")]
    for p in sorted((ROOT / "samples").iterdir()):
        if (p / "gold" / "checks.jsonl").is_file() and (p / "docs").is_dir():
            out.append((p.name, p / "gold", p / "docs"))
    for name, corpus in (("real-dev", "real"), ("ofsted-dev", "ofsted-ilacs"), ("real-blind", "real"), ("ofsted-blind", "ofsted-ilacs")):
        if (ROOT / "gold" / name).is_dir():
            out.append((name, ROOT / "gold" / name, SHARED / "corpus" / corpus))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mutate", action="store_true", help="also run the mutation harness")
    ap.add_argument("--only", nargs="*", help="corpus names to run")
    ap.add_argument("--pack", type=int, default=0, metavar="CHARS",
                    help="pack mutants of one document into shared mutant documents, their relations CHARS apart (fast, approximate)")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--dev", action="store_true", help="development corpora only (no blind ones)")
    group.add_argument("--blind", action="store_true", help="blind corpora only")
    ap.add_argument("--json", type=Path, help="write the numbers as JSON")
    args = ap.parse_args()
    from csfacts.relation_run import as_json, evaluate_corpus, report_lines

    chosen = [c for c in corpora() if (not args.only or c[0] in args.only)
              and not (args.dev and c[0] in BLIND) and not (args.blind and c[0] not in BLIND)]
    results, seconds = [], {}
    for name, gold, docs in chosen:
        t = time.perf_counter()
        results.append(evaluate_corpus(name, gold, docs, args.mutate, lambda m: print(m, file=sys.stderr), args.pack))
        seconds[name] = round(time.perf_counter() - t, 1)
        print(f"{name}: {seconds[name]} s", file=sys.stderr)
    print("\n".join(report_lines(results)[: 2 + len(results)]))
    if args.json:
        data = as_json(results)
        for name in data:
            data[name]["seconds"] = seconds[name]
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
