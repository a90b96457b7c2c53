"""Which catalog sequence an output file belongs to, and the output files under a folder.

Each tool names its output file either after the video (ROMP/BEV ``<video>.npz``, a renamed GVHMR
``<video>.pt``, PHALP's ``results/demo_<video>.pkl``) or with a fixed name inside a folder named
after the video (``<video>/vibe_output.pkl``, ``<video>/wham_output.pkl``,
``<video>/hmr4d_results.pt``, ROMP's ``<video>/video_results.npz``). :func:`sequence_name`
tells the two apart by the tool's fixed names: a file with one of them belongs to its folder's
name, any other to its own stem (for PHALP, without the ``demo_`` prefix that its demo adds).
"""

from __future__ import annotations

import os
from pathlib import Path

from flag3d_core.mesh_recovery.importers.formats import check_format

__all__ = ["find_outputs", "sequence_name"]

# fmt -> (suffix, the tool's fixed file names (stems), whether other stems are outputs too)
_LAYOUT: dict[str, tuple[str, frozenset[str], bool]] = {
    "romp": (".npz", frozenset({"results", "video_results"}), True),
    "bev": (".npz", frozenset({"results", "video_results"}), True),
    "vibe": (".pkl", frozenset({"vibe_output"}), False),
    "wham": (".pkl", frozenset({"wham_output"}), False),
    "4dhumans": (".pkl", frozenset(), True),
    "gvhmr": (".pt", frozenset({"hmr4d_results"}), True),
}
_PHALP_PREFIX = "demo_"
# GVHMR's intermediate files (written to <video>/preprocess/), which are no results.
_GVHMR_INTERMEDIATE = frozenset({"bbx", "slam_results", "vitpose", "vit_features"})


def sequence_name(path: Path, fmt: str) -> str:
    """The video/sequence name that ``path`` (an output in format ``fmt``) belongs to."""
    _, fixed, _ = _LAYOUT[check_format(fmt)]
    path = Path(path)
    if path.stem in fixed:
        return path.absolute().parent.name
    if fmt == "4dhumans" and path.stem.startswith(_PHALP_PREFIX) and \
            len(path.stem) > len(_PHALP_PREFIX):
        return path.stem[len(_PHALP_PREFIX):]
    return path.stem


def _is_output(path: Path, fmt: str) -> bool:
    suffix, fixed, others = _LAYOUT[fmt]
    if path.suffix.lower() != suffix or path.name.startswith("."):
        return False
    if path.stem in fixed:
        return True
    if fmt == "gvhmr" and (path.stem in _GVHMR_INTERMEDIATE or path.parent.name == "preprocess"):
        return False
    return others


def find_outputs(root: Path, fmt: str) -> list[tuple[str, Path]]:
    """``(sequence name, file)`` for every output of format ``fmt`` under ``root``, sorted by
    name then path. Hidden folders are skipped and symbolic links to folders not followed.

    Which files count: ROMP/BEV every ``.npz``; VIBE ``vibe_output.pkl`` and WHAM
    ``wham_output.pkl`` only; 4D-Humans every ``.pkl``; GVHMR ``hmr4d_results.pt`` and other
    ``.pt`` files except GVHMR's intermediates (``preprocess/``, ``bbx.pt``, ``vitpose.pt``,
    ...). The name is :func:`sequence_name`'s.

    Raises:
        IncompatibleInputError: an unknown ``fmt``.
        FileNotFoundError: ``root`` is not a folder.
    """
    check_format(fmt)
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a folder")
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            path = Path(folder) / file
            if _is_output(path, fmt) and path.is_file():
                found.append((sequence_name(path, fmt), path))
    return sorted(found)
