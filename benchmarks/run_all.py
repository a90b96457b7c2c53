"""Run benchmarks side by side in one session and assemble benchmarks/RESULTS.md.

Each ``bench_*.py`` prints a Markdown table on stdout (kept as ``results/<name>.md``) and writes
its raw figures to ``results/<name>.json``. RESULTS.md is assembled from every ``results/*.md``, so
running a subset (``--only catalog,render``) refreshes those sections and keeps the others.
Machines here are shared and noisy: compare figures from the same run and quote ratios.

    .venv/bin/python benchmarks/run_all.py [--only catalog,render]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
# Extra arguments for the default run (recognition: speed only, single torch thread).
ARGS = {"recognition": ["--threads", "1"]}


def run(script: Path) -> None:
    name = script.stem[len("bench_"):]
    t0 = time.perf_counter()
    print(f"== {script.name}", file=sys.stderr, flush=True)
    proc = subprocess.run([sys.executable, str(script), *ARGS.get(name, [])], capture_output=True,
                          text=True, cwd=HERE.parent, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    took = time.perf_counter() - t0
    body = proc.stdout.strip() if proc.returncode == 0 else \
        f"FAILED (exit {proc.returncode}):\n\n```\n{proc.stderr.strip()[-2000:]}\n```"
    stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} CPUs)"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text(f"`{script.name}`, run {stamp}, {took:.0f} s\n\n{body}\n")


def assemble() -> str:
    parts = ["# Benchmark results\n",
             "Regenerate with `make bench` (all) or "
             "`.venv/bin/python benchmarks/run_all.py --only NAME`. "
             "Raw figures are in `results/*.json`. "
             "These machines are shared: compare within a run.\n"]
    notes = RESULTS / "NOTES.md"
    if notes.exists():
        parts.append(notes.read_text())
    for md in sorted(RESULTS.glob("*.md")):
        if md.name != "NOTES.md":
            parts.append(f"## {md.stem}\n\n{md.read_text()}")
    return "\n".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="comma-separated names, e.g. catalog,render")
    args = ap.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    for script in sorted(HERE.glob("bench_*.py")):
        if not only or script.stem[len("bench_"):] in only:
            run(script)
    (HERE / "RESULTS.md").write_text(assemble())
    print((HERE / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
