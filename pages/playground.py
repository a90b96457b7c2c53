"""Playground: motions from a text prompt or an activity, played beside the nearest real motion,
with what the evaluators say of each sample; a link reopens the stored samples; text search
over the real motions."""

import functools

import numpy as np
import streamlit as st

from flag3d_core.errors import Flag3dError
from flag3d_core.generation.judge import JUDGE_CONVENTIONS
from flag3d_core.generation.playground import GenerationRequest
from flag3d_core.generation.prompts import MAX_SAMPLES, MAX_SECONDS, MIN_SECONDS
from flag3d_core.viz.confusion import CELL_SELECTION, confusion_heatmap
from flag3d_core.viz.generation_charts import following_chart
from pages._ui import clicks, generation, state
from pages._ui.player import player
from pages._ui.routing import ensure_navigation

ensure_navigation()
st.title("Motion playground")
version = state.catalog_or_stop()
labels = state.sequence_labels(version)
try:
    action_gen = generation.generator(version, "action")
    generation.evaluators(version)
except FileNotFoundError as exc:
    st.error(f"The playground needs its models: {exc}. `make app` installs the committed ones.")
    st.stop()
acts = action_gen.activities
act_ids = [a["activity_id"] for _, a in sorted(acts.items())]
act_names = {a["activity_id"]: f"{a['activity_id']} · {a['name']} ({a['body_part']})"
             for a in acts.values()}
texts = {a["activity_id"]: a["text"] for a in acts.values()}


