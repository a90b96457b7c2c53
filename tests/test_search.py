"""Search by words: the text index in the catalog (built once, skipped when unchanged, atomic),
keyword / exact-name / paraphrase ranking with MiniLM, id-like queries that find sequences in
groups, and queries that must not break anything."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flag3d_core.catalog import queries
from flag3d_core.catalog.taxonomy import flag3d_activity_frame, flag3d_taxonomy_frame
from flag3d_core.catalog.writer import catalog_transaction
from flag3d_core.search import MODEL_NAME, ensure_text_index, load_text_index, search
from flag3d_core.search.ids import parse_id_tokens
from flag3d_core.search.keywords import stem
from flag3d_core.search.search import MAX_GROUPS, PER_GROUP

PERFORMERS = (1, 2, 5)


def _synth_activities(tmp: Path) -> pd.DataFrame:
    """The 60 activities with FLAG3D-Synth's instruction texts, through the release format."""
    from flag3d_core.datasets.flag3d.instructions import load_instructions
    from flag3d_core.synth.writer import write_instructions

    return flag3d_activity_frame(load_instructions(write_instructions(tmp / "instruction.zip")))


def _sequences() -> pd.DataFrame:
    """MoCap, two rendered cameras and a phone view for 3 performers x 60 activities x R001."""
    rows = []
    for p in PERFORMERS:
        for a in range(1, 61):
            for source, name, camera in (
                    ("mocap", f"S001C001M001P{p:03d}A{a:03d}R001", 1),
                    ("render", f"S001C001M001P{p:03d}A{a:03d}R001", 1),
                    ("render", f"S001C002M001P{p:03d}A{a:03d}R001", 2),
                    ("real", f"{'PLAY PHR PLJP PLRH PCSH'.split()[p - 1]}_A{a:03d}_V001_R001_S001",
                     None)):
                rows.append({"sequence_id": f"flag3d/{source}/{name}", "dataset": "flag3d",
                             "name": name, "source": source, "camera": camera,
                             "performer": f"P{p:03d}", "activity_id": f"A{a:03d}",
                             "label": a - 1, "repetition": 1, "n_frames": 100, "fps": 30.0})
    return pd.DataFrame(rows)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def encoder():
    from flag3d_core.cli.data_cmds import text_encoder

    return text_encoder("cpu")  # the process's one encoder (shared with the ingest hook)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory, encoder) -> Path:
    tmp = tmp_path_factory.mktemp("search")
    path = tmp / "catalog.duckdb"
    with catalog_transaction(path, fresh=True) as con:
        queries.insert_taxonomy(con, flag3d_taxonomy_frame())
        queries.insert_activities(con, _synth_activities(tmp))
        queries.insert_sequences(con, _sequences())
    summary = ensure_text_index(path, lambda: encoder)
    assert summary.built and summary.documents == 240  # 60 x name, description, key points,
    return path                                        # mistakes


@pytest.fixture(scope="module")
def con(catalog):
    c = queries.connect(catalog)
    yield c
    c.close()


@pytest.fixture(scope="module")
def index(con):
    return load_text_index(con)


def _ids(hits, kind="activity") -> list[str]:
    return [h.id for h in hits if h.kind == kind]


# ----------------------------------------------------------------------------- the index
def test_encoder_gives_unit_384_vectors(encoder):
    emb = encoder.encode(["Squat down slowly.", "Raise both arms."])
    assert emb.shape == (2, 384) and emb.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)


def test_index_stores_unit_384d_embeddings_with_model_and_fingerprint(con, index):
    assert index.embeddings.shape == (240, 384) and index.embeddings.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(index.embeddings, axis=1), 1.0, atol=1e-5)
    assert set(index.docs.field) == {"name", "description", "key_points", "mistakes"}
    assert con.execute("SELECT typeof(embedding) FROM text_index LIMIT 1").fetchone()[0] \
        == "FLOAT[384]"
    meta = queries.get_meta(con)
    assert meta["text_index_model"] == MODEL_NAME == index.model
    assert len(meta["text_index_fingerprint"]) == 64


