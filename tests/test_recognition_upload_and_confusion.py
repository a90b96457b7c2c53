import io
import os
import pickle

import numpy as np
import pytest

from flag3d_core.recognition.upload import UploadError, parse_uploaded_skeleton, top_k
from flag3d_core.viz.confusion import group_order, normalise_rows, rollup


def _npy(arr) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def test_upload_npy_ok_and_bad_shapes():
    ok = parse_uploaded_skeleton("a.npy", _npy(np.zeros((30, 25, 3), np.float32)))
    assert ok[0].joints.shape == (30, 25, 3) and ok[0].key == "a"
    with pytest.raises(UploadError, match=r"b.npy: expected an array of shape \(T, 25, 3\)"):
        parse_uploaded_skeleton("b.npy", _npy(np.zeros((30, 17, 3))))
    bad = np.zeros((30, 25, 3))
    bad[3, 4, 1] = np.nan
    with pytest.raises(UploadError, match="NaN"):
        parse_uploaded_skeleton("c.npy", _npy(bad))
    with pytest.raises(UploadError, match="empty"):
        parse_uploaded_skeleton("d.npy", b"")
    with pytest.raises(UploadError, match="unsupported"):
        parse_uploaded_skeleton("e.txt", b"hello")


def test_upload_object_npy_is_refused():
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(UploadError, match="not a plain numpy array"):
        parse_uploaded_skeleton("obj.npy", buf.getvalue())


def test_upload_malicious_pickle_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    with pytest.raises(UploadError, match="evil.pkl"):
        parse_uploaded_skeleton("evil.pkl", pickle.dumps({"annotations": [Evil()]}))
    assert not marker.exists()


def test_upload_pyskl_pickle():
    ann = {"frame_dir": "S001C001M001P001A003R001", "label": 2,
           "keypoint": np.zeros((1, 20, 25, 3), np.float32), "total_frames": 20}
    out = parse_uploaded_skeleton("x.pkl", pickle.dumps({"split": {}, "annotations": [ann]}))
    assert len(out) == 1 and out[0].label == 2 and out[0].joints.shape == (20, 25, 3)


def test_top_k():
    assert top_k(np.array([0.1, 0.5, 0.2, 0.2]), 2) == [(1, 0.5), (2, 0.2)]


def test_confusion_grouping_and_rollup_hand_checked():
    groups = ["a", "b", "a", "b"]
    order, spans = group_order(groups)
    assert order.tolist() == [0, 2, 1, 3] and spans == [("a", 0, 2), ("b", 2, 4)]
    cm = np.array([[2, 0, 1, 0], [0, 3, 0, 1], [0, 0, 4, 0], [1, 0, 0, 0]])
    g, names = rollup(cm, groups)
    assert names == ["a", "b"] and g.tolist() == [[7, 0], [1, 4]]
    n = normalise_rows(np.array([[1, 3], [0, 0]]))
    assert n.tolist() == [[0.25, 0.75], [0.0, 0.0]]
