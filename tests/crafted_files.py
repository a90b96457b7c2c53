"""Crafted and valid files for every loader, and a harness that feeds them through the loaders in
a memory-capped subprocess (``python -m tests.crafted_files MANIFEST``).

The harness reads a manifest of cases, runs each through its loader under ``RLIMIT_AS`` and a
per-case alarm, and prints one JSON line per case: ``{"start": id}`` before it (so a crash names
the case that was running), then the outcome: ``ok`` (with a short summary), ``error`` (a
:class:`~flag3d_core.errors.Flag3dError`: type and message) or ``unexpected`` (anything else).
"""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import subprocess
import sys
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RLIMIT_AS = 2 << 30  # imports take ~450 MB of address space (numpy, pandas, duckdb)
LOADERS = ("pickle", "skeleton3d", "skeleton2d", "smpl", "instructions", "upload", "ingest",
           "cli_ingest")


@dataclass
class Case:
    """One file for one loader. ``expect``: ``error`` (a Flag3dError whose message holds the
    file name and every fragment of ``fragments``), ``ok``, ``skip`` (the loader succeeds and
    skips a record whose reason holds the fragments) or ``any`` (fuzzing: ok or a Flag3dError).
    ``part``: for ingests, the release part the file is given as (``skeleton``/``instructions``).
    """

    id: str
    loader: str
    name: str
    data: bytes = field(repr=False)
    expect: str = "error"
    fragments: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    marker: str = ""  # a file the case's payload would create if it ran a command
    part: str = "skeleton"


# ------------------------------------------------------------------------------ valid files

NAMES = ("S001C001M001P001A001R001", "S001C001M001P002A002R001")


def valid_annotations(kind: str = "3d", frames: int = 8, seed: int = 0) -> list[dict]:
    from flag3d_core.synth.writer import skeleton_annotation

    rng = np.random.default_rng(seed)
    anns = []
    for name in NAMES:
        label = int(name[17:20]) - 1
        if kind == "3d":
            kp = rng.normal(size=(frames, 25, 3)).astype(np.float32)
            anns.append(skeleton_annotation(name, label, kp))
        else:
            kp = (rng.random((frames, 17, 2)) * 400).astype(np.float16)
            score = rng.random((frames, 17)).astype(np.float16)
            anns.append(skeleton_annotation(name, label, kp, score=score))
    return anns


def valid_skeleton(kind: str = "3d", frames: int = 8) -> bytes:
    """A pyskl pickle as the project's writer makes it (protocol 4, no memo)."""
    from flag3d_core.synth.writer import canonical_pickle

    anns = valid_annotations(kind, frames)
    return canonical_pickle({"split": {"train": [NAMES[1]], "val": [NAMES[0]]},
                             "annotations": anns})


def valid_smpl_arrays(frames: int = 6) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    return {"poses": rng.normal(0, 0.1, (frames, 72)).astype(np.float32),
            "shapes": rng.normal(0, 1, (1, 10)).astype(np.float32),
            "Rh": rng.normal(0, 0.1, (frames, 3)).astype(np.float32),
            "Th": rng.normal(0, 0.1, (frames, 3)).astype(np.float32)}


def valid_smpl_npz(frames: int = 6) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **valid_smpl_arrays(frames))
    return buf.getvalue()


def valid_smpl_json(frames: int = 4) -> bytes:
    a = valid_smpl_arrays(frames)
    recs = [[{"id": 0, "Rh": [a["Rh"][t].tolist()], "Th": [a["Th"][t].tolist()],
              "poses": [a["poses"][t].tolist()], "shapes": [a["shapes"][0].tolist()]}]
            for t in range(frames)]
    return json.dumps(recs).encode()


def valid_smpl_pkl() -> bytes:
    return pickle.dumps(valid_smpl_arrays(), protocol=2)


def instruction_json(activity: int = 1) -> dict[str, str]:
    return {"I001": f"Activity {activity}", "I002": "Stand tall.", "I003": "Breathe.",
            "I004": "Rushing."}


def valid_instructions_zip(activities: tuple[int, ...] = (1, 2, 3)) -> bytes:
    return zip_of([(f"A{a:03d}.json", json.dumps(instruction_json(a)).encode())
                   for a in activities])


def valid_instructions_json() -> bytes:
    return json.dumps({f"A{a:03d}": instruction_json(a) for a in (1, 2)}).encode()


