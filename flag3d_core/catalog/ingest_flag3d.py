"""Ingest the FLAG3D release files (or FLAG3D-Synth, which has the same formats) into the catalog.

Per-sequence problems skip that sequence and are reported with their reason; file-level problems
raise and leave the catalog untouched (everything is written into a private copy that is swapped in
only at the end, see :mod:`flag3d_core.catalog.writer`). Every file is read within one
:class:`~flag3d_core.io_limits.LoadLimits` (``limits=``; by default the ``FLAG3D_*`` environment).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.arrays import StoredArray, store_array, store_arrays
from flag3d_core.catalog.taxonomy import flag3d_activity_frame, flag3d_taxonomy_frame
from flag3d_core.catalog.writer import catalog_transaction
from flag3d_core.datasets.flag3d.names import SequenceName
from flag3d_core.datasets.flag3d.skeleton import SkeletonRecord, SkippedRecord, iter_skeleton_pkl
from flag3d_core.datasets.flag3d.splits import cross_domain_split, in_domain_split
from flag3d_core.io_limits import LoadLimits, current_limits

log = logging.getLogger(__name__)

DATASET = "flag3d"
Progress = Callable[[str, int, int | None], None]  # (stage, done, total or None)
PelvisFn = Callable[[np.ndarray], np.ndarray]  # betas (10,) -> rest pelvis (3,)


@dataclass
class Flag3DParts:
    """The release files to ingest; any part may be absent."""

    skeleton: Path | None = None
    skeleton_2d: list[Path] = field(default_factory=list)
    smpl_dir: Path | None = None
    instructions: Path | None = None
    videos_dir: Path | None = None
    root: Path | None = None

    def describe(self) -> str:
        parts = [f"skeleton={self.skeleton}", f"skeleton_2d={[str(p) for p in self.skeleton_2d]}",
                 f"smpl={self.smpl_dir}", f"instructions={self.instructions}"]
        return ", ".join(parts)

    def is_empty(self) -> bool:
        return not (self.skeleton or self.skeleton_2d or self.smpl_dir or self.instructions
                    or self.videos_dir)


def find_parts(root: Path) -> Flag3DParts:
    """Find the release parts under ``root`` by their names (non-recursive for pickles)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a directory")
    pkls = sorted(p for p in root.rglob("*.pkl")
                  if p.is_file() and "smpl" not in p.parent.name.lower())
    skel = [p for p in pkls if "2d" not in p.stem.lower()]
    skel_3d = next((p for p in skel if p.stem.lower() in ("flag3d_keypoint", "flag3d")), None)
    if skel_3d is None and skel:
        skel_3d = skel[0]
    parts = Flag3DParts(root=root, skeleton=skel_3d,
                        skeleton_2d=[p for p in pkls if "2d" in p.stem.lower()])
    smpl_dirs = sorted(p for p in root.rglob("*") if p.is_dir() and "smpl" in p.name.lower())
    parts.smpl_dir = smpl_dirs[0] if smpl_dirs else None
    videos = root / "videos"
    parts.videos_dir = videos if videos.is_dir() else None
    for pattern in ("instruction*.zip", "instruction*.json"):
        found = sorted(root.rglob(pattern))
        if found:
            parts.instructions = found[0]
            break
    return parts


@dataclass
class IngestSummary:
    ingested: int = 0
    skipped: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    by_source: dict[str, int] = field(default_factory=dict)
    smpl: int = 0
    videos: int = 0
    activities: int = 0

    def as_dict(self) -> dict:
        return {"ingested": self.ingested, "skipped": len(self.skipped),
                "seconds": round(self.seconds, 2),
                "by_source": self.by_source, "smpl": self.smpl, "videos": self.videos,
                "activities": self.activities,
                "skipped_reasons": self.skipped[:50]}


def _sequence_row(seq_id: str, name: SequenceName, source: str, n_frames: int, fps: float,
                  layout: str, img_shape: tuple[int, int] | None, checksum: str) -> dict:
    return {
        "sequence_id": seq_id, "dataset": DATASET, "name": name.stem, "source": source,
        "scene": name.scene, "camera": name.camera, "view": name.view, "avatar": name.avatar,
        "performer": name.performer, "activity_id": f"A{name.activity:03d}", "label": name.label,
        "repetition": name.repetition, "n_frames": n_frames, "fps": fps, "joint_layout": layout,
        "up_axis": "z" if layout == "ntu25" else None,
        "img_width": img_shape[1] if img_shape else None,
        "img_height": img_shape[0] if img_shape else None, "checksum": checksum,
    }


def _array_row(seq_id: str, kind: str, stored: StoredArray) -> dict:
    return {"sequence_id": seq_id, "kind": kind, "path": stored.path, "shape": stored.shape_json,
            "dtype": stored.dtype, "checksum": stored.checksum}


class _Rows:
    """Accumulates rows per table, flushed as DataFrames."""

    def __init__(self) -> None:
        self.sequences: list[dict] = []
        self.arrays: list[dict] = []
        self.splits: list[dict] = []


