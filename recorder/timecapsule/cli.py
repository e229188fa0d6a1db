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
--regression-check --heatmap --search --history --anomaly --watch --pdf.

examples:
  timecapsule                              report of the newest *.tc here
  timecapsule run train.py --epochs 3      record a script, then report it
  timecapsule demo.tc --full --export r.txt
  timecapsule before.tc --patch-summary after.tc
  timecapsule demo.tc --history loss
  timecapsule demo.tc --flamegraph --flame-format speedscope
  timecapsule demo.tc --baseline && timecapsule new.tc --regression-check
  timecapsule demo.tc --for-llm            summary to paste into an LLM (secrets redacted)

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
                    "anomalies, leaks, crashes, exports.",
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
    if o.summary:
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


def _error(message):
    sys.stderr.write("timecapsule: error: %s\n" % message)
    return 1


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "run":
        from ._run import main_run
        return main_run(argv[1:])
    if argv and argv[0] == "convert":
        from ._convert import main_convert
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