def valid_npy(frames: int = 12) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.random.default_rng(2).normal(size=(frames, 25, 3)).astype(np.float32))
    return buf.getvalue()


# ------------------------------------------------------------------------------ pickle opcodes

P2, P4 = b"\x80\x02", b"\x80\x04"


def u(text: str) -> bytes:
    """SHORT_BINUNICODE / BINUNICODE of ``text``."""
    raw = text.encode()
    return (b"\x8c" + bytes([len(raw)]) if len(raw) < 256 else
            b"X" + struct.pack("<I", len(raw))) + raw


def glob(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def call(module: str, name: str, *args: str) -> bytes:
    """GLOBAL + a tuple of string arguments + REDUCE (no STOP)."""
    return glob(module, name) + b"(" + b"".join(u(a) for a in args) + b"tR"


def deep_tuple_key(n: int = 200_000) -> bytes:
    """``{((...(None,)...),): None}``: hashing the key recursed in C (a segfault)."""
    return P2 + b"}N" + b"\x85" * n + b"Ns."


def deep_lists(n: int) -> bytes:
    """A list nested ``n`` deep, built bottom-up the way a pickler writes it (no STOP)."""
    return b"]" * n + b"a" * (n - 1)


def deep_dicts(n: int) -> bytes:
    return b"}" + u("k") + (b"}" + u("k")) * (n - 1) + b"N" + b"s" * n


def deep_frozensets(n: int) -> bytes:
    return P4 + b"(" * n + b"N" + b"\x91" * n + b"."


def deep_slices(n: int) -> bytes:
    return P2 + glob("builtins", "slice") + b"q\x00" + b"h\x00" * n + b"N" + b"NN\x87R" * n + b"."


def top_down_chain(n: int = 5_000) -> bytes:
    """Each new list is appended to one that is already inside another (via the memo)."""
    out = bytearray(P4 + b"]\x94")
    for k in range(n):
        out += b"j" + struct.pack("<I", k) + b"]\x94a0"
    return bytes(out + b"j\x00\x00\x00\x00.")


def long1(n: int) -> bytes:
    raw = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
    return b"\x8a" + bytes([len(raw)]) + raw


def set_of_range(n: int = 10**10, what: str = "set") -> bytes:
    """~50 bytes that ask for ``set(range(n))`` (Python 2 spellings, as old pickles have)."""
    return (P2 + glob("__builtin__", what) + glob("__builtin__", "xrange") + b"K\x00"
            + long1(n) + b"\x86R\x85R.")


def memo_copies(items: int = 100_000, copies: int = 100) -> bytes:
    """One big list in the memo, copied by ``frozenset()`` again and again."""
    out = bytearray(P4 + b"\x8c\x08builtins\x8c\tfrozenset\x93\x94(")
    out += b"".join(b"J" + struct.pack("<i", i) for i in range(items)) + b"l\x94("
    out += b"h\x00h\x01\x85R" * copies
    return bytes(out + b"l.")


def encode_copies(chars: int = 1_000_000, copies: int = 5_000) -> bytes:
    out = bytearray(P4 + b"\x8c\x07_codecs\x8c\x06encode\x93\x94\x8d" + struct.pack("<Q", chars)
                    + b"x" * chars + b"\x94\x8c\x06latin1\x94(")
    out += b"h\x00h\x01h\x02\x86R" * copies
    return bytes(out + b"l.")


def wrap_annotation(value: bytes, name: str = NAMES[0]) -> bytes:
    """``{'annotations': [{'frame_dir': name, 'label': 0, 'boom': <value>}]}`` (protocol 4)."""
    return (P4 + b"}" + u("annotations") + b"](}" + u("frame_dir") + u(name) + u("label")
            + b"K\x00" + u("boom") + value + b"ua.")


def with_deep_record(inner: bytes) -> bytes:
    """A valid two-annotation skeleton pickle plus a third annotation whose ``label`` is
    ``inner`` (opcodes pushing one object); the first two must still be read."""
    good = pickle.loads(valid_skeleton())
    raw = pickle.dumps(good, protocol=2)  # no frames, so bytes can be spliced in
    bad = (b"}(" + u("frame_dir") + u("S001C001M001P003A003R001") + u("label") + inner
           + u("keypoint") + b"Nu")
    # the annotations list is the last value: its APPENDS, then the dict's SETITEMS, STOP
    assert raw.endswith(b"eu.")
    return raw[:-3] + bad + raw[-3:]


class _Reduce:
    """Pickles as ``func(*args)``: what a malicious file would do."""

    def __init__(self, func, *args) -> None:
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


def malicious_pickles(marker: str) -> dict[str, bytes]:
    """Pickles that would touch ``marker`` (or run a command) under a plain ``pickle.load``."""
    touch = f"touch {marker}"
    ann = {"frame_dir": NAMES[0], "label": 0}
    return {
        "os_system_p0": glob("os", "system") + b"(V" + touch.encode() + b"\ntR.",
        "posix_system_p2": pickle.dumps({"annotations": [{**ann, "x": _Reduce(os.system, touch)}]},
                                        protocol=2),
        "posix_system_p5": pickle.dumps([_Reduce(os.system, touch)], protocol=5),
        "inst_os_system": b"(V" + touch.encode() + b"\nios\nsystem\n.",
        "builtins_eval": P2 + call("builtins", "eval", f"open({marker!r}, 'w').close()") + b".",
        "builtins_exec": P2 + call("builtins", "exec", f"open({marker!r}, 'w').close()") + b".",
        "subprocess_popen": P2 + glob("subprocess", "Popen") + b"((" + u("touch") + u(marker)
        + b"ltR.",
        "stack_global_system": P4 + u("os") + u("system") + b"\x93" + u(touch) + b"\x85R.",
        "builtins_getattr": P2 + call("builtins", "getattr", "x", "y") + b".",
        "importlib": P2 + call("importlib", "import_module", "os") + b".",
        "numpy_load": P2 + call("numpy", "load", marker) + b".",
        "copyreg": P2 + call("copyreg", "_reconstructor", "x") + b".",
        "persid": b"Pabc\n.",
        "binpersid": P2 + u("abc") + b"Q.",
    }


# ------------------------------------------------------------------------------ zips and .npy


def zip_of(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED,
           level: int | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression, compresslevel=level) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                        compress_type=compression)
    return buf.getvalue()