def _ingest_skeleton_file(path: Path, kind: str, arrays_dir: Path, fps: float, rows: _Rows,
                          summary: IngestSummary, progress: Progress | None,
                          limits: LoadLimits) -> set[str]:
    """Read one pyskl pickle; returns the mocap names ingested (3D) for SMPL matching."""
    names: set[str] = set()
    records: Iterable[SkeletonRecord | SkippedRecord] = iter_skeleton_pkl(
        path, kind=kind, drop=True, limits=limits)
    for i, rec in enumerate(records):
        if isinstance(rec, SkippedRecord):
            summary.skipped.append({"file": str(path), "name": rec.name, "reason": rec.reason})
            continue
        nm = rec.sequence
        if kind == "3d":
            source, layout = "mocap", "ntu25"
            stored = store_array(arrays_dir, rec.keypoint.astype(np.float32, copy=False))
            arr_rows = [_array_row(f"{DATASET}/{source}/{nm.stem}", "joints3d_ntu25", stored)]
            names.add(nm.stem)
        else:
            source = "real" if nm.scheme == "natural" else "render"
            layout = "coco17"
            stored = store_array(arrays_dir, rec.keypoint.astype(np.float32, copy=False))
            scores = store_array(arrays_dir, rec.score.astype(np.float32, copy=False))
            arr_rows = [_array_row(f"{DATASET}/{source}/{nm.stem}", "keypoints2d_coco17", stored),
                        _array_row(f"{DATASET}/{source}/{nm.stem}", "keypoint_scores", scores)]
        seq_id = f"{DATASET}/{source}/{nm.stem}"
        rows.sequences.append(_sequence_row(seq_id, nm, source, rec.total_frames, fps, layout,
                                            rec.img_shape, stored.checksum))
        rows.arrays.extend(arr_rows)
        if source == "mocap":
            rows.splits.append({"sequence_id": seq_id, "protocol": "in-domain",
                                "split": in_domain_split(nm)})
        else:
            split = cross_domain_split(nm)
            if split is not None:
                rows.splits.append({"sequence_id": seq_id, "protocol": "cross-domain",
                                    "split": split})
        summary.by_source[source] = summary.by_source.get(source, 0) + 1
        summary.ingested += 1
        if progress and i % 50 == 0:
            progress(f"{path.name}", i, None)
    return names


def _ingest_smpl_dir(smpl_dir: Path, mocap_names: set[str], arrays_dir: Path, pelvis_fn: PelvisFn,
                     rows: _Rows, summary: IngestSummary, progress: Progress | None,
                     limits: LoadLimits) -> None:
    from flag3d_core.datasets.flag3d.names import try_parse_sequence_name
    from flag3d_core.datasets.flag3d.smpl import easymocap_to_smpl, load_easymocap_smpl

    files = sorted(p for p in smpl_dir.iterdir() if p.suffix in (".npz", ".json", ".pkl"))
    # Short names (M###P###A###R###) match any mocap sequence with the same M/P/A/R.
    by_short: dict[str, list[str]] = {}
    for full in mocap_names:
        by_short.setdefault(full[8:] if full.startswith("S") else full, []).append(full)
    n_frames = {r["name"]: r["n_frames"] for r in rows.sequences if r["source"] == "mocap"}
    for i, path in enumerate(files):
        nm = try_parse_sequence_name(path.name)
        if nm is None:
            summary.skipped.append({"file": str(path), "name": path.name,
                                    "reason": "file name is not a FLAG3D sequence name"})
            continue
        targets = [nm.stem] if nm.stem in mocap_names else by_short.get(nm.stem, [])
        if not targets:
            summary.skipped.append({"file": str(path), "name": nm.stem,
                                    "reason": "no 3D skeleton sequence with this name"})
            continue
        try:
            params = load_easymocap_smpl(path, limits=limits)
        except ValueError as exc:  # per-sequence file problem: skip it, say why
            summary.skipped.append({"file": str(path), "name": nm.stem, "reason": str(exc)})
            continue
        pelvis = np.asarray(pelvis_fn(params.shapes), dtype=np.float64)
        smpl = easymocap_to_smpl(params, pelvis)
        stored = store_arrays(arrays_dir, {
            "global_orient": smpl.global_orient.astype(np.float32),
            "body_pose": smpl.body_pose.astype(np.float32),
            "betas": smpl.betas.astype(np.float32),
            "transl": smpl.transl.astype(np.float32),
            "Rh": params.Rh.astype(np.float32), "Th": params.Th.astype(np.float32),
            "pelvis_rest": pelvis.astype(np.float32),
        })
        for full in targets:
            if n_frames.get(full) not in (None, len(smpl.body_pose)):
                summary.skipped.append({"file": str(path), "name": full, "reason":
                                        f"SMPL has {len(smpl.body_pose)} frames, "
                                        f"skeleton {n_frames[full]}"})
                continue
            rows.arrays.append(_array_row(f"{DATASET}/mocap/{full}", "smpl", stored))
            summary.smpl += 1
        if progress and i % 50 == 0:
            progress("smpl", i, len(files))


