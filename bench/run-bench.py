#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Recording overhead of timecapsule against its peers, on every interpreter.

    python3 bench/run-bench.py --quick      # a few minutes per interpreter
    python3 bench/run-bench.py              # full sizes, 5 rounds
    python3 bench/run-bench.py --python 3.12 --workload fib --tool tc-all
    python3 bench/run-bench.py --window --python 3.12 --baseline main
                                            # timed window, counted (callgrind)
    python3 bench/run-bench.py --paired --baseline main
                                            # pairs of untraced/traced runs in
                                            # one process (bench_paired.py)

Not part of the test run.  For each interpreter (pyenv 3.8–3.13 and Debian's
python3 when present) it

- builds timecapsule._recorder into build-bench/stage-X.Y with the test
  suite's own helper (tests/recorder/run-tests.py) and the floor hooks
  (bench/tc-bench-hook.c) next to it;
- uses build-bench/venv-X.Y when it exists for the PyPI peers (yappi,
  viztracer, pyinstrument, py-spy: `--setup` creates the venvs);
- counts each workload's Python calls once (sys.setprofile);
- runs every (workload, tool) in a fresh process, ROUNDS times, the tools
  interleaved round by round so that a change in the machine's load hits
  all of them alike, and keeps the median and the range of
  traced time / median untraced time.

It writes a JSON file of every raw run (build-bench/bench-results.json) and,
with --write-doc, docs/PERFORMANCE.md's generated tables.

Tools (a tool missing on an interpreter is reported as such):
  none          no tracing
  setprofile    a Python sys.setprofile callback that returns (floor)
  c-empty       an empty C hook: sys.monitoring (3.12+) / PyEval_SetProfile
  c-store       the same + rdtsc + a 16-byte store per event (floor)
  c-vector      3.12+: c-store in a vectorcall object instead of a
                PyCFunction, as timecapsule's callbacks are (floor)
  cprofile      cProfile, saved with dump_stats
  yappi         yappi (wall clock), saved as pstat
  viztracer     viztracer, saved as JSON
  pyinstrument  pyinstrument (1 ms interval), session saved as JSON
  py-spy        py-spy record --rate 1000 around the worker (sampling)
  tc-all        timecapsule, calls="all" (the default); the workload file
                is tracked (include_files), as a user's script is
  tc-tracked    timecapsule, calls="tracked" (only calls in the workload file)
  tc-sample     timecapsule, mode="sample", 1 kHz
  tc-sample-base  with --baseline REV and tool tc-sample: tc-sample built
                from the recorder of git revision REV
  tc-base       with --baseline REV: tc-all built from the recorder of git
                revision REV, interleaved with the rest (before/after
                comparisons in the same run)
