"""Tests of the original FLAG3D instruction texts (flag3d_core.synth.instructions_text)."""

from __future__ import annotations

import csv
import dataclasses
import os
import re
from pathlib import Path

import pytest

from flag3d_core.synth.instructions_text import INSTRUCTIONS, ActivityText, as_release_fields

_REPO_TAXONOMY = Path(__file__).resolve().parents[1] / "flag3d_core/datasets/flag3d_taxonomy.csv"
_TAXONOMY_CSV = Path(
    os.environ.get(
        "FLAG3D_TAXONOMY_CSV",
        _REPO_TAXONOMY if _REPO_TAXONOMY.is_file() else "/work/shared/data/flag3d_taxonomy.csv",
    )
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def _taxonomy() -> list[dict[str, str]]:
    if not _TAXONOMY_CSV.is_file():
        pytest.skip(f"taxonomy CSV not found at {_TAXONOMY_CSV}")
    with _TAXONOMY_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_sixty_activities_numbered_one_to_sixty() -> None:
    assert sorted(INSTRUCTIONS) == list(range(1, 61))
    for number, text in INSTRUCTIONS.items():
        assert isinstance(text, ActivityText)
        assert text.activity == number


def test_names_and_body_parts_match_taxonomy_csv() -> None:
    rows = _taxonomy()
    assert len(rows) == 60
    for row in rows:
        text = INSTRUCTIONS[int(row["label"]) + 1]
        assert text.name == row["activity"]
        assert text.body_part == row["body_part"]


def test_known_names_without_csv() -> None:
    assert INSTRUCTIONS[1].name == "Svend Press"
    assert INSTRUCTIONS[23].name == "Wrist Joint Warm-up"
    assert INSTRUCTIONS[60].name == "Run In Place With Arm Swing"
    assert INSTRUCTIONS[60].body_part == "whole body"


def test_description_has_two_to_four_sentences() -> None:
    for text in INSTRUCTIONS.values():
        count = len(_sentences(text.description))
        assert 2 <= count <= 4, (text.activity, count)
        assert text.description.endswith(".")


def test_key_points_and_mistakes_counts() -> None:
    for text in INSTRUCTIONS.values():
        assert 2 <= len(text.key_points) <= 4, text.activity
        assert 2 <= len(text.mistakes) <= 3, text.activity
        assert all(item.strip() for item in text.key_points + text.mistakes)


def test_descriptions_unique() -> None:
    descriptions = [text.description for text in INSTRUCTIONS.values()]
    assert len(set(descriptions)) == 60


def test_side_variants_mention_their_side() -> None:
    sided = 0
    for text in INSTRUCTIONS.values():
        for side in ("right", "left"):
            if re.search(rf"\b{side}\b", text.name.lower()):
                sided += 1
                assert re.search(rf"\b{side}\b", text.description.lower()), text.name
    # 8 right-side and 5 left-side variants (Jump Left and Right counts for both)
    assert sided == 13


def test_fine_grained_pairs_are_distinguished() -> None:
    shapes = {7: "90 degrees", 8: "30 degrees", 9: "backward toward the hips"}
    for number, phrase in shapes.items():
        assert phrase in INSTRUCTIONS[number].description
    assert "forward direction" in INSTRUCTIONS[13].description
    assert "backward direction" in INSTRUCTIONS[14].description
    assert "upward round" in INSTRUCTIONS[15].description
    assert "downward round" in INSTRUCTIONS[16].description


def test_as_release_fields() -> None:
    text = INSTRUCTIONS[1]
    fields = as_release_fields(text)
    assert set(fields) == {"I001", "I002", "I003", "I004"}
    assert fields["I001"] == "Svend Press"
    assert fields["I002"] == text.description
    assert fields["I003"].startswith(text.key_points[0])
    assert len(_sentences(fields["I003"])) == len(text.key_points)
    assert len(_sentences(fields["I004"])) == len(text.mistakes)


def test_as_release_fields_adds_missing_full_stops() -> None:
    text = ActivityText(99, "X", "arm", "One. Two.", ("Breathe", "Hold."), ("Rush!", "Slump"))
    fields = as_release_fields(text)
    assert fields["I003"] == "Breathe. Hold."
    assert fields["I004"] == "Rush! Slump."


def test_activity_text_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        INSTRUCTIONS[1].name = "changed"  # type: ignore[misc]
