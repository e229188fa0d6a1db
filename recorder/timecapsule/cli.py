# SPDX-License-Identifier: MIT
"""The ``timecapsule`` command (also ``python -m timecapsule``).

    timecapsule [FILE] [FILE2] [options]     analyse a recording (default: the report)
    timecapsule run [options] script.py ...  record a program without editing it
    timecapsule convert OLD.tc [NEW.tc]      convert a timecapsule 6 (gzip+pickle) file

Exit status: 0 success, 1 error or failed check, 2 usage error.
"""

import argparse
import os
import shutil
import subprocess
import sys

PROG = "timecapsule"

EPILOG = """\
With no option the full 15-section report is printed.  Only one action runs;
when several are given the first in this order wins: --speedtest --summary
--explain --baseline --diff-baseline --profile-report --callgraph --coverage
--loops --correlations --exception-chain --leak-check --deadcode --for-llm
--flamegraph --dump --tail --json --hotlines --patch-summary
--regression-check --heatmap --search --history --anomaly --watch --processes
--pdf.  A multi-process recording (NAME.tc with NAME.<pid>.tc beside it) is
reported as one: the report ends with its Processes section, and
--process PID runs any action on one process's file.

examples:
  timecapsule                              report of the newest *.tc here
  timecapsule run train.py --epochs 3      record a script, then report it
  timecapsule demo.tc --full --export r.txt
  timecapsule before.tc --patch-summary after.tc
  timecapsule demo.tc --history loss
  timecapsule demo.tc --flamegraph --flame-format speedscope
  timecapsule demo.tc --baseline && timecapsule new.tc --regression-check
  timecapsule demo.tc --for-llm            summary to paste into an LLM (secrets redacted)
  timecapsule run --subprocesses app.py    record app.py and its Python child processes
  timecapsule app.tc --process 4242        report one process of that recording

environment:
  XDG_STATE_HOME   baselines live in $XDG_STATE_HOME/timecapsule/baselines
  NO_COLOR         never print colour (colour is only used on a terminal)
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write("%s: error: %s\n" % (self.prog, message))
        sys.exit(2)


def build_parser():
    p = _Parser(
        prog=PROG,
        description="Analyse timecapsule recordings (.tc): report, timings, variables, "
                    "anomalies, leaks, crashes, exports.\n\n"
                    "subcommands:\n"
                    "  timecapsule run [OPTIONS] script.py [ARGS]   record a program without editing it\n"
                    "  timecapsule convert OLD.tc [NEW.tc]          convert a timecapsule 6 (gzip+pickle) file",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", nargs="?", help="recording (default: the newest *.tc in this directory)")
    p.add_argument("file2", nargs="?", help="second recording, for --patch-summary")

    out = p.add_argument_group("report")
    out.add_argument("--export", metavar="FILE", help="also write the text (without colour) to FILE")
    out.add_argument("--full", action="store_true", help="report: no row limits")
    out.add_argument("--top", metavar="N", type=int, default=15, help="rows per table (default 15)")
    out.add_argument("--width", metavar="COLS", type=int, help="text width (default: the terminal, at most 120)")

    act = p.add_argument_group("actions")
    act.add_argument("--summary", action="store_true", help="one-line summary")
    act.add_argument("--explain", action="store_true", help="what the program did, in sentences")
    act.add_argument("--dump", action="store_true", help="raw dump of every snapshot")
    act.add_argument("--callgraph", action="store_true", help="caller → callee tree with counts and times")
    act.add_argument("--coverage", action="store_true", help="line coverage of the recorded script")
    act.add_argument("--loops", action="store_true", help="stuck loops, tight loops, super-linear functions, recursion")
    act.add_argument("--correlations", action="store_true", help="Pearson correlations of numeric variables (by time)")
    act.add_argument("--exception-chain", action="store_true", help="how the crash's variables got their values")
    act.add_argument("--leak-check", action="store_true", help="RSS regression: leak or not")
    act.add_argument("--deadcode", action="store_true", help="functions defined but never called; hot functions")
    act.add_argument("--heatmap", nargs="?", const=True, metavar="VAR", help="numeric variables over time")
    act.add_argument("--search", metavar="QUERY", help="snapshots whose variables/labels/tags/metrics match")
    act.add_argument("--history", metavar="VAR", help="every value of a variable")
    act.add_argument("--anomaly", metavar="METRIC", help="z-score anomalies of a metric (|z| ≥ 2.5)")
    act.add_argument("--hotlines", action="store_true", help="most executed lines (uses --top)")
    act.add_argument("--watch", nargs="+", metavar="VAR", help="replay the changes of variables")
    act.add_argument("--tail", action="store_true", help="follow a recording that is still being written")
    act.add_argument("--processes", action="store_true",
                     help="the processes of a multi-process recording (run --subprocesses, forks)")
    act.add_argument("--process", metavar="PID", type=int,
                     help="apply the action to process PID of a multi-process recording")

    exp = p.add_argument_group("exports")
    exp.add_argument("--json", action="store_true", help="write <file>.json")
    exp.add_argument("--flamegraph", action="store_true", help="write a trace for Perfetto/chrome://tracing/speedscope")
    exp.add_argument("--flame-format", choices=("chrome", "speedscope", "collapsed"), default="chrome",
                     help="--flamegraph format (default chrome: Chrome Trace Event JSON)")
    exp.add_argument("-o", "--output", metavar="FILE", help="output file of --json/--flamegraph/--for-llm")
    exp.add_argument("--for-llm", "--for-claude", dest="for_llm", action="store_true",
                     help="plain-text summary for an LLM, secrets redacted")
    exp.add_argument("--pdf", metavar="OUT.pdf", help="the graphical report as PDF (needs timecapsule-viewer)")

    cmp_ = p.add_argument_group("comparing and CI")
    cmp_.add_argument("--patch-summary", action="store_true", help="what changed between FILE and FILE2")
    cmp_.add_argument("--baseline", action="store_true", help="save FILE as this project's baseline")
    cmp_.add_argument("--diff-baseline", action="store_true", help="compare FILE with the saved baseline")
    cmp_.add_argument("--regression-check", nargs="?", const=True, metavar="BASELINE.tc",
                      help="fail (exit 1) on crash, slowdown > 20%% or RAM growth > 50MB; "
                           "against BASELINE.tc or the saved baseline")
    cmp_.add_argument("--baseline-name", metavar="NAME", default="default", help="baseline entry (default 'default')")
    cmp_.add_argument("--project", metavar="NAME", help="baseline project (default: the script's name)")

    misc = p.add_argument_group("recorder")
    misc.add_argument("--speedtest", action="store_true", help="measure the recorder's capture cost")
    misc.add_argument("--profile-report", action="store_true", help="per-line profile of this process (tc.profile)")
    return p


def _usage_error(parser, message):
    parser.error(message)


def _fix_positionals(parser, opts):
    """`--heatmap demo.tc` / `--regression-check base.tc` given before the
    recording: an optional value that is the recording goes back to `file`."""
    for attr in ("heatmap",):
        value = getattr(opts, attr)
        if isinstance(value, str) and value.endswith(".tc") and opts.file is None and os.path.exists(value):
            opts.file = value
            setattr(opts, attr, True)
    return opts


def _watch(path, names):
    from . import analysis as A
    for name in names:
        rows = A._doc(path).history(name)
        if rows is None:
            raise KeyError(name)
        prev = None
        for t, _value, r, _ty, _chg, _fn in rows:
            if prev is not None and r != prev:
                print("t=%.4fs  %s:  %s → %s" % (t, name, prev[:20], r[:50]))
            prev = r


def _search(path, query):
    from . import analysis as A
    hits = A.search(path, query)
    print("[TC] '%s' → %d result(s)" % (query, len(hits)))
    q = query.strip().lower()
    for s in hits[:50]:
        label = "  [%s]" % s["label"] if s.get("label") else ""
        print("#%04d  t=%.4fs  [%s]  %s():%d%s" % (s["i"], s["t"], s["evt"], s["fn"], s["ln"], label))
        for k, v in s["loc"].items():
            if q in v["r"].lower() or q in k.lower():
                print("    %s = %s" % (k, v["r"][:60]))


def _history(path, name):
    from . import analysis as A
    rows = A._doc(path).history(name)
    if rows is None:
        raise KeyError(name)
    print("[TC] history of '%s'  (%d values)" % (name, len(rows)))
    for t, value, _r, _ty, changed, _fn in rows:
        print("%s  t=%.6fs  %s" % ("~" if changed else " ", t, repr(value)[:80]))


def _anomaly(path, metric):
    from . import analysis as A
    doc = A._doc(path)
    found, text = doc.anomalies(metric, 2.5, A._color())
    if not found:
        known = sorted(doc.to_dict(snaps=False, timings=False)["final_metrics"])
        if metric not in known:
            raise KeyError("metric %r (recorded: %s)" % (metric, ", ".join(known) or "none"))
    sys.stdout.write(text)


def _hotlines(path, top):
    from . import analysis as A
    rows = A.hotlines(path, top)
    if not rows and not A._doc(path).line_hits_counted:
        # First-hit line data (docs/FORMAT.md 5.15): no counts to rank.
        print("Hot lines: this recording knows which lines ran, not how often "
              "(see --coverage for the lines that ran, --timings for where the time went).")
        return
    print("Hot lines (%d):" % len(rows))
    for hits, f, ln in rows:
        print("  %8d  %s:%d" % (hits, f[-30:], ln))


def _pdf(path, out):
    viewer = shutil.which("timecapsule-viewer")
    if viewer is None:
        sys.stderr.write("timecapsule: --pdf needs the graphical viewer (timecapsule-viewer), "
                         "which is not installed; the text report is available with --export FILE\n")
        return 1
    return subprocess.call([viewer, "--export-pdf", out, path])


def _dispatch(parser, o):
    from . import analysis as A

    if o.speedtest:
        from ._profile import speedtest
        speedtest()
        return 0
    if o.profile_report and not any((o.summary, o.explain, o.baseline, o.diff_baseline)):
        from ._profile import profile_report
        profile_report(o.top)
        return 0

    path = o.file
    if o.process is not None:
        path = A.process_path(path, o.process)
        print("[TC] process %d: %s" % (o.process, path))
    if o.processes:
        A.processes(path, width=o.width, export=o.export)
    elif o.summary:
        A.summary(path)
    elif o.explain:
        A.explain(path, verbose=True)
    elif o.baseline:
        A.baseline(path, o.baseline_name, project=o.project)
    elif o.diff_baseline:
        # Like the seed: "no baseline" is reported, not a failure (use
        # --regression-check to gate CI).
        A.diff_baseline(path, o.baseline_name, project=o.project)
    elif o.callgraph:
        A.callgraph(path, export=o.export)
    elif o.coverage:
        A.coverage_report(path, export=o.export)
    elif o.loops:
        A.loop_detector(path)
    elif o.correlations:
        A.variable_correlations(path, export=o.export)
    elif o.exception_chain:
        A.exception_chain(path, export=o.export)
    elif o.leak_check:
        A.memory_leak_check(path)
    elif o.deadcode:
        A.deadcode(path)
    elif o.for_llm:
        A.export_for_llm(path, o.output)
    elif o.flamegraph:
        A.flamegraph(path, o.output, format=o.flame_format)
    elif o.dump:
        A.dump(path)
    elif o.tail:
        A.tail(path)
    elif o.json:
        A.export_json(path, o.output)
    elif o.hotlines:
        _hotlines(path, o.top)
    elif o.patch_summary:
        if not o.file or not o.file2:
            _usage_error(parser, "--patch-summary needs two recordings: BEFORE.tc AFTER.tc")
        A.patch_summary(o.file, o.file2, export=o.export)
    elif o.regression_check:
        base = o.regression_check if isinstance(o.regression_check, str) else None
        ok = A.regression_check(path, baseline_path=base, exit_code=False, name=o.baseline_name,
                                project=o.project)
        return 0 if ok else 1
    elif o.heatmap:
        A.heatmap(path, o.heatmap if isinstance(o.heatmap, str) else None)
    elif o.search is not None:
        _search(path, o.search)
    elif o.history:
        _history(path, o.history)
    elif o.anomaly:
        _anomaly(path, o.anomaly)
    elif o.watch:
        _watch(path, o.watch)
    elif o.pdf:
        return _pdf(path if path else A._latest(), o.pdf)
    else:
        A.report(path, export=o.export, full=o.full, top_n=o.top, width=o.width)
    return 0


# ---- convert: timecapsule 6 (gzip + pickle) → .tc ---------------------------

_SAFE_GLOBALS = {("builtins", n) for n in ("set", "frozenset", "complex", "bytearray")}
_SAFE_GLOBALS |= {("__builtin__", n) for n in ("set", "frozenset", "complex", "bytearray")}
_SAFE_GLOBALS.add(("_codecs", "encode"))  # how protocol 2 (the seed's nested pickles) stores bytes


def _restricted_loads(data):
    """pickle.loads that only builds plain builtin values: any other global
    (a class, a function: the code-execution vector) is refused."""
    import io
    import pickle

    class Restricted(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) in _SAFE_GLOBALS:
                return super().find_class(module, name)
            raise pickle.UnpicklingError("refusing to load %s.%s (only plain values are converted)" % (module, name))

    return Restricted(io.BytesIO(data)).load()


def _seed_to_spec(seed, ast):
    """Maps the seed dict (spec §5) onto write_recording's description."""
    ns = lambda t: max(0, int(round(float(t or 0) * 1e9)))  # noqa: E731
    files, codes, variables = {}, {}, {}

    def file_id(path):
        if path not in files:
            files[path] = len(files) + 1
        return files[path]

    def code_id(fn, path, line=0):
        key = (fn or "?", path or "")
        if key not in codes:
            codes[key] = (len(codes) + 1, file_id(path or ""), line)
        return codes[key][0]

    def var_id(code, name):
        if (code, name) not in variables:
            variables[(code, name)] = len(variables) + 1
        return variables[(code, name)]

    def value_of(entry):
        p = entry.get("p") if isinstance(entry, dict) else None
        if isinstance(p, (bytes, bytearray)) and p:
            try:
                v = _restricted_loads(bytes(p))
            except Exception:
                return None
            if isinstance(v, (int, float, str, bytes, bool, complex)) or v is None:
                return v
        return None

    def locals_of(code, loc):
        out = []
        for name, e in (loc or {}).items():
            if not isinstance(e, dict):
                continue
            flags = 1 if e.get("chg") else 0
            if name.startswith("__expr_"):
                name, flags = name[len("__expr_"):], flags | 2
            out.append((var_id(code, name), flags, str(e.get("r", "")), str(e.get("t", "")),
                        int(e.get("size") or 0), value_of(e)))
        return out

    metrics, counters = {}, {}
    snapshots = []
    kinds = {"SNAP": 3, "TIMER": 4, "CRASH": 5, "ASSERT_FAIL": 6, "CONDITION": 7, "BREAKPOINT": 10, "LINE": 11}
    base = {"i", "t", "wt", "evt", "fn", "ln", "file", "abs", "loc", "stk", "sys", "mets", "hits", "rec",
            "tags", "sid", "label", "async", "changed"}
    for s in seed.get("snaps") or []:
        evt = str(s.get("evt", ""))
        kind = 1 if evt == "SNAP:record_start" else 2 if evt == "SNAP:record_stop" else \
            8 if evt.startswith("TRACE:call") else 9 if evt.startswith("TRACE:return") else kinds.get(evt.split(":")[0], 3)
        code = code_id(s.get("fn"), s.get("abs"))
        stack = [(code_id(f.get("fn"), f.get("abs")), int(f.get("ln") or 0)) for f in s.get("stk") or []
                 if isinstance(f, dict)] or [(code, int(s.get("ln") or 0))]
        mets = []
        for k, v in (s.get("mets") or {}).items():
            metrics.setdefault(k, len(metrics) + 1)
            mets.append((metrics[k], v if isinstance(v, (int, float, str, bool)) else str(v)))
        sysv = []
        for k, v in (s.get("sys") or {}).items():
            if isinstance(v, (int, float)):
                counters.setdefault(k, len(counters) + 1)
                sysv.append((counters[k], float(v)))
        extras = [(k, str(v)) for k, v in s.items() if k not in base]
        snapshots.append((int(s.get("i") or 0), kind, ns(s.get("t")), evt, str(s.get("label") or ""),
                          [str(t) for t in s.get("tags") or []], extras, mets, sysv, stack,
                          locals_of(stack[0][0], s.get("loc"))))

    warnings = [(ns(w.get("t")), 2 if w.get("level") == "ERROR" else 1, str(w.get("code", "")),
                 str(w.get("msg", "")), str(w.get("var") or w.get("metric") or ""))
                for w in seed.get("warnings") or [] if isinstance(w, dict)]
    marks = []
    for name, values in (seed.get("block_timings") or {}).items():
        kind = 2 if str(name).startswith("checkpoint:") else 1
        short = str(name).split(":", 1)[-1]
        for v in values or []:
            marks.append((0, kind, ns(v), short))
    line_hits = {}
    for key, hits in (seed.get("line_hits") or {}).items():
        try:
            path, line = key if isinstance(key, tuple) else ast.literal_eval(key)  # never eval
        except (ValueError, SyntaxError, TypeError):
            continue
        line_hits.setdefault(file_id(str(path)), []).append((int(line), int(hits)))
    returns = [(ns(r.get("t")), code_id(r.get("fn"), ""), str(r.get("val", "")), str(r.get("type", "")))
               for r in seed.get("ret_vals") or [] if isinstance(r, dict)]
    crash = None
    c = seed.get("crash")
    if isinstance(c, dict):
        code = code_id(c.get("fn"), c.get("full_file"), 0)
        crash = (ns(c.get("t")), str(c.get("exc", "")), str(c.get("msg", "")), str(c.get("tb", "")),
                 [(code, int(c.get("ln") or 0), locals_of(code, c.get("loc")))])

    session = [("argv", str(a)) for a in seed.get("argv") or []]
    for key in ("src", "python", "platform", "pid", "mode", "session_id"):
        if seed.get(key) is not None:
            session.append((key, str(seed[key])))
    session.append(("backend", "seed %s (converted)" % seed.get("ver", "6.0")))
    for name, expr in (seed.get("watch_exprs") or {}).items():
        session.append(("watch_expr." + str(name), str(expr)))
    for name, value in (seed.get("final_metrics") or {}).items():
        session.append(("final_metric." + str(name), str(value)))
    sources = {}
    src = seed.get("src")
    if src and src in files and os.path.isfile(src):
        try:
            with open(src, encoding="utf-8") as f:
                sources[src] = f.read()
        except (OSError, UnicodeDecodeError):
            pass
    return {
        "session": session,
        "files": [(fid, path, sources.get(path)) for path, fid in files.items()],
        "codes": [(cid, fid, line, fn) for (fn, _p), (cid, fid, line) in codes.items()],
        "vars": [(vid, code, name) for (code, name), vid in variables.items()],
        "metrics": [(mid, name) for name, mid in metrics.items()],
        "counters": [(cid, name, "MB" if name.endswith("_mb") else "") for name, cid in counters.items()],
        "snapshots": snapshots, "warnings": warnings, "marks": marks,
        "line_hits": sorted(line_hits.items()), "returns": returns, "crash": crash,
    }


