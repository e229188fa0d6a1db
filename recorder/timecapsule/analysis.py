# SPDX-License-Identifier: MIT
"""The analysis API of timecapsule 6 (spec §2), on the C analysis library.

Every function takes the path of a ``.tc`` recording (``None`` = the most
recent ``*.tc`` in the current directory) and runs the same C code as the
command line and the GTK viewer (``timecapsule._analysis``).  Functions that
print write to stdout, with colour only when stdout is a terminal.
"""

import glob
import os
import shutil
import sys
import time

from . import _analysis

__all__ = [
    "load", "summary", "explain", "history", "diff", "timings", "hotlines",
    "slowest", "rate", "anomalies", "search", "since", "replay", "memory_map",
    "export_json", "flamegraph", "report", "dump", "callgraph",
    "coverage_report", "memory_leak_check", "variable_correlations",
    "exception_chain", "loop_detector", "patch_summary", "export_for_claude",
    "export_for_llm", "regression_check", "baseline", "diff_baseline",
    "heatmap", "deadcode", "tail", "suggestions", "fix_checklist",
]
# processes() and process_path() (multi-process recordings) are reached as
# timecapsule.analysis.processes: the package's top level keeps the seed's API.

AnalysisError = _analysis.Error

_SEARCH_FIELDS = {
    "loc": _analysis.SEARCH_LOCALS, "label": _analysis.SEARCH_LABEL,
    "tags": _analysis.SEARCH_TAGS, "evt": _analysis.SEARCH_EVT,
    "fn": _analysis.SEARCH_FN, "mets": _analysis.SEARCH_METRICS,
}


# ---- plumbing -------------------------------------------------------------

