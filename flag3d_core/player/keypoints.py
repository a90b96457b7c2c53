"""Player payload for 2D keypoint sequences (rendered-camera and phone videos): COCO-17 pixel
keypoints with their detection scores, drawn over the video frame when there is a video.

Wire format (``mode: "2d"``)::

    {"format": ..., "id": <content hash>, "mode": "2d", "fps", "duration", "n_frames",
     "image": [width, height],            # pixels; keypoints are in this image's coordinates
     "keypoints": <uint16 tenths of a pixel, (T, J, 2)>, "scores": <uint8 score*255, (T, J)>,
     "layout": "coco17", "edges": [[child, parent], ...], "label", "color",
     "score_min": 0.3,                    # joints scored lower are drawn faded
     "video": "data:video/mp4;base64,..." | null}

The video travels inside the payload (a data URI), so it is bounded by ``MAX_VIDEO_BYTES``;
a larger one is left out and the page plays it beside the player.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import numpy as np

from flag3d_core.layouts import SkeletonLayout
from flag3d_core.player.tracks import PALETTE
from flag3d_core.player.wire import PAYLOAD_FORMAT, encode_array

KEYPOINT_SCALE = 0.1  # uint16 tenths of a pixel: images up to 6,553 px wide
SCORE_MIN = 0.3
MAX_VIDEO_BYTES = 16 * 1024 * 1024


def keypoints_payload(keypoints: np.ndarray, scores: np.ndarray, layout: SkeletonLayout,
                      fps: float, image_size: tuple[int, int], *, label: str = "",
                      video: bytes | None = None, video_mime: str = "video/mp4"
                      ) -> dict[str, Any]:
    """Payload of one 2D sequence.

    Args:
        keypoints: (T, J, 2) pixel coordinates (x right, y down) in ``layout``'s order.
        scores: (T, J) detection scores in [0, 1].
        image_size: (width, height) of the video frame in pixels.
        video: the video file's bytes, drawn under the keypoints (at most MAX_VIDEO_BYTES).
    """
    kp = np.asarray(keypoints, dtype=np.float64)
    sc = np.asarray(scores, dtype=np.float64)
    if kp.ndim != 3 or kp.shape[1:] != (layout.num_node, 2):
        raise ValueError(f"keypoints_payload: keypoints {kp.shape} do not match layout "
                         f"{layout.name} ({layout.num_node} joints, xy)")
    if sc.shape != kp.shape[:2]:
        raise ValueError(f"keypoints_payload: scores {sc.shape}, expected {kp.shape[:2]}")
    if fps <= 0 or kp.shape[0] == 0:
        raise ValueError("keypoints_payload: needs frames and a positive fps")
    kp = np.nan_to_num(kp, nan=0.0, posinf=0.0, neginf=0.0)
    kp = np.clip(kp, 0.0, 65535 * KEYPOINT_SCALE)
    sc = np.clip(np.nan_to_num(sc, nan=0.0), 0.0, 1.0)
    if video is not None and len(video) > MAX_VIDEO_BYTES:
        video = None
    n = int(kp.shape[0])
    body = {"format": PAYLOAD_FORMAT, "mode": "2d", "fps": float(fps), "duration": n / fps,
            "n_frames": n, "image": [int(image_size[0]), int(image_size[1])],
            "keypoints": encode_array(kp, "uint16", KEYPOINT_SCALE),
            "scores": encode_array(np.rint(sc * 255), "uint8"),
            "layout": layout.name, "edges": [list(e) for e in layout.edges], "label": label,
            "color": PALETTE[0], "score_min": SCORE_MIN,
            "video": (f"data:{video_mime};base64," + base64.b64encode(video).decode("ascii"))
            if video is not None else None}
    digest = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return {"id": digest, **body}
