"""One generation request, end to end, for the CLI (and the playground page to come): check
it, pick the generator, make the samples, write SMPL .npz / BVH files, record them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.catalog import queries
from flag3d_core.generation.checkpoint import LoadedGenerator, load_generator
from flag3d_core.generation.motion import to_smpl
from flag3d_core.generation.prompts import check_length, check_prompt, check_samples
from flag3d_core.generation.runs import default_generator
from flag3d_core.generation.sample import GeneratedMotion, generate
from flag3d_core.generation.store import StoredMotion, gen_id, record_generated

__all__ = ["GenerationRequest", "GenerationResult", "activity_text_embeddings",
           "default_seconds", "record_result", "run_request", "write_outputs"]

MIN_DEFAULT_S = 6.0
CYCLES = 3


@dataclass(frozen=True)
class GenerationRequest:
    model: str  # 'action' or 'text'
    prompt: str | None = None
    activity_id: str | None = None
    seconds: float | None = None  # None: CYCLES of the activity's cycle, at least 6 s
    samples: int = 3
    seed: int = 0


@dataclass
class Sample:
    gen_id: str
    generated: GeneratedMotion


@dataclass
class GenerationResult:
    request: GenerationRequest
    generator: LoadedGenerator
    seconds: float
    condition_text: str
    samples: list[Sample]
    nearest_label: int | None = None  # text model: the activity whose text is closest


def default_seconds(gen: LoadedGenerator, label: int | None) -> float:
    """CYCLES of the activity's typical cycle (from the training data), at least 6 s."""
    cycle = gen.activities.get(label, {}).get("cycle_s", "") if label is not None else ""
    return max(MIN_DEFAULT_S, CYCLES * float(cycle)) if cycle else MIN_DEFAULT_S


def run_request(con: queries.Con, req: GenerationRequest, *,
                generator: LoadedGenerator | None = None, checkpoint: Path | None = None,
                encoder: Any = None, activity_embeddings: np.ndarray | None = None,
                device: str = "cpu") -> GenerationResult:
    """Make the request's samples (raises PromptError for a bad request).

    ``activity_embeddings`` (K, 384): the encoder's embeddings of the generator's activity
    texts in label order (:func:`activity_embeddings`), to keep between requests."""
    samples = check_samples(req.samples)
    if req.seconds is not None:
        check_length(req.seconds)
    if req.model == "text":
        check_prompt(req.prompt or "")  # before any model loads
    gen = generator or (load_generator(checkpoint, device) if checkpoint
                        else default_generator(con, req.model, device))
    if gen.model.cfg.condition != req.model:
        raise ValueError(f"the checkpoint is a {gen.model.cfg.condition} generator, the "
                         f"request is for {req.model}")
    if req.model == "text":
        prompt = check_prompt(req.prompt or "")
        if encoder is None:
            from flag3d_core.search.encoder import MiniLMEncoder

            encoder = MiniLMEncoder.load()
        emb = encoder.encode([prompt])[0]
        labels = sorted(gen.activities)
        texts = (activity_embeddings if activity_embeddings is not None
                 else activity_text_embeddings(gen, encoder))
        label = labels[int(np.argmax(texts @ emb))]
        condition: int | np.ndarray = emb
        described = f"'{prompt}'"
        key_prompt, key_activity = prompt, None
    else:
        label = gen.label_of(str(req.activity_id).strip().upper())
        condition = label
        a = gen.activities[label]
        described = f"{a['activity_id']} {a['name']}"
        key_prompt, key_activity = None, a["activity_id"]
    seconds = check_length(req.seconds if req.seconds is not None
                           else default_seconds(gen, label))
    n_frames = int(round(seconds * gen.model.cfg.fps))
    made = generate(gen.model, condition, n_frames, samples, seed=req.seed,
                    max_direct=gen.max_direct)
    out = [Sample(gen_id(gen.sha256, key_prompt, key_activity, seconds, m.seed), m)
           for m in made]
    return GenerationResult(req, gen, seconds, described, out,
                            nearest_label=label if req.model == "text" else None)


def activity_text_embeddings(gen: LoadedGenerator, encoder: Any) -> np.ndarray:
    """(K, 384) sentence embeddings of the generator's activity texts, in label order."""
    return np.asarray(encoder.encode([gen.activities[lab]["text"]
                                      for lab in sorted(gen.activities)]), np.float32)


def write_outputs(result: GenerationResult, body: Any, out_dir: Path) -> list[Path]:
    """Each sample as a standard SMPL .npz and a BVH (z up, metres) under ``out_dir``, shaped
    with the body model's mean shape."""
    from flag3d_core.export.bvh import write_bvh
    from flag3d_core.export.npz import write_smpl_npz

    betas = np.zeros(10, np.float32)
    rest = body.rest_joints(betas)
    files = []
    for s in result.samples:
        smpl = to_smpl(s.generated.motion, betas, s.generated.fps)
        stem = Path(out_dir) / f"gen-{s.gen_id}"
        files.append(write_smpl_npz(stem.with_suffix(".npz"), smpl.global_orient,
                                    smpl.body_pose, smpl.betas, smpl.transl, smpl.fps))
        files.append(write_bvh(stem.with_suffix(".bvh"), smpl.global_orient, smpl.body_pose,
                               smpl.transl, rest, smpl.fps))
    return files


def record_result(catalog: Path, arrays_dir: Path, result: GenerationResult) -> int:
    """Add the samples to the catalog's generated_motions table (one catalog swap)."""
    req = result.request
    act = None
    if req.model == "action":
        act = result.generator.activities[result.generator.label_of(
            str(req.activity_id).strip().upper())]["activity_id"]
    return record_generated(catalog, arrays_dir, [
        StoredMotion(gen_id=s.gen_id, model=result.generator.name,
                     checkpoint=result.generator.sha256,
                     prompt=check_prompt(req.prompt) if req.model == "text" else None,
                     activity_id=act, seconds=result.seconds, seed=s.generated.seed,
                     fps=s.generated.fps, motion=s.generated.motion,
                     scores={"how": s.generated.how,
                             "period_frames": s.generated.period_frames})
        for s in result.samples])