def _color():
    """ANSI colour only on a terminal (and never with NO_COLOR or TERM=dumb)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _width(width=None):
    if width:
        return int(width)
    try:
        if sys.stdout.isatty():
            return min(shutil.get_terminal_size((100, 24)).columns, 120)
    except (AttributeError, ValueError):
        pass
    try:
        return min(int(os.environ.get("COLUMNS") or 100), 120)
    except ValueError:
        return 100


def _out(text):
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()


def _latest():
    # A multi-process run's children finish around the parent: the newest
    # recording is the newest parent, whose report lists its processes.
    # Which file is a child is the process set's naming rule, in C.
    found = sorted((p for p in glob.glob("*.tc") if not _analysis.process_set_is_child(p)),
                   key=os.path.getmtime, reverse=True) or \
        sorted(glob.glob("*.tc"), key=os.path.getmtime, reverse=True)
    if not found:
        raise FileNotFoundError("No .tc files found in current directory")
    print("[TC] loading: %s" % found[0])
    return found[0]


def _resolve(path):
    return _latest() if path is None else os.fspath(path)


_cache = {}


def _doc(path):
    """Load (or reuse) the document of `path`: one decode per file version,
    where the seed re-read the whole file up to four times per report."""
    path = _resolve(path)
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_mtime_ns, st.st_size)
    doc = _cache.get(key)
    if doc is None:
        doc = _analysis.load(path)
        if len(_cache) >= 4:
            _cache.pop(next(iter(_cache)))
        _cache[key] = doc
    return doc


def _export_text(text, export, what="report"):
    if export:
        with open(export, "w", encoding="utf-8") as f:
            f.write(_analysis.strip_ansi(text))
        print("[TC] %s exported → %s" % (what, export))


def _show(text, export=None, what="report"):
    _out(text)
    _export_text(text, export, what)


# ---- the 33 functions -------------------------------------------------------

def load(path=None):
    """The recording as the seed's dict (§5.2): ``d["snaps"]``, ``d["fn_timings"]``…

    ``d["line_hits"]`` maps ``(abs_path, line)`` (a tuple, not the seed's
    string) to the line's hits, and each snapshot's ``"hits"`` is its line's.
    They are counts for counted data (files of older recorders, converted
    seed files).  A recording made by this recorder knows which lines ran,
    not how often (first-hit data, ``SESSION line_hits=first``): its values
    are ``True`` (ran; lines that never ran are absent) and ``False``, never
    a count; ``True == 1``, so seed code that sums or sorts them still
    runs.  ``coverage_report()`` says the same in words."""
    return _doc(path).to_dict()


def summary(path=None):
    line = _doc(path).summary_line(_color())
    _out(line)
    return line


def explain(path=None, verbose=False):
    sentences, text = _doc(path).explain(bool(verbose), _color(), _width())
    _out(text)
    return " ".join(sentences)


def history(path, var_name):
    """``[(t, value)]`` with real values (one type per variable), one entry
    per capture.  ``var_name`` is ``"x"`` or, when several functions have an
    ``x``, ``"function.x"``."""
    rows = _doc(path).history(var_name)
    return [(t, value) for (t, value, _r, _ty, _c, _fn) in rows or []]


def diff(path, var_name):
    """``[(t, old_repr, new_repr)]`` at each change (first appearance excluded)."""
    rows = _doc(path).history(var_name) or []
    out = []
    for prev, cur in zip(rows, rows[1:]):
        if cur[2] != prev[2]:
            out.append((cur[0], prev[2], cur[2]))
    return out


def timings(path):
    stats = _doc(path).timings()
    keys = ("calls", "total_ms", "avg_ms", "p50_ms", "p95_ms", "p99_ms",
            "min_ms", "max_ms", "std_ms")
    result = {}
    for fn, s in sorted(stats.items(), key=lambda kv: -kv[1]["total_ms"]):
        result[fn] = {k: (s[k] if k == "calls" else round(s[k], 4)) for k in keys}
    return result


def hotlines(path, top_n=20):
    rows = sorted(((h, f, ln) for h, f, ln in _doc(path).hotlines()), reverse=True)
    return rows[:top_n]


def slowest(path, top_n=10):
    return _doc(path).slowest(int(top_n))


def rate(path):
    return _doc(path).rate()


def anomalies(path, metric_name, z_threshold=2.5):
    found, _text = _doc(path).anomalies(metric_name, float(z_threshold), False)
    return found


def search(path, query, fields=("loc", "label", "tags", "evt", "fn", "mets")):
    doc = _doc(path)
    mask = 0
    for f in fields:
        mask |= _SEARCH_FIELDS.get(f, 0)
    return [doc.snapshot(i) for i in doc.search(query or "", mask)]


def since(path, elapsed_s):
    return [s for s in load(path)["snaps"] if s["t"] >= elapsed_s]


def replay(path):
    for s in sorted(load(path)["snaps"], key=lambda s: s["t"]):
        yield s


def memory_map(path):
    return {k: {"avg_bytes": v["avg_bytes"], "max_bytes": v["max_bytes"], "n_seen": v["n_seen"]}
            for k, v in _doc(path).memory_map().items()}


def _default_out(path, suffix):
    base = path[:-3] if path.endswith(".tc") else path
    return base + suffix


def _kb(path):
    return os.path.getsize(path) / 1024.0


def export_json(path, out=None):
    path = _resolve(path)
    out = out or _default_out(path, ".json")
    _doc(path).export_json(out)
    print("[TC] JSON → %s (%.1fKB)" % (out, _kb(out)))
    return out


_FLAME_FORMATS = {
    "chrome": ("export_chrome", "_flame.json", "open in ui.perfetto.dev, chrome://tracing or speedscope.app"),
    "speedscope": ("export_speedscope", ".speedscope.json", "open in speedscope.app"),
    "collapsed": ("export_collapsed", ".folded", "feed to flamegraph.pl or inferno-flamegraph"),
}


def flamegraph(path, out=None, format="chrome"):
    """Chrome Trace Event JSON (real timestamps, one track per thread) by
    default; ``format="speedscope"`` or ``"collapsed"`` for those tools."""
    if format not in _FLAME_FORMATS:
        raise ValueError("unknown flame graph format %r (chrome, speedscope, collapsed)" % format)
    path = _resolve(path)
    method, suffix, hint = _FLAME_FORMATS[format]
    out = out or _default_out(path, suffix)
    getattr(_doc(path), method)(out)
    print("[TC] flame graph → %s (%.1fKB)  %s" % (out, _kb(out), hint))
    return out


def report(path=None, *, export=None, full=False, top_n=15, width=None):
    source = path if path is not None else "(latest .tc)"
    d = _doc(path)
    text = d.report(width=_width(width), color=_color(), top_n=int(top_n), full=bool(full),
                    source=os.fspath(source))
    members, section = _process_set(d.path, width)
    if len(members) > 1:
        text = text.rstrip("\n") + "\n" + section
    _out(text)
    if export:
        with open(export, "w", encoding="utf-8") as f:
            f.write(_analysis.strip_ansi(text))
        print("[TC] report exported → %s" % export)
    data = d.to_dict(snaps=False, timings=False)
    return {
        "src": data["src"], "duration": data["duration"], "n_snaps": data["n"],
        "crash": data["crash"], "warnings": data["warnings"], "fn_stats": timings(d.path),
        "all_vars": data["all_vars"], "ram_peak": data["ram_peak"],
    }


def _process_set(path, width=None):
    # Only a recording with children beside it is loaded as a set: a single
    # recording's report costs nothing more.
    if not _analysis.process_set_has_members(path):
        return [], ""
    return _analysis.process_set(path, _color(), _width(width))


def processes(path=None, *, width=None, export=None):
    """The processes of a multi-process recording (`run --subprocesses`,
    forked children): prints the Processes section and returns one dict per
    process (pid, parent_pid, role, depth, start, duration, calls, status,
    command, crash, path), the parent first."""
    path = _resolve(path)
    members, text = _analysis.process_set(path, _color(), _width(width))
    _out(text)
    if export:
        with open(export, "w", encoding="utf-8") as f:
            f.write(_analysis.strip_ansi(text))
    return members


def process_path(path, pid):
    """The file of process `pid` in the recording's process set."""
    path = _resolve(path)
    members, _ = _analysis.process_set(path, False, 100)
    for m in members:
        if m["pid"] == int(pid):
            return m["path"]
    raise ValueError("no process %s in %s (processes: %s)" % (
        pid, path, ", ".join(str(m["pid"]) for m in members)))


