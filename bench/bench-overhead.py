#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Recording overhead on call-heavy code (a benchmark, not a test).

    python3 bench/bench-overhead.py [--python PY ...] [--pythonpath DIR]

For each interpreter, each workload runs in a fresh process per mode and
reports the best of N runs:

  none        no tracing
  mon-empty   an empty C sys.monitoring callback on PY_START/RESUME/RETURN/
              YIELD/UNWIND/THROW (3.12+): the floor for any monitoring tool
  cprofile    cProfile
  tc-all      timecapsule full mode, calls="all" (default)
  tc-tracked  timecapsule full mode, calls="tracked"
  tc-sample   timecapsule sample mode at 1 kHz
  yappi / viztracer  when importable in that interpreter

The workload functions live in this file, which is the recording script, so
they are "tracked" (locals, aggregates, warnings), as a user's code is.
Times are the calling thread's CPU time (robust on a shared machine); the
CPU the recorder's writer thread spends meanwhile is shown apart.  Ratios
are to `none` on the same interpreter in the same run; bytes per call+return
pair are the .tc size over the number of calls.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

FIB_N = 25          # 242,785 calls
OO_N = 100_000      # 4 method calls per iteration


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def dot(self, other):
        return self.x * other.x + self.y * other.y


def oo():
    acc = Vec(0, 0)
    one = Vec(1, 2)
    total = 0
    for _ in range(OO_N):
        acc = acc.add(one)          # add + __init__
        total += acc.dot(one)       # dot
        total %= 1000003
    return total


WORKLOADS = {"fib": (lambda: fib(FIB_N), 242785),
             "oo": (oo, OO_N * 3)}


def _time_best(fn, repeat):
    """Best CPU time of the calling thread (the program being measured).

    CPU time rather than wall time: the machine this is run on is shared,
    and a thread's CPU time does not count the time it waited for a core.
    The recorder's writer thread works on another core; its CPU time is
    reported separately as the process CPU time minus this thread's."""
    best = float("inf")
    global _best_process
    for _ in range(repeat):
        p0, t0 = time.process_time(), time.thread_time()
        fn()
        t1, p1 = time.thread_time(), time.process_time()
        if t1 - t0 < best:
            best = t1 - t0
            _best_process = p1 - p0
    return best


_best_process = 0.0


def worker(mode, workload, repeat):
    fn, calls = WORKLOADS[workload]
    out = {"mode": mode, "workload": workload, "calls": calls}
    if mode == "none":
        out["s"] = _time_best(fn, repeat)
    elif mode == "cprofile":
        import cProfile
        prof = cProfile.Profile()
        prof.enable()
        out["s"] = _time_best(fn, repeat)
        prof.disable()
    elif mode == "mon-empty":
        from timecapsule import _recorder
        mon = sys.monitoring
        E = mon.events
        mon.use_tool_id(3, "empty")
        for ev in (E.PY_START, E.PY_RESUME, E.PY_THROW, E.PY_RETURN,
                   E.PY_YIELD, E.PY_UNWIND):
            mon.register_callback(3, ev, _recorder._mon_empty)
        mon.set_events(3, E.PY_START | E.PY_RESUME | E.PY_THROW
                       | E.PY_RETURN | E.PY_YIELD | E.PY_UNWIND)
        out["s"] = _time_best(fn, repeat)
        mon.set_events(3, 0)
        mon.free_tool_id(3)
    elif mode == "yappi":
        import yappi
        yappi.start()
        out["s"] = _time_best(fn, repeat)
        yappi.stop()
    elif mode == "viztracer":
        from viztracer import VizTracer
        tracer = VizTracer(tracer_entries=10_000_000, verbose=0)
        tracer.start()
        out["s"] = _time_best(fn, repeat)
        tracer.stop()
    elif mode.startswith("tc-"):
        import contextlib
        import io
        import timecapsule as tc
        d = tempfile.mkdtemp(prefix="tc-bench-")
        path = os.path.join(d, "bench.tc")
        kwargs = {"every": 1.0, "output": path, "warn": False}
        if mode == "tc-tracked":
            kwargs["calls"] = "tracked"
        if mode == "tc-sample":
            kwargs.update(mode="sample", sample_rate_hz=1000)
        with contextlib.redirect_stdout(io.StringIO()):
            tc.record(**kwargs)
            out["s"] = _time_best(fn, repeat)
            tc.stop()
        out["bytes"] = os.path.getsize(path)
        out["bytes_per_call"] = out["bytes"] / (calls * repeat)
        os.unlink(path)
        os.rmdir(d)
    out["process_s"] = _best_process
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--python", action="append",
                    help="interpreter(s) to measure (default: this one)")
    ap.add_argument("--pythonpath", help="where `timecapsule` is importable from")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per worker process (best is kept)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="interleaved rounds over all modes (best is kept)")
    ap.add_argument("--worker", nargs=2, metavar=("MODE", "WORKLOAD"),
                    help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.worker:
        worker(opts.worker[0], opts.worker[1], opts.repeat)
        return 0
    pythons = opts.python or [sys.executable]
    env = dict(os.environ)
    if opts.pythonpath:
        env["PYTHONPATH"] = opts.pythonpath
    for py in pythons:
        version = subprocess.check_output(
            [py, "-c", "import sys; print(sys.version.split()[0])"], text=True).strip()
        has_mon = tuple(int(x) for x in version.split(".")[:2]) >= (3, 12)
        modes = ["none"] + (["mon-empty"] if has_mon else []) + [
            "cprofile", "tc-all", "tc-tracked", "tc-sample"]
        for extra in ("yappi", "viztracer"):
            if subprocess.call([py, "-c", "import " + extra], env=env,
                               stderr=subprocess.DEVNULL) == 0:
                modes.append(extra)
        print("\nPython %s (%s)" % (version, py))
        print("%-6s %-11s %10s %8s %12s %14s" % ("work", "mode", "cpu ms", "ratio",
                                                "bytes/call", "other thr. ms"))
        for workload in WORKLOADS:
            # Modes are interleaved round by round so that a change in the
            # machine's load hits all of them alike; the best time is kept.
            best = {}
            errors = {}
            for _ in range(opts.rounds):
                for mode in modes:
                    res = subprocess.run(
                        [py, os.path.abspath(__file__), "--repeat",
                         str(opts.repeat), "--worker", mode, workload],
                        capture_output=True, text=True, env=env)
                    if res.returncode != 0:
                        errors[mode] = res.stderr.strip()[-200:]
                        continue
                    r = json.loads(res.stdout.strip().splitlines()[-1])
                    if mode not in best or r["s"] < best[mode]["s"]:
                        best[mode] = r
            base = best.get("none", {}).get("s")
            for mode in modes:
                if mode not in best:
                    print("%-6s %-11s failed: %s" % (workload, mode, errors.get(mode)))
                    continue
                r = best[mode]
                ratio = r["s"] / base if base else float("nan")
                bpc = ("%.2f" % r["bytes_per_call"]) if "bytes_per_call" in r else ""
                other = max(0.0, r.get("process_s", r["s"]) - r["s"]) * 1000
                print("%-6s %-11s %10.1f %7.2fx %12s %14.1f" % (
                    workload, mode, r["s"] * 1000, ratio, bpc, other))
    return 0


if __name__ == "__main__":
    sys.exit(main())
