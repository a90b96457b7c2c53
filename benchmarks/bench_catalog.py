"""Catalog at FLAG3D's full size: row ingest time and the app's typical query latencies.

Builds 7,200 MoCap + 172,800 rendered + 7,200 natural-scene sequence rows (with their array
references and splits) in a fresh catalog through the same atomic writer the ingest uses, then times
the queries the pages make. Goals (2-core machine): rows ingested < 10 s; each query median < 20 ms.

    .venv/bin/python benchmarks/bench_catalog.py [--out benchmarks/results/catalog.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.taxonomy import flag3d_activity_frame, flag3d_taxonomy_frame
from flag3d_core.catalog.writer import catalog_transaction

INITIALS = ("PLAY", "PHR", "PLJP", "PLRH", "PCSH", "PCYJ", "PWYQ", "PZYX", "PTYZ", "PLZH")


def full_size_rows(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sequence, array and split rows shaped like the real FLAG3D release (187,200 sequences)."""
    rng = np.random.default_rng(seed)
    P, A, R = np.meshgrid(np.arange(1, 11), np.arange(1, 61), np.arange(1, 4), indexing="ij")
    P, A, R = P.ravel(), A.ravel(), R.ravel()  # 1,800 performer x activity x repetition

    def frame(source, scene, camera, avatar, p, a, r, names, layout, view=None):
        n = len(names)
        return pd.DataFrame({
            "sequence_id": [f"flag3d/{source}/{x}" for x in names], "dataset": "flag3d",
            "name": names, "source": source, "scene": scene, "camera": camera, "view": view,
            "avatar": avatar, "performer": [f"P{x:03d}" for x in p],
            "activity_id": [f"A{x:03d}" for x in a], "label": a - 1, "repetition": r,
            "n_frames": rng.integers(301, 3090, n), "fps": 30.0, "joint_layout": layout,
            "up_axis": "z" if layout == "ntu25" else None, "img_width": 854, "img_height": 480,
            "checksum": [f"{i:064x}" for i in rng.integers(0, 2**62, n)],
        })

    seqs = []
    for m in range(1, 5):  # 4 avatars x 1,800 = 7,200 MoCap
        names = [f"S002C002M{m:03d}P{p:03d}A{a:03d}R{r:03d}"
                 for p, a, r in zip(P, A, R, strict=True)]
        seqs.append(frame("mocap", 2, 2, m, P, A, R, names, "ntu25"))
    for s in range(1, 5):  # 4 scenes x 6 cameras x 4 avatars x 1,800 = 172,800 rendered
        for c in range(1, 7):
            for m in range(1, 5):
                names = [f"S{s:03d}C{c:03d}M{m:03d}P{p:03d}A{a:03d}R{r:03d}"
                         for p, a, r in zip(P, A, R, strict=True)]
                seqs.append(frame("render", s, c, m, P, A, R, names, "coco17"))
    for v in range(1, 5):  # 4 views x 1,800 = 7,200 natural-scene
        names = [f"{INITIALS[p - 1]}_A{a:03d}_V{v:03d}_R{r:03d}_S001"
                 for p, a, r in zip(P, A, R, strict=True)]
        seqs.append(frame("real", 1, None, None, P, A, R, names, "coco17", view=v))
    seq = pd.concat(seqs, ignore_index=True)
    kind = np.where(seq.source == "mocap", "joints3d_ntu25", "keypoints2d_coco17")
    arrays = pd.DataFrame({"sequence_id": seq.sequence_id, "kind": kind,
                           "path": [f"{c[:2]}/{c}.npy" for c in seq.checksum],
                           "shape": "[819, 25, 3]", "dtype": "<f4", "checksum": seq.checksum})
    perf = seq.performer.str[1:].astype(int)
    split_id = np.where(perf.isin([1, 5, 10]), "test", "train")
    splits = pd.concat([
        pd.DataFrame({"sequence_id": seq.sequence_id[seq.source == "mocap"],
                      "protocol": "in-domain", "split": split_id[seq.source == "mocap"]}),
        pd.DataFrame({"sequence_id": seq.sequence_id[seq.source != "mocap"],
                      "protocol": "cross-domain",
                      "split": np.where(seq.source[seq.source != "mocap"] == "real",
                                        "test", "train")}),
    ], ignore_index=True)
    return seq, arrays, splits


def time_queries(con, repeats: int) -> dict[str, dict]:
    sid = "flag3d/mocap/S002C002M001P005A033R002"
    cases = {
        "taxonomy filter (body part + split, 200 rows)": lambda: queries.sequences(
            con, queries.SequenceFilter(body_part="waist", split="test", source="mocap"),
            limit=200),
        "activity filter, all sources (200 rows)": lambda: queries.sequences(
            con, queries.SequenceFilter(activity_id="A017", protocol="cross-domain"), limit=200),
        "group-by counts (body part x source)": lambda: queries.counts_by(
            con, ["body_part", "source"]),
        "group-by counts (activity, mocap)": lambda: queries.counts_by(
            con, "activity", queries.SequenceFilter(source="mocap")),
        "one sequence's metadata": lambda: queries.sequence(con, sid),
        "one sequence's arrays": lambda: queries.sequence_arrays(con, sid),
        "taxonomy with counts": lambda: queries.taxonomy(con),
        "stats": lambda: queries.stats(con),
    }
    out = {}
    for name, fn in cases.items():
        fn()  # warm
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = {"median_ms": round(statistics.median(times), 2),
                     "p90_ms": round(float(np.percentile(times, 90)), 2)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "catalog.json")
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args()
    seq, arrays, splits = full_size_rows()
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Path(tmp) / "catalog.duckdb"
        t0 = time.perf_counter()
        with catalog_transaction(catalog, fresh=True) as con:
            queries.insert_taxonomy(con, flag3d_taxonomy_frame())
            queries.insert_activities(con, flag3d_activity_frame(None))
            queries.insert_sequences(con, seq)
            queries.insert_sequence_arrays(con, arrays)
            queries.insert_splits(con, splits)
        ingest_s = time.perf_counter() - t0
        size_mb = catalog.stat().st_size / 1e6
        con = queries.connect(catalog)
        q = time_queries(queries.cursor(con), args.repeats)
        con.close()
    result = {"sequences": len(seq), "by_source": seq.source.value_counts().to_dict(),
              "row_ingest_s": round(ingest_s, 2), "catalog_mb": round(size_mb, 1), "queries": q,
              "goals": {"row_ingest_s": 10, "query_median_ms": 20}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"| catalog ({len(seq):,} sequences) | value | goal |\n|---|---|---|")
    print(f"| row ingest (sequences + arrays + splits, atomic swap) | {ingest_s:.2f} s | < 10 s |")
    for name, v in q.items():
        print(f"| {name} | median {v['median_ms']} ms (p90 {v['p90_ms']}) | < 20 ms |")


if __name__ == "__main__":
    main()
