"""The recognition models' names, in one place and without importing torch.

The same name everywhere: what users type (``flag3d train recognition --model 2sagcn``), the
registry's key, a checkpoint's ``model_name`` and the catalog's ``model_runs.model``. The CLI
reads this module to list its choices without loading the models.
"""

from __future__ import annotations

STGCN = "stgcn"
TWO_S_AGCN = "2sagcn"
CTRGCN = "ctrgcn"
MODEL_NAMES: tuple[str, ...] = (STGCN, TWO_S_AGCN, CTRGCN)

# Names that checkpoints written before the one-name rule carry -> today's name. Only
# checkpoint loading reads this; nothing else accepts an old name.
LEGACY_NAMES: dict[str, str] = {"agcn": TWO_S_AGCN}


def current_name(name: str) -> str:
    """Today's name of a model name read from an older file (the name itself otherwise)."""
    return LEGACY_NAMES.get(name, name)
