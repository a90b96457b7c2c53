"""The restricted unpickler admits numpy data and builtin containers, refuses everything else."""

from __future__ import annotations

import io
import os
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import scipy.sparse

from flag3d_core.safe_pickle import (
    ALLOWED_GLOBALS,
    FileFormatError,
    PickleFormatError,
    UnsafePickleError,
    safe_load,
    safe_loads,
)


class _TouchFile:
    """Unpickling this runs ``os.system('touch <target>')`` under a plain ``pickle.load``."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


def _payload() -> dict:
    return {
        "f16": np.linspace(-2, 2, 12, dtype=np.float16).reshape(3, 4),
        "f32": np.random.default_rng(0).normal(size=(2, 5, 25, 3)).astype(np.float32),
        "i64": np.arange(10, dtype=np.int64),
        "u16": np.arange(6, dtype=np.uint16),
        "fortran": np.asfortranarray(np.arange(12.0).reshape(3, 4)),
        "strided": np.arange(20.0).reshape(4, 5)[:, ::2],
        "structured": np.zeros(3, dtype=[("a", "f4"), ("b", "i2")]),
        "aligned": np.ones(2, dtype=np.dtype([("a", "u1"), ("b", "f8")], align=True)),
        "subarray": np.zeros(2, dtype=("f4", (2, 3))),
        "titled": np.zeros(2, dtype={"names": ["a"], "formats": ["<f4"], "titles": ["T"],
                                     "offsets": [0], "itemsize": 8}),
        "objects": np.array([("x", 1.0)], dtype=[("a", "O"), ("b", "f8")]),
        "unicode": np.array(["ab", "c"]),
        "empty": np.zeros((0, 25, 3), np.float32),
        "bytes": [b"", b"\x00\xff"],
        "scalars": [np.float32(1.5), np.int16(-3), np.bool_(True), np.float64(2.0)],
        "dtype": np.dtype("float16"),
        "nested": {"a": [1, 2.5, (3, "x", None)], "b": {"c": (np.arange(3), b"raw")}},
        "containers": [{1, 2}, frozenset({"q"}), 1 + 2j, slice(1, 5, 2), bytearray(b"ab"),
                       OrderedDict(z=1, a=2), range(3)],
        "text": "héllo",
    }


def _assert_same(a, b) -> None:
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert type(a) is type(b) and list(a) == list(b)
        for k in a:
            _assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _assert_same(x, y)
    else:
        assert type(a) is type(b) and a == b


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_round_trip_numpy_and_containers(tmp_path, protocol):
    data = _payload()
    path = tmp_path / "ok.pkl"
    path.write_bytes(pickle.dumps(data, protocol=protocol))
    _assert_same(data, safe_load(path))
    with path.open("rb") as fh:  # file objects too
        _assert_same(data, safe_load(fh))


def test_numpy1_module_spelling_is_accepted():
    """Pickles written by numpy 1.x name ``numpy.core.multiarray``."""
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    raw = pickle.dumps({"a": arr, "s": np.float32(2)}, protocol=2)
    assert b"numpy._core.multiarray" in raw
    legacy = raw.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    out = safe_loads(legacy)
    np.testing.assert_array_equal(out["a"], arr)
    assert out["s"] == np.float32(2)


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
def test_malicious_reduce_is_refused_and_not_run(tmp_path, protocol):
    target = tmp_path / "X"
    path = tmp_path / "evil.pkl"
    evil = {"annotations": [{"keypoint": np.zeros(3), "boom": _TouchFile(str(target))}]}
    path.write_bytes(pickle.dumps(evil, protocol=protocol))
    with pytest.raises(UnsafePickleError) as info:
        safe_load(path)
    assert not target.exists()
    msg = str(info.value)
    assert str(path) in msg
    assert info.value.global_name in ("posix.system", "os.system", "nt.system")
    assert info.value.global_name in msg
    assert isinstance(info.value, FileFormatError)
    # sanity: the same bytes really would run the command under plain pickle
    pickle.loads(path.read_bytes())
    assert target.exists()


@pytest.mark.parametrize("target", [("builtins", "eval"), ("builtins", "getattr"),
                                    ("subprocess", "Popen"), ("numpy", "load"),
                                    ("numpy.ma.core", "_mareconstruct")])
def test_other_globals_refused(target):
    module, name = target
    raw = b"c" + module.encode() + b"\n" + name.encode() + b"\n."  # GLOBAL then STOP
    with pytest.raises(UnsafePickleError, match=rf"{module}\.{name}"):
        safe_loads(raw, label="crafted.pkl")


def test_persistent_id_refused():
    with pytest.raises(UnsafePickleError, match="persistent id"):
        safe_loads(b"Pabc\n.", label="p.pkl")


def test_empty_truncated_and_garbage_files(tmp_path):
    empty = tmp_path / "empty.pkl"
    empty.write_bytes(b"")
    with pytest.raises(PickleFormatError, match="empty") as info:
        safe_load(empty)
    assert str(empty) in str(info.value)

    trunc = tmp_path / "trunc.pkl"
    trunc.write_bytes(pickle.dumps({"a": np.arange(1000.0)}, protocol=4)[:500])
    with pytest.raises(PickleFormatError, match="truncated") as info:
        safe_load(trunc)
    assert str(trunc) in str(info.value)

    text = tmp_path / "notes.pkl"
    text.write_text("this is not a pickle\n")
    with pytest.raises(PickleFormatError) as info:
        safe_load(text)
    assert str(text) in str(info.value)


def test_stream_label_and_missing_file(tmp_path):
    with pytest.raises(PickleFormatError, match="<stream>"):
        safe_load(io.BytesIO(b""))
    with pytest.raises(FileNotFoundError):
        safe_load(tmp_path / "absent.pkl")


def test_extra_allowed_admits_scipy_sparse():
    mat = scipy.sparse.random(24, 50, density=0.1, format="csc", random_state=0)
    raw = pickle.dumps({"J_regressor": mat}, protocol=4)
    with pytest.raises(UnsafePickleError, match="scipy"):
        safe_loads(raw, label="model.pkl")

    needed: set[tuple[str, str]] = set()

    class Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            needed.add((module, name))
            return super().find_class(module, name)

    Recorder(io.BytesIO(raw)).load()
    extra = frozenset(needed - ALLOWED_GLOBALS)
    assert extra and all(m.startswith("scipy") for m, _ in extra)
    out = safe_loads(raw, extra_allowed=extra)
    np.testing.assert_array_equal(out["J_regressor"].toarray(), mat.toarray())
    # extra_allowed is per call: the default stays strict
    with pytest.raises(UnsafePickleError):
        safe_loads(raw)


def test_errors_pickle_round_trip():
    err = UnsafePickleError("f.pkl", "posix.system")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.global_name == "posix.system"


class _Crafted:
    """Pickles as ``func(*args)`` followed by BUILD with ``state`` (when given)."""

    def __init__(self, func, args, state=None):
        self.reduce = (func, args) if state is None else (func, args, state)

    def __reduce__(self):
        return self.reduce


@pytest.mark.parametrize("crafted, fragment", [
    # a float32 dtype told it is 64 bytes wide: numpy would build arrays past their buffers
    (_Crafted(np.dtype, ("f4", False, True), (3, "<", None, None, None, 64, 4, 0)),
     "dtype state"),
    (_Crafted(np.dtype, ("f4", False, True), (3, "|", None, ("a",), {"a": (np.dtype("f8"), 0)},
                                              8, 1, 16)), "fields or sub-array"),
    (_Crafted(np.dtype, ("V4", False, True), (3, "|", None, ("a",), {"a": (np.dtype("f8"), 0)},
                                              4, 1, 16)), "dtype state"),
    (_Crafted(np.dtype, ("f4", False, True), (7, "<")), "dtype state"),
    (_Crafted(np.ndarray, ((10**12,),)), "not callable"),
    (_Crafted(bytearray, (10**12,)), r"bytearray\(\) from a size"),
    (_Crafted(bytes, (10**12,)), r"bytes\(\) from a size"),
    (_Crafted(np._core.multiarray._reconstruct, (np.ndarray, (10**12,), b"b")),
     "_reconstruct arguments"),
    (_Crafted(__import__("_codecs").encode, ("x", "zlib")), "encoding 'zlib'"),
    # an object array whose item list is shorter than its shape segfaults numpy 2.4
    (_Crafted(np._core.multiarray._reconstruct, (np.ndarray, (0,), b"b"),
              (1, (167,), np.dtype("O"), False, [1, 2])), "without 167 items"),
    (_Crafted(np._core.multiarray._reconstruct, (np.ndarray, (0,), b"b"),
              (1, (4,), np.dtype("f4"), False, b"\0" * 8)), "does not match shape"),
    (_Crafted(np._core.multiarray._reconstruct, (np.ndarray, (0,), b"b"),
              (1, (-1,), np.dtype("f4"), False, b"")), "bad numpy array shape"),
    (_Crafted(set, ([1],), {"x": 1}), "BUILD on a set"),
])
def test_crafted_numpy_states_are_refused(crafted, fragment):
    raw = pickle.dumps({"a": [crafted]}, protocol=2)
    with pytest.raises(PickleFormatError, match=fragment) as info:
        safe_loads(raw, label="crafted.pkl")
    assert str(info.value).startswith("crafted.pkl: ")


def test_random_corruption_never_escapes_as_other_errors():
    """Bit flips in a valid array pickle give data or a PickleFormatError, never a crash."""
    rng = np.random.default_rng(0)
    base = pickle.dumps({"kp": np.zeros((1, 3, 25, 3), np.float32), "s": np.float16(1),
                         "d": np.zeros(2, dtype=[("a", "f4")])}, protocol=4)
    for _ in range(500):
        raw = bytearray(base)
        for pos in rng.integers(0, len(raw), size=rng.integers(1, 4)):
            raw[pos] = rng.integers(0, 256)
        try:
            safe_loads(bytes(raw))
        except FileFormatError:
            pass


def test_python2_style_array_pickle():
    """Legacy (Python 2, numpy 1.x) pickles carry array buffers as py2 ``str`` (latin-1)."""
    data = np.arange(3, dtype="<f8").tobytes()
    raw = (b"\x80\x02}q\x00U\x01aq\x01cnumpy.core.multiarray\n_reconstruct\nq\x02cnumpy\nndarray"
           b"\nq\x03K\x00\x85U\x01b\x87Rq\x04(K\x01K\x03\x85cnumpy\ndtype\nq\x05U\x02f8K\x00K\x01"
           b"\x87R(K\x03U\x01<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89U\x18" + data
           + b"tbs.")
    out = safe_loads(raw, label="SMPL_NEUTRAL.pkl")
    assert list(out) == ["a"] and out["a"].dtype == np.float64
    np.testing.assert_array_equal(out["a"], [0.0, 1.0, 2.0])


class _Stub:
    def __setstate__(self, state):
        self.state = state


def test_subclass_find_class_may_admit_classes_that_receive_build():
    """``body/convert.py`` subclasses the unpickler to map legacy classes to inert stubs."""
    from flag3d_core.safe_pickle import ALLOWED_GLOBALS, _RestrictedUnpickler

    class StubUnpickler(_RestrictedUnpickler):
        def find_class(self, module, name):
            if module == "legacy":
                return _Stub
            return super().find_class(module, name)

    # legacy.Thing(), BUILD with {'x': array}: protocol 0 INST-free form via GLOBAL + REDUCE
    arr = pickle.dumps(np.arange(3.0), protocol=2)[2:-1]  # the array's opcodes, no PROTO/STOP
    raw = b"\x80\x02clegacy\nThing\n)R}U\x01x" + arr + b"sb."
    out = StubUnpickler(io.BytesIO(raw), label="m.pkl", allowed=ALLOWED_GLOBALS).load()
    assert isinstance(out, _Stub)
    np.testing.assert_array_equal(out.state["x"], [0.0, 1.0, 2.0])
    # used directly, a refused state is an UnpicklingError like any other bad pickle
    bad = pickle.dumps(_Crafted(bytearray, (10**12,)), protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="bytearray"):
        StubUnpickler(io.BytesIO(bad), label="m.pkl", allowed=ALLOWED_GLOBALS).load()


class _Pipe(io.RawIOBase):
    """A non-seekable stream (like a pipe or a socket)."""

    def __init__(self, data: bytes) -> None:
        self._src = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        return self._src.readinto(buf)


@pytest.mark.parametrize("seekable", [True, False])
def test_corrupt_bytearray_size_does_not_allocate(seekable):
    """BYTEARRAY8 (protocol 5 array data) declaring 1 TiB must not allocate it."""
    raw = b"\x80\x05\x96" + (1 << 40).to_bytes(8, "little") + b"abc."
    stream = io.BytesIO(raw) if seekable else io.BufferedReader(_Pipe(raw))
    with pytest.raises(PickleFormatError, match="truncated"):
        safe_load(stream)
    arr = np.arange(100_000, dtype=np.float32)
    good = pickle.dumps({"a": arr}, protocol=5)
    stream = io.BytesIO(good) if seekable else io.BufferedReader(_Pipe(good))
    np.testing.assert_array_equal(safe_load(stream)["a"], arr)


# ---------------------------------------------------------------------- limits (issue 9)

from flag3d_core.io_limits import DEFAULT, LoadLimits, current_limits  # noqa: E402


def _nested_lists(n: int) -> bytes:
    return b"\x80\x04" + b"]" * n + b"a" * (n - 1) + b"."  # a list nested n deep


def test_depth_limit_names_the_file_the_limit_and_its_setting():
    tight = LoadLimits(max_pickle_depth=5)
    assert len(safe_loads(_nested_lists(5), limits=tight)) == 1
    with pytest.raises(PickleFormatError) as info:
        safe_loads(_nested_lists(6), label="data.pkl", limits=tight)
    assert str(info.value) == ("data.pkl: nesting deeper than 5 levels "
                               "(limit max_pickle_depth=5)")
    with pytest.raises(PickleFormatError, match="max_pickle_depth=100"):
        safe_loads(_nested_lists(101))
    # the crash of the finding: a 200,000-deep tuple used as a dict key
    with pytest.raises(PickleFormatError, match="nesting deeper than 100 levels"):
        safe_loads(b"\x80\x02}N" + b"\x85" * 200_000 + b"Ns.", label="deep.pkl")


def test_every_container_kind_counts_towards_the_depth():
    tight = LoadLimits(max_pickle_depth=20)
    deep = {"tuples": b"\x80\x02N" + b"\x85" * 30 + b".",
            "dicts": b"\x80\x04" + b"}\x8c\x01k" * 30 + b"N" + b"s" * 30 + b".",
            "frozensets": b"\x80\x04" + b"(" * 30 + b"N" + b"\x91" * 30 + b".",
            "slices (call results)": b"\x80\x02c__builtin__\nslice\nq\x00" + b"h\x00" * 30
            + b"N" + b"NN\x87R" * 30 + b".",
            "lists in dicts in tuples": pickle.dumps(_alternating(30), protocol=2)}
    for kind, raw in deep.items():
        with pytest.raises(PickleFormatError, match="max_pickle_depth=20"):
            safe_loads(raw, limits=tight)
        assert safe_loads(raw, limits=LoadLimits(max_pickle_depth=70)) is not None, kind


def _alternating(n: int):
    obj: object = None
    for i in range(n):
        obj = ([obj], {"k": obj}, (obj,))[i % 3]
    return obj


def test_real_files_nest_a_few_levels():
    """A pyskl annotation pickle (dict / list / dict / array with dtype) counts 7 levels."""
    data = {"split": {"train": ["a"]}, "annotations": [
        {"frame_dir": "a", "keypoint": np.zeros((1, 4, 25, 3), np.float32), "img_shape": (1, 2)}]}
    for protocol in (2, 4, 5):
        raw = pickle.dumps(data, protocol=protocol)
        safe_loads(raw, limits=LoadLimits(max_pickle_depth=7))
        with pytest.raises(PickleFormatError, match="nesting"):
            safe_loads(raw, limits=LoadLimits(max_pickle_depth=4))


def test_containers_that_grow_after_being_stored_are_refused():
    shared = [1]
    assert safe_loads(pickle.dumps([shared, shared, {"a": shared}])) == [[1], [1], {"a": [1]}]
    selfref: list = []
    selfref.append(selfref)
    with pytest.raises(PickleFormatError, match="grows after it was stored"):
        safe_loads(pickle.dumps(selfref), label="r.pkl")
    # top-down: every new list goes into one already stored (through the memo)
    raw = bytearray(b"\x80\x04]\x94")
    for k in range(300):
        raw += b"j" + k.to_bytes(4, "little") + b"]\x94a0"
    with pytest.raises(PickleFormatError, match="grows after it was stored"):
        safe_loads(bytes(raw + b"j\x00\x00\x00\x00."))


def test_deep_lists_mode_keeps_deep_lists_and_demotes_deep_tuples():
    out = safe_loads(_nested_lists(3_000), deep_lists=True)
    assert isinstance(out, list)
    deep_tuple = safe_loads(b"\x80\x02N" + b"\x85" * 3_000 + b".", deep_lists=True)
    assert isinstance(deep_tuple, list)  # unhashable, so it can never be hashed in C
    with pytest.raises(TypeError):
        hash(deep_tuple)
    with pytest.raises(PickleFormatError, match="max_pickle_depth=100"):  # as a key: refused
        safe_loads(b"\x80\x02}N" + b"\x85" * 3_000 + b"Ns.", deep_lists=True)


def test_callables_may_not_build_more_than_the_file_allows():
    from tests.crafted_files import memo_copies, set_of_range

    set_range = set_of_range(10**10)
    assert len(set_range) < 60
    with pytest.raises(PickleFormatError) as info:
        safe_loads(set_range, label="range.pkl")
    msg = str(info.value)
    assert msg.startswith("range.pkl: range(0, 10000000000) would build 10000000000 items")
    assert "limit max_pickle_items=1000000 + pickle_items_per_byte=1.0 per byte" in msg
    assert safe_loads(pickle.dumps(set(range(1000)), protocol=2)) == set(range(1000))
    small = LoadLimits(max_pickle_items=10, pickle_items_per_byte=0.0)
    with pytest.raises(PickleFormatError, match="max_pickle_items=10"):
        safe_loads(pickle.dumps(set(range(100)), protocol=2), limits=small)
    # one list in the memo, copied by frozenset() again and again
    assert len(safe_loads(memo_copies(items=1_000, copies=10))) == 10
    with pytest.raises(PickleFormatError, match=r"frozenset\(\) would build 100000 items"):
        safe_loads(memo_copies(items=100_000, copies=100))


def test_bytes_budget_covers_copies_and_empty_containers():
    tight = LoadLimits(max_pickle_bytes=10_000, pickle_bytes_per_byte=0.0)
    with pytest.raises(PickleFormatError, match=r"empty containers take more than the 10000 "
                       r"bytes a \d+-byte pickle may build \(limit max_pickle_bytes=10000"):
        safe_loads(b"\x80\x04(" + b"\x8f" * 1_000 + b"l.", limits=tight)
    with pytest.raises(PickleFormatError, match="numpy arrays"):
        safe_loads(pickle.dumps(np.zeros(5_000, np.float32)), limits=tight)
    assert safe_loads(pickle.dumps(np.zeros(5_000, np.float32))).shape == (5_000,)


@pytest.mark.parametrize("opcode", [b"\x8d", b"\x8e", b"\x95", b"\x96"])  # str8 bytes8 frame ba8
def test_declared_lengths_past_the_end_of_the_file_allocate_nothing(opcode):
    import tracemalloc

    raw = (b"\x80\x05" + opcode + (1 << 40).to_bytes(8, "little") + b"abc.")
    tracemalloc.start()
    with pytest.raises(PickleFormatError, match="truncated"):
        safe_loads(raw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1 << 20


def test_limits_come_from_the_environment_at_each_load(monkeypatch):
    assert current_limits({}) is DEFAULT
    monkeypatch.setenv("FLAG3D_MAX_PICKLE_DEPTH", "4")
    monkeypatch.setenv("FLAG3D_PICKLE_ITEMS_PER_BYTE", "0.5")
    assert current_limits() == LoadLimits(max_pickle_depth=4, pickle_items_per_byte=0.5)
    with pytest.raises(PickleFormatError, match="max_pickle_depth=4"):
        safe_loads(_nested_lists(5))
    assert safe_loads(_nested_lists(5), limits=DEFAULT)  # an explicit limits= wins
    monkeypatch.setenv("FLAG3D_MAX_PICKLE_DEPTH", "deep")
    with pytest.raises(ValueError, match="FLAG3D_MAX_PICKLE_DEPTH='deep'"):
        current_limits()
