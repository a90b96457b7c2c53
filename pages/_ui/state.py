"""The app's edge: settings, catalog cursor per script run, and every st.cache_* in one place.

DuckDB connections are not thread-safe and Streamlit runs each session's script in its own thread,
so the app keeps one read-only connection per catalog version (path + inode + mtime) and hands each
script run its own cursor.
"""

from __future__ import annotations

import os

import streamlit as st

from flag3d_core.catalog import queries
from flag3d_core.settings import Settings, load_settings


def _leave_pages_directory_mode() -> None:
    """Run every page through app.py's st.navigation, also on a cold server.

    Streamlit treats a ``pages/`` folder beside the entry point as a legacy multipage app until
    ``st.navigation`` has been called once in the process: on a fresh server, a shared link to
    /browse would run pages/browse.py on its own (raw file list in the sidebar, no page config).
    Every page imports this module first, so the first such run switches the mode off and reruns
    through app.py, which resolves the same URL path.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_pages_directory_mode()


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


def _catalog_version(path) -> tuple:
    try:
        st_ = os.stat(path)
    except FileNotFoundError:
        return (str(path), None, None)
    return (str(path), st_.st_ino, st_.st_mtime_ns)


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(version: tuple):
    return queries.connect(version[0], read_only=True)


def cursor():
    """A new cursor on the current catalog version's shared connection, for this script run."""
    version = _catalog_version(settings().catalog)
    return _connection(version).cursor()


def catalog_or_stop():
    """A cursor, or a friendly message and st.stop() when there is no catalog yet."""
    try:
        return cursor()
    except queries.CatalogMissingError as exc:
        st.error(str(exc))
        st.stop()


@st.cache_data(show_spinner=False, ttl=60)
def stats(version: tuple) -> dict:
    return queries.stats(_connection(version).cursor())


@st.cache_data(show_spinner=False, ttl=60)
def counts_by(version: tuple, by: tuple[str, ...], source: str | None = None,
              protocol: str = "in-domain"):
    f = queries.SequenceFilter(source=source, protocol=protocol)
    return queries.counts_by(_connection(version).cursor(), list(by), f)


@st.cache_data(show_spinner=False, ttl=60)
def split_counts(version: tuple):
    """Counts per (source, split label) where the label names the protocol."""
    import pandas as pd

    cur = _connection(version).cursor()
    ind = queries.counts_by(cur, ["source", "split"], queries.SequenceFilter(source="mocap"))
    cross = queries.counts_by(cur, ["source", "split"], queries.SequenceFilter(protocol="cross-domain"))
    cross = cross[cross.source != "mocap"]
    ind["split"] = "in-domain " + ind["split"].fillna("none")
    cross["split"] = "cross-domain " + cross["split"].fillna("none")
    return pd.concat([ind, cross], ignore_index=True)


@st.cache_data(show_spinner=False, ttl=60)
def mocap_lengths(version: tuple):
    df = queries.sequences(_connection(version).cursor(), queries.SequenceFilter(source="mocap"))
    return df[["activity_id", "activity", "body_part", "n_frames", "fps"]]


def catalog_version() -> tuple:
    return _catalog_version(settings().catalog)


@st.cache_resource(show_spinner="Probing the render backend…")
def render_backend():
    from flag3d_core.render.backend import render_backend as probe

    return probe()


@st.cache_data(show_spinner=False, ttl=30)
def body_model_info(body_dir: str):
    """(info or None, error message or None) for the active body model."""
    try:
        from flag3d_core.body import find_body_model

        return find_body_model(body_dir), None
    except Exception as exc:  # shown to the user as-is: the message says what to do
        return None, str(exc)


@st.cache_resource(show_spinner=False)
def device_info() -> dict:
    import torch

    s = settings()
    dev = s.torch_device()
    name = torch.cuda.get_device_name(0) if dev == "cuda" else "CPU"
    return {"setting": s.device, "device": dev, "name": name,
            "threads": torch.get_num_threads()}


@st.cache_data(show_spinner=False, ttl=60)
def activities(version: tuple):
    return queries.activities(_connection(version).cursor())


@st.cache_data(show_spinner=False, ttl=60)
def distinct(version: tuple, column: str) -> list:
    """Distinct non-null values of a groupable sequence column."""
    import pandas as pd

    df = queries.counts_by(_connection(version).cursor(), column)
    values = [v for v in df[column].tolist() if not pd.isna(v)]
    return [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]


@st.cache_data(show_spinner=False, ttl=60)
def taxonomy_counts(version: tuple, f: queries.SequenceFilter):
    """Taxonomy nodes with counts of the sequences matching ``f`` (its taxonomy filters dropped,
    so the chart keeps showing every branch)."""
    from dataclasses import replace

    cur = _connection(version).cursor()
    tax = queries.taxonomy(cur)
    counts = queries.counts_by(cur, "activity_id", replace(f, body_part=None, activity_id=None))
    n = dict(zip(counts.activity_id, counts.n, strict=True))
    tax["n_sequences"] = [int(n.get(node, 0)) for node in tax.node_id]
    return tax


