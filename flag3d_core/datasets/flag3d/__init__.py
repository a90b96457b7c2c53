"""Loaders of the FLAG3D release formats (``docs/ARCHITECTURE.md``, ``FORMATS.md``).

Modules by role: :mod:`.names` (sequence names), :mod:`.skeleton` (pyskl skeleton pickles),
:mod:`.smpl` (EasyMocap SMPL parameters), :mod:`.instructions` (language instructions),
:mod:`.splits` (evaluation protocols), :mod:`.errors`.
"""

from flag3d_core.datasets.flag3d.errors import (
    FileFormatError,
    InstructionFileError,
    NameParseError,
    PickleFormatError,
    SkeletonFileError,
    SmplFileError,
    UnsafePickleError,
)
from flag3d_core.datasets.flag3d.instructions import (
    ActivityInstruction,
    load_instructions,
    write_instructions_zip,
)
from flag3d_core.datasets.flag3d.names import (
    NATURAL_PERFORMER_INITIALS,
    NUM_ACTIVITIES,
    SequenceName,
    format_mocap_name,
    format_natural_name,
    parse_sequence_name,
    try_parse_sequence_name,
)
from flag3d_core.datasets.flag3d.skeleton import (
    SkeletonRecord,
    SkippedRecord,
    iter_skeleton_pkl,
    read_split,
)
from flag3d_core.datasets.flag3d.smpl import (
    EasyMocapParams,
    SmplParams,
    easymocap_to_smpl,
    load_easymocap_smpl,
    rest_pelvis,
    save_easymocap_npz,
    smpl_to_easymocap,
)
from flag3d_core.datasets.flag3d.splits import (
    IN_DOMAIN_TEST_PERFORMERS,
    cross_domain_split,
    in_domain_split,
    protocol_split,
)

__all__ = [
    "ActivityInstruction", "EasyMocapParams", "FileFormatError", "IN_DOMAIN_TEST_PERFORMERS",
    "InstructionFileError", "NATURAL_PERFORMER_INITIALS", "NUM_ACTIVITIES", "NameParseError",
    "PickleFormatError", "SequenceName", "SkeletonFileError", "SkeletonRecord", "SkippedRecord",
    "SmplFileError", "SmplParams", "UnsafePickleError", "cross_domain_split",
    "easymocap_to_smpl", "format_mocap_name", "format_natural_name", "in_domain_split",
    "iter_skeleton_pkl", "load_easymocap_smpl", "load_instructions", "parse_sequence_name",
    "protocol_split", "read_split", "rest_pelvis", "save_easymocap_npz", "smpl_to_easymocap",
    "try_parse_sequence_name", "write_instructions_zip",
]
