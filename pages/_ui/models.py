"""Cached models and host facts: body model, render backend, compute device, recognizers."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import streamlit as st

from flag3d_core.body import BodyModelError, find_body_model, load_body_model
from flag3d_core.body.model import BodyModelInfo, model_file
from pages._ui.state import Version, cursor, settings


@st.cache_resource(show_spinner="Probing the render backend…")
def render_backend() -> Any:
    from flag3d_core.render.backend import render_backend as probe

    return probe()


@st.cache_data(show_spinner=False, ttl=30)
def body_model_info(body_dir: str) -> tuple[BodyModelInfo | None, str | None]:
    """(info or None, error message or None) for the active body model."""
    try:
        return find_body_model(body_dir), None
    except BodyModelError as exc:  # the message says what to do
        return None, str(exc)


@st.cache_resource(show_spinner="Loading the body model…")
def _body_model(body_dir: str, mtime: float) -> Any:
    return load_body_model(body_dir)


def body_model() -> Any:
    """The active body model, or None when there is none (pages fall back to skeletons; Home
    says why)."""
    body_dir = str(settings().body_models)
    try:
        return _body_model(body_dir, os.stat(model_file(body_dir)).st_mtime)
    except BodyModelError:
        return None


@st.cache_resource(show_spinner=False)
def device_info() -> dict:
    import torch

    s = settings()
    dev = s.torch_device()
    name = torch.cuda.get_device_name(0) if dev == "cuda" else "CPU"
    return {"setting": s.device, "device": dev, "name": name,
            "threads": torch.get_num_threads()}


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def _loaded_model(version: Version, run_id: str) -> Any:
    from flag3d_core.recognition.runs import load_run_model

    return load_run_model(cursor(version), run_id, device=settings().torch_device())


def recognise(version: Version, run_id: str, keys: tuple[str, ...],
              arrays: tuple[np.ndarray, ...], layout: str = "ntu25") -> list:
    """Top-5 per skeleton from a recorded run's checkpoint."""
    from flag3d_core.recognition.data import RecognitionItem
    from flag3d_core.recognition.summary import check_layout
    from flag3d_core.recognition.upload import top_k

    _, loaded = _loaded_model(version, run_id)
    check_layout(run_id, loaded.train_config.layout, layout)
    items = [RecognitionItem(array=a, label=0, key=k) for k, a in zip(keys, arrays, strict=True)]
    probs = loaded.predict(items, num_clips=5, device=settings().torch_device())
    return [(k, top_k(p, 5)) for k, p in zip(keys, probs, strict=True)]
