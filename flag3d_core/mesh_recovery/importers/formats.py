"""The output formats that can be imported, by name."""

from __future__ import annotations

from flag3d_core.errors import IncompatibleInputError

__all__ = ["FORMATS", "check_format"]

FORMATS: dict[str, str] = {
    "romp": "ROMP .npz: member 'results', a pickled dict of smpl_thetas (N, 72), smpl_betas "
            "(N, 10), cam_trans, verts, joints, track_ids; camera frame",
    "bev": "BEV .npz: as ROMP, smpl_betas (N, 11) (the 11th, an age offset, is dropped)",
    "vibe": "VIBE vibe_output.pkl (joblib): {person: pose (N, 72), betas (N, 10), verts, "
            "frame_ids}; camera frame, no translation",
    "wham": "WHAM wham_output.pkl (joblib): {person: pose_world/trans_world (world frame) or "
            "pose/trans (camera frame), betas, verts, frame_ids}",
    "4dhumans": "4D-Humans/PHALP tracker .pkl (joblib, zlib): per frame, tid and smpl "
                "rotation matrices per track; camera frame",
    "gvhmr": "GVHMR hmr4d_results.pt (torch zip): smpl_params_global (world frame) or "
             "smpl_params_incam, SMPL-X body_pose (L, 63) approximated as SMPL",
}


def check_format(fmt: str) -> str:
    """``fmt`` if it names a format of :data:`FORMATS`.

    Raises:
        IncompatibleInputError: an unknown name (the message lists the known ones).
    """
    if fmt not in FORMATS:
        raise IncompatibleInputError(f"unknown HMR output format {fmt!r}; known formats: "
                                     + ", ".join(FORMATS))
    return fmt
