"""The playground's models and results, cached: generators, the sentence encoder's activity
embeddings, the evaluators, the index of real motions, and each request's samples with what
the evaluators say of them."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from flag3d_core.catalog.record import SequenceRecord
from flag3d_core.generation.checkpoint import LoadedGenerator
from flag3d_core.generation.judge import MotionIndex, Recognized
from flag3d_core.generation.playground import GenerationRequest
from pages._ui.models import body_model
from pages._ui.search import encoder
from pages._ui.sequences import record
from pages._ui.state import Version, cursor, settings


@st.cache_resource(show_spinner="Loading the generator…", max_entries=4)
def _generator(path: str, mtime: float) -> LoadedGenerator:
    from flag3d_core.generation.checkpoint import load_generator

    return load_generator(path, settings().torch_device())


def generator(version: Version, model: str) -> LoadedGenerator:
    """The default generator of ``model`` (the newest run's, else the committed one; raises
    FileNotFoundError with what to run when there is none)."""
    from flag3d_core.generation.runs import generator_path

    path = generator_path(cursor(version), model)
    return _generator(str(path), path.stat().st_mtime)


@st.cache_resource(show_spinner=False, max_entries=4)
def activity_embeddings(checkpoint_sha: str, _gen: LoadedGenerator) -> np.ndarray | None:
    """The sentence embeddings of a generator's activity texts (once per generator)."""
    from flag3d_core.generation.playground import activity_text_embeddings

    enc = encoder()
    return None if enc is None else activity_text_embeddings(_gen, enc)


@st.cache_resource(show_spinner="Loading the evaluators…", max_entries=2)
def _evaluators(recognizer_path: str, text_motion_path: str, mtimes: tuple[float, float]
                ) -> tuple[Any, Any]:
    from flag3d_core.generation.evaluators import default_eval_recognizer, default_text_motion

    con = cursor()
    dev = settings().torch_device()
    return (default_eval_recognizer(con, dev, path=Path(recognizer_path)),
            default_text_motion(con, dev, body=body_model(), path=Path(text_motion_path)))


def evaluators(version: Version) -> tuple[Any, Any]:
    """(the category protocol's recognizer, the text-motion evaluator), loaded once per pair
    of checkpoints (raises FileNotFoundError with what to run when one is missing)."""
    from flag3d_core.generation.evaluators import evaluator_path

    con = cursor(version)
    paths = [evaluator_path(con, m) for m in ("stgcn-windows", "text-motion")]
    if None in paths:
        which = "gen-recognizer" if paths[0] is None else "text-motion"
        raise FileNotFoundError(f"no generation evaluator: run `flag3d train {which}`")
    return _evaluators(str(paths[0]), str(paths[1]),
                       (paths[0].stat().st_mtime, paths[1].stat().st_mtime))


@st.cache_resource(show_spinner="Indexing the real motions (first use only)…", max_entries=2)
def _real_index(key: str, _ev: Any) -> MotionIndex:
    from flag3d_core.generation.judge import load_or_build_index

    return load_or_build_index(cursor(), settings().arrays_dir, settings().cache_dir, _ev,
                               body_model())


def real_index(version: Version) -> MotionIndex:
    """The evaluator's embeddings of every real MoCap motion, once per (motions, evaluator)
    (kept in the cache folder between runs of the app)."""
    from flag3d_core.generation.judge import index_key

    _, ev = evaluators(version)
    return _real_index(index_key(cursor(version), str(ev.metrics.get("sha256", ""))), ev)


@st.cache_resource(show_spinner=False, max_entries=4)
def _real_text_similarity(key: str, _ev: Any, _index: MotionIndex) -> float:
    return _index.own_text_similarity(_ev, encoder())


def real_text_similarity(version: Version) -> float:
    """Mean similarity of real motions with their own instruction texts (the yardstick)."""
    from flag3d_core.generation.judge import index_key

    _, ev = evaluators(version)
    key = index_key(cursor(version), str(ev.metrics.get("sha256", "")))
    return _real_text_similarity(key, ev, _real_index(key, ev))


@dataclass
class Judged:
    """One sample with the evaluators' view of it."""

    gen_id: str
    seed: int
    motion: np.ndarray
    fps: float
    how: str
    recognized: Recognized
    text_similarity: float | None
    nearest: list[tuple[str, float]]
    curve: tuple[np.ndarray, np.ndarray] | None = None  # (window centres s, cosine) to the prompt


@dataclass
class Outcome:
    request: GenerationRequest
    generator_name: str
    checkpoint: str
    seconds: float
    condition_text: str
    samples: list[Judged]
    recorded: bool = False
    asked_label: int | None = None  # the activity asked for, or the one whose text is nearest


def judge(version: Version, motions: list[tuple[str, int, np.ndarray, float, str]],
          prompt_embedding: np.ndarray | None) -> list[Judged]:
    """Recognized activity, similarity to the prompt and nearest real motions of each
    (gen_id, seed, motion, fps, how)."""
    from flag3d_core.generation.judge import recognize

    rec, ev = evaluators(version)
    body = body_model()
    betas = np.zeros(10, np.float32)
    index = real_index(version)
    embs = ev.embed_motions([m for _, _, m, _, _ in motions], betas, motions[0][3], body=body)
    seen = recognize(rec, body, [m for _, _, m, _, _ in motions], betas, motions[0][3])
    out = []
    for (gid, seed, m, fps, how), e, r in zip(motions, embs, seen, strict=True):
        sim = curve = None
        if prompt_embedding is not None:
            sim = float(e @ prompt_embedding)
            curve = ev.windowed_similarity(m, betas, prompt_embedding, fps=fps, body=body)
        out.append(Judged(gid, seed, m, fps, how, r, sim, index.nearest(e, 3), curve))
    return out