def test_unchanged_texts_skip_the_build_and_leave_the_file(catalog):
    before = (_digest(catalog), catalog.stat().st_ino)

    def must_not_load():
        raise AssertionError("the encoder was loaded for an up-to-date index")

    summary = ensure_text_index(catalog, must_not_load)
    assert not summary.built and summary.documents == 240
    assert (_digest(catalog), catalog.stat().st_ino) == before


def test_changed_texts_rebuild_and_a_failed_build_leaves_the_catalog_byte_identical(
        tmp_path, catalog, encoder):
    copy = tmp_path / "catalog.duckdb"
    copy.write_bytes(catalog.read_bytes())
    with catalog_transaction(copy) as wcon:
        wcon.execute("UPDATE activities SET description = 'Hop on one foot in a circle.' "
                     "WHERE activity_id = 'A001'")
    before = _digest(copy)

    class Broken:
        name, dim = MODEL_NAME, 384

        def encode(self, texts):
            raise RuntimeError("encoder crashed half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        ensure_text_index(copy, lambda: Broken())
    assert _digest(copy) == before
    assert ensure_text_index(copy, lambda: encoder).built
    c = queries.connect(copy)
    try:
        hits = search(c, "hop on one foot in a circle", encoder)
    finally:
        c.close()
    assert hits[0].id == "A001"


def test_ingest_builds_the_index_once(tmp_path):
    from flag3d_core.body import write_standin
    from flag3d_core.catalog.ingest_flag3d import find_parts
    from flag3d_core.cli.data_cmds import ingest_and_index
    from flag3d_core.settings import load_settings
    from tests.helpers import make_tiny_flag3d

    make_tiny_flag3d(tmp_path / "release", performers=(1,), activities=(1, 2), reps=(1,),
                     with_2d=False)
    s = load_settings({"FLAG3D_CATALOG": str(tmp_path / "cat" / "catalog.duckdb"),
                       "FLAG3D_BODY_MODELS": str(tmp_path / "body"), "FLAG3D_DEVICE": "cpu"})
    write_standin(s.body_models)
    _, first = ingest_and_index(find_parts(tmp_path / "release"), s)
    _, second = ingest_and_index(find_parts(tmp_path / "release"), s)
    assert first.startswith("built") and second.startswith("up to date")
    c = queries.connect(s.catalog)
    try:
        assert c.execute("SELECT count(*) FROM text_index").fetchone()[0] >= 60
    finally:
        c.close()


# ----------------------------------------------------------------------------- ranking
def test_every_exact_activity_name_ranks_first(con, index, encoder):
    for r in index.activities.itertuples():
        hits = search(con, r.name.lower(), encoder, index=index)
        assert hits[0].id == r.activity_id and "exact name" in hits[0].reasons, r.name


def test_keywords_rank_name_matches_first_and_a_word_start_finds_the_word(con, index, encoder):
    assert _ids(search(con, "kettlebell", encoder, index=index))[0] == "A022"
    assert set(_ids(search(con, "trice", encoder, index=index))[:2]) == {"A024", "A025"}
    assert set(_ids(search(con, "curls", encoder, index=index))[:2]) == {"A020", "A021"}
    hits = search(con, "jumping jacks", encoder, index=index)
    assert hits[0].id == "A057" and hits[1].id == "A059"  # exact, then 'Clap Jacks'


@pytest.mark.parametrize("query, expected", [
    ("exercise for the triceps", {"A024", "A025"}),
    ("twisting the waist", {"A032", "A038", "A040"}),
    ("lie on your back and lift your hips", {"A036"}),
    ("warm up the knees", {"A054"}),
])
def test_paraphrases_find_the_activity_semantically(con, index, encoder, query, expected):
    top3 = _ids(search(con, query, encoder, index=index))[:3]
    assert expected & set(top3), top3


def test_semantic_reason_and_snippet(con, index, encoder):
    hit = search(con, "lie on your back and lift your hips", encoder, index=index)[0]
    assert any(r.startswith("semantic 0.") for r in hit.reasons)
    assert hit.snippet and len(hit.snippet) <= 220


def test_without_encoder_keywords_still_work(con, index):
    assert _ids(search(con, "shoulder bridge", None, index=index))[0] == "A036"


def test_catalog_without_text_index_falls_back_to_keywords(tmp_path, catalog, encoder):
    copy = tmp_path / "old.duckdb"
    copy.write_bytes(catalog.read_bytes())
    c = queries.connect(copy, read_only=False)
    c.execute("DROP TABLE text_index")
    c.close()
    c = queries.connect(copy)
    try:
        assert not load_text_index(c).has_embeddings
        assert _ids(search(c, "sumo squat", encoder))[0] == "A049"
    finally:
        c.close()


# ----------------------------------------------------------------------------- ids
def test_id_tokens_parse():
    t = parse_id_tokens("squat a17 P002R003 c2")
    assert (t.activity_ids, t.performer, t.repetition, t.camera, t.rest) == \
        (("A017",), "P002", 3, 2, "squat")
    t = parse_id_tokens("flag3d/mocap/S001C001M001P002A017R001")
    assert t.exact == "flag3d/mocap/S001C001M001P002A017R001" and t.activity_ids == ("A017",)
    assert parse_id_tokens("3D squats A99").activity_ids == ()  # A99 is no FLAG3D activity
    assert [stem(w) for w in ("raises", "raising", "raise")] == ["rais"] * 3


def test_activity_id_gives_the_activity_then_its_sequences_grouped(con, index, encoder):
    hits = search(con, "A017", encoder, index=index)
    assert hits[0].kind == "activity" and hits[0].id == "A017"
    seqs = [h for h in hits if h.kind == "sequence"]
    assert 0 < len(seqs) <= PER_GROUP and all(h.activity_id == "A017" for h in seqs)
    assert seqs[0].group.n_sequences == 12 and seqs[0].group.label.endswith("12 sequences")
    assert seqs[0].id.startswith("flag3d/mocap/")  # MoCap first


def test_performer_and_camera_tokens_filter_sequences_and_cap_the_groups(con, index, encoder):
    hits = search(con, "P002 C002", encoder, index=index)
    assert hits and all(h.kind == "sequence" for h in hits)
    assert len(hits) <= MAX_GROUPS * PER_GROUP
    assert all("P002" in h.title and "C002" in h.title for h in hits)
    assert hits[0].group.n_groups == 60  # one group per activity, three shown


def test_release_name_is_found_exactly_with_its_siblings(con, index, encoder):
    hits = search(con, "PHR_A017_V001_R001_S001", encoder, index=index)
    assert hits[0].id == "flag3d/real/PHR_A017_V001_R001_S001" and hits[0].tier == 3
    others = [h for h in hits if h.kind == "sequence"][1:]
    assert others and all(h.activity_id == "A017" and "P002" in h.snippet for h in others)


def test_words_with_a_performer_give_that_performers_sequences_of_the_matches(con, index,
                                                                               encoder):
    hits = search(con, "sumo squat P005", encoder, index=index)
    assert hits[0].id == "A049"
    seqs = [h for h in hits if h.kind == "sequence"]
    assert seqs and seqs[0].activity_id == "A049"
    assert all("P005" in h.snippet for h in seqs)


@pytest.mark.parametrize("query", [
    "", "   ", "%' OR 1=1 --", "'; DROP TABLE sequences; --", "\\", "_%_", "名前 ✓",
    "x" * 10_000, "A999 P999", "S999C999",
])
def test_odd_queries_do_not_break_anything(con, index, encoder, query):
    hits = search(con, query, encoder, index=index)
    assert isinstance(hits, list) and len(hits) <= 20
    assert con.execute("SELECT count(*) FROM sequences").fetchone()[0] == 720
