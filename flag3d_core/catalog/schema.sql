-- FLAG3D Explorer catalog schema (DuckDB).
-- Arrays live beside the catalog in content-addressed files (arrays/ab/abcd....npy);
-- the tables below reference them by relative path.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS datasets (
    dataset     TEXT PRIMARY KEY,          -- 'flag3d', 'finegym', 'flex', 'humanact12'
    title       TEXT NOT NULL,
    description TEXT,
    root        TEXT,                      -- where its raw files were ingested from
    ingested_at TIMESTAMP
);

-- A taxonomy of any depth: FLAG3D body part -> activity; FineGym event -> set -> element.
CREATE TABLE IF NOT EXISTS taxonomy_nodes (
    dataset    TEXT NOT NULL,
    node_id    TEXT NOT NULL,              -- unique within the dataset, e.g. 'bp:chest', 'A001'
    parent_id  TEXT,                       -- NULL at the top level
    level_name TEXT NOT NULL,              -- 'body_part', 'activity', 'event', 'set', 'element'
    depth      INTEGER NOT NULL,           -- 0 at the top
    label      INTEGER,                    -- class label where the node is a class, else NULL
    name       TEXT NOT NULL,
    PRIMARY KEY (dataset, node_id)
);

-- Activities (classes) with their language instructions.
CREATE TABLE IF NOT EXISTS activities (
    dataset     TEXT NOT NULL,
    activity_id TEXT NOT NULL,             -- 'A001'
    label       INTEGER NOT NULL,          -- 0-based class label
    name        TEXT NOT NULL,
    body_part   TEXT,
    description TEXT,
    key_points  TEXT,
    mistakes    TEXT,
    extra       JSON,                      -- further instruction fields (I005...)
    PRIMARY KEY (dataset, activity_id)
);

CREATE TABLE IF NOT EXISTS sequences (
    sequence_id  TEXT PRIMARY KEY,         -- '{dataset}/{source}/{name}'
    dataset      TEXT NOT NULL,
    name         TEXT NOT NULL,            -- the release name, e.g. S001C001M001P001A001R001
    source       TEXT NOT NULL,            -- 'mocap' | 'render' | 'real'
    scene        INTEGER,
    camera       INTEGER,
    view         INTEGER,                  -- natural-scene V### (undocumented meaning)
    avatar       INTEGER,
    performer    TEXT,                     -- 'P001' (or the natural-scene initials)
    activity_id  TEXT,
    label        INTEGER,
    repetition   INTEGER,
    n_frames     INTEGER NOT NULL,
    fps          DOUBLE NOT NULL,
    joint_layout TEXT,                     -- 'ntu25', 'coco17', 'smpl24'
    up_axis      TEXT,                     -- 'z' for FLAG3D
    img_width    INTEGER,
    img_height   INTEGER,
    checksum     TEXT                      -- of the primary array
);

CREATE TABLE IF NOT EXISTS sequence_arrays (
    sequence_id TEXT NOT NULL,
    kind        TEXT NOT NULL,             -- 'joints3d_ntu25', 'keypoints2d_coco17', 'keypoint_scores', 'smpl'
    path        TEXT NOT NULL,             -- relative to the arrays dir
    shape       TEXT NOT NULL,             -- JSON list
    dtype       TEXT NOT NULL,
    checksum    TEXT NOT NULL,             -- sha256 of the file
    PRIMARY KEY (sequence_id, kind)
);

CREATE TABLE IF NOT EXISTS splits (
    sequence_id TEXT NOT NULL,
    protocol    TEXT NOT NULL,             -- 'in-domain', 'cross-domain', ...
    split       TEXT NOT NULL,             -- 'train' | 'test'
    PRIMARY KEY (sequence_id, protocol)
);

CREATE TABLE IF NOT EXISTS model_runs (
    run_id      TEXT PRIMARY KEY,
    task        TEXT NOT NULL,             -- 'recognition', 'mesh_recovery', 'generation'
    model       TEXT NOT NULL,
    protocol    TEXT,
    created_at  TIMESTAMP NOT NULL,
    config      JSON,
    metrics     JSON,
    checkpoint  TEXT
);

CREATE TABLE IF NOT EXISTS predictions (
    run_id      TEXT NOT NULL,
    sequence_id TEXT NOT NULL,
    label_true  INTEGER,
    label_pred  INTEGER,
    top5        JSON,
    probs       JSON,
    PRIMARY KEY (run_id, sequence_id)
);

CREATE TABLE IF NOT EXISTS sequence_metrics (
    run_id      TEXT NOT NULL,
    sequence_id TEXT NOT NULL,
    metric      TEXT NOT NULL,
    value       DOUBLE,
    PRIMARY KEY (run_id, sequence_id, metric)
);

-- Per-sequence arrays of a model run (mesh recovery: the fitted SMPL parameters, per-frame and
-- per-joint errors), content-addressed files like sequence_arrays.
CREATE TABLE IF NOT EXISTS run_arrays (
    run_id      TEXT NOT NULL,
    sequence_id TEXT NOT NULL,
    kind        TEXT NOT NULL,             -- 'smpl', 'errors'
    path        TEXT NOT NULL,             -- relative to the arrays dir
    shape       TEXT NOT NULL,             -- JSON list (of the first array for an .npz)
    dtype       TEXT NOT NULL,
    checksum    TEXT NOT NULL,
    PRIMARY KEY (run_id, sequence_id, kind)
);

-- Motions made by a generator (the playground, `flag3d generate`): enough to reproduce each
-- one (model checkpoint hash, prompt or activity, length, seed, sample index).
CREATE TABLE IF NOT EXISTS generated_motions (
    gen_id      TEXT PRIMARY KEY,          -- hash of what makes the motion (see generation/store.py)
    model       TEXT NOT NULL,             -- 'vae-action', 'vae-text'
    checkpoint  TEXT NOT NULL,             -- sha256 of the generator's checkpoint file
    prompt      TEXT,                      -- the text asked for (text model), else NULL
    activity_id TEXT,                      -- the activity asked for (action model), else NULL
    seconds     DOUBLE NOT NULL,
    seed        INTEGER NOT NULL,          -- the latent seed of this sample
    n_frames    INTEGER NOT NULL,
    fps         DOUBLE NOT NULL,
    path        TEXT NOT NULL,             -- the motion, (T, 147) float32 .npy, under arrays/
    checksum    TEXT NOT NULL,
    scores      JSON,                      -- recognized activity, evaluator similarity, ...
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS ingest_log (
    ingested_at TIMESTAMP NOT NULL,
    dataset     TEXT NOT NULL,
    source_path TEXT,
    n_ingested  INTEGER,
    n_skipped   INTEGER,
    seconds     DOUBLE,
    skipped     JSON                       -- [{name, reason}, ...] (first 1,000)
);

-- Text index of the activities' names and instructions (flag3d_core.search): one row per
-- (activity, field) with its MiniLM sentence embedding (unit length). Rebuilt after an ingest
-- when the texts changed; meta holds the model name and a fingerprint of the indexed texts.
CREATE TABLE IF NOT EXISTS text_index (
    doc_id      INTEGER PRIMARY KEY,       -- storage order (rows of the embedding matrix)
    dataset     TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    field       TEXT NOT NULL,             -- 'name' | 'description' | 'key_points' | 'mistakes'
    text        TEXT NOT NULL,
    embedding   FLOAT[384] NOT NULL
);
