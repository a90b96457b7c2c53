import numpy as np
import pytest
import torch

from flag3d_core.layouts import COCO17, NTU25, SMPL24
from flag3d_core.recognition.agcn import bone_tensor
from flag3d_core.recognition.graph import bone_parents, bones
from flag3d_core.recognition.names import LEGACY_NAMES, MODEL_NAMES
from flag3d_core.recognition.registry import MODELS, build_model, get_spec, make_config

TINY = dict(base_channels=8, num_stages=3, inflate_stages=(2,), down_stages=(2,))


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("layout", [NTU25, COCO17, SMPL24], ids=lambda lay: lay.name)
def test_forward_shapes(name, layout):
    torch.manual_seed(0)
    model = build_model(name, layout=layout.name, num_classes=7, **TINY)
    x = torch.randn(2, 3, 12, layout.num_node, 1)  # (N, C, T, V, M)
    logits = model(x)
    assert logits.shape == (2, 7)
    streams = model.stream_logits(x)
    assert all(s.shape == (2, 7) for s in streams)
    logits.sum().backward()
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_wrong_input_shape_is_rejected(name):
    model = build_model(name, layout="ntu25", num_classes=3, **TINY)
    with pytest.raises(ValueError, match="V=25"):
        model(torch.randn(1, 3, 8, 17, 1))
    with pytest.raises(ValueError, match="N, C, T, V, M"):
        model(torch.randn(1, 3, 8, 25))


def test_one_name_per_model() -> None:
    """The registry, the CLI and the runs use the names of recognition.names, and only those."""
    from flag3d_core.cli import build_parser
    from flag3d_core.recognition.runs import MODELS as RUN_MODELS

    assert tuple(MODELS) == MODEL_NAMES == RUN_MODELS
    args = build_parser().parse_args(["train", "recognition", "--model", "2sagcn"])
    assert args.model == "2sagcn"
    for old in LEGACY_NAMES:  # old names are read from old checkpoints, never accepted
        with pytest.raises(KeyError, match="unknown recognition model"):
            get_spec(old)


def test_agcn_two_streams_sum():
    model = build_model("2sagcn", layout="ntu25", num_classes=4, **TINY).eval()
    x = torch.randn(2, 3, 8, 25, 1)
    joint, bone = model.stream_logits(x)
    assert torch.allclose(model(x), joint + bone)
    one = build_model("2sagcn", layout="ntu25", num_classes=4, streams=("bone",), **TINY)
    assert len(one.stream_logits(x)) == 1


def test_bone_tensor_matches_numpy():
    x = torch.randn(1, 3, 5, 25, 1)
    parents = bone_parents(NTU25)
    got = bone_tensor(x, torch.as_tensor(parents))
    want = bones(x[0, :, :, :, 0].permute(1, 2, 0).numpy(), parents)  # (T, V, C)
    assert np.allclose(got[0, :, :, :, 0].permute(1, 2, 0).numpy(), want, atol=1e-6)


def test_make_config_rejects_unknown_field():
    with pytest.raises(TypeError, match="no field"):
        make_config("stgcn", widht=3)
    assert make_config("ctrgcn", dilations=[1, 2]).dilations == (1, 2)


def test_paper_size_config_builds():
    from flag3d_core.recognition.blocks import stage_plan
    from flag3d_core.recognition.registry import PAPER_SIZE

    cfg = make_config("stgcn", **PAPER_SIZE)
    plan = stage_plan(cfg)
    assert len(plan) == 10 and plan[-1][1] == 256
    assert [s for _, _, s in plan].count(2) == 2
