"""One settings object for the library, the CLI and the app.

Every field can be overridden by an environment variable (documented in the README):

============================  ===============================================
``FLAG3D_CATALOG``            catalog file (DuckDB)
``FLAG3D_BODY_MODELS``        body-model directory (holds ``smpl/SMPL_NEUTRAL.pkl``)
``FLAG3D_DEVICE``             ``auto`` | ``cpu`` | ``cuda``
``FLAG3D_DATA``               where generated raw data (FLAG3D-Synth) is written
``FLAG3D_FPS``                default frame rate for sequences that do not state one
============================  ===============================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_CATALOG_DIR = PROJECT_ROOT / "data_catalog"

_DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class Settings:
    catalog: Path
    body_models: Path
    device: str
    data_dir: Path
    fps: float = 30.0

    @property
    def arrays_dir(self) -> Path:
        """Array files live beside the catalog file."""
        return self.catalog.parent / "arrays"

    @property
    def cache_dir(self) -> Path:
        return self.catalog.parent / "cache"

    @property
    def checkpoints_dir(self) -> Path:
        return self.catalog.parent / "checkpoints"

    def with_catalog(self, catalog: str | os.PathLike) -> Settings:
        return replace(self, catalog=Path(catalog).resolve())

    def torch_device(self) -> str:
        """Resolve ``auto`` to ``cuda`` when a CUDA device is present, else ``cpu``."""
        if self.device != "auto":
            return self.device
        import torch  # lazy: settings are read by light-weight code too

        return "cuda" if torch.cuda.is_available() else "cpu"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from defaults overridden by ``FLAG3D_*`` environment variables."""
    env = dict(os.environ if env is None else env)
    device = env.get("FLAG3D_DEVICE", "auto").strip().lower()
    if device not in _DEVICES:
        raise ValueError(f"FLAG3D_DEVICE={device!r} is not one of {', '.join(_DEVICES)}")
    return Settings(
        catalog=Path(env.get("FLAG3D_CATALOG", DATA_CATALOG_DIR / "catalog.duckdb")).resolve(),
        body_models=Path(env.get("FLAG3D_BODY_MODELS", DATA_CATALOG_DIR / "body_models")).resolve(),
        device=device,
        data_dir=Path(env.get("FLAG3D_DATA", DATA_CATALOG_DIR / "raw")).resolve(),
        fps=float(env.get("FLAG3D_FPS", "30")),
    )
