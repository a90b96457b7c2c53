"""The player's wire format: binary arrays as base64 JSON and the payload's byte counts.

A payload (see :mod:`flag3d_core.player.tracks`) is a JSON-ready dict. Binary arrays travel as
``{"dtype", "shape", "data"}`` with ``data`` the base64 of the little-endian C-order bytes, plus
an optional ``"scale"`` (real value = stored integer * scale).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

PAYLOAD_FORMAT = "flag3d-player/1"
QUAT_SCALE = 1.0 / 32767.0
JOINT_SCALE = 1e-3  # int16 millimetres
TEMPLATE_SCALE = 1e-4  # int16 tenths of a millimetre (bodies within +-3.27 m of the origin)
INT16_MAX = 32767
# Per-frame arrays of each track kind (everything else is sent once).
MOTION_KEYS = {"skeleton": ("joints",), "mesh": ("rotations", "transl")}


def encode_array(arr: np.ndarray, dtype: str, scale: float | None = None) -> dict[str, Any]:
    """Encode ``arr`` as ``{"dtype", "shape", "data"[, "scale"]}`` (little-endian base64).

    With ``scale`` the values are stored as ``round(arr / scale)`` in the integer ``dtype``.
    """
    dt = np.dtype(dtype).newbyteorder("<")
    a = np.asarray(arr)
    if scale is not None:
        info = np.iinfo(dt)
        q = np.rint(a.astype(np.float64) / scale)
        if q.size and (q.min() < info.min or q.max() > info.max):
            raise ValueError(f"values out of range for {dtype} with scale {scale}")
        a = q
    out: dict[str, Any] = {
        "dtype": np.dtype(dtype).name,
        "shape": list(a.shape),
        "data": base64.b64encode(np.ascontiguousarray(a, dtype=dt).tobytes()).decode("ascii"),
    }
    if scale is not None:
        out["scale"] = float(scale)
    return out


def decode_array(enc: dict[str, Any], dequantize: bool = True) -> np.ndarray:
    """Inverse of :func:`encode_array`; with ``dequantize`` applies ``scale`` (float32 out)."""
    dt = np.dtype(enc["dtype"]).newbyteorder("<")
    arr = np.frombuffer(base64.b64decode(enc["data"]), dtype=dt).reshape(enc["shape"])
    if dequantize and "scale" in enc:
        return (arr.astype(np.float32) * np.float32(enc["scale"])).astype(np.float32)
    return arr.astype(arr.dtype.newbyteorder("="))


def payload_nbytes(payload: dict[str, Any]) -> int:
    """Size in bytes of the payload as compact JSON (what travels to the browser)."""
    return len(json.dumps(payload, separators=(",", ":")).encode())


@dataclass(frozen=True)
class PayloadSizes:
    """Byte counts of a payload: ``total`` = compact JSON; ``motion`` = per-frame arrays."""

    total: int
    motion: int
    static: int
    duration_s: float

    @property
    def motion_per_10s(self) -> float:
        return self.motion * 10.0 / self.duration_s if self.duration_s > 0 else 0.0


def payload_sizes(payload: dict[str, Any]) -> PayloadSizes:
    """Split :func:`payload_nbytes` into per-frame (motion) and sent-once (static) bytes."""
    total = payload_nbytes(payload)
    motion = sum(len(t[k]["data"]) for t in payload["tracks"] for k in MOTION_KEYS[t["kind"]])
    return PayloadSizes(total=total, motion=motion, static=total - motion,
                        duration_s=float(payload["duration"]))


