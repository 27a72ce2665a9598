#!/usr/bin/env bash
# The one GPU call of the pretraining pipeline (see "Pretraining" in README.md): prints the GPU,
# trains for TRAIN_SECONDS of wall clock (ending by STOP_BY seconds after the start at the latest),
# exports the uint8 tf.js model and evaluates it, all into $OUT (8 files: model.json, 3 shards,
# metrics.json, curves.csv, probe.bin, train.log). Extra arguments go to pretrain_gpu.py.
#
#   OUT=out TRAIN_SECONDS=440 STOP_BY=510 bash scripts/pretrain/device-run.sh
set -euo pipefail
: "${OUT:?set OUT to the output folder}"
export PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
"$PY" scripts/pretrain/pretrain_gpu.py --data .pretrain-data --out "$OUT" --train-seconds "${TRAIN_SECONDS:-400}" --stop-by "${STOP_BY:-0}" "$@" 2>&1 | tee "$OUT/train.log"
ls -l "$OUT"
