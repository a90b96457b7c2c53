"""The one package that owns the catalog's SQL, split by role (connections, writes, reads,
text search); import it as ``queries`` and call ``queries.<name>``.

Named query functions with bound parameters; reads return pandas DataFrames (or plain dicts for
single rows). Callers pass a DuckDB connection or cursor; the app takes one cursor per script run
(a DuckDB connection is not thread-safe, see STACK.md).
"""

from __future__ import annotations

from flag3d_core.catalog.queries.common import (
    SCHEMA_SQL,
    SCHEMA_VERSION,
    Con,
)
from flag3d_core.catalog.queries.connections import (
    CATALOG_ALIAS,
    connect,
    create_schema,
    cursor,
)
from flag3d_core.catalog.queries.generated import (
    generated,
    insert_generated,
    recent_generated,
)
from flag3d_core.catalog.queries.generation_data import smpl_motions as smpl_motions
from flag3d_core.catalog.queries.hmr_data import keypoint_smpl_pairs as keypoint_smpl_pairs
from flag3d_core.catalog.queries.mesh_runs import (
    fit_candidates,
    insert_run_arrays,
    insert_sequence_metrics,
    run_array_paths,
    run_sequence_metrics,
    view_candidates,
)
from flag3d_core.catalog.queries.reads import (
    SequenceFilter,
    activities,
    activity,
    counts_by,
    dataset_root,
    datasets,
    ingest_log,
    mocap_of,
    model_run,
    model_runs,
    nearest_sequence_ids,
    predictions,
    related_videos,
    resolve_sequence_id,
    sequence,
    sequence_arrays,
    sequence_splits,
    sequences,
    split_arrays,
    stats,
    taxonomy,
)
from flag3d_core.catalog.queries.text_search import (
    activity_texts,
    has_table,
    replace_text_index,
    sequence_groups,
    text_index,
)
from flag3d_core.catalog.queries.writes import (
    delete_dataset_rows,
    delete_orphan_results,
    get_meta,
    insert_activities,
    insert_ingest_log,
    insert_model_run,
    insert_predictions,
    insert_sequence_arrays,
    insert_sequences,
    insert_splits,
    insert_taxonomy,
    set_meta,
    upsert_dataset,
)
from flag3d_core.errors import CatalogMissingError, NotInCatalogError

__all__ = [
    "CatalogMissingError",
    "NotInCatalogError",
    "CATALOG_ALIAS",
    "Con",
    "SCHEMA_SQL",
    "SCHEMA_VERSION",
    "fit_candidates",
    "generated",
    "insert_generated",
    "recent_generated",
    "insert_run_arrays",
    "insert_sequence_metrics",
    "run_array_paths",
    "run_sequence_metrics",
    "view_candidates",
    "SequenceFilter",
    "activities",
    "activity",
    "activity_texts",
    "connect",
    "counts_by",
    "create_schema",
    "cursor",
    "dataset_root",
    "datasets",
    "delete_dataset_rows",
    "delete_orphan_results",
    "get_meta",
    "has_table",
    "ingest_log",
    "insert_activities",
    "insert_ingest_log",
    "insert_model_run",
    "insert_predictions",
    "insert_sequence_arrays",
    "insert_sequences",
    "insert_splits",
    "insert_taxonomy",
    "mocap_of",
    "model_run",
    "model_runs",
    "nearest_sequence_ids",
    "predictions",
    "related_videos",
    "replace_text_index",
    "resolve_sequence_id",
    "sequence",
    "sequence_arrays",
    "sequence_groups",
    "sequence_splits",
    "sequences",
    "set_meta",
    "split_arrays",
    "stats",
    "taxonomy",
    "text_index",
    "upsert_dataset",
]
