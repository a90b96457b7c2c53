"""How commands print: one JSON object with ``--json``, else a line for people."""

from __future__ import annotations

import argparse
import json


def emit(args: argparse.Namespace, payload: dict, text: str) -> None:
    """Print one JSON object with ``--json``, else the human-readable text."""
    if getattr(args, "json", False):
        print(json.dumps(payload, default=str))
    else:
        print(text)