def dump(path=None, show_vars=True, show_sys=True, show_stack=False, show_warnings=True,
         show_timings=True, show_returns=False, show_blocks=True, max_snaps=None):
    _out(_doc(path).dump(show_vars=show_vars, show_sys=show_sys, show_stack=show_stack,
                         show_warnings=show_warnings, show_timings=show_timings,
                         show_returns=show_returns, show_blocks=show_blocks,
                         max_snaps=int(max_snaps or 0), color=_color()))


def callgraph(path=None, *, min_calls=1, export=None):
    graph, text = _doc(path).callgraph(int(min_calls), _color(), _width())
    _show(text, export, "callgraph")
    return graph


def coverage_report(path=None, *, source_path=None, export=None, file=None):
    """Prints the coverage of the recorded script (or ``file``) and returns
    ``{lineno: value}`` for every line of its source, like the text:

    - first-hit data (``SESSION line_hits=first``, every recording made by
      this recorder: it knows which lines ran, not how often):
      ``"ran"``, ``"never ran"``, ``"before recording"`` (ran before
      ``record()``, not judged) or ``None`` (not code: blank, comment,
      docstring, continuation line);
    - counted data (older files, converted seed recordings): the hit
      count, 0 for lines that never ran.

    One recording has one kind: ints, or strings and None."""
    lines, text = _doc(path).coverage(file, source_path, _color(), _width())
    _show(text, export, "coverage")
    return lines


def memory_leak_check(path=None, *, growth_threshold_mb=5.0):
    result, text = _doc(path).memory_leak(float(growth_threshold_mb), _color(), _width())
    _out(text)
    return result


def variable_correlations(path=None, *, min_r=0.7, export=None):
    pairs, text = _doc(path).correlations(float(min_r), _color(), _width())
    _show(text, export, "correlations")
    return pairs


def exception_chain(path=None, *, export=None):
    root, text = _doc(path).exception_chain(_color(), _width())
    _show(text, export, "exception chain")
    return root


def loop_detector(path=None):
    findings, text = _doc(path).loops(_color(), _width())
    _out(text)
    return findings


def suggestions(path=None):
    """The report's optimization suggestions: prints them, returns a list of
    {"tag", "severity", "text", "subject"} (subject: function or warning code)."""
    found, text = _doc(path).suggestions(_color(), _width())
    _out(text)
    return found


def async_activity(path=None, *, top_n=0, export=None):
    """The coroutines and async generators that ran (report section 12, from
    the events): prints the table, returns a list of dicts, longest running
    first: name, kind, started, ended (unwound: of those by an exception),
    suspended, resumed, running_ms (the sum of its run segments),
    segments_per_instance, first_t, last_t, and threads (the same per thread,
    with thread and thread_name).  Events name the code, not the instance:
    per-instance lifetimes are not known.  Reached as
    timecapsule.analysis.async_activity (not a seed function)."""
    found, text = _doc(path).async_activity(int(top_n), _color(), _width())
    _show(text, export, "async")
    return found


def fix_checklist(path=None):
    """What to check for the recorded crash's exception type ([] without one)."""
    return _doc(path).fix_checklist()


def patch_summary(path_before, path_after, *, export=None):
    before, after = _doc(path_before), _doc(path_after)
    _findings, text = _analysis.patch_summary(before, after, _color(), _width())
    _show(text, export, "patch summary")
    return _analysis.strip_ansi(text)


