"""A bounded fuzz run: files made by the project's own writers, mutated (bit flips, byte inserts
and deletes, truncations, extreme values, opcode splices), through their loaders in a
memory-capped subprocess (``tests/crafted_files.py``). Every case must end in a result or in a
:class:`~flag3d_core.errors.Flag3dError` (FileFormatError / UploadError); anything else fails
the test with the seed and case index to reproduce it (``mutate(SEED, index)``)."""

from __future__ import annotations

import pickle
import pickletools
import random
from pathlib import Path

import numpy as np

from tests.crafted_files import (
    Case,
    run_batch,
    valid_instructions_json,
    valid_npy,
    valid_skeleton,
    valid_smpl_arrays,
    valid_smpl_json,
    valid_smpl_pkl,
)

SEED = 20260509
N_CASES = 10_000
_EXTREMES = (b"\x00", b"\xff", b"\x7f", b"\x80", b"\xff\xff\xff\xff", b"\x00\x00\x00\x80",
             b"\xff\xff\xff\xff\xff\xff\xff\x7f", b"\x00\x00\x00\x00\x00\x01\x00\x00")


def _bases(tmp: Path) -> list[tuple[str, str, bytes]]:
    """(loader, file name, bytes) of valid files, written by the project's writers."""
    from flag3d_core.synth.writer import write_instructions, write_smpl_npz

    a = valid_smpl_arrays(6)
    npz = write_smpl_npz(tmp / "S001C001M001P001A001R001.npz", a["poses"], a["shapes"],
                         a["Rh"], a["Th"]).read_bytes()
    zipped = write_instructions(tmp / "instruction.zip").read_bytes()
    smpl = "S001C001M001P001A001R001"
    # pyskl files of other tools come in other protocols (2: no frames, 5: out-of-band style)
    legacy = {p: pickle.dumps(pickle.loads(valid_skeleton("3d")), protocol=p) for p in (2, 5)}
    return [("skeleton3d", "flag3d_keypoint.pkl", valid_skeleton("3d")),
            ("skeleton3d", "flag3d_keypoint.pkl", legacy[2]),
            ("skeleton3d", "flag3d_keypoint.pkl", legacy[5]),
            ("skeleton2d", "flag3d_2d_render.pkl", valid_skeleton("2d")),
            ("pickle", "data.pkl", valid_smpl_pkl()),
            ("smpl", f"{smpl}.npz", npz),
            ("smpl", f"{smpl}.json", valid_smpl_json()),
            ("smpl", f"{smpl}.pkl", valid_smpl_pkl()),
            ("instructions", "instruction.zip", zipped),
            ("instructions", "instructions.json", valid_instructions_json()),
            ("upload", "upload.npy", valid_npy()),
            ("upload", "upload.pkl", valid_skeleton("3d"))]


def _opcode_offsets(data: bytes) -> list[int]:
    try:
        return [pos for _op, _arg, pos in pickletools.genops(data)]
    except Exception:  # a mutated pickle: fall back to any offset
        return list(range(len(data)))


def _mutate_once(rng: random.Random, data: bytearray, is_pickle: bool) -> str:
    n = len(data)
    kind = rng.choice(("flip", "flip", "set", "insert", "delete", "truncate", "extreme",
                       "splice", "repeat"))
    pos = rng.randrange(n) if n else 0
    if kind == "flip" and n:
        data[pos] ^= 1 << rng.randrange(8)
    elif kind == "set" and n:
        data[pos] = rng.randrange(256)
    elif kind == "insert":
        data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif kind == "delete" and n:
        del data[pos:pos + rng.randint(1, 64)]
    elif kind == "truncate":
        del data[pos:]
    elif kind == "extreme" and n:
        value = rng.choice(_EXTREMES)
        data[pos:pos + len(value)] = value
    elif kind in ("splice", "repeat") and n:
        offsets = _opcode_offsets(bytes(data)) if is_pickle else list(range(n))
        start = rng.choice(offsets)
        end = min(n, start + rng.randint(1, 400))
        chunk = bytes(data[start:end])
        at = rng.choice(offsets)
        data[at:at] = chunk * (rng.randint(2, 50) if kind == "repeat" else 1)
    return f"{kind}@{pos}"


def mutate(seed: int, index: int, bases: list[tuple[str, str, bytes]]) -> Case:
    """Case ``index`` of the run with ``seed`` (deterministic: rerun one case from the report)."""
    rng = random.Random(seed * 1_000_003 + index)
    loader, name, base = bases[index % len(bases)]
    data = bytearray(base)
    steps = [_mutate_once(rng, data, name.endswith(".pkl")) for _ in range(rng.randint(1, 3))]
    return Case(f"{index}:{loader}:{name}:{'+'.join(steps)}", loader, name, bytes(data), "any")


def test_mutated_release_files_end_in_data_or_a_flag3d_error(tmp_path):
    bases = _bases(tmp_path)
    cases = [mutate(SEED, i, bases) for i in range(N_CASES)]
    batch = run_batch(cases, tmp_path / "cases", timeout=280, case_timeout=30)
    problems = []
    if batch.returncode != 0:
        problems.append(f"driver exited {batch.returncode} while running case "
                        f"{batch.last_started!r}: {batch.stderr}")
    outcomes: dict[str, int] = {}
    for case in cases:
        res = batch.results.get(case.id)
        status = res["status"] if res else "missing"
        outcomes[status] = outcomes.get(status, 0) + 1
        if status not in ("ok", "error") and res is not None:
            problems.append(f"seed={SEED} index={case.id.split(':')[0]} ({case.id}): {status} "
                            f"{res.get('type')}: {res.get('message')}\n{res.get('traceback', '')}")
    assert not problems, (f"{len(problems)} of {len(cases)} mutated files escaped the loaders "
                          f"({outcomes}):\n" + "\n".join(problems[:20]))
    assert outcomes.get("error", 0) > N_CASES // 4  # the mutations do break files
    assert np.sum([v for k, v in outcomes.items() if k == "ok"]) > 0  # and some still load
