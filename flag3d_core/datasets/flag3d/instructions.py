"""FLAG3D language instructions: one entry per activity, not per sequence.

Each activity ``A###`` maps instruction ids to text: ``I001`` name, ``I002`` description,
``I003`` key points, ``I004`` common mistakes; further ids (breathing, notes ...) are kept in
``extra``. Accepted containers:

* a zip holding ``A###.json`` files (any folder inside the zip), one object each;
* a zip holding one JSON object keyed by ``A###``;
* one JSON file keyed by ``A###``.

Values may be strings or lists of strings (joined with newlines).

Files are read within :class:`~flag3d_core.io_limits.LoadLimits` (``limits=``): the member
count, each member's inflated size and the whole archive's are capped (declared sizes are
checked first, actual bytes while reading), and so are a JSON file's size and nesting.
"""

from __future__ import annotations

import json
import os
import re
import reprlib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from flag3d_core.datasets.flag3d.errors import InstructionFileError
from flag3d_core.datasets.flag3d.names import NUM_ACTIVITIES
from flag3d_core.io_limits import BoundedZip, LoadLimits, current_limits, parse_json, read_capped

__all__ = ["ActivityInstruction", "load_instructions", "write_instructions_zip"]

_ACTIVITY_RE = re.compile(r"A(\d{1,3})", re.IGNORECASE)
_FIELDS = {"I001": "name", "I002": "description", "I003": "key_points", "I004": "mistakes"}
_SHORT = reprlib.Repr()  # error messages quote a bad key briefly
_SHORT.maxstring = 40


@dataclass(frozen=True)
class ActivityInstruction:
    """Instruction texts of one activity (1..60); empty strings where the file has none."""

    activity: int
    name: str
    description: str = ""
    key_points: str = ""
    mistakes: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> int:
        return self.activity - 1

    def to_json(self) -> dict[str, str]:
        """The ``{"I001": ..., ...}`` object of the release format."""
        out = {"I001": self.name}
        for key, attr in list(_FIELDS.items())[1:]:
            if getattr(self, attr):
                out[key] = getattr(self, attr)
        out.update(self.extra)
        return out


def _text(path: Path | str, where: str, value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(v.strip() for v in value)
    raise InstructionFileError(path, f"{where}: expected text, got {type(value).__name__}")


def _activity_of(path: Path | str, key: str) -> int:
    m = _ACTIVITY_RE.fullmatch(key.strip())
    if m is None or not 1 <= int(m[1]) <= NUM_ACTIVITIES:
        raise InstructionFileError(path, f"{_SHORT.repr(key)} is not an activity id A001..A060")
    return int(m[1])


def _entry(path: Path | str, activity: int, obj: Any) -> ActivityInstruction:
    where = f"A{activity:03d}"
    if not isinstance(obj, dict):
        raise InstructionFileError(path, f"{where}: expected an object of I### fields")
    if "I001" not in obj:
        raise InstructionFileError(path, f"{where}: missing 'I001' (activity name)")
    known = {attr: _text(path, f"{where}.{key}", obj[key])
             for key, attr in _FIELDS.items() if key in obj}
    extra = {str(k): _text(path, f"{where}.{k}", v) for k, v in sorted(obj.items())
             if k not in _FIELDS}
    if not known["name"]:
        raise InstructionFileError(path, f"{where}: 'I001' (activity name) is empty")
    return ActivityInstruction(activity=activity, extra=extra, **known)


def _from_keyed(path: Path | str, obj: Any) -> dict[int, ActivityInstruction]:
    if not isinstance(obj, dict):
        raise InstructionFileError(path, f"expected an object keyed by A###, got "
                                   f"{type(obj).__name__}")
    out: dict[int, ActivityInstruction] = {}
    for key, value in obj.items():
        activity = _activity_of(path, str(key))
        if activity in out:
            raise InstructionFileError(path, f"activity A{activity:03d} appears twice")
        out[activity] = _entry(path, activity, value)
    return out


def _from_zip(path: Path, limits: LoadLimits) -> dict[int, ActivityInstruction]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise InstructionFileError(path, f"not a readable zip ({exc})") from None
    with zf:
        reader = BoundedZip(zf, str(path), InstructionFileError, limits)

        def parsed(member: zipfile.ZipInfo) -> Any:
            label = f"{path}!{member.filename}"
            return parse_json(label, reader.read(member), InstructionFileError, limits)

        members = [m for m in reader.members() if m.filename and not m.is_dir()
                   and m.filename.lower().endswith(".json")
                   and not PurePosixPath(m.filename).name.startswith(".")
                   and "__MACOSX" not in m.filename]
        per_activity = [m for m in members
                        if _ACTIVITY_RE.fullmatch(PurePosixPath(m.filename).stem)]
        if per_activity:
            out: dict[int, ActivityInstruction] = {}
            for m in per_activity:
                label = f"{path}!{m.filename}"
                activity = _activity_of(label, PurePosixPath(m.filename).stem)
                if activity in out:
                    raise InstructionFileError(path, f"activity A{activity:03d} appears twice")
                out[activity] = _entry(label, activity, parsed(m))
            return out
        if len(members) == 1:
            return _from_keyed(f"{path}!{members[0].filename}", parsed(members[0]))
        raise InstructionFileError(
            path, f"expected A###.json files or one JSON keyed by A###; found "
            f"{len(members)} JSON file(s)")


def load_instructions(
    path: str | os.PathLike[str], *, limits: LoadLimits | None = None
) -> dict[int, ActivityInstruction]:
    """Read instruction texts, ``{activity (1..60): ActivityInstruction}`` sorted by activity.

    Args:
        path: a zip or JSON file (see the module docstring).
        limits: what reading the file may cost (default: :func:`~flag3d_core.io_limits.
            current_limits`).

    Raises:
        InstructionFileError: unreadable zip/JSON, an unknown activity key, an entry without
            ``I001``, a passed limit (the message names the file -- and the zip member -- and
            the activity or the limit).
        FileNotFoundError: the path does not exist.
    """
    path = Path(path)
    limits = limits if limits is not None else current_limits()
    if not path.exists():
        raise FileNotFoundError(f"{path}: instruction file not found")
    if zipfile.is_zipfile(path):
        out = _from_zip(path, limits)
    else:
        data = read_capped(path, limits.max_json_bytes, "max_json_bytes", InstructionFileError,
                           limits)
        out = _from_keyed(path, parse_json(path, data, InstructionFileError, limits))
    return dict(sorted(out.items()))


def write_instructions_zip(
    instructions: Mapping[int, ActivityInstruction], path: str | os.PathLike[str]
) -> None:
    """Write ``A###.json`` files into a zip (the release layout), atomically.

    Entries carry a fixed timestamp, so the same instructions give a byte-identical zip.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for activity, inst in sorted(instructions.items()):
            if activity != inst.activity:
                raise ValueError(f"key {activity} holds the instruction of A{inst.activity:03d}")
            info = zipfile.ZipInfo(f"A{activity:03d}.json", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, json.dumps(inst.to_json(), ensure_ascii=False, indent=1))
    os.replace(tmp, path)
