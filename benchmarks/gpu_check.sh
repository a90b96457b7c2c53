#!/usr/bin/env bash
# Every CUDA path of the project on a lent GPU machine, in under 8 minutes:
# a recognizer epoch, a mesh fit (fit3d) and its benchmark, a generator epoch and a generation,
# an EGL render, and the device's figures. Nothing in the project requires a GPU; this is the check that the GPU paths work.
#
#   bash benchmarks/gpu_check.sh            # writes $OUT (or test-output/gpu_check) logs
#
# Uses .venv when present (else python3 with the project's packages installed) and a small
# FLAG3D-Synth catalog built in a temp dir, so it never touches data_catalog/.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
OUTDIR=${OUT:-test-output/gpu_check}
mkdir -p "$OUTDIR"
WORK=$(mktemp -d)
export FLAG3D_CATALOG="$WORK/catalog.duckdb" FLAG3D_BODY_MODELS="$WORK/body" \
       FLAG3D_DATA="$WORK/raw" FLAG3D_DEVICE=cuda
status=0
step() {  # step NAME SECONDS CMD...: run with a time limit, log, keep going on failure
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS
  if timeout "$limit" "$@" >"$OUTDIR/$name.log" 2>&1; then
    echo "ok   $name ($((SECONDS - t0)) s)"
  else
    echo "FAIL $name ($((SECONDS - t0)) s): see $OUTDIR/$name.log"; tail -5 "$OUTDIR/$name.log"
    status=1
  fi
}
step device 60 "$PY" -c "import torch; assert torch.cuda.is_available(), 'no CUDA'; \
print(torch.__version__, torch.version.cuda, torch.cuda.get_device_name(0))"
step catalog 240 "$PY" -c "from pathlib import Path; from tests.build_small import \
build_small_catalog; build_small_catalog(Path('$WORK'), train=False)"
step recognizer_epoch 120 "$PY" -m flag3d_core.cli train recognition --model stgcn \
  --epochs 1 --device cuda --num-clips 1 --json
step fit3d_run 120 "$PY" -m flag3d_core.cli fit smpl --per-activity 1 --max-frames 150 \
  --device cuda --json
step fit3d_bench 180 "$PY" benchmarks/bench_fit3d.py --device cuda --stride 20 \
  --out "$OUTDIR/fit3d_cuda.json"
step generator_epoch 180 "$PY" -m flag3d_core.cli train generator --model action --epochs 1 \
  --device cuda --no-eval --out "$WORK/gen.pt" --json
step generate 120 "$PY" -m flag3d_core.cli generate --activity A030 --seconds 12 --samples 2 \
  --checkpoint "$WORK/gen.pt" --out "$OUTDIR/generated" --json
SEQ=$("$PY" -c "import duckdb; print(duckdb.connect('$FLAG3D_CATALOG', read_only=True).execute(\
\"select sequence_id from sequences where source='mocap' order by 1 limit 1\").fetchone()[0])")
step egl_render 120 env FLAG3D_RENDER_BACKEND=egl "$PY" -m flag3d_core.cli render "$SEQ" \
  --out "$OUTDIR/egl_render.mp4" --max-frames 60 --json
if [ -f flag3d_core/mesh_recovery/kp2smpl/__init__.py ] && [ -f benchmarks/bench_kp2smpl.py ]; then
  step kp2smpl_bench 150 "$PY" benchmarks/bench_kp2smpl.py --device cuda --minutes 1
fi
cp "$OUTDIR"/fit3d_bench.log "$OUTDIR/fit3d_cuda.md" 2>/dev/null
rm -rf "$WORK"
exit $status