"""

import argparse
import contextlib
import glob
import importlib.util
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORKLOAD_DIR = os.path.join(HERE, "workloads")
WORKLOADS = ["fib", "oo", "loops", "orders", "aio", "threads"]
TOOLS = ["none", "setprofile", "c-empty", "c-store", "c-vector", "cprofile", "yappi",
         "viztracer", "pyinstrument", "py-spy", "tc-all", "tc-tracked",
         "tc-sample", "tc-base", "tc-sample-base"]
PEERS = ["yappi", "viztracer", "pyinstrument"]
TC_TOOLS = ("tc-all", "tc-tracked", "tc-sample", "tc-base", "tc-sample-base")
BASE_TOOLS = ("tc-base", "tc-sample-base")   # built from --baseline REV


# ---------------------------------------------------------------------------
# The worker: one (tool, workload) run in this fresh process.

def load_workload(name):
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(WORKLOAD_DIR, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _monitoring_on(callback):
    mon = sys.monitoring
    E = mon.events
    events = (E.PY_START, E.PY_RESUME, E.PY_THROW, E.PY_RETURN, E.PY_YIELD,
              E.PY_UNWIND)
    mon.use_tool_id(3, "bench-floor")
    for ev in events:
        mon.register_callback(3, ev, callback)
    mask = 0
    for ev in events:
        mask |= ev
    mon.set_events(3, mask)


def _monitoring_off():
    sys.monitoring.set_events(3, 0)
    sys.monitoring.free_tool_id(3)


def start_tool(tool, wl_path, out_dir, n_calls, save=True):
    """Start tracing; returns a function that stops it and saves the
    result (timed as part of the end-to-end figure), returning the path of
    what it saved or None.  save=False skips writing viztracer's JSON (its
    save takes many times the run: it is timed once per workload)."""
    import threading
    if tool == "none" or tool == "py-spy":
        return lambda: None
    if tool == "setprofile":
        def cb(frame, event, arg):
            return None
        threading.setprofile(cb)
        sys.setprofile(cb)

        def stop():
            sys.setprofile(None)
            threading.setprofile(None)
        return stop
    if tool in ("c-empty", "c-store", "c-vector"):
        import _tc_bench_hook as hook
        store = tool == "c-store"
        if tool == "c-vector" and sys.version_info < (3, 12):
            raise SystemExit("c-vector: sys.monitoring (3.12+) only")
        if sys.version_info >= (3, 12):
            _monitoring_on(hook.vec_store if tool == "c-vector"
                           else hook.mon_store if store else hook.mon_empty)
            return _monitoring_off
        hook.set_profile(store)
        threading.setprofile(hook.trampoline)

        def stop():
            hook.unset_profile()
            threading.setprofile(None)
        return stop
    if tool == "cprofile":
        import cProfile
        prof = cProfile.Profile()
        prof.enable()
        # cProfile follows the calling thread only (as the peers' users get it).

        def stop():
            prof.disable()
            path = os.path.join(out_dir, "out.pstat")
            prof.dump_stats(path)
            return path
        return stop
    if tool == "yappi":
        import yappi
        yappi.set_clock_type("wall")
        yappi.start()

        def stop():
            yappi.stop()
            path = os.path.join(out_dir, "out.pstat")
            yappi.get_func_stats().save(path, type="pstat")
            return path
        return stop
    if tool == "viztracer":
        from viztracer import VizTracer
        # Room for every event (its default ring of 1 M drops the oldest).
        tracer = VizTracer(tracer_entries=max(1_000_000, 3 * n_calls + 100_000),
                           verbose=0)
        tracer.start()

        def stop():
            tracer.stop()
            if not save:
                return None
            path = os.path.join(out_dir, "out.json")
            tracer.save(path)
            return path
        return stop
    if tool == "pyinstrument":
        from pyinstrument import Profiler
        prof = Profiler(interval=0.001)
        prof.start()

        def stop():
            session = prof.stop()
            path = os.path.join(out_dir, "out.pyisession")
            session.save(path)
            return path
        return stop
    if tool in TC_TOOLS:
        import timecapsule as tc
        path = os.path.join(out_dir, "out.tc")
        # The workload is the user's code: tracked (locals, aggregates,
        # return values), as the recording script is.  calls="tracked" then
        # only drops the calls into the standard library.
        kwargs = {"output": path, "warn": False, "every": 1.0,
                  "include_files": [wl_path]}
        if tool == "tc-tracked":
            kwargs.update(calls="tracked")
        if tool in ("tc-sample", "tc-sample-base"):
            kwargs.update(mode="sample", sample_rate_hz=1000)
        with contextlib.redirect_stdout(io.StringIO()):
            tc.record(**kwargs)

        def stop():
            with contextlib.redirect_stdout(io.StringIO()):
                tc.stop()
            return path
        return stop
    raise SystemExit("unknown tool " + tool)


def count_calls(mod, size):
    """Python calls (call events, generator resumes included) and C calls."""
    import threading
    counts = {"call": 0, "c_call": 0}

    def cb(frame, event, arg):
        if event in counts:
            counts[event] += 1
    threading.setprofile(cb)
    sys.setprofile(cb)
    mod.run(size)
    sys.setprofile(None)
    threading.setprofile(None)
    return counts["call"], counts["c_call"]


def prepared_workload(tool, workload, size_name):
    """The workload module, warmed up, and its size; the tool imported."""
    mod = load_workload(workload)
    size = int(size_name) if size_name.isdigit() else mod.SIZES[size_name]
    mod.run(max(1, size // 20))     # warm-up: imports, specialisation
    # The tool's import is not part of its end-to-end time (start, run,
    # stop, save): a real program imports it once.
    for name in {"cprofile": ["cProfile"], "yappi": ["yappi"],
                 "viztracer": ["viztracer"], "pyinstrument": ["pyinstrument"],
                 "c-empty": ["_tc_bench_hook"], "c-store": ["_tc_bench_hook"],
                 "c-vector": ["_tc_bench_hook"]}.get(
                     tool, ["timecapsule"] if tool in TC_TOOLS else []):
        importlib.import_module(name)
    return mod, size


def worker(tool, workload, size_name, n_calls, save):
    if tool == "count":
        mod = load_workload(workload)
        size = int(size_name) if size_name.isdigit() else mod.SIZES[size_name]
        py_calls, c_calls = count_calls(mod, size)
        print(json.dumps({"py_calls": py_calls, "c_calls": c_calls}))
        return
    mod, size = prepared_workload(tool, workload, size_name)
    out_dir = tempfile.mkdtemp(prefix="tc-bench-")
    try:
        t0 = time.perf_counter()
        stop = start_tool(tool, mod.__file__, out_dir, n_calls, save)
        t1 = time.perf_counter()
        cg = None
        if os.environ.get("TC_BENCH_CALLGRIND"):
            import _tc_bench_hook as cg
            cg.cg_toggle()
        c1, p1 = time.thread_time(), time.process_time()
        mod.run(size)
        c2, p2 = time.thread_time(), time.process_time()
        if cg is not None:
            cg.cg_toggle()
        t2 = time.perf_counter()
        saved = stop()
        t3 = time.perf_counter()
        # CPU time as well as wall time: on a loaded machine a run's wall
        # time mostly measures how long it waited for a core.  The main
        # thread's CPU time leaves out a tracer's own background threads
        # (they run on another core of an idle machine), the process's
        # includes them and the workload's own threads.
        res = {"run_s": t2 - t1, "cpu_s": c2 - c1, "pcpu_s": p2 - p1}
        if save:
            res["e2e_s"] = t3 - t0
        if saved and os.path.exists(saved):
            res["bytes"] = os.path.getsize(saved)
        print(json.dumps(res))
        if tool in TC_TOOLS and os.environ.get("TC_BENCH_KEEP"):
            shutil.copy(saved, os.environ["TC_BENCH_KEEP"])
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


# ---------------------------------------------------------------------------
# The driver.

def interpreters(selected):
    found = []
    for py in sorted(glob.glob("/root/.pyenv/versions/3.*/bin/python3")
                     + glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3"))):
        ver = py.split("/versions/")[1].split("/")[0]
        major_minor = ".".join(ver.split(".")[:2])
        if tuple(int(x) for x in major_minor.split(".")) < (3, 8):
            continue
        if any(f[0] == major_minor for f in found):
            continue
        found.append((major_minor, os.path.realpath(py)))
    if selected:
        found = [f for f in found if f[0] in selected]
    return found


def build_stage(name, python, build_dir):
    """timecapsule._recorder (the tests' helper, not a second copy of it) and
    the floor hooks, compiled for this interpreter."""
    spec = importlib.util.spec_from_file_location(
        "tc_run_tests", os.path.join(ROOT, "tests", "recorder", "run-tests.py"))
    run_tests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_tests)
    stage = os.path.join(build_dir, "stage-" + name)
    libfmt = os.path.join(build_dir, "recorder", "format", "libtc_format.a")
    if not os.path.exists(libfmt):
        raise SystemExit("%s missing: build first (/usr/bin/meson setup %s "
                         "-Dbuildtype=release && ninja -C %s)" % (libfmt, build_dir, build_dir))
    # A stale format library links but fails at import with an undefined
    # symbol once the recorder calls a newer libtc-format function.
    subprocess.check_call(["ninja", "-C", build_dir, "recorder/format/libtc_format.a"],
                          stdout=subprocess.DEVNULL)
    run_tests.build_extension(python, ROOT, stage, libfmt)
    include = run_tests.query(python, "import sysconfig; print(sysconfig.get_paths()['include'])")
    suffix = run_tests.query(python, "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")
    src = os.path.join(HERE, "tc-bench-hook.c")
    out = os.path.join(stage, "_tc_bench_hook" + suffix)
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.check_call([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-O2",
                               "-Wall", "-Wno-unused-parameter",
                               "-Wno-missing-field-initializers",
                               "-I" + include, src, "-o", out])
    return stage


def build_baseline_stage(name, python, build_dir, rev):
    """timecapsule._recorder as it was at git revision `rev`: its recorder/
    tree (format library included) compiled into one extension, next to
    copies of that revision's package files."""
    sha = subprocess.check_output(["git", "-C", ROOT, "rev-parse", "--short", rev],
                                  text=True).strip()
    src = os.path.join(build_dir, "baseline-" + sha)
    if not os.path.isdir(src):
        os.makedirs(src + ".tmp", exist_ok=True)
        archive = subprocess.Popen(["git", "-C", ROOT, "archive", sha, "recorder"],
                                   stdout=subprocess.PIPE)
        subprocess.check_call(["tar", "-x", "-C", src + ".tmp"], stdin=archive.stdout)
        archive.wait()
        os.replace(src + ".tmp", src)
    stage = os.path.join(build_dir, "stage-base-%s-%s" % (sha, name))
    pkg = os.path.join(stage, "timecapsule")
    include = subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['include'])"],
        text=True).strip()
    suffix = subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"],
        text=True).strip()
    out = os.path.join(pkg, "_recorder" + suffix)
    if os.path.exists(out):
        return stage
    os.makedirs(pkg, exist_ok=True)
    for py_file in glob.glob(os.path.join(src, "recorder", "timecapsule", "*.py")):
        shutil.copy(py_file, pkg)
    sources = sorted(glob.glob(os.path.join(src, "recorder", "tc-recorder*.c"))
                     + glob.glob(os.path.join(src, "recorder", "format", "*.c")))
    subprocess.check_call(
        [os.environ.get("CC", "cc"), "-shared", "-fPIC", "-O2", "-std=gnu17",
         "-D_GNU_SOURCE", "-w", "-I" + include, "-I" + os.path.join(src, "recorder"),
         "-I" + os.path.join(src, "recorder", "format")] + sources
        + ["-lz", "-ldl", "-lpthread", "-o", out])
    return stage


