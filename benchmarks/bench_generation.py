"""Both generation protocols on the committed (or newest) generators, against the goals of
issue 12, with the time the whole evaluation of the test split takes.

Category protocol (ACTOR / FLAG3D Table 7): recognition accuracy >= 90 %, FID(generated, real
test) <= 3x FID(real train, real test), diversity within 10 % and multimodality within 20 % of
the real motions'. Language protocol: R-precision top-3 with one clip per activity per batch
>= 0.70 for the generator and >= 0.90 for the real motions. Figures are means +- 95 % interval
over ``--seeds`` seeds, on the default catalog (``make app``), one torch thread.

    .venv/bin/python benchmarks/bench_generation.py [--seeds 3] [--models action,text]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch


def _fmt(m: dict, key: str) -> str:
    return f"{m[key]:.3f} ± {m[key + '_ci95']:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--models", default="action,text")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "generation.json")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from flag3d_core.body import load_body_model
    from flag3d_core.catalog import queries
    from flag3d_core.generation.checkpoint import file_hash, load_generator
    from flag3d_core.generation.protocols import evaluate_generator
    from flag3d_core.generation.runs import generator_path
    from flag3d_core.search.encoder import MiniLMEncoder
    from flag3d_core.settings import load_settings

    s = load_settings()
    body = load_body_model(s.body_models)
    enc = MiniLMEncoder.load()
    con = queries.connect(s.catalog)
    out: dict = {}
    try:
        for model in [m.strip() for m in args.models.split(",") if m.strip()]:
            path = generator_path(con, model)
            gen = load_generator(path)
            t0 = time.perf_counter()
            m = evaluate_generator(gen, con, s.arrays_dir, body, enc, seeds=args.seeds)
            m.pop("confusion", None)
            out[model] = {"checkpoint": str(path), "sha256": file_hash(path),
                          "seconds": round(time.perf_counter() - t0, 1), "metrics": m}
    finally:
        con.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2, default=float))

    print(f"{args.seeds} seeds, 900 held-out sequences (P006-P010), one torch thread; "
          "mean ± 95 % interval.\n")
    print("| model | checkpoint | accuracy (≥ 0.90) | FID (≤ 3x real) | diversity (±10 %) | "
          "multimodality (±20 %) | R-prec. top-3, one per activity (≥ 0.70) | R-prec. top-3 "
          "random | text FID | MM-Dist | APE root / joints (m) | AVE root / joints (m²) | "
          "evaluation time |")
    print("|---" * 13 + "|")
    real = None
    for model, r in out.items():
        m = r["metrics"]
        real = m
        print(f"| {model} | {r['sha256'][:12]} | {_fmt(m, 'generated/accuracy')} | "
              f"{_fmt(m, 'generated/fid')} ({m['generated/fid'] / m['real/fid']:.1f}x) | "
              f"{_fmt(m, 'generated/diversity')} | {_fmt(m, 'generated/multimodality')} | "
              f"{_fmt(m, 'text/generated/r_precision_per_class_top3')} | "
              f"{_fmt(m, 'text/generated/r_precision_random_top3')} | "
              f"{_fmt(m, 'text/generated/fid')} | {_fmt(m, 'text/generated/mm_dist')} | "
              f"{m['text/generated/ape_root_m']:.3f} / {m['text/generated/ape_joints_m']:.3f} | "
              f"{m['text/generated/ave_root_m2']:.4f} / {m['text/generated/ave_joints_m2']:.4f} "
              f"| {r['seconds']:.0f} s |")
    if real is not None:
        m = real
        print(f"| real motions | - | {_fmt(m, 'real/accuracy')} | {_fmt(m, 'real/fid')} | "
              f"{_fmt(m, 'real/diversity')} | {_fmt(m, 'real/multimodality')} | "
              f"{_fmt(m, 'text/real/r_precision_per_class_top3')} | "
              f"{_fmt(m, 'text/real/r_precision_random_top3')} | {_fmt(m, 'text/real/fid')} | "
              f"{_fmt(m, 'text/real/mm_dist')} | - | - | - |")
        print(f"\nCategory: {m['conventions']}\n\nLanguage: {m['text/conventions']}")
        print(f"\nRecognizer sha256 {m['recognizer_sha256'][:12]}, text-motion evaluator "
              f"sha256 {m['text/evaluator_sha256'][:12]}. Real rows: category = real test "
              "windows (accuracy, diversity, multimodality) and FID(real train, real test); "
              "language = real test windows against their texts, FID(real train, real test).")


if __name__ == "__main__":
    main()
