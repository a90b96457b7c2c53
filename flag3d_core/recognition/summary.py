"""What the Recognition page shows about recorded runs, as plain functions of the catalog.

Runs table rows, the most confused pairs, the sequences of one confusion cell, a typical
sequence of a class, and the check that a run's model can read a given joint layout.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.queries import Con, SequenceFilter
from flag3d_core.errors import IncompatibleInputError, NotInCatalogError
from flag3d_core.metrics.classification import most_confused_pairs

__all__ = [
    "PAIR_COLUMNS",
    "activity_label",
    "cell_param",
    "parse_cell_param",
    "cell_sequences",
    "check_layout",
    "confused_pairs",
    "runs_table",
    "typical_sequence",
]

PAIR_COLUMNS = ["true_label", "pred_label", "ground truth", "predicted", "sequences",
                "share of the class"]


def activity_label(label: int, names: list[str]) -> str:
    """0-based class label -> 'A017 · Squat' (the A### ids the rest of the app uses)."""
    return f"A{label + 1:03d} · {names[label]}"


def cell_param(true_label: int, pred_label: int) -> str:
    """A confusion cell as it is written in the URL: (7, 44) -> 'A008-A045'."""
    return f"A{true_label + 1:03d}-A{pred_label + 1:03d}"


def parse_cell_param(text: str | None, num_classes: int = 60) -> tuple[int, int] | None:
    """Inverse of :func:`cell_param`; None for anything else (a hand-edited URL)."""
    m = re.fullmatch(r"A(\d{3})-A(\d{3})", (text or "").strip())
    if not m:
        return None
    t, p = int(m.group(1)) - 1, int(m.group(2)) - 1
    return (t, p) if 0 <= t < num_classes and 0 <= p < num_classes else None


def runs_table(con: Con, run_ids: list[str]) -> pd.DataFrame:
    """One row per run: model, protocol, top-1/top-5/mean class accuracy, test size, training
    time, device, and the per-group accuracies the run recorded."""
    rows = []
    for rid in run_ids:
        run = queries.model_run(con, rid)
        if run is None:
            raise NotInCatalogError(f"no model run {rid!r} in the catalog")
        m = json.loads(run["metrics"])
        row = {"run": rid, "model": run["model"], "protocol": run["protocol"], "top-1": m["top1"],
               "top-5": m["top5"], "mean class acc.": m["mean_class_accuracy"],
               "test sequences": m.get("num_samples"), "train s": m.get("train_seconds"),
               "device": m.get("device")}
        row.update({f"{k}": v for k, v in m.get("per_group", {}).items()})
        rows.append(row)
    return pd.DataFrame(rows)


def confused_pairs(cm: np.ndarray, names: list[str], n: int = 20) -> pd.DataFrame:
    """The ``n`` largest off-diagonal cells of a confusion matrix (rows = ground truth), with
    the share of the true class that each confusion takes."""
    rows = [{"true_label": int(t), "pred_label": int(p),
             "ground truth": activity_label(int(t), names),
             "predicted": activity_label(int(p), names), "sequences": int(c),
             "share of the class": round(float(c) / max(1, int(cm[int(t)].sum())), 3)}
            for t, p, c in most_confused_pairs(cm, n)]
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def cell_sequences(con: Con, run_id: str, true_label: int, pred_label: int) -> pd.DataFrame:
    """The run's predictions with ground truth ``true_label`` predicted as ``pred_label``."""
    p = queries.predictions(con, run_id)
    return p[(p.label_true == true_label) & (p.label_pred == pred_label)].reset_index(drop=True)


def typical_sequence(con: Con, run_id: str, label: int) -> str | None:
    """The run's most confident correct prediction of ``label``; else any MoCap sequence of it."""
    p = queries.predictions(con, run_id)
    ok = p[(p.label_true == label) & (p.label_pred == label)]
    if not ok.empty:
        conf = ok.top5.map(lambda s: json.loads(s)[0][1])
        return str(ok.sequence_id.iloc[int(conf.to_numpy().argmax())])
    df = queries.sequences(con, SequenceFilter(activity_id=f"A{label + 1:03d}", source="mocap"),
                           limit=1)
    return None if df.empty else str(df.sequence_id.iloc[0])


def check_layout(run_id: str, model_layout: str, input_layout: str) -> None:
    """Raise IncompatibleInputError (a ValueError) saying what to do when a run's model reads
    another joint layout."""
    if model_layout != input_layout:
        kind = "2D" if model_layout == "coco17" else "3D"
        raise IncompatibleInputError(
            f"run {run_id} is a {model_layout} ({kind}) model and cannot read {input_layout} "
            f"skeletons; pick a run trained on {input_layout} (in-domain runs read NTU-25 3D "
            "skeletons)")