def _late_early(curve) -> float | None:
    """Mean similarity of the last third of the windows over the first third's."""
    if curve is None or len(curve[1]) < 3:
        return None
    sims = curve[1]
    third = max(1, len(sims) // 3)
    early = float(sims[:third].mean())
    return round(float(sims[-third:].mean()) / early, 3) if early > 1e-6 else None


def use_instruction() -> None:
    pick = st.session_state.get("instruction")
    if pick:
        st.session_state["prompt"] = texts[pick]


with st.form("ask"):
    mode = st.radio("Condition on", ["Text prompt", "Activity"], horizontal=True,
                    key="mode", help="Text: the MiniLM-conditioned generator, any English "
                    "sentence. Activity: the action-conditioned generator (ACTOR).")
    prompt = st.text_area("Describe a motion", key="prompt", height=80,
                          placeholder="e.g. raise both arms out to the sides, then lower them")
    activity = st.selectbox("Activity (for 'Activity')", act_ids, format_func=act_names.get,
                            key="activity")
    c = st.columns(3)
    seconds = c[0].number_input("Length (s)", min_value=MIN_SECONDS, max_value=MAX_SECONDS,
                                value=None, step=1.0, placeholder="auto: 3 cycles, ≥ 6 s",
                                help="Up to 6 s the decoder makes the motion at once; longer "
                                     "motions repeat the generated exercise's cycle.")
    samples = c[1].number_input("Samples", 1, MAX_SAMPLES, 3)
    seed = c[2].number_input("Seed", 0, 2**31 - 1, 0, help="Sample i uses seed + i: the same "
                             "seed gives the same motions.")
    asked = st.form_submit_button("Generate", type="primary")
st.selectbox("Or start from an activity's instruction text", [None, *act_ids],
             format_func=lambda a: "…" if a is None else act_names[a], key="instruction",
             on_change=use_instruction)

with st.expander("Search the real motions by text"):
    query = st.text_input("Find real motions", placeholder="e.g. squat with a barbell",
                          key="search_real")
    if query.strip():
        for sid, sim in generation.search_real(version, query.strip()):
            st.page_link("pages/sequence.py", label=f"{labels.get(sid, sid)} · {sim:.2f}",
                         icon=":material/play_circle:", query_params={"seq": sid})
        st.caption("Ranked by cosine similarity of the text-motion evaluator's text and motion "
                   "embeddings (whole MoCap sequences of both splits).")

with st.expander("How the generators do, activity by activity (category protocol)"):
    which = st.radio("Generator", ["action", "text"], horizontal=True, key="cm_model")
    try:
        shown = action_gen if which == "action" else generation.generator(version, "text")
    except FileNotFoundError as exc:
        shown = None
        st.info(str(exc))
    cm = None if shown is None else shown.metrics.get("confusion")
    if cm is None:
        st.info("No recorded category-protocol figures for this generator: run `flag3d eval "
                "generation --checkpoint FILE --write`.")
    else:
        m = shown.metrics
        st.markdown(
            f"Recognition accuracy of generated motions **{m['generated/accuracy']:.1%}** "
            f"(real test windows {m['real/accuracy']:.1%}); FID {m['generated/fid']:.2f} "
            f"(real train vs test {m['real/fid']:.2f}); diversity {m['generated/diversity']:.2f}"
            f" (real {m['real/diversity']:.2f}); multimodality "
            f"{m['generated/multimodality']:.2f} (real {m['real/multimodality']:.2f}).")
        st.caption(m.get("conventions", "") + " Rows: the activity asked for; columns: what "
                   "the recognizer sees. Click a cell to ask for its row's activity.")
        order = sorted(acts)
        st.altair_chart(
            confusion_heatmap(np.asarray(cm), [acts[k]["name"] for k in order],
                              [acts[k]["body_part"] for k in order],
                              class_ids=[acts[k]["activity_id"] for k in order],
                              title=f"Generated motions of {shown.name}: asked (rows) vs "
                                    "recognized (columns)", height=700),
            on_select=functools.partial(clicks.pick_activity_from_cell, "gen_cm",
                                        activity_of_label={k: acts[k]["activity_id"]
                                                           for k in order}),
            selection_mode=CELL_SELECTION, key="gen_cm", width="content")

outcome = st.session_state.get("_outcome")
if asked:
    req = GenerationRequest(model="text" if mode == "Text prompt" else "action",
                            prompt=prompt if mode == "Text prompt" else None,
                            activity_id=activity if mode == "Activity" else None,
                            seconds=seconds, samples=int(samples), seed=int(seed))
    try:
        with st.spinner("Generating…"):
            outcome = generation.generate(version, req)
    except (Flag3dError, ValueError, KeyError, FileNotFoundError) as exc:
        st.error(str(exc).strip("'\""))
        st.stop()
    st.session_state["_outcome"] = outcome
    st.query_params["gen"] = [s.gen_id for s in outcome.samples]
elif outcome is None and st.query_params.get_all("gen"):
    try:
        outcome = generation.reopen(version, tuple(st.query_params.get_all("gen")))
        st.session_state["_outcome"] = outcome
    except Flag3dError as exc:
        st.error(f"Cannot reopen this link: {exc}")
        st.stop()
if outcome is None:
    st.info("Type a prompt or pick an activity, then **Generate**.")
    st.stop()

best = outcome.samples[0].nearest[0][0] if outcome.samples[0].nearest else None
st.caption(f"{len(outcome.samples)} sample(s) of {outcome.seconds:.1f} s for "
           f"{outcome.condition_text} · generator {outcome.generator_name} (checkpoint "
           f"{outcome.checkpoint[:12]}) · 30 fps, mean body shape"
           + (f" · in grey: the real motion nearest to sample 1 ({best})" if best else ""))
view = st.query_params.get("view", "mesh")
view = view if view in ("skeleton", "mesh", "both") else "mesh"
player(generation.payload(version, outcome, (best,) if best else (), view), key="gen_player",
       height=620)
if not outcome.recorded:
    generation.record_last(version)
    outcome.recorded = True

yardstick = generation.real_text_similarity(version)
asked = acts.get(outcome.asked_label, {}) if outcome.asked_label is not None else {}
if asked:
    st.markdown(f"Asked for **{asked['activity_id']} · {asked['name']}**"
                + (" (the activity whose instruction text is nearest to the prompt)"
                   if outcome.request.model == "text" else ""))
rows = []
for i, s in enumerate(outcome.samples):
    lab, p = s.recognized.label, s.recognized.probability
    a = acts.get(lab, {})
    rows.append({"sample": i + 1, "seed": s.seed, "made": s.how,
                 "recognized as": f"{a.get('activity_id', lab)} · {a.get('name', '')}",
                 "probability": round(p, 3),
                 "text match": None if s.text_similarity is None else round(s.text_similarity, 3),
                 "late / early": _late_early(s.curve),
                 "nearest real": " · ".join(f"{k} ({v:.2f})" for k, v in s.nearest),
                 "gen id": s.gen_id})
st.dataframe(rows, hide_index=True, width="stretch")
st.caption(JUDGE_CONVENTIONS.format(real=yardstick))
curves = [(f"sample {i + 1}", *s.curve) for i, s in enumerate(outcome.samples)
          if s.curve is not None]
if curves:
    st.markdown("**Does it keep following the prompt?**")
    st.altair_chart(following_chart(curves, yardstick), width="stretch")
    st.caption("The text-motion evaluator's similarity of 2 s windows (every 0.5 s) with the "
               "prompt; dashed: real motions against their own instruction. A motion that "
               "starts right and drifts away falls to the right.")
st.markdown("**The real motions nearest to sample 1**")
near = st.columns(3)
for j, (sid, sim) in enumerate(outcome.samples[0].nearest):
    near[j].page_link("pages/sequence.py", label=f"{labels.get(sid, sid)} ({sim:.2f})",
                      icon=":material/play_circle:", query_params={"seq": sid})

st.subheader("Downloads")
for i, s in enumerate(outcome.samples):
    d = st.columns([1, 1, 3])
    d[0].download_button(f"Sample {i + 1} · BVH",
                         functools.partial(generation.file_bytes, s.motion, s.fps, "bvh"),
                         file_name=f"gen-{s.gen_id}.bvh", on_click="ignore", key=f"bvh{i}")
    d[1].download_button(f"Sample {i + 1} · SMPL .npz",
                         functools.partial(generation.file_bytes, s.motion, s.fps, "npz"),
                         file_name=f"gen-{s.gen_id}.npz", on_click="ignore", key=f"npz{i}")
st.caption("BVH: z up, metres, the mean body shape's skeleton (Blender imports it). SMPL .npz: "
           "global_orient (T, 3), body_pose (T, 69), betas (10,), transl (T, 3), fps. The "
           "link of this page (its ?gen= ids) reopens these samples from the catalog.")

