"""The export formats of one sequence (a light module: the CLI lists them without importing the
exporters)."""

FORMATS = ("npz", "bvh", "mp4", "joints-csv", "joints-npy", "keypoints-csv", "keypoints-npy",
           "metadata-csv")
# Older name of a format, still accepted.
ALIASES = {"csv": "metadata-csv"}
# What each format needs from the sequence (pages offer only what a sequence has).
NEEDS: dict[str, str | None] = {
    "npz": "smpl", "bvh": "smpl", "mp4": None, "joints-csv": "joints3d",
    "joints-npy": "joints3d", "keypoints-csv": "keypoints2d", "keypoints-npy": "keypoints2d",
    "metadata-csv": None}