@st.cache_data(show_spinner=False, ttl=60)
def activity_grid(version: tuple, activity_id: str, source: str):
    """Performer x repetition table of an activity's sequence lengths."""
    df = queries.sequences(_connection(version).cursor(),
                           queries.SequenceFilter(activity_id=activity_id, source=source))
    if df.empty:
        return df
    df = df.drop_duplicates(["performer", "repetition"])
    grid = df.pivot(index="performer", columns="repetition", values="n_frames")
    grid.columns = [f"R{int(c):03d}" for c in grid.columns]
    return grid


def apply_sunburst_click(key: str, *, body_part_key: str, activity_key: str,
                         activity_body_part: dict[str, str]) -> None:
    """Turn the last sunburst click (a point with an id) into taxonomy filter values."""
    event = st.session_state.get(key)
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", []) or []
    if not points:
        return
    node = points[0].get("id") or ""
    last = st.session_state.get(f"_{key}_applied")
    if node == last:
        return
    st.session_state[f"_{key}_applied"] = node
    if node.startswith("bp:"):
        st.session_state[body_part_key] = node[3:]
        st.session_state[activity_key] = None
    elif node in activity_body_part:
        st.session_state[body_part_key] = activity_body_part[node]
        st.session_state[activity_key] = node


# ----------------------------------------------------------------------------- sequences
@st.cache_data(show_spinner=False, ttl=60)
def playable_ids(version: tuple) -> list[str]:
    """Sequences with 3D data (MoCap skeleton), in catalog order."""
    df = queries.sequences(_connection(version).cursor(), queries.SequenceFilter(source="mocap"))
    return df.sequence_id.tolist()


def short_label(sequence_id: str) -> str:
    """'S001C001M001P002A017R001' -> 'P002 · A017 · R001 (S001C001M001P002A017R001)'."""
    name = sequence_id.rsplit("/", 1)[-1]
    if len(name) == 24 and name.startswith("S"):
        return f"{name[12:16]} · {name[16:20]} · {name[20:24]}  ({name})"
    return name


@st.cache_data(show_spinner=False, ttl=60)
def related_videos(version: tuple, sequence_id: str):
    return queries.related_videos(_connection(version).cursor(), sequence_id)


@st.cache_data(show_spinner=False, ttl=60)
def same_activity_other_performer(version: tuple, sequence_id: str) -> str | None:
    cur = _connection(version).cursor()
    meta = queries.sequence(cur, sequence_id)
    if meta is None:
        return None
    df = queries.sequences(cur, queries.SequenceFilter(activity_id=meta["activity_id"], source=meta["source"]))
    other = df[(df.performer != meta["performer"]) & (df.repetition == meta["repetition"])]
    return None if other.empty else str(other.sequence_id.iloc[0])


@st.cache_resource(show_spinner="Loading the body model…")
def _body_model(body_dir: str, mtime: float | None):
    from flag3d_core.body import load_body_model

    return load_body_model(body_dir)


def body_model(body_dir: str):
    """The active body model, or None when there is none (pages fall back to skeletons)."""
    from flag3d_core.body.model import model_file

    try:
        path = model_file(body_dir)
        return _body_model(body_dir, os.stat(path).st_mtime)
    except Exception:  # no model, or an unreadable one: Home explains which
        return None


@st.cache_data(show_spinner="Preparing the player…", max_entries=64)
def player_payload(version: tuple, sequence_ids: tuple[str, ...], view: str, body_dir: str | None,
                   highlight: tuple[int, ...] = ()) -> dict:
    from flag3d_core.viz.sequence_tracks import side_by_side_payload

    body = body_model(body_dir) if body_dir else None
    return side_by_side_payload(_connection(version).cursor(), settings().arrays_dir, list(sequence_ids),
                                view=view, body_model=body, highlight=list(highlight))


@st.cache_data(show_spinner=False, ttl=300)
def camera_names(version: tuple) -> list[str]:
    from flag3d_core.export.sequence import cameras_dir_of
    from flag3d_core.render.cameras import camera_names as names

    return names(cameras_dir_of(_connection(version).cursor()))


def render(version: tuple, sequence_id: str, what: str, camera: str, body_dir: str, progress,
           second_id: str | None = None):
    """Render (or fetch from the render cache) an MP4; progress(done, total) drives a bar."""
    from flag3d_core.export.sequence import render_mp4

    return render_mp4(_connection(version).cursor(), settings().arrays_dir, settings().cache_dir,
                      sequence_id, what=what, camera=camera,
                      body_model=body_model(body_dir) if what != "skeleton" else None,
                      second_id=second_id, progress=progress)


@st.cache_data(show_spinner=False, max_entries=32)
def export_bytes(version: tuple, sequence_id: str, fmt: str, body_dir: str | None) -> bytes:
    import tempfile
    from pathlib import Path

    from flag3d_core.export.sequence import export_sequence

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"export.{fmt}"
        export_sequence(_connection(version).cursor(), settings().arrays_dir, settings().cache_dir,
                        sequence_id, fmt, out, body_model=body_model(body_dir) if body_dir else None)
        return out.read_bytes()


