"""Wall time of `csfacts run` on a corpus, with and without a running Prefect server.

Each configuration runs `csfacts run CORPUS --json` REPEATS times in a fresh data
directory and reports the median wall time and the median time per stage (from the run
summary). The baseline, measured in the same session, is the same command on an empty
folder: the fixed cost of the process, Prefect and Great Expectations with no documents.
The ratio (corpus / baseline) shows how much the documents themselves add.

usage: python benchmarks/bench_run.py [--corpus DIR] [--repeats N] [--no-server] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = (REPO / ".." / "shared" / "corpus" / "seeds").resolve()


def run_once(corpus: Path, env: dict[str, str], code: Path = REPO) -> tuple[float, dict]:
    """One `csfacts run` of the code checked out at `code` in a fresh data dir: (wall seconds, summary)."""
    data = Path(tempfile.mkdtemp(prefix="csfacts-bench-"))
    try:
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "csfacts.cli", "run", str(corpus), "--data-dir", str(data), "--json"],
            capture_output=True, text=True, env={**env, "PYTHONPATH": str(code)}, cwd=code, timeout=900,
        )
        wall = time.perf_counter() - t
        if proc.returncode not in (0, 3):
            raise RuntimeError(f"csfacts run failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        summary = json.loads(proc.stdout[proc.stdout.index("{"):])
        return wall, summary
    finally:
        shutil.rmtree(data, ignore_errors=True)


def measure(label: str, corpus: Path, env: dict[str, str], repeats: int) -> dict:
    """Median wall time and per-stage times over `repeats` runs."""
    walls, stages = [], []
    for i in range(repeats):
        wall, summary = run_once(corpus, env)
        walls.append(wall)
        stages.append(summary["stage_seconds"])
        print(f"  {label} #{i + 1}: {wall:.2f} s  {summary['stage_seconds']}", flush=True)
    keys = sorted({k for s in stages for k in s})
    return {
        "label": label,
        "runs": repeats,
        "wall_median_s": round(statistics.median(walls), 2),
        "wall_all_s": [round(w, 2) for w in walls],
        "stage_median_s": {k: round(statistics.median(s.get(k, 0.0) for s in stages), 3) for k in keys},
    }


def start_server(home: Path) -> tuple[subprocess.Popen, str]:
    """A real `prefect server start` on a free loopback port; returns (process, api url)."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    prefect = str(Path(sys.executable).parent / "prefect")
    proc = subprocess.Popen([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    for _ in range(240):
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.5)
    os.killpg(proc.pid, 9)
    raise RuntimeError("prefect server did not start")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-server", action="store_true", help="skip the running-server configuration")
    ap.add_argument("--json", type=Path, help="write results here")
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="csfacts-bench-home-"))
    empty = Path(tempfile.mkdtemp(prefix="csfacts-bench-empty-"))
    base_env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    base_env.pop("PREFECT_API_URL", None)
    results = []
    print(f"corpus: {args.corpus} ({len(list(args.corpus.iterdir()))} files), repeats: {args.repeats}")
    run_once(empty, base_env)  # warm-up: first start migrates the Prefect database
    results.append(measure("no server: empty folder (baseline)", empty, base_env, args.repeats))
    results.append(measure("no server: corpus", args.corpus, base_env, args.repeats))
    server = None
    if not args.no_server:
        server, url = start_server(home / "server")
        try:
            env = {**base_env, "PREFECT_API_URL": url}
            run_once(empty, env)
            results.append(measure("running server: empty folder (baseline)", empty, env, args.repeats))
            results.append(measure("running server: corpus", args.corpus, env, args.repeats))
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
    print("\nconfiguration                              median wall   ratio to its baseline   stages (median s)")
    for i, r in enumerate(results):
        base = results[i - 1] if "corpus" in r["label"] else r
        r["ratio_to_baseline"] = round(r["wall_median_s"] / base["wall_median_s"], 2)
        print(f"{r['label']:<42} {r['wall_median_s']:>8.2f} s   {r['ratio_to_baseline']:>10.2f}              {r['stage_median_s']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(empty, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
