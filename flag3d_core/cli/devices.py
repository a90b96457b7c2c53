"""The ``--device`` option of the model commands."""

from __future__ import annotations

from dataclasses import replace

from flag3d_core.settings import Settings


def device_arg(settings: Settings, arg: str | None) -> str:
    """The torch device for ``--device`` (cpu | cuda | auto; None: the settings' device)."""
    if arg and arg != "auto":
        return arg
    return replace(settings, device=arg or settings.device).torch_device()