@st.cache_data(show_spinner=False, max_entries=16)
def joints(version: tuple, sequence_id: str):
    from flag3d_core.catalog.load import load_joints

    return load_joints(_connection(version).cursor(), settings().arrays_dir, sequence_id)


# ----------------------------------------------------------------------------- recognition
@st.cache_data(show_spinner=False, ttl=60)
def recognition_runs(version: tuple):
    return queries.model_runs(_connection(version).cursor(), "recognition")


@st.cache_data(show_spinner=False, ttl=60)
def runs_table(version: tuple, run_ids: tuple[str, ...]):
    import json

    import pandas as pd

    rows = []
    for rid in run_ids:
        run = queries.model_run(_connection(version).cursor(), rid)
        m = json.loads(run["metrics"])
        row = {"run": rid, "model": run["model"], "protocol": run["protocol"], "top-1": m["top1"],
               "top-5": m["top5"], "mean class acc.": m["mean_class_accuracy"],
               "test sequences": m.get("num_samples"), "train s": m.get("train_seconds"),
               "device": m.get("device")}
        row.update({f"{k}": v for k, v in m.get("per_group", {}).items()})
        rows.append(row)
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False, ttl=60)
def run_confusion(version: tuple, run_id: str):
    from flag3d_core.recognition.runs import run_confusion as confusion

    return confusion(_connection(version).cursor(), run_id)


@st.cache_data(show_spinner=False, ttl=60)
def confused_pairs(version: tuple, run_id: str, n: int = 20):
    import pandas as pd

    from flag3d_core.metrics.classification import most_confused_pairs

    acts = activities(version)
    names = acts.name.tolist()
    cm = run_confusion(version, run_id)
    rows = [{"true_label": int(t), "pred_label": int(p), "ground truth": names[int(t)],
             "predicted": names[int(p)], "sequences": int(c),
             "share of the class": round(float(c) / max(1, int(cm[int(t)].sum())), 3)}
            for t, p, c in most_confused_pairs(cm, n)]
    return pd.DataFrame(rows, columns=["true_label", "pred_label", "ground truth", "predicted", "sequences",
                                       "share of the class"])


def heatmap_cell(event) -> tuple[int, int] | None:
    """(true, pred) class of a clicked confusion-heatmap cell (customdata holds the classes)."""
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", []) or []
    if not points:
        return None
    data = points[0].get("customdata")
    if isinstance(data, dict):  # the frontend sends arrays as {"0": a, "1": b}
        data = [data[k] for k in sorted(data, key=int)]
    if data is None or len(data) < 2:
        return None
    return int(data[0]), int(data[1])


@st.cache_data(show_spinner=False, ttl=60)
def cell_sequences(version: tuple, run_id: str, true_label: int, pred_label: int):
    p = queries.predictions(_connection(version).cursor(), run_id)
    return p[(p.label_true == true_label) & (p.label_pred == pred_label)].reset_index(drop=True)


@st.cache_data(show_spinner=False, ttl=60)
def typical_sequence(version: tuple, run_id: str, label: int) -> str | None:
    """The run's most confident correct prediction of ``label``; else any MoCap sequence of it."""
    import json

    cur = _connection(version).cursor()
    p = queries.predictions(cur, run_id)
    ok = p[(p.label_true == label) & (p.label_pred == label)]
    if not ok.empty:
        conf = ok.top5.map(lambda s: json.loads(s)[0][1])
        return str(ok.sequence_id.iloc[int(conf.to_numpy().argmax())])
    df = queries.sequences(cur, queries.SequenceFilter(activity_id=f"A{label + 1:03d}", source="mocap"), limit=1)
    return None if df.empty else str(df.sequence_id.iloc[0])


@st.cache_data(show_spinner=False, ttl=60)
def joint_difference(version: tuple, a: str, b: str):
    from flag3d_core.analysis.compare import most_different_joints

    return most_different_joints(joints(version, a), joints(version, b), k=25)


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def _loaded_model(version: tuple, run_id: str):
    from flag3d_core.recognition.runs import load_run_model

    return load_run_model(_connection(version).cursor(), run_id, device=settings().torch_device())


def recognise(version: tuple, run_id: str, keys: tuple[str, ...], arrays: tuple) -> list:
    """Top-5 per skeleton from a recorded run's checkpoint (3D NTU-25 models only)."""
    from flag3d_core.recognition.data import RecognitionItem
    from flag3d_core.recognition.upload import top_k

    run, loaded = _loaded_model(version, run_id)
    if loaded.train_config.layout != "ntu25":
        raise ValueError(f"run {run_id} is a {loaded.train_config.layout} (2D) model; pick a 3D (in-domain) run "
                         "to recognise NTU-25 skeletons")
    items = [RecognitionItem(array=a, label=0, key=k) for k, a in zip(keys, arrays, strict=True)]
    probs = loaded.predict(items, num_clips=5, device=settings().torch_device())
    return [(k, top_k(p, 5)) for k, p in zip(keys, probs, strict=True)]
