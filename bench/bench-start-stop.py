# SPDX-License-Identifier: MIT
"""The fixed wall-time costs of starting and stopping a recording, two
builds of the recorder against each other with same-run alternation (the
machine's load changes slower than one round: each round runs both, in
alternating order).

    python3 bench/bench-start-stop.py BASE_DIR NEW_DIR [--rounds N]

BASE_DIR and NEW_DIR each hold a `timecapsule` package with its built
`_recorder` extension (for example the recorder suite's
build/tests/recorder/stage-X.Y, or a stage built from an older checkout);
the interpreter running this script runs both.  Two measurements:

- e2e: the first record() and stop() of a fresh process, and later
  start+stop pairs in the same process (medians);
- timer: what the snapshot timer thread alone adds to a short stretch of a
  program (timer_start, ~1–2 ms of Python with a few GIL releases,
  timer_stop) against the same stretch without it.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

E2E = r'''
import os, sys, time
import timecapsule as tc
out = []
for i in range(4):
    t0 = time.perf_counter()
    tc.record(every=1.0, output=os.path.join(sys.argv[1], "r%d.tc" % i), warn=False)
    t1 = time.perf_counter()
    x = sum(range(1000))
    t2 = time.perf_counter()
    tc.stop()
    t3 = time.perf_counter()
    out.append("%.6f,%.6f" % (t1 - t0, t3 - t2))
print("RESULT " + " ".join(out))
'''

TIMER = r'''
import os, time
from timecapsule import _recorder as core
def work():
    s = 0
    for i in range(20):
        os.stat(".")                # releases the GIL
        s += sum(range(2000))
    return s
def cb():
    pass
out = []
for i in range(30):
    t0 = time.perf_counter()
    work()
    t1 = time.perf_counter()
    core.timer_start(30.0, cb)
    work()
    t2 = time.perf_counter()
    core.timer_stop(2.0)
    t3 = time.perf_counter()
    out.append("%.6f,%.6f,%.6f" % (t1 - t0, t3 - t1, t3 - t2))
print("RESULT " + " ".join(out))
'''


def run(code, stage):
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, PYTHONPATH=stage)
        p = subprocess.run([sys.executable, "-c", code, d], env=env, capture_output=True,
                           text=True, check=True)
    line = [l for l in p.stdout.splitlines() if l.startswith("RESULT ")][0]
    return [tuple(map(float, x.split(","))) for x in line.split()[1:]]


def ms(values):
    return "%.2f ms" % (1e3 * statistics.median(values))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=20)
    opts = ap.parse_args()
    stages = {"base": opts.base, "new": opts.new}
    e2e = {k: [] for k in stages}
    timer = {k: [] for k in stages}
    loads = []
    for r in range(opts.rounds):
        for name in (("base", "new") if r % 2 == 0 else ("new", "base")):
            e2e[name].append(run(E2E, stages[name]))
            timer[name].extend(run(TIMER, stages[name]))
        loads.append(os.getloadavg()[0])
    print("Python %s, %d rounds, load %.1f-%.1f" % (sys.version.split()[0], opts.rounds,
                                                   min(loads), max(loads)))
    for name in stages:
        first = [p[0] for p in e2e[name]]
        later = [a + b for p in e2e[name] for (a, b) in p[1:]]
        t = timer[name]
        print("%-4s e2e: first record() %s, first stop() %s, first start+stop %s, later start+stop %s"
              % (name, ms([f[0] for f in first]), ms([f[1] for f in first]),
                 ms([f[0] + f[1] for f in first]), ms(later)))
        print("%-4s timer: adds %s (median; mean %.2f ms), timer_stop %s"
              % (name, ms([x[1] - x[0] for x in t]), 1e3 * statistics.mean(x[1] - x[0] for x in t),
                 ms([x[2] for x in t])))


if __name__ == "__main__":
    main()
