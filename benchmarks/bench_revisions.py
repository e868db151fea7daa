"""Wall time of `csfacts run` on a corpus: the working tree against an earlier git revision.

The baseline revision is checked out into a temporary git worktree and run with the same
Python environment (its packages first on PYTHONPATH). Runs alternate baseline / current so
that drifts of the machine hit both alike; each side reports the median wall time and the
median stage times over REPEATS runs, and the ratio current / baseline.

usage: python benchmarks/bench_revisions.py [--baseline REV] [--current REV] [--corpus DIR] [--repeats N] [--json OUT]

--current REV measures a committed revision (also in a worktree) instead of the working tree.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_run import DEFAULT_CORPUS, REPO, run_once  # noqa: E402

# The last commit before issue 4 (extraction that generalises) changed the extraction rules.
DEFAULT_BASELINE = "f56eb9d"


def worktree(rev: str) -> Path:
    """A detached git worktree of `rev` in a temporary directory."""
    path = Path(tempfile.mkdtemp(prefix="csfacts-bench-rev-")) / "tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(path), rev], check=True, capture_output=True)
    return path


def summarise(label: str, walls: list[float], stages: list[dict]) -> dict:
    keys = sorted({k for s in stages for k in s})
    return {
        "label": label,
        "runs": len(walls),
        "wall_median_s": round(statistics.median(walls), 2),
        "wall_all_s": [round(w, 2) for w in walls],
        "stage_median_s": {k: round(statistics.median(s.get(k, 0.0) for s in stages), 3) for k in keys},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default=DEFAULT_BASELINE, help="git revision to compare against")
    ap.add_argument("--current", help="git revision to measure instead of the working tree")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", type=Path, help="write results here")
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="csfacts-bench-home-"))
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    base_tree = worktree(args.baseline)
    trees = [base_tree]
    if args.current:
        trees.append(worktree(args.current))
    sides = {"baseline": base_tree, "current": trees[-1] if args.current else REPO}
    walls: dict[str, list[float]] = {k: [] for k in sides}
    stages: dict[str, list[dict]] = {k: [] for k in sides}
    try:
        print(f"corpus: {args.corpus}; baseline {args.baseline} vs {args.current or 'working tree'}; repeats {args.repeats}", flush=True)
        run_once(args.corpus, env, REPO)  # warm-up: the first start migrates the Prefect database
        for i in range(args.repeats):
            for label, code in sides.items():
                wall, summary = run_once(args.corpus, env, code)
                walls[label].append(wall)
                stages[label].append(summary["stage_seconds"])
                print(f"  {label} #{i + 1}: {wall:.2f} s  {summary['stage_seconds']}", flush=True)
    finally:
        for tree in trees:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], capture_output=True)
            shutil.rmtree(tree.parent, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    results = [summarise(k, walls[k], stages[k]) for k in sides]
    ratio = round(results[1]["wall_median_s"] / results[0]["wall_median_s"], 3)
    for r in results:
        print(f"{r['label']:<9} median {r['wall_median_s']:6.2f} s  stages {r['stage_median_s']}")
    print(f"ratio current / baseline (median wall): {ratio}")
    if args.json:
        args.json.write_text(json.dumps({"baseline": args.baseline, "current": args.current or "working tree", "corpus": str(args.corpus), "ratio": ratio, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
