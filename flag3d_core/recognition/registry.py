"""Model names -> (config class, builder). The graph is built here from the layout named in
the config, so models receive adjacency matrices and know no dataset.

The names are the ones users type (``flag3d train recognition --model 2sagcn``) and the ones the
catalog and checkpoints store: one name per model everywhere."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from torch import nn

from flag3d_core.recognition import names
from flag3d_core.recognition.agcn import AGCN, AGCNConfig
from flag3d_core.recognition.blocks import GraphModelConfig
from flag3d_core.recognition.ctrgcn import CTRGCN, CTRGCNConfig
from flag3d_core.recognition.graph import graph_for
from flag3d_core.recognition.stgcn import STGCN, STGCNConfig

# Widths and depth of the papers (the config defaults are a CPU-sized version).
PAPER_SIZE: dict[str, Any] = {"base_channels": 64, "num_stages": 10, "inflate_stages": (5, 8),
                              "down_stages": (5, 8)}


@dataclass(frozen=True)
class ModelSpec:
    name: str
    title: str
    config_cls: type[GraphModelConfig]
    build: Callable[[Any], nn.Module]


def _build_stgcn(cfg: STGCNConfig) -> nn.Module:
    return STGCN(cfg, graph_for(cfg.layout)[0])


def _build_agcn(cfg: AGCNConfig) -> nn.Module:
    A, parents = graph_for(cfg.layout)
    return AGCN(cfg, A, parents)


def _build_ctrgcn(cfg: CTRGCNConfig) -> nn.Module:
    return CTRGCN(cfg, graph_for(cfg.layout)[0])


MODELS: dict[str, ModelSpec] = {
    names.STGCN: ModelSpec(names.STGCN, "ST-GCN (Yan et al. 2018)", STGCNConfig, _build_stgcn),
    names.TWO_S_AGCN: ModelSpec(names.TWO_S_AGCN, "2s-AGCN (Shi et al. 2019)", AGCNConfig,
                                _build_agcn),
    names.CTRGCN: ModelSpec(names.CTRGCN, "CTR-GCN (Chen et al. 2021)", CTRGCNConfig,
                            _build_ctrgcn),
}


def get_spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"unknown recognition model {name!r}; known: {sorted(MODELS)}") from None


def make_config(name: str, **fields: Any) -> GraphModelConfig:
    """Config of model ``name`` from keyword fields; unknown fields raise a clear error.

    Lists (as stored in JSON) are turned back into tuples.
    """
    cls = get_spec(name).config_cls
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field(s) {unknown}; fields: {sorted(known)}")
    fixed = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
    return cls(**fixed)


def build_model(name: str, config: GraphModelConfig | None = None, **fields: Any) -> nn.Module:
    """Build model ``name`` from a config (or from keyword fields). Returns an nn.Module whose
    ``forward`` maps (N, C, T, V, M) to logits (N, K) and ``stream_logits`` to per-stream logits."""
    spec = get_spec(name)
    if config is None:
        config = make_config(name, **fields)
    elif fields:
        config = dataclasses.replace(config, **fields)
    if not isinstance(config, spec.config_cls):
        raise TypeError(f"model {name!r} needs a {spec.config_cls.__name__}, "
                        f"got {type(config).__name__}")
    return spec.build(config)
