"""Import commands: ``flag3d import hmr``, other methods' mesh-recovery outputs recorded as a
mesh_recovery run (:func:`flag3d_core.mesh_recovery.import_run.import_run`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flag3d_core.cli.output import emit
from flag3d_core.settings import Settings

_QUOTED_REASONS = 2  # skipped files quoted in the text summary


def register(sub: argparse._SubParsersAction) -> None:
    from flag3d_core.mesh_recovery.importers import FORMATS

    p = sub.add_parser("import", help="import results made elsewhere into the catalog")
    isub = p.add_subparsers(dest="what", required=True)
    h = isub.add_parser(
        "hmr", help="other HMR methods' outputs (ROMP, BEV, VIBE, WHAM, 4D-Humans, GVHMR), "
        "matched to catalog sequences by file or folder name, scored against the SMPL ground "
        "truth and recorded as a mesh_recovery run")
    h.add_argument("--format", dest="fmt", required=True, choices=list(FORMATS),
                   help="the method's output format")
    h.add_argument("--root", required=True, type=Path, help="folder of the method's outputs")
    h.add_argument("--name", default=None,
                   help="the run's model name (default: the format, e.g. 'romp')")
    h.add_argument("--json", action="store_true")
    h.set_defaults(handler=cmd_import_hmr)


def cmd_import_hmr(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from flag3d_core.body import load_body_model
    from flag3d_core.mesh_recovery.import_run import import_run

    body = load_body_model(settings.body_models, device="cpu")
    bars: list[tqdm] = []  # made at the first file: a root without outputs prints no bar

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, desc=f"import {args.fmt}", unit="file",
                             file=sys.stderr, mininterval=0.5))
        bars[0].update(done - bars[0].n)

    try:
        res = import_run(settings.catalog, settings.arrays_dir, body, args.root, args.fmt,
                         args.name or args.fmt, progress=progress)
    finally:
        for bar in bars:
            bar.close()
    m = res.metrics
    skipped = [{"file": s.file, "name": s.name, "reason": s.reason} for s in res.skipped]
    text = (f"run {res.run_id} ({args.name or args.fmt}, imported {args.fmt}): MPJPE "
            f"{m['mpjpe']:.1f} mm, PA-MPJPE {m['pa_mpjpe']:.1f} mm over {res.n_sequences} "
            f"sequences / {m['num_frames']} frames ({res.world_aligned} moved into the world by "
            f"their camera; PA-MPJPE only for the others); {len(skipped)} skipped")
    if skipped:
        text += " (" + "; ".join(f"{Path(s['file']).name}: {s['reason']}"
                                 for s in skipped[:_QUOTED_REASONS]) + ")"
    emit(args, {"run_id": res.run_id, "model": args.name or args.fmt,
                "protocol": f"imported {args.fmt}", "matched": res.n_sequences,
                "world_aligned": res.world_aligned, "skipped": skipped, "metrics": m,
                "seconds": round(res.seconds, 1)}, text)
    return 0
