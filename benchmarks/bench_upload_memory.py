"""Peak memory of parsing a skeleton upload (the Recognition page's "Upload a file").

For a ~150 MB ``.npy`` (one (T, 25, 3) float32 sequence) and a ~150 MB pyskl ``.pkl``
(annotations of (1, 400, 25, 3) float32), a fresh process holds the file in memory as a
``BytesIO`` (what Streamlit's ``UploadedFile`` is: the server keeps the upload's bytes while the
widget shows it), then parses it the way the page does, and reports:

* peak: the rise of the peak RSS during the parse, as a multiple of the file size: the memory
  the parse needs on top of the upload itself. The peak is the process's ``VmHWM``
  (``/proc/self/status``), not ``ru_maxrss``: on Linux a child's ``ru_maxrss`` starts at its
  parent's RSS at fork time (the kernel keeps the pre-exec high-water mark), which hides
  everything below it;
* kept: the RSS still held once the page keeps only its (capped) parsed arrays.

With ``--baseline DIR`` (a checkout of an older commit, e.g. ``git worktree add /tmp/base REV``)
the same files are parsed by that checkout's code too ("before"), so the table shows both.
Each measurement runs in its own process. Writes ``benchmarks/results/upload_memory.md``.

    .venv/bin/python benchmarks/bench_upload_memory.py [--mb 150] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "upload_memory.md"
KEEP = 20  # sequences the page keeps (its cap)
PKL_FRAMES = 400


def make_npy(path: Path, mb: float) -> None:
    frames = int(mb * 1e6 / (25 * 3 * 4))
    rng = np.random.default_rng(0)
    base = rng.normal(0, 0.3, (25, 3)).astype(np.float32)
    arr = np.empty((frames, 25, 3), np.float32)
    arr[:] = base
    arr += np.linspace(0, 1, frames, dtype=np.float32)[:, None, None]
    np.save(path, arr)


def make_pkl(path: Path, mb: float) -> None:
    per = PKL_FRAMES * 25 * 3 * 4
    n = max(1, int(mb * 1e6 / per))
    rng = np.random.default_rng(0)
    names = [f"S001C001M001P{p:03d}A{a:03d}R{r:03d}"
             for r in range(1, 100) for p in range(1, 11) for a in range(1, 61)][:n]
    anns = []
    for name in names:
        a = int(name[17:20])
        kp = rng.normal(0, 0.3, (1, PKL_FRAMES, 25, 3)).astype(np.float32)
        anns.append({"frame_dir": name, "label": a - 1, "keypoint": kp,
                     "total_frames": PKL_FRAMES, "img_shape": (480, 854),
                     "original_shape": (480, 854)})
    with open(path, "wb") as fh:
        pickle.dump({"split": {"train": names}, "annotations": anns}, fh, protocol=4)


def _status_kb(field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (peak since exec) of this process, in KiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(path: Path, name: str) -> dict:
    """Runs in a fresh process: parse ``path`` as the page parses an upload named ``name``."""
    from flag3d_core.datasets.flag3d import skeleton  # noqa: F401  (imports are not the parse)
    from flag3d_core.recognition import upload

    data = path.read_bytes()
    up = io.BytesIO(data)  # shares ``data`` (copy-on-write), like Streamlit's UploadedFile
    size = len(data)
    del data
    gc.collect()
    base_peak = _status_kb("VmHWM")
    base_rss = _status_kb("VmRSS")
    t0 = time.perf_counter()
    if hasattr(upload, "parse_uploaded_stream"):  # after: from the stream, capped
        out = upload.parse_uploaded_stream(name, up, size, max_sequences=KEEP)
    else:  # before: what the page did, parse_uploaded_skeleton(up.name, up.getvalue())
        out = upload.parse_uploaded_skeleton(name, up.getvalue())
    seconds = time.perf_counter() - t0
    peak = _status_kb("VmHWM")
    arrays = [(u.key, u.joints) for u in out][:KEEP]
    del out
    gc.collect()
    kept = _status_kb("VmRSS") - base_rss
    return {"size_mb": size / 1e6, "peak_mb": (peak - base_peak) * 1024 / 1e6,
            "kept_mb": kept * 1024 / 1e6, "seconds": seconds, "sequences": len(arrays),
            "kept_arrays_mb": sum(a.nbytes for _, a in arrays) / 1e6}


def measure(root: Path, path: Path, name: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}  # that checkout's flag3d_core
    proc = subprocess.run([sys.executable, __file__, "--child", str(path), name], env=env,
                          cwd=root, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(results: dict[str, dict[str, dict]]) -> str:
    lines = ["| upload | code | file MB | parse peak MB | parse peak / file "
             "| upload + parse / file | kept MB | kept / file | parse s |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for kind, by_code in results.items():
        for code, r in by_code.items():
            size = r["size_mb"]
            lines.append(
                f"| {kind} | {code} | {size:.0f} | {r['peak_mb']:.0f} | "
                f"{r['peak_mb'] / size:.2f}x | {(r['peak_mb'] + size) / size:.2f}x | "
                f"{r['kept_mb']:.0f} | {r['kept_mb'] / size:.2f}x | {r['seconds']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=150.0, help="size of each upload file")
    ap.add_argument("--baseline", type=Path, default=None,
                    help="a checkout of an older commit, measured as 'before'")
    ap.add_argument("--child", nargs=2, metavar=("PATH", "NAME"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1])))
        return
    roots = ({"before": args.baseline.resolve()} if args.baseline else {}) | {"after": ROOT}
    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="bench_upload_") as tmp:
        files = {".npy (T, 25, 3) float32": (Path(tmp) / "upload.npy", make_npy),
                 f"pyskl .pkl, (1, {PKL_FRAMES}, 25, 3) each": (Path(tmp) / "upload.pkl",
                                                                make_pkl)}
        for kind, (path, make) in files.items():
            make(path, args.mb)
            results[kind] = {}
            for code, root in roots.items():
                results[kind][code] = measure(root, path, path.name)
                print(kind, code, results[kind][code], flush=True)
            path.unlink()
    OUT.write_text(
        "# Upload parsing memory\n\n"
        "`benchmarks/bench_upload_memory.py`: a fresh process per row holds the upload in memory "
        "(as Streamlit does), then parses it the way the Recognition page does. *Parse peak* "
        "is the rise of the peak RSS (VmHWM) during the parse, on top of the upload itself; "
        "*upload + parse* adds the upload, which Streamlit holds while the widget shows it; "
        f"*kept* is what stays once the page keeps only its parsed arrays (at most {KEEP} "
        "sequences). Before: the page read the upload into bytes (`getvalue()`), wrote pickles "
        "to a temporary file, parsed every sequence and copied every array to float32 "
        "(`astype`) while the parsed ones were alive. After: "
        "`parse_uploaded_stream` reads a `.npy` from the stream after checking its header, "
        "streams a pickle to a temporary file in chunks and parses it from the path, keeps "
        "float32 arrays without a copy, and stops at the cap.\n\n"
        + table(results) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