def patch_zip(raw: bytes, *, file_size: int | None = None, method: int | None = None) -> bytes:
    """Rewrite the first member's uncompressed size and/or compression method in both its
    local header and the central directory (a lying header)."""
    out = bytearray(raw)
    for sig, size_at, method_at in ((b"PK\x03\x04", 22, 8), (b"PK\x01\x02", 24, 10)):
        pos = out.index(sig)
        if file_size is not None:
            out[pos + size_at: pos + size_at + 4] = struct.pack("<I", file_size)
        if method is not None:
            out[pos + method_at: pos + method_at + 2] = struct.pack("<H", method)
    return bytes(out)


def npy_header(shape: tuple, descr: str = "<f4", version: tuple[int, int] = (1, 0)) -> bytes:
    buf = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    if version == (1, 0):
        np.lib.format.write_array_header_1_0(buf, header)
    else:
        np.lib.format.write_array_header_2_0(buf, header)
    return buf.getvalue()


def npz_with(member: str, npy: bytes, others: bool = True) -> bytes:
    arrays = valid_smpl_arrays()
    members = [(f"{k}.npy", _npy_bytes(v)) for k, v in arrays.items() if k != member]
    return zip_of([*members, (f"{member}.npy", npy)] if others else [(f"{member}.npy", npy)])