def main_convert(argv):
    """`timecapsule convert OLD.tc [NEW.tc]`: a seed recording to the new format."""
    import ast
    import gzip

    p = _Parser(prog=PROG + " convert",
                description="Convert a timecapsule 6 recording (gzip + pickle) to the current .tc format. "
                            "Only plain values are unpickled: a file that asks for anything else is refused.")
    p.add_argument("old", help="the old recording")
    p.add_argument("new", nargs="?", help="output (default: OLD with .converted.tc)")
    o = p.parse_args(argv)
    out = o.new or (o.old[:-3] if o.old.endswith(".tc") else o.old) + ".converted.tc"
    try:
        from . import _analysis
        with gzip.open(o.old, "rb") as f:
            raw = f.read()
        seed = _restricted_loads(raw)
        if not isinstance(seed, dict) or "snaps" not in seed:
            return _error("%s: not a timecapsule 6 recording" % o.old)
        spec = _seed_to_spec(seed, ast)
        _analysis.write_recording(out, spec, str(seed.get("session_id") or "") or None)
    except ImportError as exc:
        return _error("the analysis module is not available (%s)" % exc)
    except FileExistsError:
        return _error("%s exists; give another output name" % out)
    except (OSError, EOFError) as exc:
        return _error("%s: %s" % (o.old, exc))
    except Exception as exc:  # pickle.UnpicklingError and friends: one line, no traceback
        return _error("%s: cannot convert: %s" % (o.old, exc))
    n_timed = sum(len(v) for v in (seed.get("fn_timings") or {}).values())
    print("[TC] converted %s → %s  (%d snapshots%s)" % (
        o.old, out, len(spec["snapshots"]),
        ", %d call timings not converted: seed files have no call timestamps" % n_timed if n_timed else ""))
    return 0


def _error(message):
    sys.stderr.write("timecapsule: error: %s\n" % message)
    return 1


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "run":
        from ._run import main_run
        return main_run(argv[1:])
    if argv and argv[0] == "convert":
        return main_convert(argv[1:])

    parser = build_parser()
    # Positionals may come anywhere: `before.tc --patch-summary after.tc`.
    opts = parser.parse_intermixed_args(argv)
    _fix_positionals(parser, opts)
    if opts.file2 and not opts.patch_summary:
        _usage_error(parser, "a second recording is only used with --patch-summary")

    try:
        from . import analysis  # noqa: F401
    except ImportError as exc:
        return _error("the analysis module is not available (%s); build timecapsule with GLib" % exc)
    from . import _analysis

    try:
        return _dispatch(parser, opts)
    except FileNotFoundError as exc:
        return _error(str(exc))
    except KeyError as exc:
        return _error("unknown variable or metric: %s" % (exc.args[0] if exc.args else exc))
    except _analysis.Error as exc:
        return _error(str(exc))
    except BrokenPipeError:
        # `timecapsule x.tc | head`: the reader left; not an error.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except (OSError, ValueError) as exc:
        return _error(str(exc))
    except KeyboardInterrupt:
        return 130
