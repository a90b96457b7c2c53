"""Run every benchmark side by side in one session and write benchmarks/RESULTS.md.

Each ``bench_*.py`` prints a Markdown table on stdout and writes its raw figures to
``benchmarks/results/<name>.json``. Machines here are shared and noisy: compare figures from
the same run and quote ratios.

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="comma-separated names, e.g. catalog,render")
    args = ap.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    scripts = sorted(p for p in HERE.glob("bench_*.py") if not only or p.stem[6:] in only)
    sections = []
    for script in scripts:
        t0 = time.perf_counter()
        print(f"== {script.name}", file=sys.stderr, flush=True)
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              cwd=HERE.parent, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        took = time.perf_counter() - t0
        body = proc.stdout.strip() if proc.returncode == 0 else \
            f"FAILED (exit {proc.returncode}):\n\n```\n{proc.stderr.strip()[-2000:]}\n```"
        sections.append(f"## {script.stem[6:]}\n\n`{script.name}`, {took:.0f} s\n\n{body}\n")
    header = (f"# Benchmark results\n\nRun {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
              f"({os.cpu_count()} CPUs, Python {platform.python_version()}). Regenerate with "
              "`make bench` (or `.venv/bin/python benchmarks/run_all.py`).\n")
    (HERE / "RESULTS.md").write_text(header + "\n" + "\n".join(sections))
    print((HERE / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
