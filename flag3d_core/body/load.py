"""Building the posable :class:`~flag3d_core.body.forward.BodyModel` from the body-model file.

:mod:`.model` finds, reads and validates the file; this module hands the arrays to smplx
(which holds them as buffers) and wraps the module. torch and smplx load on the first call.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
from typing import TYPE_CHECKING

from flag3d_core.body.errors import BodyModelError, BodyModelNotFoundError
from flag3d_core.body.model import model_file, model_info, read_model_arrays, validate_model_arrays
from flag3d_core.body.standin import write_standin

if TYPE_CHECKING:
    from flag3d_core.body.forward import BodyModel

__all__ = ["ensure_body_model", "load_body_model"]

log = logging.getLogger(__name__)


def load_body_model(body_dir: str | os.PathLike[str], device: str = "cpu") -> BodyModel:
    """The body model under ``body_dir`` as a :class:`~flag3d_core.body.forward.BodyModel`."""
    import smplx  # lazy: torch is heavy

    from flag3d_core.body.forward import BodyModel

    path = model_file(body_dir)
    arrays = validate_model_arrays(path, read_model_arrays(path))
    info = model_info(path, arrays)
    try:
        # smplx prints a warning for models with fewer than 300 shape directions
        with contextlib.redirect_stdout(io.StringIO()):
            smpl = smplx.SMPL(
                model_path=str(path.parent), data_struct=smplx.utils.Struct(**arrays),
                num_betas=10,
            )
    except Exception as exc:  # noqa: BLE001 - report any smplx failure against the file
        raise BodyModelError(path, f"smplx could not build the model ({exc})") from exc
    log.debug("loaded %s", info.message)
    return BodyModel(smpl.to(device).eval(), info)


def ensure_body_model(body_dir: str | os.PathLike[str], device: str = "cpu") -> BodyModel:
    """:func:`load_body_model`, writing the stand-in first when the directory has no model."""
    try:
        model_file(body_dir)
    except BodyModelNotFoundError:
        write_standin(body_dir)
    return load_body_model(body_dir, device)
