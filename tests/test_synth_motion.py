"""FLAG3D-Synth motion scripts and kinematics (no files written)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flag3d_core.body.kinematics import forward_kinematics_np
from flag3d_core.layouts import NTU25, SMPL24
from flag3d_core.layouts.smpl24 import PARENTS
from flag3d_core.synth.activities import activity_names, scripts
from flag3d_core.synth.motion import Timing, animate, channels_to_rotations, sample_channels
from flag3d_core.synth.performers import make_performer
from flag3d_core.synth.poses import CHANNEL_SIZES, mirror_pose
from flag3d_core.synth.rigs import load_body_arrays, performer_rig
from flag3d_core.synth.skeleton import ntu25


@pytest.fixture(scope="module")
def arrays():
    return load_body_arrays(None)


def _plain(index: int = 1):
    """A performer without habits, noise or side bias, mean body shape."""
    p = make_performer(index, 0)
    return dataclasses.replace(p, betas=np.zeros(10), side_bias=0.0, noise=0.0, rom=1.0,
                               tempo=1.0, habits={k: np.zeros_like(v) for k, v in
                                                  p.habits.items()})


def test_sixty_scripts_with_taxonomy_names():
    names = activity_names()
    assert sorted(scripts()) == list(range(1, 61))
    assert names[1] == "Svend Press" and names[60] == "Run In Place With Arm Swing"
    lying = {a for a, s in scripts().items() if s.lying}
    assert {4, 12, 15, 16, 30, 37, 43, 47} <= lying
    jumps = {a for a, s in scripts().items() if s.jumps}
    assert {51, 56, 57, 59} <= jumps


def test_mirror_pose_is_an_involution():
    pose = scripts()[22].keys[1][1]
    twice = mirror_pose(mirror_pose(pose))
    for k in CHANNEL_SIZES:
        np.testing.assert_allclose(twice[k], pose[k])
    assert not np.allclose(mirror_pose(pose)["r_upper"], pose["r_upper"])


@pytest.mark.parametrize("fwd, bwd", [(13, 14), (15, 16)])
def test_circle_pairs_run_in_opposite_directions(fwd, bwd):
    phase = np.linspace(0.0, 1.0, 40, endpoint=False)
    a, b = scripts()[fwd], scripts()[bwd]
    back = sample_channels(b, phase)

    def matches(sign: float) -> bool:
        for c in (0.0, 0.25, 0.5, 0.75):
            ref = sample_channels(a, np.mod(c + sign * phase, 1.0))
            if all(np.allclose(ref[k], back[k], atol=1e-9) for k in CHANNEL_SIZES):
                return True
        return False

    assert matches(-1.0), "the backward script must be the forward one played in reverse"
    assert not matches(+1.0), "the two directions must not be the same motion"


def test_w_y_a_stretches_differ_in_arm_elevation(arrays):
    perf = _plain()
    rig = performer_rig(arrays, perf.betas)
    elev = {}
    for act in (7, 8, 9):
        s = scripts()[act]
        ch = sample_channels(s, np.array([s.keys[1][0]]))
        _, local = channels_to_rotations(ch, s, rig)
        j = forward_kinematics_np(local, rig.rest_joints, PARENTS).joints[0]
        torso_up = j[12] - j[0]
        torso_up /= np.linalg.norm(torso_up)
        arm = j[20] - j[16]  # left shoulder -> wrist
        elev[act] = np.degrees(np.arccos(np.dot(arm / np.linalg.norm(arm), torso_up)))
    # Y reaches beyond the head, W holds the elbows out, A points back along the body.
    assert elev[8] < elev[7] < elev[9]
    assert elev[9] - elev[8] > 60


def test_probe_skinning_matches_the_body_model(tmp_path, arrays):
    from flag3d_core.body import load_body_model, write_standin

    write_standin(tmp_path)
    body = load_body_model(tmp_path)
    perf = make_performer(3, 0)
    rig = performer_rig(arrays, perf.betas)
    m = animate(scripts()[51], perf, rig, Timing(n_cycles=1, max_frames=60),
                np.random.default_rng(0))
    rh_mats = _rotvec_to_mat(m.Rh)
    out = body.pose(np.zeros_like(m.Rh), m.poses[:, 3:], m.betas)
    verts = np.einsum("tab,tvb->tva", rh_mats, out.vertices.astype(np.float64)) + m.Th[:, None]
    np.testing.assert_allclose(verts[:, rig.probe_ids], m.probes, atol=2e-4)
    joints = np.einsum("tab,tjb->tja", rh_mats, out.joints.astype(np.float64)) + m.Th[:, None]
    np.testing.assert_allclose(joints, m.joints, atol=2e-4)


def _rotvec_to_mat(rv: np.ndarray) -> np.ndarray:
    from scipy.spatial.transform import Rotation

    return Rotation.from_rotvec(rv).as_matrix()


@pytest.mark.parametrize("act", [22, 33, 43, 44])
def test_left_and_right_variants_mirror_each_other(arrays, act):
    perf = _plain()
    rig = performer_rig(arrays, perf.betas)
    script = scripts()[act]
    timing = Timing(n_cycles=1, max_frames=90)
    a = animate(script, perf, rig, timing, np.random.default_rng(5))
    b = animate(script.mirrored(), perf, rig, timing, np.random.default_rng(5))
    # Mirror through the body's sagittal plane: the plane through the body's mean position
    # spanned by the posture's up and forward axes.
    from flag3d_core.synth.motion import POSTURE_FRAMES

    left_a = POSTURE_FRAMES[script.posture][:, 0]
    left_b = POSTURE_FRAMES[script.mirrored().posture][:, 0]
    ja = a.joints - a.joints[:, :1]
    jb = b.joints - b.joints[:, :1]
    # express both in their own (left, up, fwd) body axes, then flip left
    fa = np.stack([left_a, POSTURE_FRAMES[script.posture][:, 1],
                   POSTURE_FRAMES[script.posture][:, 2]])
    fb = np.stack([left_b, POSTURE_FRAMES[script.mirrored().posture][:, 1],
                   POSTURE_FRAMES[script.mirrored().posture][:, 2]])
    la = ja @ fa.T
    lb = (jb @ fb.T)[:, SMPL24.mirror_permutation()] * np.array([-1.0, 1.0, 1.0])
    assert np.abs(la - lb).max() < 0.01


def test_ntu25_bones_follow_the_smpl_skeleton(arrays):
    perf = make_performer(2, 0)
    rig = performer_rig(arrays, perf.betas)
    m = animate(scripts()[57], perf, rig, Timing(n_cycles=1, max_frames=60),
                np.random.default_rng(1))
    sk = ntu25(m.joints, m.probes, rig)
    assert sk.shape == (len(m.phase), 25, 3)
    tip = sk[:, NTU25.index("LHandTip")]
    wrist = sk[:, NTU25.index("LWrist")]
    assert 0.08 < np.linalg.norm(tip - wrist, axis=1).mean() < 0.3
    head = sk[:, NTU25.index("Head")]
    neck = sk[:, NTU25.index("Neck")]
    assert np.all(head[:, 2] > neck[:, 2])


def test_written_smpl_round_trips_through_the_release_loader(tmp_path, arrays):
    """Our npz, read by the FLAG3D loader and converted to standard SMPL, poses the body
    model onto exactly the surface the generator placed in the world."""
    from flag3d_core.body import load_body_model, write_standin
    from flag3d_core.datasets.flag3d import easymocap_to_smpl, load_easymocap_smpl, rest_pelvis
    from flag3d_core.synth.writer import write_smpl_npz

    write_standin(tmp_path / "body")
    body = load_body_model(tmp_path / "body")
    perf = make_performer(4, 0)
    rig = performer_rig(arrays, perf.betas)
    m = animate(scripts()[36], perf, rig, Timing(n_cycles=1, max_frames=45),
                np.random.default_rng(2))
    path = write_smpl_npz(tmp_path / "seq.npz", m.poses, m.betas, m.Rh, m.Th)
    params = load_easymocap_smpl(path)
    pelvis = rest_pelvis(arrays["v_template"], arrays["shapedirs"], arrays["J_regressor"],
                         params.shapes.reshape(-1))
    smpl = easymocap_to_smpl(params, pelvis)
    out = body.pose(smpl.global_orient, smpl.body_pose, smpl.betas, smpl.transl)
    np.testing.assert_allclose(out.vertices[:, rig.probe_ids], m.probes, atol=2e-3)


def test_contact_sheet_draws_a_grid(tmp_path):
    import cv2

    from flag3d_core.synth.contact_sheet import CELL, contact_sheet

    path = contact_sheet(tmp_path / "sheet.png", activities=[1, 6, 51])
    img = cv2.imread(str(path))
    assert img.shape == (CELL, 10 * CELL, 3)
    assert (img[:, : 3 * CELL] < 200).mean() > 0.01  # skeletons and labels drawn
    assert (img[:, 4 * CELL:] == 255).mean() > 0.95  # empty cells stay blank


def test_occlusion_hides_the_face_from_a_camera_behind(arrays):
    from flag3d_core.synth.cameras import look_at
    from flag3d_core.synth.project import RENDER_NOISE, detect, occluded
    from flag3d_core.synth.skeleton import coco17

    perf = make_performer(2, 0)
    rig = performer_rig(arrays, perf.betas)
    m = animate(scripts()[26], perf, rig, Timing(n_cycles=1, max_frames=60),
                np.random.default_rng(3))
    kp = coco17(m.joints, m.probes, rig)
    front = look_at("front", 0.0, 3.5, 1.2, 640.0, 854, 480)
    back = look_at("back", 180.0, 3.5, 1.2, 640.0, 854, 480)
    assert occluded(kp, m.joints, back)[:, 0].mean() > 0.9  # nose behind the head
    assert occluded(kp, m.joints, front)[:, 0].mean() < 0.1
    uv, score = detect(kp, m.joints, back, RENDER_NOISE, np.random.default_rng(0))
    assert score[:, 0].mean() < score[:, 5:].mean()  # occluded nose scores lower
    assert np.all((uv[..., 0] > 0) & (uv[..., 0] < 854) & (uv[..., 1] > 0) & (uv[..., 1] < 480))
