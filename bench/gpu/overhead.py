# SPDX-License-Identifier: MIT
"""record() start/stop time and a call-heavy run traced, NVML on and off
(TIMECAPSULE_NVML_LIBRARY=/nonexistent), interleaved in fresh processes."""
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r'''
import os, sys, time
t0 = time.perf_counter()
import timecapsule as tc
r = tc.record(output=sys.argv[1], every=0.5)
t1 = time.perf_counter()
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
a = time.perf_counter(); fib(31); b = time.perf_counter()
tc.stop()
c = time.perf_counter()
print("RESULT %.4f %.4f %.4f" % (t1 - t0, b - a, c - b))
'''
res = {"nvml": [], "none": []}
work = tempfile.mkdtemp()
for i in range(int(os.environ.get("ROUNDS", "5"))):
    for mode in ("nvml", "none"):
        env = dict(os.environ)
        if mode == "none":
            env["TIMECAPSULE_NVML_LIBRARY"] = "/nonexistent"
        out = subprocess.check_output([sys.executable, "-c", CHILD, os.path.join(work, "oh-%s.tc" % mode)], env=env, text=True)
        line = [l for l in out.splitlines() if l.startswith("RESULT")][-1]
        res[mode].append([float(x) for x in line.split()[1:]])
for mode, rows in res.items():
    cols = list(zip(*rows))
    print("%-5s start %s ms | fib(31) traced %s s | stop %s ms" % (
        mode,
        " ".join("%.1f" % (x * 1e3) for x in cols[0]),
        " ".join("%.3f" % x for x in cols[1]),
        " ".join("%.1f" % (x * 1e3) for x in cols[2])))
    print("      medians: start %.1f ms, fib %.3f s, stop %.1f ms" % (
        statistics.median(cols[0]) * 1e3, statistics.median(cols[1]), statistics.median(cols[2]) * 1e3))