def generate(version: Version, req: GenerationRequest) -> Outcome:
    """Run a request (raises PromptError / Flag3dError with a message for the user)."""
    from flag3d_core.generation.playground import run_request
    from flag3d_core.generation.prompts import check_prompt

    if req.model == "text":
        check_prompt(req.prompt or "")  # a bad prompt says so before any model loads
    gen = generator(version, req.model)
    enc = encoder() if req.model == "text" else None
    res = run_request(cursor(version), req, generator=gen, encoder=enc,
                      activity_embeddings=activity_embeddings(gen.sha256, gen)
                      if enc is not None else None)
    prompt_emb = _prompt_embedding(version, req)
    judged = judge(version, [(s.gen_id, s.generated.seed, s.generated.motion, s.generated.fps,
                              s.generated.how) for s in res.samples], prompt_emb)
    st.session_state["_gen_result"] = res  # for recording once the player is on its way
    asked = res.nearest_label if req.model == "text" else gen.label_of(str(req.activity_id))
    return Outcome(req, gen.name, gen.sha256, res.seconds, res.condition_text, judged,
                   asked_label=asked)


def _prompt_embedding(version: Version, req: GenerationRequest
                      ) -> np.ndarray | None:
    """The evaluator's embedding of what was asked: the prompt, or the activity's text."""
    enc = encoder()
    if enc is None:
        return None
    _, ev = evaluators(version)
    if req.model == "text":
        text = req.prompt or ""
    else:
        gen = generator(version, "action")
        text = gen.activities[gen.label_of(str(req.activity_id))]["text"]
    return ev.embed_texts([text], enc)[0]


def record_last(version: Version) -> int:
    """Store the last request's samples in the catalog's generated_motions table."""
    from flag3d_core.generation.playground import record_result

    res = st.session_state.pop("_gen_result", None)
    if res is None:
        return 0
    return record_result(settings().catalog, settings().arrays_dir, res)


def reopen(version: Version, gen_ids: tuple[str, ...]) -> Outcome:
    """Stored samples of a link (raises NotInCatalogError for an unknown id)."""
    from flag3d_core.generation.store import load_generated

    stored = load_generated(cursor(version), settings().arrays_dir, list(gen_ids))
    first = stored[0]
    model = "text" if first.prompt is not None else "action"
    req = GenerationRequest(model=model, prompt=first.prompt, activity_id=first.activity_id,
                            seconds=first.seconds, samples=len(stored), seed=first.seed)
    described = f"'{first.prompt}'" if first.prompt is not None else str(first.activity_id)
    prompt_emb = _prompt_embedding(version, req)
    judged = judge(version, [(s.gen_id, s.seed, s.motion, s.fps, s.scores.get("how", ""))
                             for s in stored], prompt_emb)
    return Outcome(req, first.model, first.checkpoint, first.seconds, described, judged,
                   recorded=True, asked_label=_asked_label(version, req))


def _asked_label(version: Version, req: GenerationRequest) -> int | None:
    """The activity a stored request asked for (text: the one whose text is nearest)."""
    try:
        gen = generator(version, req.model)
        if req.model == "action":
            return gen.label_of(str(req.activity_id))
        texts = activity_embeddings(gen.sha256, gen)
        if texts is None:
            return None
        return sorted(gen.activities)[int(np.argmax(texts @ encoder().encode([req.prompt])[0]))]
    except (FileNotFoundError, KeyError):
        return None


def payload(version: Version, outcome: Outcome, real_ids: tuple[str, ...], view: str) -> dict:
    """The player: the samples, then the real motions ``real_ids``."""
    from flag3d_core.player.generated import generated_payload

    reals: list[SequenceRecord] = [record(version, sid) for sid in real_ids]
    samples = [(f"sample {i + 1} · seed {s.seed}", s.motion)
               for i, s in enumerate(outcome.samples)]
    return generated_payload(body_model(), samples, outcome.samples[0].fps, real=reals,
                             view=view)


def file_bytes(motion: np.ndarray, fps: float, fmt: str) -> bytes:
    """A sample as SMPL .npz or BVH (mean body shape, z up, metres)."""
    from flag3d_core.export.bvh import write_bvh
    from flag3d_core.export.npz import write_smpl_npz
    from flag3d_core.generation.motion import to_smpl

    body = body_model()
    betas = np.zeros(10, np.float32)
    smpl = to_smpl(motion, betas, fps)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"sample.{fmt}"
        if fmt == "npz":
            write_smpl_npz(out, smpl.global_orient, smpl.body_pose, smpl.betas, smpl.transl,
                           smpl.fps)
        else:
            write_bvh(out, smpl.global_orient, smpl.body_pose, smpl.transl,
                      body.rest_joints(betas), smpl.fps)
        return out.read_bytes()


@st.cache_data(show_spinner="Searching the real motions…", max_entries=256)
def search_real(version: Version, text: str, k: int = 10) -> list[tuple[str, float]]:
    from flag3d_core.generation.judge import search

    _, ev = evaluators(version)
    return search(real_index(version), ev, encoder(), text, k)
