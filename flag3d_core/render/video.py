"""Browser-playable MP4: H.264, yuv420p, ``+faststart``, via imageio-ffmpeg's bundled ffmpeg.

OpenCV's wheel has no H.264 encoder and its ``mp4v`` output does not play in browsers
(STACK.md), so frames are piped to ffmpeg/libx264.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

import numpy as np

from flag3d_core.atomic import PendingFile


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped with imageio-ffmpeg."""
    import imageio_ffmpeg  # lazy: only needed when writing or probing video

    return imageio_ffmpeg.get_ffmpeg_exe()


class Mp4Writer:
    """Write RGB frames (H, W, 3) uint8 to an H.264 MP4; the file appears only on success.

    Use as a context manager; ``append`` one frame at a time.  Width and height must be even
    (yuv420p); the default 854 x 480 is. ffmpeg writes a temporary file beside ``path``
    (:class:`~flag3d_core.atomic.PendingFile`), which replaces ``path`` when the block ends
    without error and with at least one frame; otherwise it is removed and ``path`` is
    untouched. A bad ``path`` raises :class:`~flag3d_core.errors.OutputPathError` on entry.
    """

    def __init__(self, path: str | os.PathLike, width: int, height: int, fps: float = 30.0,
                 crf: int = 20) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"H.264 yuv420p needs even frame sizes, got {width}x{height}")
        self.path = Path(path)
        self.width, self.height, self.fps, self.crf = width, height, fps, crf
        self._pending: PendingFile | None = None
        self._gen = None
        self.frames = 0

    def __enter__(self) -> Mp4Writer:
        import imageio_ffmpeg

        # the temporary name ends in .mp4: ffmpeg picks the container from it
        self._pending = PendingFile.create(self.path, make_parents=True, suffix=".tmp.mp4")
        try:
            self._gen = imageio_ffmpeg.write_frames(
                str(self._pending.tmp), (self.width, self.height), fps=self.fps,
                codec="libx264", pix_fmt_in="rgb24", pix_fmt_out="yuv420p", macro_block_size=2,
                quality=None,
                # one encoder thread: x264's output depends on its thread count, so the same
                # frames encode to the same bytes on any machine
                output_params=["-crf", str(self.crf), "-preset", "veryfast", "-threads", "1",
                               "-movflags", "+faststart"],
                ffmpeg_log_level="error",
            )
            self._gen.send(None)
        except BaseException:
            self._pending.discard()
            self._pending = None
            raise
        return self

    def append(self, frame: np.ndarray) -> None:
        """Add one RGB frame (H, W, 3) uint8."""
        if frame.shape != (self.height, self.width, 3):
            raise ValueError(f"frame is {frame.shape}, writer expects "
                             f"{(self.height, self.width, 3)}")
        assert self._gen is not None, "use Mp4Writer as a context manager"
        self._gen.send(np.ascontiguousarray(frame, dtype=np.uint8))
        self.frames += 1

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        gen, self._gen = self._gen, None
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            if gen is not None:
                gen.close()  # waits for ffmpeg to finish the file
        except BaseException:
            pending.discard()
            raise
        if exc_type is None and self.frames > 0:
            pending.commit()
        else:
            pending.discard()
        if exc_type is None and self.frames == 0:
            raise ValueError(f"{self.path}: no frames written")


def write_mp4(path: str | os.PathLike, frames: Iterable[np.ndarray], fps: float = 30.0) -> Path:
    """Write RGB frames (each (H, W, 3) uint8, all one size) to an H.264 MP4 at ``path``."""
    it = iter(frames)
    try:
        first = next(it)
    except StopIteration:
        raise ValueError(f"{path}: no frames to write") from None
    with Mp4Writer(path, first.shape[1], first.shape[0], fps) as writer:
        writer.append(first)
        for frame in it:
            writer.append(frame)
    return Path(path)


def probe_video(path: str | os.PathLike) -> dict[str, str | float | None]:
    """Codec, pixel format, size and fps of a video, parsed from ``ffmpeg -i`` output.

    Returns keys ``codec`` (e.g. ``h264``), ``pix_fmt``, ``width``, ``height``, ``fps``;
    raises FileNotFoundError / ValueError when ffmpeg finds no video stream.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True,
                          text=True, check=False)  # exits 1 ("no output file"): expected
    m = re.search(r"Stream #\S+.*?: Video: (\w+)[^,]*, (\w+)[^,]*(?:\([^)]*\))?, (\d+)x(\d+)",
                  proc.stderr)
    if m is None:
        raise ValueError(f"{path}: ffmpeg found no video stream")
    fps = re.search(r"([\d.]+) fps", proc.stderr)
    return {"codec": m.group(1), "pix_fmt": m.group(2), "width": float(m.group(3)),
            "height": float(m.group(4)), "fps": float(fps.group(1)) if fps else None}


def video_codec(path: str | os.PathLike) -> str:
    """Codec name of the first video stream (``h264`` for our MP4s)."""
    return str(probe_video(path)["codec"])