def _npy_bytes(arr: np.ndarray, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


def json_text_member(size: int) -> bytes:
    """A valid instruction JSON object of ``size`` bytes."""
    head, tail = b'{"I001": "', b'"}'
    return head + b"a" * (size - len(head) - len(tail)) + tail


# ------------------------------------------------------------------------------ the corpus

# The file name each loader is given (the SMPL loader picks its format by the suffix).
PICKLE_NAMES = {"pickle": "data.pkl", "skeleton3d": "flag3d_keypoint.pkl",
                "skeleton2d": "flag3d_2d_render.pkl", "smpl": "S001C001M001P001A001R001.pkl",
                "upload": "upload.pkl"}
DEPTH = ("nesting deeper than 100 levels", "limit max_pickle_depth=100")
ITEMS = ("limit max_pickle_items=1000000 + pickle_items_per_byte=1.0 per byte",)
BYTES = ("limit max_pickle_bytes=67108864 + pickle_bytes_per_byte=2.0 per byte",)
GROWS = ("grows after it was stored in another one",)
TRUNCATED = ("truncated",)


class _Crafted:
    """Pickles as ``func(*args)`` followed by BUILD with ``state``."""

    def __init__(self, func, args, state) -> None:
        self.reduce = (func, args, state)

    def __reduce__(self):
        return self.reduce


def pickle_payloads(marker_dir: Path) -> list[tuple[str, bytes, dict[str, tuple[str, ...]]]]:
    """(name, bytes, {loader or "*": fragments}) for the pickle-reading loaders."""
    top_list = {"*": ("top level is a list",), "pickle": (), "smpl": ("frame 0 is a int",)}
    skel_dict = ("no 'annotations' key",)
    good = valid_skeleton()
    out = [
        ("deep_tuple_key", deep_tuple_key(), {"*": DEPTH}),
        ("deep_lists", P4 + deep_lists(100_000) + b".",
         {**top_list, "pickle": DEPTH, "smpl": DEPTH}),
        ("deep_dicts", P4 + deep_dicts(50_000) + b".",
         {"*": DEPTH, "skeleton3d": skel_dict, "skeleton2d": skel_dict,
          "upload": skel_dict}),
        ("deep_frozensets", deep_frozensets(50_000), {"*": DEPTH}),
        ("deep_slices", deep_slices(50_000), {"*": DEPTH}),
        ("top_down_chain", top_down_chain(), {"*": GROWS}),
        ("self_reference", P4 + b"]\x94h\x00a.", {"*": GROWS}),
        ("set_of_range", set_of_range(), {"*": ("range(0, 10000000000)", *ITEMS)}),
        ("frozenset_of_range", set_of_range(what="frozenset"), {"*": ITEMS}),
        ("range_1e100", P2 + glob("builtins", "range") + long1(10**100) + b"\x85R.",
         {"*": ITEMS}),
        ("memo_copies", memo_copies(), {"*": ("frozenset() would build", *ITEMS)}),
        ("encode_copies", encode_copies(), {"*": BYTES}),
        ("empty_set_spam", P4 + b"(" + b"\x8f" * 3_000_000 + b"l.", {"*": BYTES}),
        ("binunicode8_2tb", P4 + b"\x8d" + struct.pack("<Q", 1 << 41) + b"abc.",
         {"*": TRUNCATED}),
        ("binbytes8_2tb", P4 + b"\x8e" + struct.pack("<Q", 1 << 41) + b"abc.", {"*": TRUNCATED}),
        ("bytearray8_2tb", b"\x80\x05\x96" + struct.pack("<Q", 1 << 41) + b"abc.",
         {"*": TRUNCATED}),
        ("frame_2tb", P4 + b"\x95" + struct.pack("<Q", 1 << 41) + b"abc.", {"*": TRUNCATED}),
        ("array_shape_1e12", pickle.dumps(_Crafted(
            np._core.multiarray._reconstruct, (np.ndarray, (0,), b"b"),
            (1, (10**12,), np.dtype("f4"), False, b"\0" * 8)), protocol=2),
         {"*": ("does not match shape",)}),
        ("dtype_field_list", pickle.dumps(_Reduce(np.dtype, "f4," * 2000), protocol=2),
         {"*": ("numpy dtype from",)}),
        ("scalar_1gb", pickle.dumps(_Reduce(np._core.multiarray.scalar,
                                            np.dtype("V1000000000"), b"x"), protocol=2),
         {"*": BYTES}),
        ("top_list", P2 + b"]K\x01a.", top_list),
        ("top_int", P2 + b"K\x05.", {"*": ("top level is a int",), "pickle": (),
                                      "smpl": ("top level is a int",)}),
        ("annotations_not_list", P2 + b"}" + u("annotations") + b"K\x01s.",
         {"*": ("'annotations' is a int",), "pickle": (), "smpl": ("missing key",)}),
        ("garbage", b"this is not a pickle\n" * 10, {"*": ()}),
        ("empty", b"", {"*": ("empty",)}),
    ]
    for name, raw in malicious_pickles(str(marker_dir / "{marker}")).items():
        frag = ("persistent id",) if "persid" in name else ("refused to unpickle global",)
        out.append((f"global_{name}", raw, {"*": frag}))
    for i, cut in enumerate(sorted({1, 2, 10, 50, len(good) // 7, len(good) // 3,
                                    len(good) // 2, len(good) - 40, len(good) - 2,
                                    len(good) - 1})):
        out.append((f"truncated_{i}_at_{cut}", good[:cut], {"*": TRUNCATED}))
    return out


def pickle_corpus(marker_dir: Path) -> list[Case]:
    cases = []
    placeholder = str(marker_dir / "{marker}").encode()  # 8 characters, like m0000001
    for name, raw, frags in pickle_payloads(marker_dir):
        for loader, filename in PICKLE_NAMES.items():
            fragments = frags.get(loader, frags.get("*", ()))
            expect = "ok" if loader == "pickle" and fragments == () and name.startswith(
                ("top_", "annotations_")) else "error"
            marker = str(marker_dir / f"m{len(cases):07d}")  # same length: string lengths hold
            data = raw.replace(placeholder, marker.encode())
            cases.append(Case(f"{loader}:{name}", loader, filename, data, expect, fragments,
                              marker=marker if name.startswith("global_") else ""))
    # One annotation nested too deeply: skipped, the others read; the reason names the file.
    for name, inner in (("deep_record_lists", deep_lists(5_000)),
                        ("deep_record_tuples", b"N" + b"\x85" * 5_000),
                        ("deep_record_dicts", deep_dicts(3_000))):
        raw = with_deep_record(inner)
        for loader in ("skeleton3d", "upload", "pickle"):
            filename = PICKLE_NAMES[loader]
            if loader == "skeleton3d":
                cases.append(Case(f"{loader}:{name}", loader, filename, raw, "skip",
                                  ("annotation nests deeper than 100 levels",
                                   "limit max_pickle_depth=100", filename)))
            elif loader == "upload":
                cases.append(Case(f"{loader}:{name}", loader, filename, raw, "ok"))
            else:
                cases.append(Case(f"{loader}:{name}", loader, filename, raw, "error", DEPTH))
    return cases


def zip_corpus() -> list[Case]:
    """SMPL .npz / .json and instruction zip / JSON files."""
    smpl = "S001C001M001P001A001R001"
    arrays = valid_smpl_arrays()
    entry = ("limit max_zip_entry_bytes=16777216",)
    cases = [Case("smpl:valid_npz", "smpl", f"{smpl}.npz", valid_smpl_npz(), "ok"),
             Case("smpl:valid_json", "smpl", f"{smpl}.json", valid_smpl_json(), "ok"),
             Case("smpl:valid_pkl", "smpl", f"{smpl}.pkl", valid_smpl_pkl(), "ok"),
             Case("instructions:valid_zip", "instructions", "instruction.zip",
                  valid_instructions_zip(), "ok"),
             Case("instructions:valid_json", "instructions", "instructions.json",
                  valid_instructions_json(), "ok")]

    def npz(cid: str, data: bytes, *fragments: str, env: dict | None = None) -> None:
        cases.append(Case(f"smpl:{cid}", "smpl", f"{smpl}.npz", data, "error", fragments,
                          env=env or {}))

    npz("shape_1e12", npz_with("poses", npy_header((10**12, 72)) + b"\0" * 64),
        "poses.npy", "header declares shape (1000000000000, 72)")
    npz("shape_negative", npz_with("poses", npy_header((-5, 72)) + b"\0" * 64), "poses.npy")
    npz("declared_4gb", patch_zip(npz_with("poses", _npy_bytes(arrays["poses"]), others=False),
                                  file_size=0xF0000000), "poses.npy", *entry)
    # the header says 100 bytes, the data inflates to 8 MB: zipfile stops at 100 (bad CRC)
    big = _npy_bytes(np.zeros((100_000, 20), np.float32))
    npz("lying_header", patch_zip(npz_with("poses", big, others=False), file_size=100),
        "poses.npy")
    npz("lying_header_consistent", patch_zip(zip_of([("poses.npy", big)]),
                                             file_size=len(big) - 4096), "poses.npy")
    npz("object_member", npz_with("poses", _npy_bytes(np.array([{"a": 1}], dtype=object), True)),
        "poses.npy", "Python objects")
    npz("npy_version_3", npz_with("poses", b"\x93NUMPY\x03\x00" + npy_header((6, 72))[8:]),
        "poses.npy", "unsupported .npy format version")
    npz("bad_magic", npz_with("poses", b"NOTNUMPY" * 20), "poses.npy", "not a readable .npy")
    npz("many_members", zip_of([(f"m{i}.npy", b"") for i in range(1_500)]),
        "1500 members", "limit max_zip_members=1000")
    npz("total_cap", zip_of([(f"{k}.npy", _npy_bytes(np.zeros(300_000, np.float32)))
                             for k in ("poses", "Rh", "Th", "shapes")]),
        "limit max_zip_total_bytes=3000000", env={"FLAG3D_MAX_ZIP_TOTAL_BYTES": "3000000"})
    npz("bad_method", patch_zip(valid_smpl_npz(), method=99), "compression method")
    npz("not_a_zip", b"PK\x03\x04" + b"\xff" * 200, "not a readable .npz")
    good_npz = valid_smpl_npz()
    for cut in (10, len(good_npz) // 2, len(good_npz) - 10):
        npz(f"truncated_at_{cut}", good_npz[:cut])

    def js(cid: str, data: bytes, *fragments: str, env: dict | None = None) -> None:
        cases.append(Case(f"smpl:{cid}", "smpl", f"{smpl}.json", data, "error", fragments,
                          env=env or {}))

    js("deep_json", b"[" * 100_000 + b"]" * 100_000, "limit max_json_depth=100")
    js("json_depth_150", b"[" * 150 + b"]" * 150, "nesting deeper than 100 levels")
    js("huge_int", b'{"poses": ' + b"9" * 5_000 + b"}", "not valid JSON")
    js("json_size_cap", valid_smpl_json(), "limit max_json_bytes=500",
       env={"FLAG3D_MAX_JSON_BYTES": "500"})
    js("frames_mixed", b'[{"id": 0}, [{"id": 0}], 5]', "frame")
    js("ids_weird", json.dumps([[{"id": [1, 2]}], [{"id": 3}]]).encode(), "frame")
    cases.append(Case("smpl:pkl_range_poses", "smpl", f"{smpl}.pkl", pickle.dumps(
        {**valid_smpl_arrays(), "poses": range(10**10)}, protocol=2), "error", ITEMS))

    def ins(cid: str, data: bytes, *fragments: str, name: str = "instruction.zip",
            env: dict | None = None) -> None:
        cases.append(Case(f"instructions:{cid}", "instructions", name, data, "error",
                          fragments, env=env or {}))

    member = json_text_member(20_000_000)
    ins("bomb_entry", zip_of([(f"A{a:03d}.json", member) for a in (1, 2, 3)], level=1),
        "A001.json", *entry)
    ins("bomb_total", zip_of([(f"A{a:03d}.json", json_text_member(12_000_000))
                              for a in range(1, 7)], level=1),
        "limit max_zip_total_bytes=67108864")
    ins("declared_4gb", patch_zip(valid_instructions_zip(), file_size=0xF0000000),
        "A001.json", *entry)
    ins("lying_header", patch_zip(zip_of([("A001.json", json_text_member(5_000_000))]),
                                  file_size=200), "A001.json")
    ins("many_members", zip_of([(f"x{i}.json", b"{}") for i in range(1_200)]),
        "limit max_zip_members=1000")
    ins("deep_member", zip_of([("A001.json", b"[" * 100_000 + b"]" * 100_000)]),
        "A001.json", "limit max_json_depth=100")
    ins("bad_method", patch_zip(valid_instructions_zip(), method=99), "A001.json")
    ins("member_not_json", zip_of([("A001.json", b"\xff\xfe not json")]), "A001.json",
        "not valid JSON")
    ins("wrong_types", zip_of([("A001.json", b'{"I001": {"x": 1}}')]), "A001.I001")
    ins("unknown_activity", json.dumps({"A999": instruction_json()}).encode(), "A999",
        name="instructions.json")
    ins("json_size_cap", valid_instructions_json(), "limit max_json_bytes=100",
        name="instructions.json", env={"FLAG3D_MAX_JSON_BYTES": "100"})
    ins("json_deep", b"{" + b'"a":{' * 50_000 + b"}" * 50_001, "limit max_json_depth=100",
        name="instructions.json")
    good_zip = valid_instructions_zip()
    for cut in (20, len(good_zip) // 2, len(good_zip) - 5):
        ins(f"truncated_at_{cut}", good_zip[:cut])
    return cases


def upload_corpus() -> list[Case]:
    """``.npy`` uploads (the pickle uploads are in :func:`pickle_corpus`)."""
    def npy(cid: str, data: bytes, expect: str = "error", *fragments: str) -> Case:
        return Case(f"upload:{cid}", "upload", "upload.npy", data, expect, fragments)

    good = valid_npy()
    return [npy("valid_npy", good, "ok"),
            npy("npy_shape_1e12", npy_header((10**12, 25, 3)) + b"\0" * 3_000),
            npy("npy_shape_1e5", npy_header((10**5, 25, 3)) + b"\0" * 3_000),
            npy("npy_object", _npy_bytes(np.array([None] * 3, dtype=object), True)),
            npy("npy_bad_header", b"\x93NUMPY\x01\x00\x10\x00{'descr': 1}     \n"),
            npy("npy_truncated", good[: len(good) // 2]),
            npy("npy_wrong_shape", _npy_bytes(np.zeros((10, 17, 2), np.float32)))]


def ingest_corpus(marker_dir: Path) -> list[Case]:
    """File-level failures through the library ingest and ``flag3d ingest`` (the catalog must
    stay byte-identical), and one deep record that is skipped while the rest is ingested."""
    mal = malicious_pickles(str(marker_dir / "ingest-system"))
    files = {"deep_tuple_key": deep_tuple_key(), "set_of_range": set_of_range(),
             "empty_set_spam": P4 + b"(" + b"\x8f" * 3_000_000 + b"l.",
             "os_system": mal["posix_system_p2"], "truncated": valid_skeleton()[:300]}
    cases = []
    for loader in ("ingest", "cli_ingest"):
        for name, raw in files.items():
            cases.append(Case(f"{loader}:{name}", loader, "flag3d_keypoint.pkl", raw,
                              marker=str(marker_dir / "ingest-system") if "system" in name
                              else ""))
        cases.append(Case(f"{loader}:instruction_bomb", loader, "instruction.zip", zip_of(
            [(f"A{a:03d}.json", json_text_member(20_000_000)) for a in (1, 2)], level=1),
            fragments=("limit max_zip_entry_bytes=16777216",), part="instructions"))
    cases.append(Case("ingest:deep_record", "ingest", "flag3d_keypoint.pkl",
                      with_deep_record(deep_lists(5_000)), "skip",
                      ("annotation nests deeper than 100 levels", "flag3d_keypoint.pkl")))
    return cases


# ------------------------------------------------------------------------------ the harness


def write_manifest(cases: list[Case], folder: Path, **options) -> Path:
    """Write each case's file under ``folder`` and the manifest that names them."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, case in enumerate(cases):
        sub = folder / f"{i:05d}"
        sub.mkdir(exist_ok=True)
        path = sub / case.name
        path.write_bytes(case.data)
        entry = {k: v for k, v in asdict(case).items() if k != "data"}
        entry["path"] = str(path)
        entries.append(entry)
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({"cases": entries, **options}))
    return manifest


@dataclass
class BatchResult:
    results: dict[str, dict]
    returncode: int
    last_started: str | None
    stderr: str


def run_batch(cases: list[Case], folder: Path, *, timeout: float = 120.0,
              rlimit: int = RLIMIT_AS, case_timeout: int = 20, env: dict | None = None,
              catalog: Path | None = None, trace_memory: bool = False) -> BatchResult:
    """Run ``cases`` in one subprocess under the memory cap; results by case id
    (``trace_memory``: each result also has ``peak_mb``, the case's peak traced allocation)."""
    manifest = write_manifest(cases, folder, rlimit=rlimit, case_timeout=case_timeout,
                              catalog=str(catalog) if catalog else None,
                              trace_memory=trace_memory)
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    try:
        proc = subprocess.run([sys.executable, "-m", "tests.crafted_files", str(manifest)],
                              cwd=ROOT, env=full_env, capture_output=True, text=True,
                              timeout=timeout)
        out, err, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err, rc = "batch timed out", -9
    results: dict[str, dict] = {}
    last = None
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        rec = json.loads(line)
        if "start" in rec:
            last = rec["start"]
        else:
            results[rec["id"]] = rec
            last = None
    return BatchResult(results, rc, last, err[-3000:])


def _digest(path: Path) -> str | None:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _summary(loader: str, case: dict, catalog: Path | None) -> dict:
    """Run one case; the loader's result summarised (exceptions propagate)."""
    path = Path(case["path"])
    if loader == "pickle":
        from flag3d_core.safe_pickle import safe_load

        return {"type": type(safe_load(path)).__name__}
    if loader in ("skeleton3d", "skeleton2d"):
        from flag3d_core.datasets.flag3d.skeleton import SkippedRecord, iter_skeleton_pkl

        recs = list(iter_skeleton_pkl(path, kind=loader[-2:]))
        skipped = [f"{r.name}: {r.reason}" for r in recs if isinstance(r, SkippedRecord)]
        return {"records": len(recs) - len(skipped), "skipped": skipped[:5]}
    if loader == "smpl":
        from flag3d_core.datasets.flag3d.smpl import load_easymocap_smpl

        return {"frames": load_easymocap_smpl(path).num_frames}
    if loader == "instructions":
        from flag3d_core.datasets.flag3d.instructions import load_instructions

        return {"activities": len(load_instructions(path))}
    if loader == "upload":
        from flag3d_core.recognition.upload import parse_uploaded_skeleton

        return {"sequences": len(parse_uploaded_skeleton(case["name"], path.read_bytes()))}
    if loader in ("ingest", "cli_ingest"):
        assert catalog is not None, "ingest cases need a catalog"
        before = _digest(catalog)
        out: dict = {"before": before}
        try:
            if loader == "ingest":
                from flag3d_core.catalog.ingest_flag3d import Flag3DParts, ingest_flag3d

                summary = ingest_flag3d(Flag3DParts(**{case["part"]: path}), catalog,
                                        catalog.parent / "arrays")
                out["skipped"] = [f"{s['name']}: {s['reason']}" for s in summary.skipped][:5]
            else:
                out.update(_cli_ingest(case["part"], path))
        finally:
            out["after"] = _digest(catalog)
        return out
    raise ValueError(f"unknown loader {loader!r}")


def _cli_ingest(part: str, path: Path) -> dict:
    import contextlib

    from flag3d_core.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = main(["ingest", "flag3d", f"--{part.replace('_', '-')}", str(path)])
    return {"rc": rc, "stderr": err.getvalue()[-2000:]}


class _CaseTimeout(Exception):
    pass


def _run_manifest(manifest: Path) -> None:
    import resource
    import signal
    import time
    import tracemalloc

    spec = json.loads(manifest.read_text())
    cap = int(spec["rlimit"])
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    catalog = Path(spec["catalog"]) if spec.get("catalog") else None
    if catalog is not None:
        os.environ["FLAG3D_CATALOG"] = str(catalog)
    from flag3d_core.errors import Flag3dError

    def on_alarm(*_args) -> None:
        raise _CaseTimeout

    signal.signal(signal.SIGALRM, on_alarm)
    base_env = dict(os.environ)
    for case in spec["cases"]:
        print(json.dumps({"start": case["id"]}), flush=True)
        os.environ.clear()
        os.environ.update({**base_env, **case["env"]})
        rec: dict = {"id": case["id"]}
        t0 = time.perf_counter()
        if spec.get("trace_memory"):  # Python and numpy allocations of this case alone
            tracemalloc.start()
        signal.alarm(int(spec["case_timeout"]))
        try:
            rec.update(status="ok", detail=_summary(case["loader"], case, catalog))
        except _CaseTimeout:
            rec.update(status="hang")
        except Flag3dError as exc:
            rec.update(status="error", type=type(exc).__name__, message=str(exc)[:2000])
        except BaseException as exc:  # noqa: BLE001 -- the point: report anything else
            import traceback

            rec.update(status="unexpected", type=type(exc).__name__, message=str(exc)[:500],
                       traceback=traceback.format_exc()[-1500:])
        finally:
            signal.alarm(0)
            if tracemalloc.is_tracing():
                rec["peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
                tracemalloc.stop()
        rec["seconds"] = round(time.perf_counter() - t0, 3)
        rec["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        rec["marker"] = bool(case["marker"]) and Path(case["marker"]).exists()
        print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    _run_manifest(Path(sys.argv[1]))
