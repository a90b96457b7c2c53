"""The ``flag3d`` command line. Each command group lives in its own module and registers
itself."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from flag3d_core.cli.failures import (
    EXIT_INTERRUPTED,
    EXIT_UNEXPECTED,
    EXIT_USER_ERROR,
    USER_ERRORS,
    print_error,
    report_unexpected,
    user_message,
)
from flag3d_core.cli.output import emit
from flag3d_core.settings import Settings, load_settings

__all__ = ["build_parser", "emit", "main"]

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    from flag3d_core.cli import (
        catalog_cmds,
        data_cmds,
        gen_cmds,
        hmr_cmds,
        import_cmds,
        media_cmds,
        model_cmds,
    )

    parser = argparse.ArgumentParser(prog="flag3d", description="FLAG3D Explorer command line")
    parser.add_argument("--catalog", help="catalog file (default: $FLAG3D_CATALOG or "
                        "data_catalog/catalog.duckdb)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (data_cmds, catalog_cmds, model_cmds, hmr_cmds, gen_cmds, import_cmds,
                   media_cmds):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit status. Failures print one line on stderr
    (:mod:`flag3d_core.cli.failures`), never a traceback."""
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
    except KeyboardInterrupt:
        print("flag3d: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except USER_ERRORS as exc:
        print_error(user_message(exc))
        return EXIT_USER_ERROR
    except Exception as exc:  # a bug: one line here, the traceback in the log file
        report_unexpected(exc, sys.argv[1:] if argv is None else argv)
        return EXIT_UNEXPECTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
