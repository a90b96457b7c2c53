"""FLAG3D sequence names (both schemes) and the evaluation protocols."""

from __future__ import annotations

import dataclasses

import pytest

from flag3d_core.datasets.flag3d.errors import NameParseError
from flag3d_core.datasets.flag3d.names import (
    NATURAL_PERFORMER_INITIALS,
    format_mocap_name,
    format_natural_name,
    parse_sequence_name,
    try_parse_sequence_name,
)
from flag3d_core.datasets.flag3d.splits import (
    IN_DOMAIN_TEST_PERFORMERS,
    cross_domain_split,
    in_domain_split,
    protocol_split,
)


def test_full_mocap_name():
    n = parse_sequence_name("S002C003M004P005A060R003")
    assert (n.scheme, n.scene, n.camera, n.avatar) == ("mocap", 2, 3, 4)
    assert (n.performer, n.performer_index, n.activity, n.repetition) == ("P005", 5, 60, 3)
    assert n.view is None and n.label == 59 and n.stem == n.raw


@pytest.mark.parametrize("raw", ["M001P002A003R001", "M001P002A003R001.npy",
                                 "M001P002A003R001.npz", "M001P002A003R001.json"])
def test_short_mocap_name_with_extension(raw):
    n = parse_sequence_name(raw)
    assert n.raw == raw and n.stem == "M001P002A003R001"
    assert (n.scheme, n.scene, n.camera, n.avatar, n.performer) == ("mocap", None, None, 1, "P002")
    assert (n.activity, n.label, n.repetition) == (3, 2, 1)


def test_natural_names_map_initials_in_order():
    assert NATURAL_PERFORMER_INITIALS == ("PLAY", "PHR", "PLJP", "PLRH", "PCSH", "PCYJ", "PWYQ",
                                          "PZYX", "PTYZ", "PLZH")
    for i, initials in enumerate(NATURAL_PERFORMER_INITIALS, start=1):
        n = parse_sequence_name(f"{initials}_A012_V002_R003_S004.mp4")
        assert n.scheme == "natural"
        assert (n.performer, n.performer_index) == (f"P{i:03d}", i)
        assert (n.activity, n.label, n.view, n.repetition, n.scene) == (12, 11, 2, 3, 4)
        assert n.camera is None and n.avatar is None


def test_unknown_initials_are_kept():
    n = parse_sequence_name("PXYZ_A001_V001_R001_S001")
    assert n.performer == "PXYZ" and n.performer_index is None and n.activity == 1


@pytest.mark.parametrize("bad", [
    "", "S001C001M001P001A001", "S001C001M001P001A061R001", "S001C001M001P001A000R001",
    "s001c001m001p001a001r001", "S1C1M1P1A1R1", "PLAY_A001_V001_R001", "LAY_A001_V001_R001_S001",
    "PLAY_A070_V001_R001_S001", "S001C001M001P001A001R001extra", "C001M001P001A001R001",
])
def test_bad_names_raise_with_the_name(bad):
    with pytest.raises(NameParseError) as info:
        parse_sequence_name(bad)
    assert repr(bad) in str(info.value)
    assert try_parse_sequence_name(bad) is None


def test_non_string_rejected():
    with pytest.raises(NameParseError):
        parse_sequence_name(123)  # type: ignore[arg-type]


def test_sequence_name_is_frozen_and_hashable():
    a = parse_sequence_name("S001C001M001P001A001R001")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.activity = 2  # type: ignore[misc]
    assert a == parse_sequence_name("S001C001M001P001A001R001") and len({a, a}) == 1


def test_format_round_trips():
    raw = format_mocap_name(scene=1, camera=6, avatar=2, performer=10, activity=45, repetition=2)
    assert raw == "S001C006M002P010A045R002"
    n = parse_sequence_name(raw)
    assert (n.scene, n.camera, n.avatar, n.performer_index, n.activity) == (1, 6, 2, 10, 45)
    assert format_mocap_name(avatar=1, performer=1, activity=1, repetition=1) == "M001P001A001R001"
    with pytest.raises(ValueError):
        format_mocap_name(scene=1, avatar=1, performer=1, activity=1, repetition=1)
    nat = format_natural_name(performer=7, activity=3, view=1, repetition=2, scene=5)
    assert nat == "PWYQ_A003_V001_R002_S005"
    assert parse_sequence_name(nat).performer == "P007"
    with pytest.raises(ValueError):
        format_natural_name(performer=11, activity=1, view=1, repetition=1, scene=1)


def test_in_domain_split_by_performer():
    assert IN_DOMAIN_TEST_PERFORMERS == (1, 5, 10)
    splits = {p: in_domain_split(parse_sequence_name(f"S001C001M001P{p:03d}A001R001"))
              for p in range(1, 11)}
    assert [p for p, s in splits.items() if s == "test"] == [1, 5, 10]
    assert all(s == "train" for p, s in splits.items() if p not in (1, 5, 10))
    assert in_domain_split(parse_sequence_name("PCSH_A001_V001_R001_S001")) == "test"  # P005
    with pytest.raises(ValueError, match="PXYZ"):
        in_domain_split(parse_sequence_name("PXYZ_A001_V001_R001_S001"))


def test_cross_domain_split():
    render = parse_sequence_name("S001C002M001P003A010R001")
    natural = parse_sequence_name("PLAY_A010_V001_R001_S001")
    assert cross_domain_split(render) == "train"
    assert cross_domain_split(natural) == "test"
    assert cross_domain_split(render, strict=True) == "train"
    assert cross_domain_split(parse_sequence_name("S001C003M001P003A010R001"), strict=True) is None
    assert cross_domain_split(parse_sequence_name("S002C001M001P003A010R001"), strict=True) is None
    assert protocol_split("cross-domain", natural) == "test"
    assert protocol_split("in-domain", render) == "train"
    with pytest.raises(ValueError, match="unknown protocol"):
        protocol_split("zero-shot", render)
