"""Model commands: ``runs list`` (training/evaluation commands register here too)."""

from __future__ import annotations

import argparse
import json

from flag3d_core.catalog import queries
from flag3d_core.cli import emit
from flag3d_core.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("runs", help="model runs recorded in the catalog")
    rsub = p.add_subparsers(dest="runs_command", required=True)
    ls = rsub.add_parser("list", help="list runs")
    ls.add_argument("--task", help="recognition, mesh_recovery, generation")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_runs_list)


def cmd_runs_list(args: argparse.Namespace, settings: Settings) -> int:
    con = queries.connect(settings.catalog)
    try:
        df = queries.model_runs(con, args.task)
    finally:
        con.close()
    records = []
    for r in df.to_dict(orient="records"):
        r["metrics"] = json.loads(r["metrics"]) if r.get("metrics") else {}
        r["config"] = json.loads(r["config"]) if r.get("config") else {}
        records.append(r)
    text = "\n".join(f"{r['run_id']}  {r['task']}  {r['model']}  {r['protocol']}  "
                     f"top1={r['metrics'].get('top1', float('nan')):.3f}" for r in records) or "(no runs)"
    emit(args, {"runs": records}, text)
    return 0


def ensure_default_models(settings: Settings) -> str:
    """Train the default models at set-up when the catalog has none (filled by recognition)."""
    return "none configured"
