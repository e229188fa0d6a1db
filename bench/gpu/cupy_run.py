# SPDX-License-Identifier: MIT
"""GPU work without torch imported: only NVML can see it."""
import sys
import time

import cupy as cp
import timecapsule as tc


def multiply(seconds):
    a = cp.random.random((8192, 8192), dtype=cp.float32)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for _ in range(10):
            b = a @ a
        cp.cuda.Device().synchronize()
    return float(b[0, 0])


with tc.record(output=sys.argv[1], every=0.25):
    time.sleep(0.5)
    keep = [cp.ones(256 * 1024 * 1024, dtype=cp.float32) for _ in range(4)]
    time.sleep(0.5)
    multiply(2.0)
    del keep
    cp.get_default_memory_pool().free_all_blocks()
    time.sleep(0.75)
