"""FLAG3D-Synth: the project's own stand-in for FLAG3D, written in the release formats.

Motion scripts are data (:mod:`.activities`, :mod:`.scripts_upper`, :mod:`.scripts_lower`,
key poses in :mod:`.poses`); :mod:`.motion` turns a script and a performer into SMPL parameters;
:mod:`.skeleton`, :mod:`.cameras` and :mod:`.project` derive 3D and 2D keypoints; :mod:`.writer`
writes the files; :func:`generate` runs a whole profile. Names below load lazily so importing
one submodule (e.g. the instruction texts) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "generate": "flag3d_core.synth.generate",
    "generate_sequence": "flag3d_core.synth.generate",
    "SynthSummary": "flag3d_core.synth.generate",
    "contact_sheet": "flag3d_core.synth.contact_sheet",
    "PROFILES": "flag3d_core.synth.profiles",
    "Profile": "flag3d_core.synth.profiles",
    "get_profile": "flag3d_core.synth.profiles",
    "Script": "flag3d_core.synth.script",
    "scripts": "flag3d_core.synth.activities",
    "activity_names": "flag3d_core.synth.activities",
    "make_performer": "flag3d_core.synth.performers",
    "Performer": "flag3d_core.synth.performers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'flag3d_core.synth' has no attribute {name!r}")
