"""Shape, forward kinematics and skinning (flag3d_core.body.kinematics) against smplx on the
stand-in body; gradients, batching, numpy entries; BodyModel.forward/pose/template."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from smplx.lbs import lbs, vertices2joints

from flag3d_core.body import build_standin, load_body_model, template_from_arrays, write_standin
from flag3d_core.body.kinematics import (
    chain,
    chain_np,
    forward_kinematics,
    forward_kinematics_np,
    pose_blend_offsets,
    shaped_rest,
    shaped_rest_np,
    skin,
    skin_np,
)
from flag3d_core.geometry.rotations import axis_angle_to_matrix, axis_angle_to_matrix_np
from flag3d_core.layouts.smpl24 import PARENTS

torch.set_num_threads(1)

T = 6


@pytest.fixture(scope="module")
def body_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("body")
    write_standin(d)
    return d


@pytest.fixture(scope="module")
def body(body_dir: Path):  # noqa: ANN201 - a BodyModel
    return load_body_model(body_dir)


@pytest.fixture(scope="module")
def smpl64(body):  # noqa: ANN001, ANN201 - smplx module in float64: a tight reference
    import copy

    return copy.deepcopy(body.smpl).double()


@pytest.fixture(scope="module")
def motion() -> dict[str, torch.Tensor]:
    rng = np.random.default_rng(0)
    return {
        "global_orient": torch.from_numpy(rng.normal(0, 0.6, (T, 3))),
        "body_pose": torch.from_numpy(rng.normal(0, 0.4, (T, 69))),
        "betas": torch.from_numpy(rng.normal(0, 1.0, (T, 10))),
        "transl": torch.from_numpy(rng.normal(0, 1.0, (T, 3))),
    }


def _rotmats(motion: dict[str, torch.Tensor]) -> torch.Tensor:
    pose = torch.cat([motion["global_orient"], motion["body_pose"]], dim=-1)
    return axis_angle_to_matrix(pose.reshape(-1, 24, 3))  # (T, 24, 3, 3)


def _rest(smpl, betas: torch.Tensor):  # noqa: ANN001, ANN202
    return shaped_rest(smpl.v_template, smpl.shapedirs, smpl.J_regressor, betas)


# ---------------------------------------------------------------------------- shape


def test_shaped_rest_matches_smplx(smpl64, motion):
    betas = motion["betas"]
    v_shaped, joints = _rest(smpl64, betas)
    want_v = smpl64.forward_shape(betas=betas).v_shaped
    assert v_shaped.shape == (T, 6890, 3) and joints.shape == (T, 24, 3)
    torch.testing.assert_close(v_shaped, want_v, atol=1e-12, rtol=0)
    torch.testing.assert_close(joints, vertices2joints(smpl64.J_regressor, want_v), atol=1e-12,
                               rtol=0)


def test_shaped_rest_takes_shared_or_fewer_betas(smpl64, motion):
    shared = _rest(smpl64, motion["betas"][0])
    assert shared.vertices.shape == (6890, 3) and shared.joints.shape == (24, 3)
    torch.testing.assert_close(shared.joints, _rest(smpl64, motion["betas"]).joints[0])
    few = motion["betas"][0, :4]  # shapedirs beyond the fourth are ignored
    padded = torch.cat([few, torch.zeros(6, dtype=few.dtype)])
    torch.testing.assert_close(_rest(smpl64, few).vertices, _rest(smpl64, padded).vertices)
    with pytest.raises(ValueError, match="betas"):
        _rest(smpl64, torch.zeros(11, dtype=torch.float64))


def test_shaped_rest_np_accepts_the_model_file_arrays():
    import scipy.sparse as sp

    arrays = build_standin()
    betas = np.linspace(-1.0, 1.0, 10)
    dense = shaped_rest_np(arrays["v_template"], arrays["shapedirs"], arrays["J_regressor"],
                           betas)
    sparse = shaped_rest_np(arrays["v_template"], arrays["shapedirs"],
                            sp.csc_matrix(arrays["J_regressor"]), betas)
    shaped = arrays["v_template"] + arrays["shapedirs"][..., :10] @ betas
    np.testing.assert_allclose(dense.vertices, shaped, atol=1e-12)
    np.testing.assert_allclose(dense.joints, arrays["J_regressor"] @ shaped, atol=1e-12)
    np.testing.assert_array_equal(sparse.joints, dense.joints)


# ---------------------------------------------------------------------------- kinematics


def test_forward_kinematics_matches_smplx_joints(body, smpl64, motion):
    rest = _rest(smpl64, motion["betas"]).joints
    fk = forward_kinematics(_rotmats(motion), rest, body.parents, motion["transl"])
    ref = smpl64(**motion, return_verts=True)
    # (smplx's Rodrigues adds 1e-8 to the axis-angle vector: agreement to ~1e-8 m in float64)
    assert fk.joints.shape == (T, 24, 3) and fk.rotations.shape == (T, 24, 3, 3)
    torch.testing.assert_close(fk.joints, ref.joints[:, :24], atol=1e-7, rtol=0)
    # the float32 model agrees within 1e-5 m
    smpl32 = body.smpl
    m32 = {k: v.float() for k, v in motion.items()}
    rest32 = _rest(smpl32, m32["betas"]).joints
    fk32 = forward_kinematics(_rotmats(m32), rest32, PARENTS, m32["transl"])
    torch.testing.assert_close(fk32.joints, smpl32(**m32).joints[:, :24], atol=1e-5, rtol=0)


def test_global_rotations_chain_the_local_ones(motion):
    local = _rotmats(motion)
    fk = forward_kinematics(local, torch.zeros(24, 3, dtype=torch.float64), PARENTS)
    for j in range(1, 24):
        torch.testing.assert_close(fk.rotations[:, j], fk.rotations[:, PARENTS[j]] @ local[:, j])
    torch.testing.assert_close(fk.rotations[:, 0], local[:, 0])


def test_chain_on_a_hand_checked_arm():
    # root at (1, 0, 0) turned 90 degrees about z; elbow 2 along the root's x; hand 1 along
    # the elbow's x, the elbow turned another 90 degrees about z.
    quarter = axis_angle_to_matrix_np(np.array([0.0, 0.0, np.pi / 2]))
    local = np.stack([quarter, quarter, np.eye(3)])[None]  # (1, 3, 3, 3)
    offsets = np.array([[1.0, 0, 0], [2.0, 0, 0], [1.0, 0, 0]])
    out = chain_np(local, offsets, [-1, 0, 1])
    np.testing.assert_allclose(out.joints[0], [[1, 0, 0], [1, 2, 0], [0, 2, 0]], atol=1e-15)
    np.testing.assert_allclose(out.rotations[0, 2], quarter @ quarter, atol=1e-15)


def test_chain_takes_per_frame_offsets_and_several_roots():
    rng = np.random.default_rng(1)
    local = axis_angle_to_matrix_np(rng.normal(size=(4, 5, 3)))
    offsets = rng.normal(size=(4, 5, 3))  # per frame, like BVH position channels
    parents = [-1, 0, -1, 2, 1]
    out = chain_np(local, offsets, parents)
    for t in range(4):
        for j, p in enumerate(parents):
            want = offsets[t, j] if p < 0 else (out.joints[t, p]
                                                + out.rotations[t, p] @ offsets[t, j])
            np.testing.assert_allclose(out.joints[t, j], want, atol=1e-14)


def test_parents_must_come_before_their_children():
    rot = torch.eye(3).expand(3, 3, 3)
    with pytest.raises(ValueError, match="after its parent"):
        chain(rot, torch.zeros(3, 3), [-1, 2, 0])
    with pytest.raises(ValueError, match="entries"):
        chain(rot, torch.zeros(3, 3), [-1, 0])


def test_batched_shapes_broadcast(smpl64, motion):
    rng = np.random.default_rng(2)
    local = axis_angle_to_matrix(torch.from_numpy(rng.normal(0, 0.3, (2, 5, 24, 3))))
    rest = _rest(smpl64, motion["betas"][0]).joints  # (24, 3) shared
    transl = torch.from_numpy(rng.normal(size=(2, 5, 3)))
    fk = forward_kinematics(local, rest, PARENTS, transl)
    assert fk.joints.shape == (2, 5, 24, 3) and fk.rotations.shape == (2, 5, 24, 3, 3)
    flat = forward_kinematics(local.reshape(10, 24, 3, 3), rest, PARENTS,
                              transl.reshape(10, 3))
    torch.testing.assert_close(fk.joints.reshape(10, 24, 3), flat.joints)
    per = forward_kinematics(local, rest.expand(2, 5, 24, 3), PARENTS, transl)  # (2, 5, 24, 3)
    torch.testing.assert_close(per.joints, fk.joints)
    verts = skin(smpl64.v_template, smpl64.lbs_weights, rest, fk.joints, fk.rotations)
    assert verts.shape == (2, 5, 6890, 3)


# ---------------------------------------------------------------------------- skinning


def test_skin_matches_smplx_lbs_without_pose_blend_shapes(body, smpl64, motion):
    betas, rotmats = motion["betas"], _rotmats(motion)
    v_shaped, rest = _rest(smpl64, betas)
    fk = forward_kinematics(rotmats, rest, PARENTS)
    verts = skin(v_shaped, smpl64.lbs_weights, rest, fk.joints, fk.rotations)
    no_posedirs = torch.zeros_like(smpl64.posedirs)
    pose = torch.cat([motion["global_orient"], motion["body_pose"]], dim=-1)
    want, want_j = lbs(betas, pose, smpl64.v_template, smpl64.shapedirs, no_posedirs,
                       smpl64.J_regressor, smpl64.parents, smpl64.lbs_weights)
    torch.testing.assert_close(verts, want, atol=1e-7, rtol=0)
    torch.testing.assert_close(fk.joints, want_j, atol=1e-7, rtol=0)


def test_shared_and_per_frame_rest_points_skin_alike(smpl64, motion):
    v_shaped, rest = _rest(smpl64, motion["betas"][0])  # (V, 3), (24, 3)
    fk = forward_kinematics(_rotmats(motion), rest, PARENTS, motion["transl"])
    shared = skin(v_shaped, smpl64.lbs_weights, rest, fk.joints, fk.rotations)
    per_frame = skin(v_shaped.expand(T, -1, -1), smpl64.lbs_weights, rest, fk.joints,
                     fk.rotations)
    assert shared.shape == per_frame.shape == (T, 6890, 3)
    torch.testing.assert_close(shared, per_frame, atol=1e-12, rtol=0)
    two = skin(v_shaped.expand(2, T, -1, -1), smpl64.lbs_weights, rest, fk.joints,
               fk.rotations)  # points batched beyond the frames
    torch.testing.assert_close(two[1], shared, atol=1e-12, rtol=0)


def test_pose_blend_offsets_match_smplx(smpl64, motion):
    rotmats = _rotmats(motion)
    n_verts = smpl64.v_template.shape[0]
    posedirs = smpl64.posedirs.T.reshape(n_verts, 3, -1)  # the model file's (V, 3, 207)
    got = pose_blend_offsets(rotmats, posedirs)
    feature = (rotmats[:, 1:] - torch.eye(3, dtype=rotmats.dtype)).reshape(T, -1)
    want = (feature @ smpl64.posedirs).reshape(T, -1, 3)  # smplx's lbs step 3
    torch.testing.assert_close(got, want, atol=1e-12, rtol=0)
    rest_pose = torch.eye(3, dtype=torch.float64).expand(1, 24, 3, 3)
    assert pose_blend_offsets(rest_pose, posedirs).abs().max() == 0


# ---------------------------------------------------------------------------- BodyModel


def test_body_model_forward_matches_smplx(body, motion):
    m32 = {k: v.float() for k, v in motion.items()}
    out = body.forward(**m32)
    ref = body.smpl(**m32, return_verts=True)
    assert out.vertices.shape == (T, 6890, 3) and out.joints.shape == (T, 24, 3)
    torch.testing.assert_close(out.vertices, ref.vertices, atol=1e-5, rtol=0)
    torch.testing.assert_close(out.joints, ref.joints[:, :24], atol=1e-5, rtol=0)
    shared = body.forward(m32["global_orient"], m32["body_pose"], m32["betas"][0])  # (10,)
    ref = body.smpl(global_orient=m32["global_orient"], body_pose=m32["body_pose"],
                    betas=m32["betas"][:1])
    torch.testing.assert_close(shared.vertices, ref.vertices, atol=1e-5, rtol=0)


def test_gradients_flow_to_pose_betas_and_transl(body, motion):
    inputs = {k: v.float().clone().requires_grad_(True) for k, v in motion.items()}
    out = body.forward(**inputs)
    (out.vertices.square().sum() + out.joints.sum()).backward()
    for name, x in inputs.items():
        assert x.grad is not None and torch.isfinite(x.grad).all(), name
        assert x.grad.abs().sum() > 0, name
    # the translation moves everything rigidly: d(sum joints)/d transl = 24 per axis
    inputs["transl"].grad = None
    body.forward(**inputs).joints.sum().backward()
    torch.testing.assert_close(inputs["transl"].grad, torch.full((T, 3), 24.0))


def test_gradients_are_finite_at_the_rest_pose(body):
    zeros = {"global_orient": torch.zeros(2, 3), "body_pose": torch.zeros(2, 69),
             "betas": torch.zeros(10), "transl": torch.zeros(2, 3)}
    inputs = {k: v.requires_grad_(True) for k, v in zeros.items()}
    body.forward(**inputs).vertices.sum().backward()
    assert all(torch.isfinite(x.grad).all() for x in inputs.values())


def test_forward_kinematics_gradcheck():
    rng = np.random.default_rng(3)
    aa = torch.from_numpy(rng.normal(0, 0.5, (2, 5, 3))).requires_grad_(True)
    rest = torch.from_numpy(rng.normal(size=(5, 3))).requires_grad_(True)
    transl = torch.from_numpy(rng.normal(size=(2, 3))).requires_grad_(True)

    def fk(a: torch.Tensor, r: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return forward_kinematics(axis_angle_to_matrix(a), r, [-1, 0, 1, 1, 3], t).joints

    assert torch.autograd.gradcheck(fk, (aa, rest, transl))


def test_body_model_pose_is_the_numpy_forward(body, motion):
    m = {k: v[:, :] .numpy().astype(np.float32) for k, v in motion.items()}
    out = body.pose(m["global_orient"], m["body_pose"], m["betas"][0], m["transl"], batch=4)
    assert out.vertices.dtype == np.float32 and out.vertices.shape == (T, 6890, 3)
    ref = body.forward(*(torch.from_numpy(m[k]) for k in ("global_orient", "body_pose")),
                       torch.from_numpy(m["betas"][0]), torch.from_numpy(m["transl"]))
    np.testing.assert_allclose(out.vertices, ref.vertices.detach().numpy(), atol=1e-6)
    np.testing.assert_array_equal(body(m["global_orient"], m["body_pose"]).joints,
                                  body.pose(m["global_orient"], m["body_pose"]).joints)


def test_body_template_is_the_shaped_rest_body(body):
    betas = np.linspace(-1.5, 1.5, 10).astype(np.float32)
    tpl = body.template(betas)
    assert tpl.template.shape == (6890, 3) and tpl.template.dtype == np.float32
    assert tpl.faces.dtype == np.int64 and tpl.faces.shape == body.faces.shape
    assert tpl.weights.shape == (6890, 24) and tpl.weights.dtype == np.float32
    assert tpl.parents.dtype == np.int64 and tuple(tpl.parents) == PARENTS
    assert tpl.rest_joints.shape == (24, 3) and tpl.rest_joints.dtype == np.float32
    np.testing.assert_allclose(tpl.rest_joints, body.rest_joints(betas), atol=1e-6)
    zero = body.pose(np.zeros((1, 3)), np.zeros((1, 69)), betas).vertices[0]
    np.testing.assert_allclose(tpl.template, zero, atol=1e-5)
    from_file = template_from_arrays(build_standin(), betas)
    np.testing.assert_allclose(from_file.template, tpl.template, atol=1e-5)
    np.testing.assert_allclose(from_file.rest_joints, tpl.rest_joints, atol=1e-5)
    np.testing.assert_array_equal(from_file.parents, tpl.parents)
    np.testing.assert_array_equal(from_file.faces, tpl.faces)


# ---------------------------------------------------------------------------- numpy entries


def test_numpy_entries_equal_the_torch_functions(smpl64, motion):
    rotmats = _rotmats(motion)
    v_shaped, rest = _rest(smpl64, motion["betas"])
    fk = forward_kinematics(rotmats, rest, PARENTS, motion["transl"])
    fk_np = forward_kinematics_np(rotmats.numpy(), rest.numpy(), np.array(PARENTS),
                                  motion["transl"].numpy())
    assert isinstance(fk_np.joints, np.ndarray) and fk_np.joints.dtype == np.float64
    np.testing.assert_array_equal(fk_np.joints, fk.joints.numpy())
    np.testing.assert_array_equal(fk_np.rotations, fk.rotations.numpy())
    weights = smpl64.lbs_weights
    verts = skin(v_shaped, weights, rest, fk.joints, fk.rotations)
    np.testing.assert_array_equal(
        skin_np(v_shaped.numpy(), weights.numpy(), rest.numpy(), fk_np.joints, fk_np.rotations),
        verts.numpy())
    sr = shaped_rest_np(smpl64.v_template.numpy(), smpl64.shapedirs.numpy(),
                        smpl64.J_regressor.numpy(), motion["betas"].numpy())
    np.testing.assert_array_equal(sr.joints, rest.numpy())


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_forward_runs_on_the_gpu(body_dir, motion):
    gpu = load_body_model(body_dir, device="cuda")
    cpu = load_body_model(body_dir)
    m32 = {k: v.float() for k, v in motion.items()}
    out = gpu.forward(**{k: v.cuda() for k, v in m32.items()})
    assert out.vertices.device.type == "cuda"
    torch.testing.assert_close(out.vertices.cpu(), cpu.forward(**m32).vertices, atol=1e-5,
                               rtol=0)


def test_autograd_after_a_numpy_entry_shares_the_cached_tree_plan():
    """The numpy entries run under inference mode; the tree plan they cache must still serve
    autograd callers afterwards (this failed when the plan held inference tensors)."""
    from flag3d_core.body.kinematics import forward_kinematics, forward_kinematics_np
    from flag3d_core.layouts.smpl24 import PARENTS

    forward_kinematics_np(np.tile(np.eye(3), (2, 24, 1, 1)), np.zeros((24, 3)), PARENTS)
    rot = torch.eye(3, dtype=torch.float64).repeat(2, 24, 1, 1).requires_grad_()
    out = forward_kinematics(rot, torch.rand(24, 3, dtype=torch.float64), PARENTS)
    out.joints.sum().backward()
    assert rot.grad is not None and torch.isfinite(rot.grad).all()
