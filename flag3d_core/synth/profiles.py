"""Generation profiles: how much FLAG3D-Synth data to make."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """What :func:`~flag3d_core.synth.generate.generate` produces.

    Attributes:
        name: profile id.
        performers: performer indices (1-10).
        repetitions: repetition indices (1-3).
        cycles: (min, max) exercise cycles per sequence, drawn per sequence.
        min_frames / max_frames: sequence length bounds (cycles are added or dropped to fit).
        render_cameras: studio cameras (1-6) whose 2D keypoints go into the render file; all six
            camera files are always written.
        natural_views: phone views (1 = front, 2 = side) of the natural-scene domain.
        workers: processes used (results do not depend on it).
        videos: (performer, activity, repetition) sequences of the rendered-video subset
            (:mod:`flag3d_core.synth.videos`); each must be one of the profile's sequences.
        video_cameras: studio cameras (1-6) each video sequence is rendered from.
        video_max_frames: videos show at most this many frames (None: the whole sequence).
    """

    name: str
    performers: tuple[int, ...]
    repetitions: tuple[int, ...]
    cycles: tuple[int, int]
    min_frames: int
    max_frames: int
    render_cameras: tuple[int, ...] = (1, 2, 6)
    natural_views: tuple[int, ...] = (1, 2)
    activities: tuple[int, ...] = tuple(range(1, 61))
    workers: int = 1
    fps: float = 30.0
    videos: tuple[tuple[int, int, int], ...] = ()
    video_cameras: tuple[int, ...] = (1, 2)
    video_max_frames: int | None = 150


PROFILES: dict[str, Profile] = {
    # 60 activities x 10 performers x 3 repetitions = 1,800 MoCap sequences.
    "demo": Profile("demo", tuple(range(1, 11)), (1, 2, 3), cycles=(4, 6), min_frames=210,
                    max_frames=480, workers=2,
                    # 4 sequences x 2 cameras, 4 s each: whole body and hip standing, shoulder
                    # and waist lying, performers 1 and 2.
                    videos=((2, 57, 1), (1, 15, 1), (1, 36, 1), (2, 49, 1)),
                    video_cameras=(1, 2), video_max_frames=120),
    # 60 activities x 3 performers (2 test, 1 train) x 1 repetition, short: for tests.
    "small": Profile("small", (1, 2, 5), (1,), cycles=(2, 2), min_frames=0, max_frames=150,
                     videos=((1, 57, 1),), video_cameras=(1,), video_max_frames=30),
}


def get_profile(name: str | Profile) -> Profile:
    """A profile by name (or the profile itself)."""
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown synth profile {name!r}; known: {sorted(PROFILES)}") from None