def export_for_llm(path=None, out=None, *, max_snaps=50):
    """A plain-text summary to paste into an LLM, secrets redacted.  Written
    next to the recording (``<recording>_for_llm.txt``) unless ``out``."""
    path = _resolve(path)
    out = out or _default_out(path, "_for_llm.txt")
    _doc(path).export_llm(out, int(max_snaps))
    print("[TC] export_for_llm → %s  (%.1fKB)" % (out, _kb(out)))
    return out


def export_for_claude(path=None, out=None, *, max_snaps=50):
    """The seed's name for :func:`export_for_llm`."""
    return export_for_llm(path, out, max_snaps=max_snaps)


def regression_check(path=None, *, baseline_path=None, max_slowdown_pct=20.0,
                     max_ram_growth_mb=50.0, max_gpu_growth_mb=100.0,
                     fail_on_crash=True, exit_code=True, name="default",
                     project=None):
    """Compare with a baseline (a .tc file, or the store entry `name` of this
    project).  No matching baseline is a failure, never a silent pass.  The
    GPU's peak is compared where both runs recorded one (this process's
    memory, else torch's allocated peak, else the device's)."""
    ok, failures, error, text = _analysis.regression_check(
        _doc(path), baseline_path=baseline_path, name=name, project=project,
        max_slowdown_pct=float(max_slowdown_pct), max_ram_growth_mb=float(max_ram_growth_mb),
        max_gpu_growth_mb=float(max_gpu_growth_mb),
        fail_on_crash=bool(fail_on_crash), color=_color(), width=_width())
    _out(text)
    if not ok and exit_code:
        sys.exit(1)
    return ok


def baseline(path=None, name="default", *, project=None):
    import json
    record, text = _analysis.baseline_save(_doc(path), name, project)
    _out(text)
    return json.loads(record)


def diff_baseline(path=None, name="default", *, project=None, threshold_pct=10.0):
    result, text = _analysis.baseline_diff(_doc(path), name, project, float(threshold_pct),
                                           _color(), _width())
    if not result:
        print("[TC] No baseline found: %s" % text)
        return {}
    _out(text)
    return result


def heatmap(path=None, var_name=None, width=60):
    _none, text = _doc(path).heatmap(var_name, int(width), _color(), _width())
    _out(text)


def deadcode(path=None):
    result, text = _doc(path).deadcode(_color(), _width())
    _out(text)
    return result


def _tail_lines(snap, vars_filter, show_sys):
    label = "  [%s]" % snap["label"] if snap.get("label") and not str(snap["label"]).startswith("_tc") else ""
    lines = ["t=%.4fs  [%s]  %s()%s" % (snap["t"], snap["evt"][:12], snap["fn"], label)]
    shown = 0
    for k, v in snap["loc"].items():
        if k.startswith("__") or (vars_filter and k not in vars_filter):
            continue
        if shown == 4:
            break
        lines.append("    %s = %s" % (k, v["r"][:80]))
        shown += 1
    if snap["mets"]:
        lines.append("    mets: " + "  ".join("%s=%s" % kv for kv in snap["mets"].items()))
    if show_sys and snap["sys"]:
        lines.append("    sys: " + "  ".join("%s=%.1f" % kv for kv in snap["sys"].items()))
    return lines


def tail(path=None, interval=0.5, vars_filter=None, show_sys=False, max_seconds=None):
    """Follow a recording that is still being written: prints each new
    snapshot as the recorder flushes it, until Ctrl+C (or `max_seconds`)."""
    path = _resolve(path)
    start = time.monotonic()
    doc = None
    seen = 0
    print("[TC tail] following %s  (Ctrl+C to stop)" % path)
    try:
        while True:
            try:
                if doc is None:
                    doc = _analysis.load(path)
                    fresh = True
                else:
                    fresh = doc.refresh()
                if fresh:
                    n = doc.n_snapshots
                    for i in range(seen, n):
                        for line in _tail_lines(doc.snapshot(i), vars_filter, show_sys):
                            print(line)
                    seen = n
                    sys.stdout.flush()
            except FileNotFoundError:
                pass  # not created yet
            except (OSError, AnalysisError) as exc:
                print("[tail error] %s" % exc)
            if max_seconds is not None and time.monotonic() - start >= max_seconds:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    print("[TC tail] stopped.  %d total snapshots seen." % seen)
    return seen


# Called while a program is being recorded (a report on an earlier file),
# the analysis is the recorder's work, not the program's: nothing it runs
# on that thread is recorded (timecapsule._recording._unrecorded).
def _unrecorded_api():
    from ._recording import _unrecorded
    g = globals()
    for name in __all__ + ["processes", "process_path"]:
        g[name] = _unrecorded(g[name])


_unrecorded_api()
del _unrecorded_api
