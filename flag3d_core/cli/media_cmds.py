"""Media commands: ``render`` and ``export`` of one sequence."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from flag3d_core.atomic import check_output_path
from flag3d_core.catalog import queries
from flag3d_core.catalog.record import load_sequence
from flag3d_core.cli.output import emit
from flag3d_core.export.formats import ALIASES, FORMATS
from flag3d_core.settings import Settings

if TYPE_CHECKING:
    from tqdm import tqdm

    from flag3d_core.body.forward import BodyModel


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render",
                       help="render a sequence offscreen to a browser-playable H.264 MP4")
    p.add_argument("seq", metavar="SEQ_ID", help="sequence id or release name")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--camera", default="front",
                   help="front, side, or a FLAG3D-like camera C001..C006")
    p.add_argument("--what", default="mesh", choices=["mesh", "skeleton", "both"])
    p.add_argument("--compare", help="a second sequence drawn in another colour")
    p.add_argument("--max-frames", type=int, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_render)

    p = sub.add_parser("export",
                       help="export a sequence: SMPL npz, BVH, MP4, joint positions or 2D "
                            "keypoints (CSV / .npy), or its catalog metadata as CSV")
    p.add_argument("seq", metavar="SEQ_ID")
    p.add_argument("--format", required=True, choices=[*FORMATS, *ALIASES],
                   help="joints-*: (T, J, 3) metres, z up, in the sequence's layout; "
                        "keypoints-*: pixels with scores, (T, J, 3) as x, y, score; "
                        "csv is the old name of metadata-csv")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--camera", default="front")
    p.add_argument("--what", default="mesh", choices=["mesh", "skeleton", "both"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_export)


def _body(settings: Settings) -> BodyModel:
    from flag3d_core.body import load_body_model

    return load_body_model(settings.body_models)


class _RenderBar:
    """A tqdm bar made on the first progress call, so a command that fails before rendering
    prints its one error line and no empty bar."""

    def __init__(self) -> None:
        self.bar: tqdm | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(desc="render", unit="frame", mininterval=0.5)
        self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_render(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.export.sequence import render_mp4

    check_output_path(args.out)  # a bad --out fails now, not after the render
    con = queries.connect(settings.catalog)
    bar = _RenderBar()
    try:
        sid = queries.resolve_sequence_id(con, args.seq)
        record = load_sequence(con, settings.arrays_dir, sid)
        second = (load_sequence(con, settings.arrays_dir,
                                queries.resolve_sequence_id(con, args.compare))
                  if args.compare else None)
        body = _body(settings) if args.what != "skeleton" else None
        res = render_mp4(record, settings.cache_dir, what=args.what, camera=args.camera,
                         body_model=body, out=args.out, second=second, progress=bar,
                         max_frames=args.max_frames)
    finally:
        bar.close()
        con.close()
    emit(args, {"sequence_id": sid, "out": str(res.path), "backend": res.backend,
                "frames": res.frames, "cached": res.cached, "seconds": round(res.seconds, 2)},
         f"{sid}: {res.frames} frames with {res.backend}{' (from cache)' if res.cached else ''} "
         f"in {res.seconds:.1f} s -> {res.path}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.export.sequence import export_sequence

    check_output_path(args.out)  # a bad --out fails now, not after loading and rendering
    con = queries.connect(settings.catalog)
    bar = _RenderBar()
    try:
        sid = queries.resolve_sequence_id(con, args.seq)
        record = load_sequence(con, settings.arrays_dir, sid)
        needs_body = args.format in ("npz", "bvh") or (args.format == "mp4"
                                                       and args.what != "skeleton")
        out = export_sequence(record, settings.cache_dir, args.format, args.out,
                              body_model=_body(settings) if needs_body else None,
                              camera=args.camera, what=args.what, progress=bar)
    finally:
        bar.close()
        con.close()
    emit(args, {"sequence_id": sid, "format": args.format, "out": str(out)},
         f"{sid} exported as {args.format} -> {out}")
    return 0
