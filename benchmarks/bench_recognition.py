"""Action recognition: speed of the three recognisers and accuracy on FLAG3D-Synth.

Speed (always): inference throughput (sequences/s at the evaluation clip length and number of
clips) and training time per epoch of 1,260 sequences (the in-domain training split), for each
model at its default width, eager vs channels-last (and torch.compile with ``--compile``) side
by side in one run; CUDA with bf16 autocast when a GPU is present.

Accuracy (``--synth DIR``): trains each model on the in-domain split of a FLAG3D-Synth release
(``flag3d_keypoint.pkl``) and reports top-1/top-5/mean class accuracy on its test split.

    .venv/bin/python benchmarks/bench_recognition.py [--compile] [--synth DIR] [--epochs 10]
        [--models stgcn,2sagcn,ctrgcn] [--out benchmarks/results/recognition.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from flag3d_core.recognition.data import RecognitionItem
from flag3d_core.recognition.evaluate import autocast_context, evaluate
from flag3d_core.recognition.names import current_name
from flag3d_core.recognition.preprocess import PreprocessConfig
from flag3d_core.recognition.registry import MODELS, build_model
from flag3d_core.recognition.train import TrainConfig, train_recognizer

HERE = Path(__file__).resolve().parent
TRAIN_SEQUENCES = 1260


def _timed(fn, repeats: int, sync=lambda: None) -> float:
    """Median seconds of ``fn()`` over ``repeats`` runs after one warm-up."""
    fn()
    sync()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def speed(name: str, device: str, variant: str, clip_len: int, num_clips: int,
          batch: int = 16, repeats: int = 3) -> dict:
    """Inference sequences/s and training s/epoch of model ``name`` in one variant."""
    torch.manual_seed(0)
    model = build_model(name, layout="ntu25", num_classes=60).to(device)
    v = model.cfg.num_person
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    x_eval = torch.randn(batch * num_clips, 3, clip_len, 25, v, device=device)
    x_train = torch.randn(batch, 3, clip_len, 25, v, device=device)
    y = torch.randint(0, 60, (batch,), device=device)
    if variant == "channels_last":
        model = model.to(memory_format=torch.channels_last)
    run = torch.compile(model) if variant == "compile" else model
    amp = "bf16" if device == "cuda" else "off"

    def infer() -> None:
        with torch.inference_mode(), autocast_context(device, amp):
            run(x_eval)

    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step() -> None:
        with autocast_context(device, amp):
            loss = F.cross_entropy(run(x_train).float(), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    model.eval()
    t_inf = _timed(infer, repeats, sync)
    model.train()
    t_step = _timed(step, repeats, sync)
    return {
        "model": name, "device": device, "variant": variant,
        "params": sum(p.numel() for p in model.parameters()),
        "infer_seq_per_s": batch / t_inf, "train_s_per_epoch": t_step / batch * TRAIN_SEQUENCES,
        "clip_len": clip_len, "num_clips": num_clips, "batch": batch,
    }


def load_synth(path: Path) -> tuple[list[RecognitionItem], list[RecognitionItem]]:
    """(train, test) items of a FLAG3D-Synth ``flag3d_keypoint.pkl`` by its stored split."""
    from flag3d_core.datasets.flag3d.skeleton import SkeletonRecord, iter_skeleton_pkl

    train, test = [], []
    for rec in iter_skeleton_pkl(path, kind="3d"):
        if not isinstance(rec, SkeletonRecord):
            continue
        item = RecognitionItem(rec.keypoint.astype(np.float32), rec.label, rec.name)
        (train if rec.split == "train" else test).append(item)
    return train, test


def accuracy(name: str, synth: Path, epochs: int, clip_len: int, num_clips: int) -> dict:
    train, test = load_synth(synth / "flag3d_keypoint.pkl")
    cfg = TrainConfig(model=name, epochs=epochs, preprocess=PreprocessConfig(clip_len=clip_len))
    res = train_recognizer(cfg, train)
    t0 = time.perf_counter()
    ev = evaluate(res.model, test, num_clips, preprocess=cfg.preprocess)
    return {
        "model": name, "epochs": epochs, "train_sequences": len(train),
        "test_sequences": len(test), "train_seconds": res.seconds,
        "eval_seconds": time.perf_counter() - t0, "top1": ev.top1, "top5": ev.top5,
        "mean_class_accuracy": ev.mean_class_accuracy, "num_clips": num_clips,
        "loss_per_epoch": [round(h.loss, 4) for h in res.history],
    }


def markdown(speed_rows: list[dict], acc_rows: list[dict]) -> str:
    lines = ["| model | device | variant | params | inference seq/s | vs eager | train s/epoch "
             "(1,260 seq) | vs eager |", "|---|---|---|---|---|---|---|---|"]
    eager = {(r["model"], r["device"]): r for r in speed_rows if r["variant"] == "eager"}
    for r in speed_rows:
        e = eager.get((r["model"], r["device"]), r)
        lines.append(
            f"| {r['model']} | {r['device']} | {r['variant']} | {r['params'] / 1e6:.2f} M | "
            f"{r['infer_seq_per_s']:.1f} | {r['infer_seq_per_s'] / e['infer_seq_per_s']:.2f}x | "
            f"{r['train_s_per_epoch']:.1f} | "
            f"{e['train_s_per_epoch'] / r['train_s_per_epoch']:.2f}x |")
    if acc_rows:
        lines += ["", "| model | epochs | train / test seq | train time | top-1 | top-5 | "
                  "mean class acc |", "|---|---|---|---|---|---|---|"]
        for r in acc_rows:
            lines.append(
                f"| {r['model']} | {r['epochs']} | {r['train_sequences']} / "
                f"{r['test_sequences']} | {r['train_seconds']:.0f} s | {r['top1']:.3f} | "
                f"{r['top5']:.3f} | {r['mean_class_accuracy']:.3f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--clip-len", type=int, default=PreprocessConfig().clip_len)
    ap.add_argument("--num-clips", type=int, default=5)
    ap.add_argument("--compile", action="store_true", help="also measure torch.compile")
    ap.add_argument("--synth", type=Path, help="FLAG3D-Synth dir: also train and test")
    ap.add_argument("--epochs", type=int, default=TrainConfig().epochs)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0 = default)")
    ap.add_argument("--no-speed", action="store_true", help="skip the speed part (keeps the "
                    "speed rows already in --out)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "recognition.json")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.threads:
        torch.set_num_threads(args.threads)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    variants = ["eager", "channels_last"] + (["compile"] if args.compile else [])
    old = json.loads(args.out.read_text()) if args.out.exists() else {}
    for row in old.get("speed", []) + old.get("accuracy", []):  # results written as "agcn"
        row["model"] = current_name(row["model"])
    speed_rows = old.get("speed", []) if args.no_speed else [
        speed(m, d, v, args.clip_len, args.num_clips)
        for d in devices for m in models for v in variants]
    acc_rows = [accuracy(m, args.synth, args.epochs, args.clip_len, args.num_clips)
                for m in models] if args.synth else []
    # Keep accuracy rows of models this run did not train (runs are long: one model at a time).
    acc_rows = [r for r in old.get("accuracy", []) if r["model"] not in
                {a["model"] for a in acc_rows}] + acc_rows
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "machine": {"platform": platform.platform(), "torch": torch.__version__,
                    "threads": torch.get_num_threads(),
                    "cuda": torch.cuda.get_device_name() if torch.cuda.is_available() else None},
        "speed": speed_rows, "accuracy": acc_rows,
    }, indent=2))
    print(markdown(speed_rows, acc_rows))


if __name__ == "__main__":
    main()