def bench_env(py, stage, build_dir):
    """The workers' environment.  Bytecode is cached, in BUILD/pycache (not
    next to the sources), and compiled here once: a real program imports an
    installed package from its .pyc files, so a module that record() or
    stop() imports late must not be compiled inside the timed window."""
    env = dict(os.environ, PYTHONPATH=stage,
               PYTHONPYCACHEPREFIX=os.path.join(build_dir, "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for path in stage.split(os.pathsep) + [WORKLOAD_DIR]:
        subprocess.call([py, "-m", "compileall", "-q", path], env=env,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return env


def tool_available(tool, py, env, version):
    if tool in PEERS:
        return subprocess.call([py, "-c", "import " + tool], env=env,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL) == 0
    if tool == "py-spy":
        return py_spy_path(py) is not None
    return True


def py_spy_path(py):
    # A static binary: the one pip put in any of the bench venvs will do.
    for cand in [os.path.join(os.path.dirname(py), "py-spy")] + sorted(
            glob.glob(os.path.join(ROOT, "build-bench", "venv-*", "bin", "py-spy"))):
        if os.path.exists(cand):
            return cand
    return shutil.which("py-spy")


def run_one(py, tool, workload, size, n_calls, env, save=True):
    cmd = [py, os.path.abspath(__file__), "--worker", tool, workload, size,
           str(n_calls), "1" if save else "0"]
    if tool == "py-spy":
        raw = tempfile.mktemp(prefix="tc-bench-pyspy-", suffix=".txt")
        cmd = [py_spy_path(py), "record", "--rate", "1000", "--format", "raw",
               "--subprocesses", "--output", raw, "--"] + cmd
    res = subprocess.run(cmd, capture_output=True, text=True, env=env,
                         timeout=600)
    if tool == "py-spy" and os.path.exists(raw):
        os.unlink(raw)
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        return None, (res.stderr or res.stdout).strip()[-300:]
    return json.loads(lines[-1]), None


def recorded_events(path, tc_dump):
    """Size of a kept .tc and the events in it (the END frame's count)."""
    if not path or not os.path.exists(path):
        return None
    n_events = None
    if tc_dump and os.path.exists(tc_dump):
        proc = subprocess.Popen([tc_dump, path], stdout=subprocess.PIPE, text=True)
        for line in proc.stdout:
            if '"type":"end"' in line:
                n_events = json.loads(line).get("n_events")
        proc.wait()
    size_b = os.path.getsize(path)
    os.unlink(path)
    return {"bytes": size_b, "n_events": n_events}


# Instructions per call under callgrind: the one figure the machine's load
# cannot disturb.  Only the workload's run is counted (callgrind's collection
# is switched on around it), and two sizes of the same workload are run and
# subtracted, so the warm-up and the tool's fixed costs cancel out.  "all
# threads" counts what the tool's background threads did during the run
# (timecapsule's compression, as far as it kept up), "main thread" what the
# program's own thread paid.
INSTR_SIZES = {"fib": ("15", "19"), "oo": ("200", "1000"), "orders": ("100", "400")}


def callgrind_instructions(py, tool, workload, size, env, keep=None):
    """(all threads, main thread) instructions of one run; `keep`: where to
    copy the main thread's profile (for callgrind_annotate)."""
    out_dir = tempfile.mkdtemp(prefix="tc-bench-cg-")
    try:
        env = dict(env, TC_BENCH_CALLGRIND="1")
        cmd = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
               "--collect-atstart=no",
               "--callgrind-out-file=" + os.path.join(out_dir, "cg.out"),
               py, os.path.abspath(__file__), "--worker", tool, workload, size, "0", "1"]
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
        total = None
        for line in res.stderr.splitlines():
            if "Collected :" in line:
                total = int(line.split(":")[-1])
        main = None
        for path in glob.glob(os.path.join(out_dir, "cg.out*")):
            # callgrind names the first thread's file "…-01".
            if path.endswith("-01"):
                with open(path) as f:
                    for line in f:
                        if line.startswith("summary:") or line.startswith("totals:"):
                            main = int(line.split()[1])
                if keep:
                    shutil.copy(path, keep)
        return total, main
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def earlier_figures(json_path):
    """A figures file written before (other interpreters' figures stay)."""
    if not os.path.exists(json_path):
        return {}
    with open(json_path) as f:
        return json.load(f)


def staged_interpreters(opts, build_dir):
    """(name, python, env, env of --baseline's build or None) for each
    selected interpreter, its stage built; python: the venv's when there
    is one (the peers are installed there)."""
    for name, base_py in interpreters(opts.python):
        stage = build_stage(name, base_py, build_dir)
        env = bench_env(base_py, stage, build_dir)
        base_env = None
        if opts.baseline:
            base_env = bench_env(base_py, build_baseline_stage(
                name, base_py, build_dir, opts.baseline) + os.pathsep + stage, build_dir)
        venv_py = os.path.join(build_dir, "venv-" + name, "bin", "python")
        yield name, venv_py if os.path.exists(venv_py) else base_py, env, base_env


def main_instructions(opts):
    build_dir = os.path.abspath(opts.build_dir)
    tools = opts.tool or ["none", "c-empty", "c-store", "cprofile", "tc-all",
                          "tc-tracked"]
    json_path = os.path.join(build_dir, "bench-instructions.json")
    out = earlier_figures(json_path)
    for name, py, env, base_env in staged_interpreters(opts, build_dir):
        out.setdefault(name, {})
        for workload in (opts.workload or list(INSTR_SIZES)):
            small, big = INSTR_SIZES[workload]
            calls = []
            for size in (small, big):
                cnt, _ = run_one(py, "count", workload, size, 0, env)
                calls.append(cnt["py_calls"])
            row = {}
            main_row = {}
            for tool in tools + (["tc-base"] if base_env else []):
                if tool == "py-spy" or (tool != "tc-base"
                                        and not tool_available(tool, py, env, None)):
                    continue
                run_env = base_env if tool == "tc-base" else env
                a, a_main = callgrind_instructions(py, tool, workload, small, run_env)
                b, b_main = callgrind_instructions(py, tool, workload, big, run_env)
                if a is not None and b is not None:
                    row[tool] = (b - a) / (calls[1] - calls[0])
                if a_main is not None and b_main is not None:
                    main_row[tool] = (b_main - a_main) / (calls[1] - calls[0])
            out[name][workload] = row
            if main_row:
                out[name][workload + ":main-thread"] = main_row
            for label, r in (("all threads", row), ("main thread", main_row)):
                base = r.get("none")
                print("Python %s %s: instructions per Python call (%s): %s" % (
                    name, workload, label, "  ".join(
                        "%s %.0f (+%.0f)" % (t, v, v - base) if base else "%s %.0f" % (t, v)
                        for t, v in r.items())), flush=True)
            with open(json_path, "w") as f:
                json.dump(out, f, indent=1)
    return 0


# The timed window itself under callgrind: the main thread's instructions
# during the workload's run at its full size, one-off costs included (each
# code interned, each stored return value, each control-flow analysis), as a
# ratio to the untraced run.  --instructions subtracts two sizes, so those
# costs cancel there; a 0.15 s program pays them in full.
def main_window(opts):
    build_dir = os.path.abspath(opts.build_dir)
    keep_dir = opts.keep_profiles
    if keep_dir:
        os.makedirs(keep_dir, exist_ok=True)
    for name, base_py in interpreters(opts.python):
        stage = build_stage(name, base_py, build_dir)
        env = bench_env(base_py, stage, build_dir)
        builds = [("none", env), ("tc-all", env)]
        if opts.baseline:
            builds.append(("tc-base", bench_env(base_py, build_baseline_stage(
                name, base_py, build_dir, opts.baseline) + os.pathsep + stage,
                build_dir)))
        for workload in (opts.workload or ["orders"]):
            size = str(load_workload(workload).SIZES["full"])
            counts = {}
            for tool, run_env in builds:
                keep = (os.path.join(keep_dir, "cg-%s-%s-%s.out" % (name, workload, tool))
                        if keep_dir else None)
                counts[tool] = callgrind_instructions(base_py, tool, workload, size,
                                                      run_env, keep)[1]
            base = counts.get("none")
            print("Python %s %s %s (main thread, timed window): %s" % (
                name, workload, size, "  ".join(
                    "%s %.1f M%s" % (t, v / 1e6, " (%.3fx)" % (v / base)
                                     if base and t != "none" else "")
                    for t, v in counts.items() if v is not None)), flush=True)
    return 0


# What one sample costs the sampled program, in instructions: callgrind
# counts the main thread's instructions during the workload's run with and
# without mode="sample", and how often the tick (pending_tick, the pending
# call the main thread runs) ran in that window.  Under valgrind the threads
# take turns, so the sampler ticks about once per few million instructions
# of the program, not at 1 kHz: what counts is the number of ticks.  Two
# sizes are run and subtracted, so the one-off costs (interning the codes
# of the stack, the first batch) cancel out.  The overhead at 1 kHz on this
# machine is then 1000 x instructions per tick / the untraced program's
# instructions per second (its callgrind count over its CPU time in native
# runs here, median of a few).
SAMPLE_COST_SIZES = {"fib": ("25", "30"), "oo": ("2000", "20000"), "orders": ("500", "3000")}


def callgrind_calls(path, name):
    """(calls, inclusive instructions) of function `name` in one callgrind
    output file, summed over its call sites."""
    names = {}
    calls = incl = 0
    target = None
    pending = None
    with open(path) as f:
        for line in f:
            if line.startswith(("fn=", "cfn=")):
                key, _, rest = line.rstrip("\n").partition("=")
                ident, _, label = rest.partition(" ")
                if label:
                    names[ident] = label
                if key == "cfn":
                    target = names.get(ident, ident)
                continue
            if line.startswith("calls="):
                pending = int(line.split("=", 1)[1].split()[0]) if target == name else None
                continue
            if pending is not None:
                calls += pending
                incl += int(line.split()[1])
                pending = None
    return calls, incl


def sample_cost_run(py, tool, workload, size, env, tc_dump):
    """Main-thread instructions of one callgrind run, the ticks run in its
    window and their inclusive instructions, and the samples written."""
    out_dir = tempfile.mkdtemp(prefix="tc-bench-cg-")
    try:
        keep = os.path.join(out_dir, "out.tc")
        run_env = dict(env, TC_BENCH_CALLGRIND="1", TC_BENCH_KEEP=keep)
        cmd = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
               "--collect-atstart=no", "--fair-sched=yes",
               "--callgrind-out-file=" + os.path.join(out_dir, "cg.out"),
               py, os.path.abspath(__file__), "--worker", tool, workload, size, "0", "1"]
        subprocess.run(cmd, capture_output=True, text=True, env=run_env)
        res = {}
        main = os.path.join(out_dir, "cg.out-01")
        if os.path.exists(main):
            with open(main) as f:
                for line in f:
                    if line.startswith(("summary:", "totals:")):
                        res["main"] = int(line.split()[1])
            res["ticks"], res["tick_instr"] = callgrind_calls(main, "pending_tick")
        if os.path.exists(keep):
            res["samples"], res["frames"] = count_samples(keep, tc_dump)
        return res
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def count_samples(path, tc_dump):
    """Stack samples in a .tc file (every thread) and their frames."""
    n = frames = 0
    proc = subprocess.Popen([tc_dump, path], stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if '"type":"samples"' in line:
            for s in json.loads(line)["samples"]:
                n += 1
                frames += len(s["stack"])
    proc.wait()
    return n, frames


def main_sample_cost(opts):
    build_dir = os.path.abspath(opts.build_dir)
    tc_dump = os.path.join(build_dir, "tests", "recorder", "tc-dump")
    json_path = os.path.join(build_dir, "bench-sample-cost.json")
    out = earlier_figures(json_path)
    for name, base_py in interpreters(opts.python):
        stage = build_stage(name, base_py, build_dir)
        env = bench_env(base_py, stage, build_dir)
        builds = [("tc-sample", env)]
        if opts.baseline:
            builds.append(("tc-sample@" + opts.baseline, bench_env(
                base_py, build_baseline_stage(name, base_py, build_dir, opts.baseline)
                + os.pathsep + stage, build_dir)))
        rows = out.setdefault(name, {})
        for workload in (opts.workload or ["fib"]):
            small, big = SAMPLE_COST_SIZES[workload]
            none = [sample_cost_run(base_py, "none", workload, size, env, tc_dump)
                    for size in (small, big)]
            cpu = []
            for _ in range(opts.rounds or 5):
                r, err = run_one(base_py, "none", workload, big, 0, env)
                if r is None:
                    raise SystemExit(err)
                cpu.append(r["cpu_s"])
            ips = none[1]["main"] / statistics.median(cpu)
            for label, run_env in builds:
                runs = [sample_cost_run(base_py, "tc-sample", workload, size, run_env,
                                        tc_dump) for size in (small, big)]
                row = {"sizes": [small, big], "untraced": none, "traced": runs,
                       "untraced_cpu_s": statistics.median(cpu), "instr_per_s": ips,
                       "load": os.getloadavg()[0]}
                try:
                    ticks = runs[1]["ticks"] - runs[0]["ticks"]
                    extra = [runs[i]["main"] - none[i]["main"] for i in (0, 1)]
                    row["per_tick"] = (extra[1] - extra[0]) / ticks
                    row["per_tick_in_call"] = (runs[1]["tick_instr"]
                                               - runs[0]["tick_instr"]) / ticks
                    row["frames_per_sample"] = runs[1]["frames"] / runs[1]["samples"]
                    row["overhead_1khz"] = 1000 * row["per_tick"] / ips
                except (KeyError, TypeError, ZeroDivisionError) as exc:
                    print("Python %s %s %s: no result (%r) %r" % (
                        name, workload, label, exc, runs), flush=True)
                    continue
                rows[workload + ":" + label] = row
                print("Python %s %s %s: %d more ticks in %s than in %s; per tick %.0f "
                      "instructions on the main thread (%.0f in pending_tick), %.1f frames "
                      "a sample; untraced %.2fG instructions/s => %.3f %% at 1 kHz "
                      "(load %.1f)" % (
                          name, workload, label, ticks, big, small, row["per_tick"],
                          row["per_tick_in_call"], row["frames_per_sample"], ips / 1e9,
                          100 * row["overhead_1khz"], row["load"]), flush=True)
                with open(json_path, "w") as f:
                    json.dump(out, f, indent=1)
    sys.path.insert(0, HERE)
    import bench_doc
    print("\n" + bench_doc.sample_cost_table(out))
    return 0


def main_driver(opts):
    build_dir = os.path.abspath(opts.build_dir)
    size = "quick" if opts.quick else "full"
    rounds = opts.rounds or (3 if opts.quick else 5)
    tc_dump = os.path.join(build_dir, "tests", "recorder", "tc-dump")
    results = {"size": size, "rounds": rounds, "machine": machine(),
               "interpreters": {}}
    if os.path.exists(opts.json) and opts.merge:
        with open(opts.json) as f:
            results = json.load(f)
        results.update(size=size, rounds=rounds, machine=machine())
    for name, base_py in interpreters(opts.python):
        venv_py = os.path.join(build_dir, "venv-" + name, "bin", "python")
        py = venv_py if os.path.exists(venv_py) else base_py
        stage = build_stage(name, base_py, build_dir)
        env = bench_env(base_py, stage, build_dir)
        version = subprocess.check_output(
            [py, "-c", "import sys; print(sys.version.split()[0])"], text=True).strip()
        tools = [t for t in (opts.tool or TOOLS) if t == "none" or
                 (t not in BASE_TOOLS and tool_available(t, py, env, version))]
        if "none" not in tools:
            tools.insert(0, "none")
        base_env = None
        if opts.baseline:
            base_env = bench_env(base_py, build_baseline_stage(
                name, base_py, build_dir, opts.baseline) + os.pathsep + stage, build_dir)
            # tc-base compares full mode; a sample-mode run only needs
            # tc-sample-base.
            full = {"tc-all", "tc-tracked"} & set(tools)
            if full or "tc-sample" not in tools or "tc-base" in (opts.tool or []):
                tools.append("tc-base")
            if "tc-sample" in tools:
                tools.append("tc-sample-base")
        missing = [t for t in (opts.tool or TOOLS) if t not in tools and t not in BASE_TOOLS]
        entry = {"version": version, "python": py, "missing": missing,
                 "workloads": {}}
        results["interpreters"][name] = entry
        print("\nPython %s (%s); tools: %s%s" % (
            version, py, " ".join(tools),
            ("; not available: " + " ".join(missing)) if missing else ""), flush=True)
        for workload in (opts.workload or WORKLOADS):
            cnt, err = run_one(py, "count", workload, size, 0, env)
            if cnt is None:
                print("  %s: cannot count calls: %s" % (workload, err))
                continue
            n_calls = cnt["py_calls"]
            runs = {t: [] for t in tools}
            errors = {}
            kept = {}
            for rnd in range(rounds):
                for tool in tools:
                    save = rnd == 0 or tool != "viztracer"
                    run_env = base_env if tool in BASE_TOOLS else env
                    if rnd == 0 and tool in TC_TOOLS:
                        kept[tool] = tempfile.mktemp(prefix="tc-bench-", suffix=".tc")
                        run_env = dict(run_env, TC_BENCH_KEEP=kept[tool])
                    r, err = run_one(py, tool, workload, size, n_calls, run_env, save)
                    if r is None:
                        errors[tool] = err
                    else:
                        runs[tool].append(r)
            wl = {"py_calls": n_calls, "c_calls": cnt["c_calls"], "runs": runs,
                  "threaded": workload == "threads",
                  "errors": errors, "tc_size": {}}
            for tool, path in kept.items():
                wl["tc_size"][tool] = recorded_events(path, tc_dump)
            entry["workloads"][workload] = wl
            print_workload(workload, wl, tools)
            with open(opts.json, "w") as f:
                json.dump(results, f, indent=1)
    if opts.scale:
        run_scale(opts, build_dir)
    if opts.write_doc:
        write_doc(results, build_dir)
    return 0


def main_paired(opts):
    """Overhead from pairs of runs in one process (bench/bench_paired.py)."""
    sys.path.insert(0, HERE)
    import bench_paired
    build_dir = os.path.abspath(opts.build_dir)
    size = "quick" if opts.quick else "full"
    rounds = opts.rounds or 3
    json_path = os.path.join(build_dir, "bench-paired.json")
    out = earlier_figures(json_path)
    for name, py, env, base_env in staged_interpreters(opts, build_dir):
        tools = [t for t in (opts.tool or bench_paired.PAIRED_TOOLS)
                 if t != "py-spy" and t not in BASE_TOOLS
                 and tool_available(t, py, env, None)]
        if base_env:
            tools.append("tc-base")
        out.setdefault(name, {})
        for workload in (opts.workload or ["fib", "oo", "orders"]):
            def one(tool):
                cmd = [py, os.path.abspath(__file__), "--paired-worker", tool,
                       workload, size, str(opts.pairs)]
                return bench_paired.worker_json(
                    cmd, base_env if tool in BASE_TOOLS else env)
            runs = bench_paired.run_cell(one, tools, rounds)
            out[name]["%s:%s" % (workload, size)] = {"size": size, "pairs": opts.pairs,
                                   "rounds": rounds, "runs": runs,
                                   "baseline": opts.baseline,
                                   "load": os.getloadavg()[0],
                                   "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
            print(bench_paired.format_cell(name, workload, runs), flush=True)
            with open(json_path, "w") as f:
                json.dump(out, f, indent=1)
    return 0


def run_scale(opts, build_dir):
    sys.path.insert(0, HERE)
    import bench_scale
    site = os.path.join(build_dir, "stage", "usr", "local", "lib",
                        "python%d.%d" % sys.version_info[:2], "site-packages")
    if not os.path.isdir(os.path.join(site, "timecapsule")):
        print("scale: %s missing, the CLI is not timed (run /usr/bin/meson install -C %s "
              "--destdir %s/stage)" % (site, build_dir, build_dir))
        site = None
    sizes = [int(x) for x in opts.scale_events.split(",")]
    scale = bench_scale.run(build_dir, sizes, site)
    with open(os.path.join(build_dir, "bench-scale.json"), "w") as f:
        json.dump(scale, f, indent=1)
    return scale


def write_doc(results, build_dir):
    """The overhead JSONs (quick and full), the paired figures, the scale
    and instruction JSONs (kept apart: each can be rerun)."""
    sys.path.insert(0, HERE)
    import bench_doc
    if results.get("size") == "full":
        full = results
        results = earlier_figures(os.path.join(build_dir, "bench-results.json")) or full
    else:
        full = earlier_figures(os.path.join(build_dir, "bench-results-full.json"))
    if full.get("interpreters") and full is not results:
        results["full"] = full
    paired = earlier_figures(os.path.join(build_dir, "bench-paired.json"))
    if paired:
        results["paired"] = paired
    scale = os.path.join(build_dir, "bench-scale.json")
    if os.path.exists(scale):
        with open(scale) as f:
            results["scale"] = json.load(f)
    instructions = os.path.join(build_dir, "bench-instructions.json")
    if os.path.exists(instructions):
        with open(instructions) as f:
            results["instructions"] = json.load(f)
    out = os.path.join(ROOT, "docs", "PERFORMANCE.md")
    bench_doc.write(results, out)
    print("wrote", out)


def print_workload(workload, wl, tools):
    sys.path.insert(0, HERE)
    from bench_doc import summarize
    print("  %s: %d Python calls, %d C calls" % (workload, wl["py_calls"], wl["c_calls"]))
    for tool in tools:
        s = summarize(wl, tool, "cpu")
        w = summarize(wl, tool, "wall")
        if s is None:
            print("    %-12s failed: %s" % (tool, wl["errors"].get(tool, "")[-160:]))
            continue
        print("    %-12s %7.3fs cpu %6.2fx (%.2f-%.2f) wall %6.2fx e2e %6.2fx %7.1f ns/call%s" % (
            tool, s["run_s"], s["ratio"], s["min"], s["max"], w["ratio"], s["e2e"] or 0,
            s["ns_per_call"] or 0,
            ("  %.2f B/event" % s["bytes_per_event"]) if "bytes_per_event" in s else ""),
            flush=True)


def machine():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = "%.1f GiB" % (int(f.readline().split()[1]) / 1048576)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem,
            "kernel": platform.release(), "os": _os_name(),
            "load": os.getloadavg()[0], "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def _os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def setup_venvs(build_dir, selected):
    """build-bench/venv-X.Y with the PyPI peers (what installs there)."""
    for name, py in interpreters(selected):
        venv = os.path.join(build_dir, "venv-" + name)
        if not os.path.exists(os.path.join(venv, "bin", "python")):
            subprocess.check_call([py, "-m", "venv", venv])
        for pkg in PEERS + ["py-spy"]:
            rc = subprocess.call([os.path.join(venv, "bin", "python"), "-m", "pip",
                                  "install", "-q", "--disable-pip-version-check",
                                  "--only-binary=:all:", pkg])
            print("%s %s: %s" % (name, pkg, "ok" if rc == 0 else "not installable"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="small sizes, 3 rounds (for iteration)")
    ap.add_argument("--rounds", type=int, help="interleaved rounds (default 3 quick, 5 full)")
    ap.add_argument("--python", action="append", metavar="X.Y",
                    help="only this interpreter (repeatable)")
    ap.add_argument("--workload", action="append", choices=WORKLOADS)
    ap.add_argument("--tool", action="append", choices=TOOLS)
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--json", default=None, help="raw results (default BUILD/bench-results.json)")
    ap.add_argument("--merge", action="store_true",
                    help="add to the existing JSON instead of replacing it")
    ap.add_argument("--no-doc", dest="write_doc", action="store_false",
                    help="do not rewrite docs/PERFORMANCE.md")
    ap.add_argument("--scale", action="store_true",
                    help="also time the analysis and the viewer on generated recordings")
    ap.add_argument("--scale-only", action="store_true",
                    help="only the scale figures (merged into the existing JSON)")
    ap.add_argument("--scale-events", default=None,
                    help="comma-separated event counts (default 10M quick, 10M,100M full)")
    ap.add_argument("--doc-only", action="store_true",
                    help="rewrite docs/PERFORMANCE.md from the existing JSON")
    ap.add_argument("--instructions", action="store_true",
                    help="instructions per call under valgrind's callgrind (noise-free)")
    ap.add_argument("--sample-cost", action="store_true",
                    help="instructions one sample of mode='sample' costs the program "
                    "(callgrind), and the overhead at 1 kHz they make on this machine")
    ap.add_argument("--window", action="store_true",
                    help="main-thread instructions in the timed window at full size, "
                    "one-off costs included (callgrind; default workload orders)")
    ap.add_argument("--keep-profiles", metavar="DIR",
                    help="with --window: keep each run's main-thread callgrind profile")
    ap.add_argument("--setup", action="store_true",
                    help="create build-bench/venv-X.Y with the PyPI peers, then exit")
    ap.add_argument("--baseline", metavar="REV",
                    help="also run tool tc-base: tc-all built from git revision REV "
                    "(and tc-sample-base with tool tc-sample)")
    ap.add_argument("--paired", action="store_true",
                    help="overhead from pairs of untraced/traced runs in one process "
                    "(steadier on a noisy machine; bench/bench_paired.py)")
    ap.add_argument("--pairs", type=int, default=31,
                    help="with --paired: pairs per process (default 31)")
    ap.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    ap.add_argument("--paired-worker", nargs=4, help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.paired_worker:
        sys.path.insert(0, HERE)
        import bench_paired
        tool, workload, size_name, pairs = opts.paired_worker
        mod, size = prepared_workload(tool, workload, size_name)
        bench_paired.worker(start_tool, mod, tool, size, int(pairs))
        return 0
    if opts.worker:
        worker(opts.worker[0], opts.worker[1], opts.worker[2], int(opts.worker[3]),
               opts.worker[4] == "1")
        return 0
    if opts.setup:
        setup_venvs(os.path.abspath(opts.build_dir), opts.python)
        return 0
    if opts.json is None:
        # The page shows a quick run of everything and a full-size run of the
        # targets' cells side by side: each keeps its own file.
        opts.json = os.path.join(os.path.abspath(opts.build_dir),
                                 "bench-results-full.json" if not opts.quick
                                 and not opts.doc_only and not opts.scale_only
                                 else "bench-results.json")
    if opts.scale_events is None:
        opts.scale_events = "10000000" if opts.quick else "10000000,100000000"
    build_dir = os.path.abspath(opts.build_dir)
    if opts.instructions:
        return main_instructions(opts)
    if opts.paired:
        return main_paired(opts)
    if opts.sample_cost:
        return main_sample_cost(opts)
    if opts.window:
        return main_window(opts)
    if opts.scale_only:
        run_scale(opts, build_dir)
    if opts.doc_only or opts.scale_only:
        if opts.write_doc and os.path.exists(opts.json):
            with open(opts.json) as f:
                write_doc(json.load(f), build_dir)
        return 0
    return main_driver(opts)


if __name__ == "__main__":
    sys.exit(main())