def _ingest_videos(videos_dir: Path, arrays_dir: Path, rows: _Rows,
                   summary: IngestSummary) -> None:
    """Rendered videos named like the rendered-domain sequences
    (``S###C###M###P###A###R###.mp4``)."""
    from flag3d_core.catalog.arrays import store_file
    from flag3d_core.datasets.flag3d.names import try_parse_sequence_name

    known = {r["name"] for r in rows.sequences if r["source"] == "render"}
    for path in sorted(videos_dir.glob("*.mp4")):
        nm = try_parse_sequence_name(path.name)
        if nm is None or nm.scheme != "mocap":
            summary.skipped.append({"file": str(path), "name": path.name,
                                    "reason": "video name is not a rendered-sequence name"})
            continue
        if nm.stem not in known:
            summary.skipped.append({"file": str(path), "name": nm.stem,
                                    "reason": "no rendered-domain sequence with this name"})
            continue
        if path.stat().st_size == 0:
            summary.skipped.append({"file": str(path), "name": nm.stem,
                                    "reason": "empty video file"})
            continue
        stored = store_file(arrays_dir, path)
        rows.arrays.append(_array_row(f"{DATASET}/render/{nm.stem}", "video_mp4", stored))
        summary.videos += 1


def ingest_flag3d(parts: Flag3DParts, catalog: Path, arrays_dir: Path, *, fps: float = 30.0,
                  pelvis_fn: PelvisFn | None = None, progress: Progress | None = None,
                  replace_dataset: bool = True, limits: LoadLimits | None = None
                  ) -> IngestSummary:
    """Ingest FLAG3D release parts into ``catalog`` (atomically).

    Args:
        parts: which files to read (see :func:`find_parts`).
        catalog: the catalog file; created if absent.
        arrays_dir: where array files go (content-addressed, shared between catalog versions).
        fps: frame rate recorded for the sequences (FLAG3D does not state one; default 30).
        pelvis_fn: rest-pose pelvis of the body model for given betas, needed to convert
            EasyMocap's Rh/Th to SMPL's global_orient/transl. Required when SMPL files are given.
        replace_dataset: drop the dataset's existing sequences of the ingested sources first.
        limits: what reading each file may cost (default: :func:`~flag3d_core.io_limits.
            current_limits`); a file past them is a file-level problem, an annotation nested
            past ``max_pickle_depth`` a skipped sequence.

    Raises:
        FileFormatError: a file-level problem; the catalog is unchanged.
    """
    if parts.is_empty():
        raise FileNotFoundError(f"no FLAG3D release files found ({parts.describe()})")
    if parts.smpl_dir is not None and pelvis_fn is None:
        raise ValueError("SMPL files need a body model for the Rh/Th conversion (pelvis_fn)")
    limits = limits if limits is not None else current_limits()
    t0 = time.perf_counter()
    summary = IngestSummary()
    rows = _Rows()
    instructions = None
    if parts.instructions is not None:
        from flag3d_core.datasets.flag3d.instructions import load_instructions

        instructions = load_instructions(parts.instructions, limits=limits)
    mocap_names: set[str] = set()
    if parts.skeleton is not None:
        mocap_names = _ingest_skeleton_file(parts.skeleton, "3d", arrays_dir, fps, rows, summary,
                                            progress, limits)
    for p2d in parts.skeleton_2d:
        _ingest_skeleton_file(p2d, "2d", arrays_dir, fps, rows, summary, progress, limits)
    if parts.smpl_dir is not None:
        _ingest_smpl_dir(parts.smpl_dir, mocap_names, arrays_dir, pelvis_fn, rows, summary,
                         progress, limits)
    if parts.videos_dir is not None:
        _ingest_videos(parts.videos_dir, arrays_dir, rows, summary)

    sources = sorted(summary.by_source)
    with catalog_transaction(catalog) as con:
        queries.upsert_dataset(con, DATASET, "FLAG3D",
                               "60 fitness activities: MoCap skeletons, SMPL, rendered and "
                               "smartphone-video keypoints, language instructions",
                               str(parts.root) if parts.root else parts.describe())
        queries.insert_taxonomy(con, flag3d_taxonomy_frame())
        act = flag3d_activity_frame(instructions)
        if instructions is not None or queries.activities(con, DATASET).empty:
            summary.activities = queries.insert_activities(con, act)
        if replace_dataset and sources:
            queries.delete_dataset_rows(con, DATASET, sources)
        queries.insert_sequences(con, pd.DataFrame(rows.sequences))
        queries.insert_sequence_arrays(con, pd.DataFrame(rows.arrays))
        queries.insert_splits(con, pd.DataFrame(rows.splits))
        queries.delete_orphan_results(con)
        summary.seconds = time.perf_counter() - t0
        queries.insert_ingest_log(con, DATASET, parts.describe(), summary.ingested,
                                  len(summary.skipped), summary.seconds, summary.skipped)
        queries.set_meta(con, "flag3d_parts", json.dumps(
            {"root": str(parts.root) if parts.root else None,
             "skeleton": str(parts.skeleton) if parts.skeleton else None}))
    summary.seconds = time.perf_counter() - t0
    return summary
