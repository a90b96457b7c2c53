"""The ``flag3d`` command line. Each command group lives in its own module and registers
itself."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from flag3d_core.cli.output import emit
from flag3d_core.settings import Settings, load_settings

__all__ = ["build_parser", "emit", "main"]

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    from flag3d_core.cli import catalog_cmds, data_cmds, media_cmds, model_cmds

    parser = argparse.ArgumentParser(prog="flag3d", description="FLAG3D Explorer command line")
    parser.add_argument("--catalog", help="catalog file (default: $FLAG3D_CATALOG or "
                        "data_catalog/catalog.duckdb)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (data_cmds, catalog_cmds, model_cmds, media_cmds):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
        if args.catalog:
            settings = settings.with_catalog(args.catalog)
        handler: Handler = args.handler
        return int(handler(args, settings) or 0)
    except (ValueError, FileNotFoundError, KeyError, RuntimeError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"flag3d: error: {msg}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
