# SPDX-License-Identifier: MIT
"""This process's GPU memory (gpu_process_mb) against nvidia-smi's
per-process figure, with cupy (no torch: only NVML sees the memory), and
what a sample of the counters costs before and after the process has a
CUDA context.

    python3 process_memory.py OUT.tc
"""
import os
import subprocess
import sys
import time

import timecapsule as tc
from timecapsule._recording import core


def sample_cost(label, n=300):
    core.system_sample()
    times = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        values = core.system_sample()
        times.append(time.perf_counter_ns() - t0)
    times.sort()
    gpu = {k: round(v, 1) for k, v in sorted(values.items())
           if k.startswith("gpu")}
    print("%-28s sample p50 %.1f us p95 %.1f us  %s"
          % (label, times[n // 2] / 1e3, times[n * 95 // 100] / 1e3, gpu))
    return values


def smi_own_mib():
    out = subprocess.run(
        ["nvidia-smi", "--query-compute-apps=pid,used_memory",
         "--format=csv,noheader,nounits"],
        capture_output=True, text=True).stdout
    rows = [line.split(",") for line in out.strip().splitlines() if line]
    own = [int(mib) for pid, mib in rows if int(pid) == os.getpid()]
    print("nvidia-smi compute apps:", [(int(p), int(m)) for p, m in rows],
          "this pid", os.getpid())
    return own[0] if own else None


t0 = time.perf_counter()
tc.record(output=sys.argv[1], every=0.1)
print("record() %.1f ms" % ((time.perf_counter() - t0) * 1e3))
time.sleep(0.1)                       # NVML has started (~25 ms)
sample_cost("before CUDA")

import cupy as cp                     # noqa: E402
keep = cp.ones(512 * 1024 * 1024 // 4, dtype=cp.float32)   # 512 MiB
cp.cuda.Device().synchronize()
time.sleep(0.7)                       # a writer sample (every 0.5 s)
values = sample_cost("512 MiB held by cupy")
tc.snap("held")
smi = smi_own_mib()
print("gpu_process_mb %s  nvidia-smi %s MiB  gpu_mb %s"
      % (values.get("gpu_process_mb"), smi, values.get("gpu_mb")))
del keep
cp.get_default_memory_pool().free_all_blocks()
time.sleep(0.7)
sample_cost("freed (context kept)")
tc.stop()
