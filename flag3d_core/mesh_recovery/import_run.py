"""Other HMR methods' outputs as a mesh-recovery run: each output file matched to its catalog
sequence, scored against the SMPL of the MoCap performance and recorded like the project's own
runs (task ``mesh_recovery``), so the Mesh Recovery page, ``flag3d eval hmr`` and the
leaderboard show it next to them.

Per output file (:func:`~flag3d_core.mesh_recovery.importers.find_outputs`):

1. its name is matched to a catalog sequence: a rendered studio camera (``S###C###...``) or a
   phone video (``PCSH_...``) of the same release name first, since a method runs on a video;
   else any sequence id or name :func:`~flag3d_core.catalog.queries.resolve_sequence_id`
   knows (a MoCap sequence);
2. the file is read (:func:`~flag3d_core.mesh_recovery.importers.read_hmr_output`) and the
   person covering the most frames kept
   (:func:`~flag3d_core.mesh_recovery.importers.select_person`); its frame indices must lie
   inside the sequence;
3. a camera-frame prediction of a sequence with a calibrated studio camera is moved into the
   dataset's world by that calibration
   (:func:`~flag3d_core.mesh_recovery.kp2smpl.frames.camera_to_world`); any other one (phone
   videos have no calibration; WHAM/GVHMR world tracks are in the method's own world; a MoCap
   match has no camera) is kept as given and marked ``world_aligned = 0``: its MPJPE and PVE
   then include the difference of two unrelated global orientations and only PA-MPJPE is
   comparable;
4. it is scored on the frames the method predicted
   (:func:`~flag3d_core.mesh_recovery.runs.score_against`).

Files that match no sequence, cannot be read or do not fit their sequence are skipped with the
reason (returned and kept in the run config). Everything is read and scored before the one
catalog transaction of :func:`~flag3d_core.mesh_recovery.runs.record_mesh_run`, so a failure
leaves the catalog as it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.catalog import queries
from flag3d_core.catalog.record import SequenceSmpl, load_sequence
from flag3d_core.errors import FileFormatError, IncompatibleInputError, NotInCatalogError
from flag3d_core.mesh_recovery.importers import (
    FORMATS,
    ImportedTrack,
    find_outputs,
    read_hmr_output,
    select_person,
)
from flag3d_core.mesh_recovery.importers.formats import check_format
from flag3d_core.mesh_recovery.kp2smpl.data import load_pairs
from flag3d_core.mesh_recovery.kp2smpl.frames import camera_to_world
from flag3d_core.mesh_recovery.runs import (
    MeshRunResult,
    PredictedSmpl,
    _run_id,
    record_mesh_run,
    score_against,
)
from flag3d_core.render.cameras import Camera

__all__ = ["ALIGNMENT_NOTE", "ImportRunResult", "SkippedOutput", "import_run"]

log = logging.getLogger(__name__)

VIDEO_SOURCES = ("render", "real")  # matched before MoCap: a method runs on a video
ALIGNMENT_NOTE = (
    "camera-frame predictions of sequences with a calibrated studio camera were moved into the "
    "dataset's world by the calibration (per-sequence metric world_aligned = 1); the others "
    "(phone videos, MoCap matches, tracks in the method's own world frame) are kept as given "
    "(world_aligned = 0): their MPJPE and PVE include an unrelated global orientation, only "
    "PA-MPJPE is comparable")
_NO_TRANSL = ("the method gives no root translation (VIBE): zeros in its frame; the metrics are "
              "pelvis-aligned, so they do not depend on it")
_MAX_REASONS = 3  # reasons quoted in the error when nothing matched


@dataclass(frozen=True)
class SkippedOutput:
    """An output file that was not imported, and why."""

    file: str
    name: str
    reason: str


@dataclass(frozen=True)
class ImportRunResult(MeshRunResult):
    """A :class:`~flag3d_core.mesh_recovery.runs.MeshRunResult` with what was left out:
    ``skipped`` files with their reasons, and how many of the ``n_sequences`` imported were
    moved into the dataset's world (``world_aligned``)."""

    skipped: tuple[SkippedOutput, ...]
    world_aligned: int


@dataclass(frozen=True)
class _Target:
    """A catalog sequence an output belongs to."""

    sequence_id: str
    source: str
    n_frames: int


@dataclass(frozen=True)
class _Matched:
    target: _Target
    track: ImportedTrack
    file: Path


@dataclass(frozen=True)
class _Truth:
    """The ground truth of a matched sequence and the camera that saw it (None: none known)."""

    smpl: SequenceSmpl
    camera: Camera | None


