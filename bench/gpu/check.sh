#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The GPU check: what the recorder's GPU counters say on a real NVIDIA GPU,
# against nvidia-smi, and what NVML costs.  Needs timecapsule importable
# (installed, or PYTHONPATH), torch with CUDA, cupy and nvidia-smi.  Writes
# into OUT (default ./gpu-check): the recordings train.tc (torch, with NVML
# and torch.cuda counters), cupy.tc (NVML alone) and process.tc (this
# process's memory against nvidia-smi's, process_memory.txt), smi.csv and
# smi-apps.csv (nvidia-smi's device and per-process memory every 250 ms
# during train and cupy), nvml_bench.txt, visible.txt and overhead.txt.
# Open the recordings with timecapsule-viewer (Memory and Resources).
# Results of runs on an H100 and an H200: docs/PERFORMANCE.md, "Session 14"
# and "Session 15".
set -u
OUT=${1:-gpu-check}
HERE=$(dirname "$0")
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
nvidia-smi -L
UUID=$(nvidia-smi --query-gpu=uuid --format=csv,noheader | head -1)
timeout 60 python3 "$HERE/nvml_bench.py" 2>&1 | tee "$OUT/nvml_bench.txt"
nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu \
    --format=csv,noheader -lms 250 > "$OUT/smi.csv" 2>&1 &
SMI=$!
nvidia-smi --query-compute-apps=timestamp,pid,used_memory \
    --format=csv,noheader -lms 250 > "$OUT/smi-apps.csv" 2>&1 &
APPS=$!
timeout 150 python3 "$HERE/train.py" "$OUT/train.tc"
timeout 120 python3 "$HERE/cupy_run.py" "$OUT/cupy.tc"
kill $SMI $APPS
timeout 90 python3 "$HERE/process_memory.py" "$OUT/process.tc" 2>&1 \
    | tee "$OUT/process_memory.txt"
# The device a recording follows: none set, by index, by UUID, a device
# that is not there, and none visible.
for v in unset 0 "$UUID" 1 ""; do
    if [ "$v" = unset ]; then
        timeout 60 python3 "$HERE/visible.py"
    else
        CUDA_VISIBLE_DEVICES="$v" timeout 60 python3 "$HERE/visible.py"
    fi
done 2>&1 | grep -v '^\[TC\]\|^$' | tee "$OUT/visible.txt"
timeout 200 python3 "$HERE/overhead.py" 2>&1 | tee "$OUT/overhead.txt"
