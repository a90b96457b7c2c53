"""Catalog commands: ``catalog sequences``, ``catalog stats``."""

from __future__ import annotations

import argparse

from flag3d_core.catalog import queries
from flag3d_core.catalog.queries import Con
from flag3d_core.cli.output import emit
from flag3d_core.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("catalog", help="query the catalog")
    csub = p.add_subparsers(dest="catalog_command", required=True)
    s = csub.add_parser("sequences", help="list sequences")
    s.add_argument("--activity", help="activity id (A001) or 0-based label or name")
    s.add_argument("--body-part", help="body part, e.g. chest")
    s.add_argument("--split", choices=["train", "test"])
    s.add_argument("--protocol", default="in-domain", choices=["in-domain", "cross-domain"])
    s.add_argument("--source", choices=["mocap", "render", "real"])
    s.add_argument("--performer", help="P001 ...")
    s.add_argument("--limit", type=int, default=50)
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=cmd_sequences)
    st = csub.add_parser("stats", help="counts of what the catalog holds")
    st.add_argument("--json", action="store_true")
    st.set_defaults(handler=cmd_stats)


def _activity_id(con: Con, value: str | None) -> str | None:
    if value is None:
        return None
    if value.upper().startswith("A") and value[1:].isdigit():
        return f"A{int(value[1:]):03d}"
    if value.isdigit():
        return f"A{int(value) + 1:03d}"
    acts = queries.activities(con)
    match = acts[acts["name"].str.lower() == value.lower()]
    if match.empty:
        raise ValueError(f"unknown activity {value!r}: "
                         "give A###, a 0-based label or an exact name")
    return str(match.iloc[0]["activity_id"])


def cmd_sequences(args: argparse.Namespace, settings: Settings) -> int:
    con = queries.connect(settings.catalog)
    try:
        f = queries.SequenceFilter(activity_id=_activity_id(con, args.activity),
                                   body_part=args.body_part,
                                   split=args.split, protocol=args.protocol, source=args.source,
                                   performer=args.performer)
        df = queries.sequences(con, f, limit=args.limit)
        total = int(queries.counts_by(con, "dataset", f)["n"].sum())
    finally:
        con.close()
    cols = ["sequence_id", "activity", "body_part", "performer", "repetition", "n_frames", "split"]
    emit(args, {"total": total, "returned": len(df), "sequences": df.to_dict(orient="records")},
         (df[cols].to_string(index=False) if not df.empty else "(no sequences)")
         + f"\n{len(df)} of {total} matching sequences")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    con = queries.connect(settings.catalog)
    try:
        st = queries.stats(con)
        bp = queries.counts_by(con, "body_part", queries.SequenceFilter(source="mocap"))
        split = queries.counts_by(con, "split", queries.SequenceFilter(source="mocap"))
    finally:
        con.close()
    st["mocap_by_body_part"] = dict(zip(bp["body_part"].astype(str), bp["n"].astype(int),
                                        strict=True))
    st["mocap_by_in_domain_split"] = dict(zip(split["split"].astype(str),
                                              split["n"].astype(int), strict=True))
    lines = [f"catalog: {settings.catalog}",
             f"sequences: {st['sequences']} "
             f"({', '.join(f'{k} {v}' for k, v in st['by_source'].items())})",
             f"activities: {st['activities']}, frames: {st['frames']} ({st['hours']} h)",
             f"model runs: {st['model_runs']}",
             "mocap by body part: "
             + ", ".join(f"{k} {v}" for k, v in st["mocap_by_body_part"].items()),
             "mocap in-domain split: "
             + ", ".join(f"{k} {v}" for k, v in st["mocap_by_in_domain_split"].items())]
    emit(args, st, "\n".join(lines))
    return 0
