# SPDX-License-Identifier: MIT
"""Paired overhead, for run-bench.py --paired.

On this machine the same untraced run takes anywhere between 0.7× and 1.3×
its median from one process to the next, and within one process the speed
drifts over tens of milliseconds (the host's other tenants): fresh-process
ratios of a few rounds scatter by more than the differences they are meant
to show.  Here each process times PAIRS pairs of runs back to back, the
workload untraced and then traced by the tool (the order alternating from
pair to pair, so a drift favours neither), and a pair's ratio compares two
runs made within a fraction of a second of each other: the shorter the
runs, the less the drift between them (the quick sizes, 40–150 ms, with
31 pairs give medians that repeat within ~1 %; the full sizes scatter
more).  The figure is the median over
every pair of every round; the rounds (fresh processes, the tools
interleaved as in the main mode) give its spread.

What a pair's traced run includes: the workload, from just after the tool
started to just before it stopped (as the main mode's "CPU" ratio), on the
main thread's CPU clock.  Starting, stopping and saving are outside it:
the main mode's end-to-end figure covers those.  Tool "none" pairs two
untraced runs, so its ratio shows what the method itself scatters.
"""

import contextlib
import io
import json
import statistics
import subprocess
import tempfile
import time

PAIRED_TOOLS = ["none", "c-store", "cprofile", "tc-all"]


def worker(start_tool, mod, tool, size, pairs):
    """In the worker process (the workload warmed up, the tool imported):
    print the pairs' untraced and traced CPU times as JSON."""
    out_dir = tempfile.mkdtemp(prefix="tc-bench-paired-")

    def untraced():
        # A stop's drain and save leave the caches to the recorder: a
        # short untimed run first, so an untraced run just after a traced
        # one does not start colder than the traced one did.
        mod.run(max(1, size // 20))
        c = time.thread_time()
        mod.run(size)
        return time.thread_time() - c

    def traced():
        if tool == "none":
            return untraced()
        with contextlib.redirect_stdout(io.StringIO()):
            stop = start_tool(tool, mod.__file__, out_dir, 0, save=False)
        c = time.thread_time()
        mod.run(size)
        t = time.thread_time() - c
        with contextlib.redirect_stdout(io.StringIO()):
            stop()
        return t

    plain, with_tool = [], []
    for k in range(pairs):
        if k % 2 == 0:
            plain.append(untraced())
            with_tool.append(traced())
        else:
            with_tool.append(traced())
            plain.append(untraced())
    print(json.dumps({"untraced": plain, "traced": with_tool}))


def ratios(run):
    return [t / u for u, t in zip(run["untraced"], run["traced"])]


def summary(runs):
    """(median of every pair's ratio, lowest and highest round median)."""
    every = [r for run in runs for r in ratios(run)]
    per_round = [statistics.median(ratios(run)) for run in runs]
    return statistics.median(every), min(per_round), max(per_round)


def run_cell(run_worker, tools, rounds):
    """run_worker(tool) -> one worker's JSON or None; tools interleaved."""
    runs = {t: [] for t in tools}
    for _ in range(rounds):
        for tool in tools:
            r = run_worker(tool)
            if r is not None:
                runs[tool].append(r)
    return runs


def format_cell(name, workload, runs):
    parts = []
    for tool, rs in runs.items():
        if rs:
            med, lo, hi = summary(rs)
            parts.append("%s %.3f× (%.3f–%.3f)" % (tool, med, lo, hi))
    return "Python %s %s: %s" % (name, workload, "  ".join(parts))


def worker_json(cmd, env):
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1200)
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        print("  %s failed: %s" % (cmd[3:6], (res.stderr or res.stdout).strip()[-300:]))
        return None
    return json.loads(lines[-1])