class _Names:
    """Output names -> catalog sequences (videos before MoCap, see the module docstring)."""

    def __init__(self, con: queries.Con, dataset: str) -> None:
        self.con = con
        self.videos: dict[str, _Target] = {}
        for source in reversed(VIDEO_SOURCES):  # render last: it wins a shared name
            rows = queries.keypoint_smpl_pairs(con, source, dataset)
            for r in rows.itertuples():
                target = _Target(r.sequence_id, source, int(r.n_frames))
                self.videos[r.name] = self.videos[r.sequence_id] = target

    def resolve(self, name: str) -> _Target:
        """The sequence of an output named ``name``.

        Raises:
            NotInCatalogError: no such sequence (the message suggests the nearest names).
        """
        if name in self.videos:
            return self.videos[name]
        try:
            sid = queries.resolve_sequence_id(self.con, name)
        except NotInCatalogError:
            near = dict.fromkeys(s.rsplit("/", 1)[-1]
                                 for s in queries.nearest_sequence_ids(self.con, name))
            raise NotInCatalogError(f"no sequence named {name!r} in the catalog (nearest: "
                                    f"{', '.join(near)})") from None
        row = queries.sequence(self.con, sid)
        return _Target(sid, str(row["source"]), int(row["n_frames"]))


def _frames_problem(track: ImportedTrack, target: _Target) -> str | None:
    """Why the track's frames do not fit its sequence, or None when they do."""
    if track.num_frames == 0:
        return f"person {track.person} has no frames"
    lo, hi, n = int(track.frame_ids[0]), int(track.frame_ids[-1]), target.n_frames
    if hi >= n:
        return (f"frames {lo}..{hi} ({track.num_frames} predicted) do not fit "
                f"{target.sequence_id}, which has {n} frames (0..{n - 1})")
    return None


def _read(names: _Names, name: str, path: Path, fmt: str) -> _Matched | str:
    """The output ``path`` matched, read and checked against its sequence, or why not."""
    try:
        target = names.resolve(name)
        track = select_person(read_hmr_output(path, fmt))
    except (NotInCatalogError, IncompatibleInputError) as exc:
        return str(exc)
    except FileFormatError as exc:  # HmrFileError, UnsafePickleError, PickleFormatError
        return exc.problem if exc.path == str(path) else str(exc)  # else: names the member
    except OSError as exc:  # unreadable (permissions, I/O): the file's problem, not the run's
        return f"cannot be read ({exc.strerror or exc})"
    return _frames_problem(track, target) or _Matched(target, track, path)


def _match(con: queries.Con, root: Path, fmt: str, dataset: str,
           progress: Callable[[int, int], None] | None
           ) -> tuple[list[_Matched], list[SkippedOutput], int]:
    """Every output under ``root`` matched, read and checked against its sequence; the files
    that were not, with their reasons; the number of output files."""
    outputs = find_outputs(root, fmt)
    if not outputs:
        raise NotInCatalogError(f"{root}: no {fmt} output files found ({FORMATS[fmt]})")
    names = _Names(con, dataset)
    matched: dict[str, _Matched] = {}
    skipped: list[SkippedOutput] = []
    for i, (name, path) in enumerate(outputs):
        got = _read(names, name, path, fmt)
        if isinstance(got, str):
            skipped.append(SkippedOutput(str(path), name, got))
        elif got.target.sequence_id in matched:
            first = matched[got.target.sequence_id].file
            skipped.append(SkippedOutput(str(path), name, f"a second output for "
                                         f"{got.target.sequence_id} (imported: {first})"))
        else:
            matched[got.target.sequence_id] = got
        if progress is not None:
            progress(i + 1, len(outputs))
    return list(matched.values()), skipped, len(outputs)


def _truths(con: queries.Con, arrays_dir: Path, body: Any, matched: list[_Matched],
            dataset: str) -> tuple[dict[str, _Truth], dict[str, str]]:
    """The ground truth of each matched sequence, and why there is none for the others."""
    truths: dict[str, _Truth] = {}
    missing: dict[str, str] = {}
    for source in VIDEO_SOURCES:
        ids = [m.target.sequence_id for m in matched if m.target.source == source]
        if not ids:
            continue
        try:
            pairs = load_pairs(con, arrays_dir, body, source=source, sequence_ids=ids,
                               dataset=dataset)
        except FileNotFoundError:  # a missing calibration file: find whose, keep the rest
            pairs = []
            for sid in ids:
                try:
                    pairs += load_pairs(con, arrays_dir, body, source=source,
                                        sequence_ids=[sid], dataset=dataset)
                except FileNotFoundError as exc:
                    missing[sid] = str(exc)
        truths.update({p.sequence_id: _Truth(p.gt_world, p.camera) for p in pairs})
    for m in matched:
        sid = m.target.sequence_id
        if sid in truths or sid in missing or m.target.source in VIDEO_SOURCES:
            continue
        rec = load_sequence(queries.cursor(con), arrays_dir, sid)
        if rec.has_smpl:
            truths[sid] = _Truth(rec.smpl(body), None)
        else:
            missing[sid] = f"{sid} has no SMPL ground truth to score against"
    return truths, missing


