"""Taxonomy rows for the catalog (FLAG3D: body part -> activity).

The taxonomy tables take trees of any depth; FineGym's event -> set -> element fits the same
``taxonomy_nodes`` table with three levels.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import pandas as pd

# Package data of flag3d_core.datasets (a Traversable: a plain Path for an installed package).
TAXONOMY_CSV = files("flag3d_core.datasets") / "flag3d_taxonomy.csv"
DATASET = "flag3d"


@dataclass(frozen=True)
class Flag3DActivity:
    label: int  # 0-based
    name: str
    body_part: str

    @property
    def activity_id(self) -> str:
        return f"A{self.label + 1:03d}"


@lru_cache(maxsize=1)
def flag3d_activities() -> tuple[Flag3DActivity, ...]:
    """The 60 FLAG3D activities in label order."""
    with TAXONOMY_CSV.open(newline="", encoding="utf-8") as fh:
        rows = [Flag3DActivity(int(r["label"]), r["activity"].strip(), r["body_part"].strip())
                for r in csv.DictReader(fh)]
    rows.sort(key=lambda a: a.label)
    if [a.label for a in rows] != list(range(60)):
        raise ValueError(f"{TAXONOMY_CSV}: expected labels 0..59")
    return tuple(rows)


def body_parts() -> list[str]:
    """Body parts in taxonomy order (order of first appearance)."""
    return list(dict.fromkeys(a.body_part for a in flag3d_activities()))


def flag3d_taxonomy_frame() -> pd.DataFrame:
    rows = []
    for bp in body_parts():
        rows.append({"dataset": DATASET, "node_id": f"bp:{bp}", "parent_id": None,
                     "level_name": "body_part", "depth": 0, "label": None, "name": bp})
    for a in flag3d_activities():
        rows.append({"dataset": DATASET, "node_id": a.activity_id, "parent_id": f"bp:{a.body_part}",
                     "level_name": "activity", "depth": 1, "label": a.label, "name": a.name})
    return pd.DataFrame(rows)


def flag3d_activity_frame(instructions: dict | None) -> pd.DataFrame:
    """Activity rows; instruction fields filled from loaded instructions when given."""
    import json

    rows = []
    for a in flag3d_activities():
        ins = (instructions or {}).get(a.label + 1)
        rows.append({
            "dataset": DATASET, "activity_id": a.activity_id, "label": a.label,
            "name": (ins.name if ins is not None and ins.name else a.name),
            "body_part": a.body_part,
            "description": getattr(ins, "description", None),
            "key_points": getattr(ins, "key_points", None),
            "mistakes": getattr(ins, "mistakes", None),
            "extra": json.dumps(getattr(ins, "extra", None) or {}),
        })
    return pd.DataFrame(rows)
