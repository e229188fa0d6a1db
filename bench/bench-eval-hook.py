#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""PEP 523 frame-evaluation hook against PyEval_SetProfile (3.9–3.11).

    python3 bench/bench-eval-hook.py --python 3.11 --workload fib,oo
    python3 bench/bench-eval-hook.py --python 3.10 --size full --rounds 7

Not part of the test run.  Builds bench/tc-bench-eval-hook.c for each
interpreter (and timecapsule._recorder through run-bench.py's helper when a
tc-* tool is asked for) into BUILD/bench-eval-X.Y, then runs every
(workload, tool) in a fresh process, the tools interleaved round by round,
and prints median main-thread CPU time ratios traced / untraced with the
min–max and the load average.  Tools:

  none        no hook
  prof-empty  an empty C PyEval_SetProfile function (the old floor)
  prof-store  the same + rdtsc + a 16-byte store per call/return
  eval-empty  a PEP 523 eval function that only calls the default one
  eval-store  the same + rdtsc + a 16-byte store per call/return
  tc-all      timecapsule full mode (calls="all", workload tracked), with
              the hook the recorder picks
  tc-profile  the same, forced onto PyEval_SetProfile
              (TIMECAPSULE_HOOK=profile)
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOOLS = ["none", "prof-empty", "prof-store", "eval-empty", "eval-store",
         "tc-all", "tc-profile"]


def run_bench_module():
    spec = importlib.util.spec_from_file_location(
        "tc_run_bench", os.path.join(HERE, "run-bench.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def worker(tool, workload, size_name):
    rb = run_bench_module()
    mod = rb.load_workload(workload)
    size = int(size_name) if size_name.isdigit() else mod.SIZES[size_name]
    mod.run(max(1, size // 20))     # warm-up: imports, specialisation
    if tool.startswith(("prof-", "eval-")):
        import _tc_bench_eval_hook as hook
        hook.install(tool)
        stop = hook.uninstall
    elif tool in ("tc-all", "tc-profile"):
        import shutil
        import tempfile
        import timecapsule  # noqa: F401  (the import is not timed)
        out_dir = tempfile.mkdtemp(prefix="tc-bench-eval-")
        tc_stop = rb.start_tool("tc-all", mod.__file__, out_dir, 0)

        def stop():
            tc_stop()
            shutil.rmtree(out_dir, ignore_errors=True)
    else:
        def stop():
            return None
    c1 = time.thread_time()
    mod.run(size)
    c2 = time.thread_time()
    stop()
    res = {"cpu_s": c2 - c1}
    if tool.endswith("-store"):
        res["events"] = hook.events()
    print(json.dumps(res))


def build(python, name, build_dir, need_tc):
    out_dir = os.path.join(build_dir, "bench-eval-" + name)
    os.makedirs(out_dir, exist_ok=True)
    q = subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['include']);"
         "print(sysconfig.get_config_var('EXT_SUFFIX'))"], text=True).split()
    src = os.path.join(HERE, "tc-bench-eval-hook.c")
    out = os.path.join(out_dir, "_tc_bench_eval_hook" + q[1])
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.check_call([os.environ.get("CC", "cc"), "-shared", "-fPIC",
                               "-O2", "-std=gnu17", "-I" + q[0], src, "-o", out])
    path = [out_dir]
    if need_tc:
        path.append(run_bench_module().build_stage(name, python, build_dir))
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=3, metavar=("TOOL", "WORKLOAD", "SIZE"))
    ap.add_argument("--python", default="3.11",
                    help="comma-separated X.Y (pyenv)")
    ap.add_argument("--workload", default="fib,oo")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--size", default="quick")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    opts = ap.parse_args()
    if opts.worker:
        worker(*opts.worker)
        return 0

    rb = run_bench_module()
    tools = opts.tools.split(",")
    for name, python in rb.interpreters(opts.python.split(",")):
        need_tc = any(t.startswith("tc-") for t in tools)
        path = build(python, name, os.path.abspath(opts.build_dir), need_tc)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(path),
                   PYTHONDONTWRITEBYTECODE="1")
        load0 = os.getloadavg()[0]
        print("Python %s (%s), size %s, %d rounds, load average %.1f"
              % (name, python, opts.size, opts.rounds, load0), flush=True)
        for workload in opts.workload.split(","):
            times = {t: [] for t in tools}
            for _ in range(opts.rounds):
                for tool in tools:
                    tenv = dict(env)
                    if tool == "tc-profile":
                        tenv["TIMECAPSULE_HOOK"] = "profile"
                    out = subprocess.run(
                        [python, os.path.abspath(__file__), "--worker", tool,
                         workload, opts.size],
                        env=tenv, capture_output=True, text=True)
                    if out.returncode != 0:
                        print("  %s/%s failed:\n%s" % (tool, workload,
                                                       out.stderr[-2000:]))
                        times[tool].append(None)
                        continue
                    times[tool].append(json.loads(
                        out.stdout.strip().splitlines()[-1])["cpu_s"])
            base = statistics.median(t for t in times["none"] if t is not None) \
                if "none" in times else None
            cells = []
            for tool in tools:
                ok = [t for t in times[tool] if t is not None]
                if not ok:
                    cells.append("%s –" % tool)
                    continue
                med = statistics.median(ok)
                if base and tool != "none":
                    cells.append("%s %.2f× (%.2f–%.2f)" % (
                        tool, med / base, min(ok) / base, max(ok) / base))
                else:
                    cells.append("%s %.0f ms" % (tool, med * 1000))
            print("  %-6s %s" % (workload, " | ".join(cells)), flush=True)
        print("  load average now %.1f" % os.getloadavg()[0], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