def _prediction(track: ImportedTrack, truth: _Truth, body: Any) -> tuple[PredictedSmpl, bool]:
    """The track as a prediction, in the dataset's world when its camera allows it; and
    whether it was moved there. Betas: the mean of the method's per-frame betas (the shape
    :func:`score_against` poses), with ``transl`` placed for that shape's rest pelvis."""
    betas = track.betas.mean(axis=0).astype(np.float32)  # (10,)
    transl = track.transl if track.transl is not None else np.zeros((track.num_frames, 3),
                                                                    np.float32)
    params = {"global_orient": track.global_orient, "body_pose": track.body_pose,
              "betas": betas, "transl": transl}
    aligned = track.coords == "camera" and truth.camera is not None
    if aligned:
        params = camera_to_world(params, truth.camera, body.rest_pelvis(betas))
    return PredictedSmpl(frames=track.frame_ids, **params), aligned


def import_run(catalog: Path, arrays_dir: Path, body: Any, root: Path, fmt: str, name: str, *,
               dataset: str = "flag3d",
               progress: Callable[[int, int], None] | None = None) -> ImportRunResult:
    """Import every ``fmt`` output under ``root`` as one mesh-recovery run of model ``name``
    (protocol ``imported <fmt>``); see the module docstring for the steps.

    Args:
        catalog / arrays_dir: the catalog file and its array folder.
        body: the :class:`~flag3d_core.body.forward.BodyModel` to pose both sides with.
        root: the folder of the method's outputs. fmt: a key of
            :data:`~flag3d_core.mesh_recovery.importers.FORMATS`.
        name: the run's model name (``romp``, ``vibe-finetuned``...).
        dataset: the catalog dataset whose videos the outputs are matched to.
        progress: ``progress(done, total)`` after each output file is read.

    Returns:
        The recorded run, with the skipped files and the number of world-aligned sequences.

    Raises:
        IncompatibleInputError: an unknown ``fmt`` or an empty ``name``.
        FileNotFoundError: ``root`` is not a folder.
        NotInCatalogError: no output file under ``root``, or none could be imported (the
            message names ``root`` and the first reasons). The catalog is then unchanged.
    """
    check_format(fmt)
    if not name.strip():
        raise IncompatibleInputError("the run needs a model name (e.g. the method's, 'romp')")
    t0 = time.perf_counter()
    root = Path(root)
    con = queries.connect(catalog)
    try:
        matched, skipped, n_files = _match(con, root, fmt, dataset, progress)
    finally:
        con.close()
    truths: dict[str, _Truth] = {}
    missing: dict[str, str] = {}
    if matched:
        con = queries.connect(catalog)
        try:
            truths, missing = _truths(con, arrays_dir, body, matched, dataset)
        finally:
            con.close()
    results, files = [], []
    for m in matched:
        sid = m.target.sequence_id
        if sid not in truths:
            skipped.append(SkippedOutput(str(m.file), m.track.name, missing.get(
                sid, f"{sid} has no SMPL ground truth to score against")))
            continue
        truth = truths[sid]
        if m.track.frame_ids[-1] >= len(truth.smpl.transl):
            skipped.append(SkippedOutput(str(m.file), m.track.name, (
                f"frames up to {int(m.track.frame_ids[-1])} but the ground truth of {sid} has "
                f"{len(truth.smpl.transl)} frames")))
            continue
        pred, aligned = _prediction(m.track, truth, body)
        err = score_against(truth.smpl, pred, body, sid)
        results.append((sid, pred, err, {"world_aligned": float(aligned)}))
        files.append({"file": str(m.file), "sequence_id": sid, "person": m.track.person,
                      "frames": m.track.num_frames, "coords": m.track.coords,
                      "world_aligned": aligned, "has_transl": m.track.transl is not None})
    if not results:
        reasons = "; ".join(f"{Path(s.file).name}: {s.reason}" for s in skipped[:_MAX_REASONS])
        raise NotInCatalogError(f"{root}: none of the {n_files} {fmt} output files could be "
                                f"imported ({reasons})")
    n_aligned = sum(int(f["world_aligned"]) for f in files)
    protocol = f"imported {fmt}"
    run_id = _run_id(name, protocol)
    config = {
        "input": f"{fmt} outputs imported by `flag3d import hmr`", "root": str(root.resolve()),
        "format": fmt, "format_description": FORMATS[fmt], "dataset": dataset,
        "files": files, "skipped": [asdict(s) for s in skipped], "alignment": ALIGNMENT_NOTE,
        "world_aligned_sequences": n_aligned, "sequences": len(results),
        "betas": "the mean of the method's per-frame betas of each sequence",
        "body_model": getattr(getattr(body, "info", None), "kind", None),
    }
    if any(not f["has_transl"] for f in files):
        config["transl"] = _NO_TRANSL
    metrics = record_mesh_run(catalog, arrays_dir, run_id, name, protocol, config, results)
    log.info("imported %d %s outputs as %s (%d skipped)", len(results), fmt, run_id,
             len(skipped))
    return ImportRunResult(run_id, metrics, len(results), time.perf_counter() - t0,
                           skipped=tuple(skipped), world_aligned=n_aligned)
