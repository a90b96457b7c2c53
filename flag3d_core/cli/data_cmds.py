"""Data commands: ``setup``, ``synth``, ``ingest``."""

from __future__ import annotations

import argparse
import functools
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from flag3d_core.atomic import atomic_path
from flag3d_core.cli.output import emit
from flag3d_core.cli.progress import StageBars
from flag3d_core.settings import Settings

if TYPE_CHECKING:
    from flag3d_core.catalog.ingest_flag3d import Flag3DParts, IngestSummary, PelvisFn
    from flag3d_core.search.encoder import TextEncoder

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("setup", help="build what the app needs if absent: body model, "
                                     "FLAG3D-Synth, catalog")
    p.add_argument("--profile", default="demo", choices=["demo", "small"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_setup)

    p = sub.add_parser("synth", help="generate FLAG3D-Synth in the release formats, "
                                     "or its contact sheet")
    p.add_argument("action", nargs="?", default="generate", choices=["generate", "contact-sheet"])
    p.add_argument("--profile", default="demo", choices=["demo", "small"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="output dir (generate) or PNG file (contact-sheet)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_synth)

    p = sub.add_parser("ingest", help="ingest dataset release files into the catalog")
    isub = p.add_subparsers(dest="dataset", required=True)
    f = isub.add_parser("flag3d", help="FLAG3D (or FLAG3D-Synth) release files")
    f.add_argument("--root", type=Path, help="directory holding the release parts (found by name)")
    f.add_argument("--skeleton", type=Path, help="3D skeleton pickle (flag3d_keypoint.pkl)")
    f.add_argument("--skeleton-2d", type=Path, action="append", default=[],
                   help="2D keypoint pickle (repeatable)")
    f.add_argument("--smpl", type=Path,
                   help="directory of per-sequence SMPL files (EasyMocap layout)")
    f.add_argument("--instructions", type=Path, help="instruction.zip or a JSON keyed by A###")
    f.add_argument("--fps", type=float, default=None, help="frame rate to record (default 30)")
    f.add_argument("--json", action="store_true")
    f.set_defaults(handler=cmd_ingest_flag3d)


def synth_root(settings: Settings) -> Path:
    return settings.data_dir / "flag3d_synth"


def _pelvis_fn(settings: Settings) -> PelvisFn:
    from flag3d_core.body import load_body_model

    model = load_body_model(settings.body_models)
    return model.rest_pelvis


@functools.lru_cache(maxsize=1)
def text_encoder(device: str) -> TextEncoder:
    """The process's sentence encoder (loaded once: several ingests in one process, as in the
    tests, share it)."""
    from flag3d_core.search.encoder import MiniLMEncoder

    return MiniLMEncoder.load(device)


def refresh_text_index(settings: Settings) -> str:
    """Build the catalog's text index for search unless it is up to date (the check reads the
    catalog only; the encoder loads when the activity texts changed). Returns what was done.
    Without the encoder packages the search keeps its keyword and id matches: a warning."""
    from flag3d_core.search.encoder import EncoderUnavailableError
    from flag3d_core.search.index import ensure_text_index

    try:
        summary = ensure_text_index(settings.catalog,
                                    lambda: text_encoder(settings.torch_device()))
    except EncoderUnavailableError as exc:
        log.warning("text index not built (search falls back to keywords): %s", exc)
        return f"not built: {exc}"
    return summary.describe()


def ingest_and_index(parts: Flag3DParts, settings: Settings,
                     fps: float | None = None) -> tuple[IngestSummary, str]:
    """Ingest FLAG3D release parts, then refresh the text index; (summary, index outcome)."""
    from flag3d_core.catalog.ingest_flag3d import ingest_flag3d

    bars = StageBars()
    try:
        summary = ingest_flag3d(parts, settings.catalog, settings.arrays_dir,
                                fps=fps or settings.fps,
                                pelvis_fn=_pelvis_fn(settings) if parts.smpl_dir else None,
                                progress=bars)
    finally:
        bars.close()
    return summary, refresh_text_index(settings)


def ingest_parts(parts: Flag3DParts, settings: Settings,
                 fps: float | None = None) -> IngestSummary:
    """Ingest FLAG3D release parts and refresh the text index (see :func:`ingest_and_index`)."""
    return ingest_and_index(parts, settings, fps)[0]


def cmd_ingest_flag3d(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.catalog.ingest_flag3d import Flag3DParts, find_parts

    if args.root is None and not (args.skeleton or args.skeleton_2d or args.smpl
                                  or args.instructions):
        raise ValueError("give --root DIR or at least one of "
                         "--skeleton/--skeleton-2d/--smpl/--instructions")
    parts = find_parts(args.root) if args.root else Flag3DParts()
    if args.skeleton:
        parts.skeleton = args.skeleton
    if args.skeleton_2d:
        parts.skeleton_2d = list(args.skeleton_2d)
    if args.smpl:
        parts.smpl_dir = args.smpl
    if args.instructions:
        parts.instructions = args.instructions
    for p in [parts.skeleton, parts.smpl_dir, parts.instructions, *parts.skeleton_2d]:
        if p is not None and not Path(p).exists():
            raise FileNotFoundError(f"{p}: no such file or directory")
    summary, index = ingest_and_index(parts, settings, args.fps)
    reasons = "\n".join(f"  skipped {s['name']}: {s['reason']}" for s in summary.skipped[:20])
    more = f"\n  ... and {len(summary.skipped) - 20} more" if len(summary.skipped) > 20 else ""
    emit(args, {"catalog": str(settings.catalog), **summary.as_dict(), "text_index": index},
         f"ingested {summary.ingested} sequences ({summary.by_source}), {summary.smpl} with SMPL, "
         f"skipped {len(summary.skipped)}, in {summary.seconds:.1f} s -> {settings.catalog}"
         + (f"\n{reasons}{more}" if reasons else "") + f"\ntext index: {index}")
    return 0


def cmd_synth(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "contact-sheet":
        from flag3d_core.synth.contact_sheet import contact_sheet

        out = Path(args.out or "contact_sheet.png")
        with atomic_path(out) as tmp:  # tmp ends in out's suffix: cv2 picks the format by it
            contact_sheet(tmp, body_dir=_ensure_body_model(settings))
        emit(args, {"out": str(out)}, f"contact sheet written to {out}")
        return 0
    from flag3d_core.synth.generate import generate

    out = Path(args.out) if args.out else synth_root(settings)
    body_dir = _ensure_body_model(settings)
    bars = StageBars()
    t0 = time.perf_counter()
    try:
        summary = generate(args.profile, args.seed, out, body_dir=body_dir,
                           progress=lambda done, total: bars("synth", done, total))
    finally:
        bars.close()
    emit(args, {"out": str(out), "seconds": round(time.perf_counter() - t0, 2),
                **_as_dict(summary)},
         f"FLAG3D-Synth ({args.profile}, seed {args.seed}) written to {out} "
         f"in {time.perf_counter() - t0:.1f} s")
    return 0


def _as_dict(obj: object) -> dict:
    from dataclasses import asdict, is_dataclass

    return ({k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(obj).items()}
            if is_dataclass(obj) else {})


def _ensure_body_model(settings: Settings) -> Path:
    """Write the stand-in body model unless a body model (stand-in or real) is present."""
    from flag3d_core.body import find_body_model, write_standin
    from flag3d_core.body.errors import BodyModelNotFoundError

    try:
        find_body_model(settings.body_models)
    except BodyModelNotFoundError:
        write_standin(settings.body_models)
    return settings.body_models


def cmd_setup(args: argparse.Namespace, settings: Settings) -> int:
    """Idempotent: each step runs only when its output is missing."""
    from flag3d_core.catalog.ingest_flag3d import find_parts

    done: dict[str, str] = {}
    t0 = time.perf_counter()
    _ensure_body_model(settings)
    done["body_model"] = str(settings.body_models)
    root = synth_root(settings)
    if not (root / "flag3d_keypoint.pkl").exists():
        from flag3d_core.synth.generate import generate

        bars = StageBars()
        try:
            generate(args.profile, args.seed, root, body_dir=settings.body_models,
                     progress=lambda d, t: bars("FLAG3D-Synth", d, t))
        finally:
            bars.close()
        done["synth"] = f"generated {args.profile} profile"
    else:
        done["synth"] = "present"
    if not settings.catalog.exists():
        summary, index = ingest_and_index(find_parts(root), settings)
        done["catalog"] = f"built: {summary.ingested} sequences"
        done["text_index"] = index
    else:
        done["catalog"] = "present"
        done["text_index"] = refresh_text_index(settings)  # catalogs from before the index
    from flag3d_core.cli.model_cmds import ensure_default_models

    done["models"] = ensure_default_models(settings)
    from flag3d_core.cli.hmr_cmds import ensure_default_mesh_run

    done["mesh_recovery"] = ensure_default_mesh_run(settings)
    from flag3d_core.cli.gen_eval_cmds import ensure_motion_index

    done["generation"] = ensure_motion_index(settings)
    emit(args, {"seconds": round(time.perf_counter() - t0, 1), **done},
         "\n".join(f"{k}: {v}" for k, v in done.items())
         + f"\nsetup took {time.perf_counter() - t0:.1f} s")
    return 0
