"""Other human-mesh-recovery methods' outputs, read safely into one :class:`ImportedTrack` each.

ROMP / BEV ``.npz``, VIBE and WHAM joblib ``.pkl``, 4D-Humans/PHALP tracker ``.pkl`` and GVHMR
``hmr4d_results.pt`` (:data:`FORMATS`) become per-person SMPL tracks: axis-angle
``global_orient`` (N, 3) and ``body_pose`` (N, 69), ``betas`` (N, 10), optional ``transl``,
joints and vertices, with the video frame index of every row. Each format's module says which
keys it reads and what it does when an optional one is missing.

Nothing in a file can run code: pickles go through the project's restricted unpickler
(:func:`~flag3d_core.safe_pickle.safe_loads` for the ``results`` member of an npz,
:func:`~flag3d_core.safe_pickle.safe_joblib_load` for joblib dumps) and torch files through
``torch.load(weights_only=True)``. Every malformed file raises a
:class:`~flag3d_core.errors.FileFormatError` whose message names the file and the problem.

Typical use::

    for name, path in find_outputs(Path("outputs/vibe"), "vibe"):
        track = select_person(read_hmr_output(path, "vibe"))
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from flag3d_core.errors import FileFormatError, IncompatibleInputError
from flag3d_core.io_limits import LoadLimits, current_limits
from flag3d_core.mesh_recovery.importers.errors import HmrFileError
from flag3d_core.mesh_recovery.importers.formats import FORMATS, check_format
from flag3d_core.mesh_recovery.importers.gvhmr import read_gvhmr
from flag3d_core.mesh_recovery.importers.matching import find_outputs, sequence_name
from flag3d_core.mesh_recovery.importers.phalp import read_phalp
from flag3d_core.mesh_recovery.importers.romp import read_romp
from flag3d_core.mesh_recovery.importers.track import ImportedTrack
from flag3d_core.mesh_recovery.importers.vibe_wham import read_vibe_wham

__all__ = [
    "FORMATS",
    "HmrFileError",
    "ImportedTrack",
    "find_outputs",
    "read_hmr_output",
    "select_person",
    "sequence_name",
]

log = logging.getLogger(__name__)

_Reader = Callable[..., list[ImportedTrack]]
_READERS: dict[str, _Reader] = {
    "romp": read_romp, "bev": read_romp, "vibe": read_vibe_wham, "wham": read_vibe_wham,
    "4dhumans": read_phalp, "gvhmr": read_gvhmr,
}


def read_hmr_output(path: Path, fmt: str, *, limits: LoadLimits | None = None
                    ) -> list[ImportedTrack]:
    """Every person's track in one output file of format ``fmt`` (a key of :data:`FORMATS`),
    in the file's order; ``name`` is :func:`sequence_name`'s. A file that holds no person
    gives an empty list.

    Args:
        path: the output file.
        fmt: 'romp' | 'bev' | 'vibe' | 'wham' | '4dhumans' | 'gvhmr'.
        limits: load limits (default :func:`~flag3d_core.io_limits.current_limits`).

    Raises:
        IncompatibleInputError: an unknown ``fmt`` (the message lists the known ones).
        FileFormatError: (HmrFileError, UnsafePickleError, PickleFormatError) a file that is not
            of that format or is malformed; the message names the file and the problem.
        FileNotFoundError: ``path`` does not exist.
    """
    check_format(fmt)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    limits = limits if limits is not None else current_limits()
    name = sequence_name(path, fmt)
    try:
        return _READERS[fmt](path, method=fmt, name=name, limits=limits)
    except FileFormatError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
        # A structure the reader's checks did not foresee: still the file's fault, reported as
        # such rather than as a crash (with the traceback in the debug log).
        log.debug("unexpected content in %s", path, exc_info=True)
        raise HmrFileError(path, f"unexpected content for a {fmt} output "
                           f"({type(exc).__name__}: {str(exc)[:200]})") from None


def select_person(tracks: Sequence[ImportedTrack]) -> ImportedTrack:
    """The track covering the most frames: the person a single-person sequence is about (the
    others are usually spurious detections). Ties go to the track that comes first in
    ``tracks`` (file order).

    Raises:
        IncompatibleInputError: ``tracks`` is empty (the file held no person).
    """
    if not tracks:
        raise IncompatibleInputError("no tracks to select from: the output holds no person")
    return max(tracks, key=lambda t: t.num_frames)  # max keeps the first of equal keys
