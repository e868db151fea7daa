"""Idle CPU of `csfacts serve` and latency from a file landing in the inbox to its rows
being committed to the warehouse.

Starts `csfacts serve` on a fresh data directory (its own local Prefect server unless
PREFECT_API_URL is set), waits until it serves, measures CPU time over an idle window,
then drops files into the inbox one at a time (atomic rename) and times each until its
document is in the current warehouse version. Stops the service with SIGTERM at the end.

usage: python benchmarks/bench_serve.py [--idle-seconds 60] [--files N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "corpus"
TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> set[int]:
    """pid and all its live descendants."""
    from flows.service import descendants

    return {pid} | descendants(pid)


def cpu_seconds(pids: set[int]) -> float:
    total = 0
    for p in pids:
        try:
            f = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])  # utime + stime
        except OSError:
            pass
    return total / TICKS


def committed(data: Path, name: str) -> bool:
    files = sorted((data / "warehouse" / "source_files").glob("**/*.parquet"))
    if not files:
        return False
    return name in pl.read_parquet(files)["source_name"].to_list()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--idle-seconds", type=float, default=60)
    ap.add_argument("--files", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    data = Path(tempfile.mkdtemp(prefix="csfacts-serve-bench-"))
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "csfacts.cli", "serve", "--data-dir", str(data)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = data / "reports" / "serve.log"
    t0 = time.monotonic()
    while not (log.exists() and "serving" in log.read_text()):
        if proc.poll() is not None or time.monotonic() - t0 > 300:
            raise RuntimeError("csfacts serve did not start")
        time.sleep(0.5)
    startup = time.monotonic() - t0
    time.sleep(10)  # let start-up work settle
    pids = tree(proc.pid)
    c0, w0 = cpu_seconds(pids), time.monotonic()
    time.sleep(args.idle_seconds)
    c1, w1 = cpu_seconds(pids), time.monotonic()
    idle_total = (c1 - c0) / (w1 - w0) * 100

    latencies = []
    samples = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md", ".html"))[: args.files]
    for src in samples:
        part = data / "inbox" / (src.name + ".part")
        part.write_bytes(src.read_bytes())
        landed = time.monotonic()
        os.replace(part, data / "inbox" / src.name)
        while not committed(data, src.name):
            if time.monotonic() - landed > 600:
                raise RuntimeError(f"{src.name} not committed within 600 s")
            time.sleep(0.2)
        latencies.append(round(time.monotonic() - landed, 2))
        print(f"  {src.name}: landed -> committed in {latencies[-1]} s", flush=True)
        time.sleep(20)  # let the triggered validation finish before the next file
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    left = [p for p in pids if Path(f"/proc/{p}").exists()]
    result = {
        "startup_s": round(startup, 1),
        "idle_window_s": round(w1 - w0, 1),
        "idle_cpu_percent_of_one_core_all_processes": round(idle_total, 2),
        "processes_in_tree": len(pids),
        "latency_s": latencies,
        "latency_median_s": statistics.median(latencies) if latencies else None,
        "exit_code": proc.returncode,
        "processes_left": left,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
