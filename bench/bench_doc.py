# SPDX-License-Identifier: MIT
"""docs/PERFORMANCE.md's generated part, from run-bench.py's JSON.

Only the text between the two markers below is rewritten, so the
hand-written notes (findings, targets, what was missed) around it stay.
"""

import os
import statistics

BEGIN = "<!-- run-bench: generated, do not edit by hand -->"
END = "<!-- run-bench: end -->"

TOOL_NAMES = {
    "setprofile": "sys.setprofile (Python)", "c-empty": "empty C hook",
    "c-store": "C hook + rdtsc + 16 B", "cprofile": "cProfile", "yappi": "yappi",
    "c-vector": "vectorcall C hook + rdtsc + 16 B",
    "viztracer": "viztracer", "pyinstrument": "pyinstrument", "py-spy": "py-spy 1 kHz",
    "tc-all": "tc calls=all", "tc-tracked": "tc calls=tracked", "tc-sample": "tc sample 1 kHz",
    "tc-base": "tc calls=all (baseline revision)",
    "tc-sample-base": "tc sample 1 kHz (baseline revision)",
}


def _key(wl, metric):
    """The time a ratio is taken of: "wall", or "cpu": the main thread's CPU
    time (the process's when the workload runs its own threads)."""
    if metric == "wall":
        return "run_s"
    return "pcpu_s" if wl.get("threaded") else "cpu_s"


def summarize(wl, tool, metric="cpu"):
    key = _key(wl, metric)
    base = [r[key] for r in wl["runs"].get("none", []) if key in r]
    runs = [r for r in wl["runs"].get(tool, []) if key in r]
    if not base or not runs:
        return None
    b = statistics.median(base)
    ratios = [r[key] / b for r in runs]
    med = statistics.median(r[key] for r in runs)
    wall_base = statistics.median(r["run_s"] for r in wl["runs"]["none"])
    e2e = [r["e2e_s"] / wall_base for r in runs if "e2e_s" in r]
    out = {"ratio": statistics.median(ratios), "min": min(ratios), "max": max(ratios),
           "best": min(r[key] for r in runs) / min(base),
           "e2e": statistics.median(e2e) if e2e else None, "base_s": b, "run_s": med,
           "ns_per_call": (med - b) * 1e9 / wl["py_calls"] if wl["py_calls"] else None}
    tcs = (wl.get("tc_size") or {}).get(tool)
    if tcs and tcs.get("n_events"):
        out["bytes_per_event"] = tcs["bytes"] / tcs["n_events"]
        out["n_events"] = tcs["n_events"]
        out["bytes"] = tcs["bytes"]
    elif tool == "viztracer":
        sizes = [r["bytes"] for r in runs if "bytes" in r]
        if sizes and wl["py_calls"]:
            out["bytes"] = statistics.median(sizes)
            out["bytes_per_event"] = out["bytes"] / (2 * wl["py_calls"])
    return out


def _tools(results):
    seen = []
    for entry in results["interpreters"].values():
        for wl in entry["workloads"].values():
            for tool in wl["runs"]:
                if tool != "none" and tool not in seen:
                    seen.append(tool)
    order = list(TOOL_NAMES)
    return sorted(seen, key=lambda t: order.index(t) if t in order else 99)


def _interps(results):
    return sorted(results["interpreters"].items(),
                  key=lambda kv: tuple(int(x) for x in kv[0].split(".")))


def ratio_tables(results, metric):
    lines = []
    tools = _tools(results)
    for name, entry in _interps(results):
        lines.append("#### Python %s (%s)\n" % (entry["version"], metric))
        if entry.get("missing"):
            lines.append("Not available on this interpreter: %s.\n" % ", ".join(entry["missing"]))
        lines.append("| workload (Python calls) | untraced | " +
                     " | ".join(TOOL_NAMES.get(t, t) for t in tools) + " |")
        lines.append("|---|---|" + "---|" * len(tools))
        for wname, wl in entry["workloads"].items():
            key = _key(wl, metric)
            base = [r[key] for r in wl["runs"].get("none", []) if key in r]
            row = ["%s (%s)" % (wname, _count(wl["py_calls"])),
                   "%.0f ms" % (statistics.median(base) * 1000) if base else "–"]
            for tool in tools:
                s = summarize(wl, tool, metric)
                if s is None:
                    row.append(_failed_cell(wl.get("errors", {}).get(tool)))
                else:
                    row.append("**%.2f×** (%.2f–%.2f)" % (s["ratio"], s["min"], s["max"]))
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    return lines


def detail_tables(results):
    """ns per call, best-of ratio, end-to-end ratio and bytes/event."""
    lines = []
    tools = [t for t in _tools(results) if not t.startswith("c-") and t != "setprofile"]
    for name, entry in _interps(results):
        lines.append("#### Python %s: ns per call (median) / best-of-N ratio / end-to-end ratio\n"
                     % entry["version"])
        lines.append("| workload | " + " | ".join(TOOL_NAMES.get(t, t) for t in tools) + " |")
        lines.append("|---|" + "---|" * len(tools))
        for wname, wl in entry["workloads"].items():
            row = [wname]
            for tool in tools:
                s = summarize(wl, tool)
                if s is None:
                    row.append("–")
                    continue
                e2e = ("%.2f×" % s["e2e"]) if s["e2e"] is not None else "–"
                # With a handful of calls (loops) a per-call figure is noise.
                per_call = ("%.0f ns" % s["ns_per_call"]) if wl["py_calls"] >= 1000 else "–"
                row.append("%s / %.2f× / %s" % (per_call, s["best"], e2e))
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    return lines


# The summary's columns: the floors, the peers, timecapsule's modes.
SUMMARY_TOOLS = ["c-empty", "c-store", "cprofile", "yappi", "viztracer", "pyinstrument",
                 "py-spy", "tc-all", "tc-tracked", "tc-sample"]


def _summary_ratio(wl, tool):
    # py-spy samples from another process: the program's CPU time hides it.
    s = summarize(wl, tool, "wall" if tool == "py-spy" else "cpu") if wl else None
    return None if s is None else s["ratio"]


def _bytes_per_event(wl):
    s = summarize(wl, "tc-all") if wl else None
    return s.get("bytes_per_event") if s else None


def _quick_and_full(quick, full, fmt):
    text = fmt % quick if quick is not None else "–"
    return text + (" / **" + fmt % full + "**" if full is not None else "")


def summary_table(results):
    """Every interpreter and workload in one table: the quick run's median
    ratio, then the full run's in bold where there is one."""
    full = results.get("full", {}).get("interpreters", {})
    tools = [t for t in SUMMARY_TOOLS if t in _tools(results)]
    lines = ["| Python | workload | " + " | ".join(
        TOOL_NAMES[t] + (" (wall)" if t == "py-spy" else "") for t in tools)
        + " | tc B/event |", "|---|---|" + "---|" * (len(tools) + 1)]
    for name, entry in _interps(results):
        full_entry = full.get(name, {}).get("workloads", {})
        for wname, wl in entry["workloads"].items():
            fwl = full_entry.get(wname)
            cells = [_quick_and_full(_summary_ratio(wl, t), _summary_ratio(fwl, t), "%.2f×")
                     for t in tools]
            cells.append(_quick_and_full(_bytes_per_event(wl), _bytes_per_event(fwl), "%.2f"))
            lines.append("| %s | %s | %s |" % (entry["version"], wname, " | ".join(cells)))
    lines.append("")
    return lines


def paired_table(paired):
    """bench-paired.json: the median of every pair's ratio (lowest and
    highest round median)."""
    import bench_paired
    tools = []
    for cells in paired.values():
        for key, cell in cells.items():
            if ":" in key:
                tools += [t for t in cell.get("runs", {}) if t not in tools]
    lines = ["| Python | workload | size, pairs × rounds | measured | " + " | ".join(
        TOOL_NAMES.get(t, "untraced pairs" if t == "none" else t) for t in tools) + " |",
             "|---|---|---|---|" + "---|" * len(tools)]
    rows = 0
    for name, cells in sorted(paired.items(),
                              key=lambda kv: tuple(int(x) for x in kv[0].split("."))):
        for key, cell in cells.items():
            if ":" not in key:
                continue   # written before the size was part of the key
            row = []
            for tool in tools:
                runs = cell["runs"].get(tool)
                if runs:
                    med, lo, hi = bench_paired.summary(runs)
                    row.append("%.2f× (%.2f–%.2f)" % (med, lo, hi))
                else:
                    row.append("–")
            rows += 1
            lines.append("| %s | %s | %s, %d × %d | %s, load %.1f | %s |" % (
                name, key.split(":")[0], cell["size"], cell["pairs"], cell["rounds"],
                cell.get("when", "?"), cell.get("load", 0), " | ".join(row)))
    lines.append("")
    return lines if rows else []


def size_table(results):
    lines = ["| Python | workload | tc calls=all B/event (events) | tc calls=tracked B/event "
             "(events) | tc sample file | viztracer B/event |", "|---|---|---|---|---|---|"]
    for name, entry in _interps(results):
        for wname, wl in entry["workloads"].items():
            cells = []
            for tool in ("tc-all", "tc-tracked"):
                s = summarize(wl, tool)
                cells.append("%.2f (%s)" % (s["bytes_per_event"], _count(s["n_events"]))
                             if s and "n_events" in s else "–")
            s = summarize(wl, "tc-sample")
            cells.append("%.0f KB" % (s["bytes"] / 1024) if s and "bytes" in s else "–")
            s = summarize(wl, "viztracer")
            cells.append("%.1f" % s["bytes_per_event"] if s and "bytes_per_event" in s else "–")
            lines.append("| %s | %s | %s |" % (entry["version"], wname, " | ".join(cells)))
    lines.append("")
    return lines


def scale_tables(results):
    scale = results.get("scale")
    if not scale:
        return ["(not run: `python3 bench/run-bench.py --scale-only`)", ""]
    lines = ["| events | file | C load + report (bench-report): wall / CPU | peak RSS | "
             "`python3 -m timecapsule FILE` (full report): wall / CPU / peak RSS | "
             "`timecapsule-viewer --export-pdf`: wall / CPU / peak RSS |",
             "|---|---|---|---|---|---|"]
    for n, e in sorted(scale["sizes"].items(), key=lambda kv: int(kv[0])):
        if "error" in e:
            lines.append("| %s | failed: %s |||||" % (_count(int(n)), e["error"]))
            continue
        br = e.get("bench_report", {})

        def tv(d):
            if not d:
                return "–"
            if d.get("rc"):
                return "failed (rc %d)" % d["rc"]
            return "%.1f s / %.1f s / %.0f MB" % (d["wall_s"], d["cpu_s"], d["rss_mb"])
        lines.append("| %s | %.0f MB | %.1f s / %.1f s (load %.1f s CPU, %.1f s of it in the "
                     "loading thread; report %.2f s CPU) "
                     "| %s MB | %s | %s |" % (
                         _count(br.get("events", int(n))), br.get("file_mb", 0),
                         br.get("load_wall_s", 0) + br.get("report_wall_s", 0),
                         br.get("load_cpu_s", 0) + br.get("report_cpu_s", 0),
                         br.get("load_cpu_s", 0), br.get("load_thread_cpu_s", 0),
                         br.get("report_cpu_s", 0),
                         br.get("rss_mb", "?"), tv(e.get("cli")), tv(e.get("pdf"))))
    lines.append("")
    traces = [(n, e) for n, e in sorted(scale["sizes"].items(), key=lambda kv: int(kv[0]))
              if e.get("chrome") or e.get("speedscope")]
    if traces:
        lines += ["| events | Chrome trace (`--flamegraph --flame-format chrome`): wall / CPU / peak RSS, "
                  "file | speedscope: wall / CPU / peak RSS, file |", "|---|---|---|"]
        for n, e in traces:
            cells = []
            for fmt in ("chrome", "speedscope"):
                d = e.get(fmt)
                if not d:
                    cells.append("–")
                elif d.get("rc"):
                    cells.append("failed (rc %d)" % d["rc"])
                else:
                    cells.append("%.1f s / %.1f s / %.0f MB, %.0f MB" % (d["wall_s"], d["cpu_s"], d["rss_mb"],
                                                                      d.get("mb", 0)))
            lines.append("| %s | %s | %s |" % (_count(int(n)), cells[0], cells[1]))
        lines.append("")
    opened = [(n, e["open"]) for n, e in sorted(scale["sizes"].items(), key=lambda kv: int(kv[0]))
              if e.get("open")]
    if opened:
        lines.append("Viewer window (tests/gui/tc-open-benchmark under xvfb-run): open → "
                     "first frame (the loading page), → the recording's summary shown beside "
                     "the progress bar, → the report, → the report's first frame\n")
        lines.append("```")
        for n, o in opened:
            for ln in o.get("lines", []):
                lines.append("%s events: %s; peak RSS %.0f MB" % (_count(int(n)), ln,
                                                                   o.get("rss_mb", 0)))
        lines.append("```")
        lines.append("")
    charts = scale.get("charts")
    if charts:
        lines.append("Viewer charts on a 10 M-event recording (bench/bench-charts under "
                     "xvfb-run, software rendering; peak RSS %.0f MB):\n" % charts.get("rss_mb", 0))
        lines.append("```")
        lines += charts.get("lines", [])
        lines.append("```")
        lines.append("")
    return lines


def instruction_table(results):
    ins = results.get("instructions")
    if not ins:
        return ["(not run: `python3 bench/run-bench.py --instructions --workload fib`)", ""]
    tools = []
    for wls in ins.values():
        for row in wls.values():
            tools += [t for t in row if t not in tools]
    lines = ["| Python | workload | " + " | ".join(TOOL_NAMES.get(t, t) for t in tools) + " |",
             "|---|---|" + "---|" * len(tools)]
    for py, wls in sorted(ins.items(), key=lambda kv: tuple(int(x) for x in kv[0].split("."))):
        for w, row in wls.items():
            base = row.get("none")
            cells = []
            for t in tools:
                v = row.get(t)
                if v is None:
                    cells.append("–")
                elif t == "none" or base is None:
                    cells.append("%.0f" % v)
                else:
                    cells.append("%.0f (+%.0f)" % (v, v - base))
            lines.append("| %s | %s | %s |" % (py, w, " | ".join(cells)))
    lines.append("")
    return lines


def _failed_cell(error):
    # A floor hook this interpreter does not have is not a failure.
    if error is None or "only" in error.splitlines()[-1]:
        return "–"
    return "failed"


def _full_note(results):
    full = results.get("full")
    if not full:
        return "none in this run"
    workloads = []
    for entry in full["interpreters"].values():
        workloads += [w for w in entry["workloads"] if w not in workloads]
    return "%s on %s" % (", ".join(workloads), ", ".join(
        e["version"] for _, e in _interps(full)))


def _count(n):
    if n is None:
        return "?"
    if n >= 1_000_000:
        return "%.2f M" % (n / 1e6)
    if n >= 1_000:
        return "%.0f k" % (n / 1e3)
    return str(n)


def generated(results):
    m = results.get("machine", {})
    lines = [BEGIN, "",
             "Measured %s on %s, %s cores, %s, %s (kernel %s); load average at the start "
             "%.1f. Sizes: `%s`, %d interleaved rounds per (workload, tool), each run in a "
             "fresh process." % (m.get("date", "?"), m.get("cpu", "?"), m.get("cores", "?"),
                                 m.get("memory", "?"), m.get("os", "?"), m.get("kernel", "?"),
                                 m.get("load", 0), results.get("size"), results.get("rounds", 0)),
             "",
             "The ratios are of the CPU time of the main thread (of the process for `threads`): on this shared "
             "machine a run's wall time mostly measures how long it waited for a core. It "
             "leaves out a tracer's background threads (timecapsule's compression, which has "
             "a core of its own on an idle machine) and the time py-spy keeps the process "
             "stopped: for py-spy and the sampling modes read the wall-time table below.",
             ""]
    lines += ["### Summary", "",
              "Median CPU-time ratio traced / untraced, all in one table: the quick run, "
              "then **the full sizes** where they were run (`python3 bench/run-bench.py "
              "--python X.Y --workload fib …` without `--quick`; %s). py-spy: wall time. "
              "Last column: bytes per event of timecapsule's file, calls=all. The "
              "tables below give the min–max of each cell." % _full_note(results), ""]
    lines += summary_table(results)
    paired = paired_table(results.get("paired", {}))
    if paired:
        lines += ["### Paired runs", "",
                  "`python3 bench/run-bench.py --paired`: in each fresh process, pairs of "
                  "runs back to back (untraced, then traced, the order alternating), the "
                  "figure is the median of every pair's ratio, in parentheses the lowest "
                  "and highest round median. On this machine the same untraced run takes "
                  "0.7–1.3× its median from one process to the next; within a pair the "
                  "drift is smaller, so these cells scatter less than the fresh-process "
                  "ones (the `untraced pairs` column, two untraced runs, shows the method's "
                  "own scatter).", ""]
        lines += paired
    lines += ["### Overhead: median traced / median untraced CPU time (min–max over "
              "the rounds)", ""]
    lines += ratio_tables(results, "cpu")
    lines += ["### Overhead on wall time (same runs)", ""]
    lines += ratio_tables(results, "wall")
    lines += ["### Per call, best-of-N and end-to-end", "",
              "ns per call = (median traced − median untraced CPU time) / Python calls. Best-of-N = "
              "fastest traced run / fastest untraced run (the least disturbed by the other "
              "processes on the machine). End-to-end = (start + run + stop + save) / median "
              "untraced run: the start (`tc.record()` ≈ 60 ms) and the stop's wait for the "
              "background compression are in it; viztracer's JSON save is timed once per "
              "workload.", ""]
    lines += detail_tables(results)
    if results.get("full"):
        full = results["full"]
        fm = full.get("machine", {})
        lines += ["### Full sizes", "",
                  "Measured %s, %d interleaved rounds, load average at the start %.1f: "
                  "CPU time, wall time, then per call / best-of-N / end-to-end as above." % (
                      fm.get("date", "?"), full.get("rounds", 0), fm.get("load", 0)), ""]
        lines += ratio_tables(full, "cpu")
        lines += ratio_tables(full, "wall")
        lines += detail_tables(full)
    lines += ["### Bytes per event", "",
              "tc: file size / events in the file's END frame (calls, returns, resumes, "
              "yields of every thread, with the file's snapshots, code table and source). "
              "viztracer: its JSON / (2 × Python calls).", ""]
    lines += size_table(results)
    lines += ["### Analysis and viewer at scale", "",
              "Recordings generated with the format writer by `bench/bench-report` "
              "(400-function layered call graph, 200 snapshots, metrics, line hits). The load "
              "is parallel: worker threads (one per core) decode each event block and fold it "
              "into a call tree of its own, the loading thread merges them in file order, and "
              "the per-function statistics are sorted in parallel. CPU is the sum over every "
              "thread; on an idle machine the wall time is about the larger of the loading "
              "thread's CPU and CPU ÷ cores. Wall times here include waiting for a core on "
              "the shared machine.",
              ""]
    lines += scale_tables(results)
    lines += ["### Instructions per call (callgrind)", "",
              "`python3 bench/run-bench.py --instructions`: every thread's instructions under "
              "valgrind's callgrind for fib(19) minus fib(15) (oo: 1000 minus 200 steps, orders: 400 "
              "minus 100 orders), "
              "divided by the difference in Python calls, so start-up and fixed costs cancel. "
              "Not disturbed by the machine's load; timecapsule's count includes its writer "
              "thread (encoding + deflate). In parentheses: added to the untraced interpreter.",
              ""]
    lines += instruction_table(results)
    lines.append(END)
    return "\n".join(lines)


def write(results, path):
    text = generated(results)
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        if BEGIN in old and END in old:
            head = old.split(BEGIN)[0]
            tail = old.split(END, 1)[1]
            text = head + text + tail
        else:
            text = old.rstrip() + "\n\n" + text + "\n"
    else:
        text = "# Performance\n\n" + text + "\n"
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def sample_cost_table(figures):
    """Markdown table of `run-bench.py --sample-cost` figures (JSON of
    interpreter -> "workload:build" -> row)."""
    lines = ["| Python | workload | build | ticks counted | frames a sample | "
             "instructions a tick (main thread) | of which in the tick | "
             "untraced instructions/s | overhead at 1 kHz |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name in sorted(figures, key=lambda n: tuple(int(x) for x in n.split("."))):
        for key, row in figures[name].items():
            if "per_tick" not in row:
                continue
            workload, _, build = key.partition(":")
            ticks = row["traced"][1]["ticks"] - row["traced"][0]["ticks"]
            lines.append("| %s | %s | %s | %d | %.1f | %.0f | %.0f | %.2f G | %.3f %% |" % (
                name, workload, build, ticks, row["frames_per_sample"], row["per_tick"],
                row["per_tick_in_call"], row["instr_per_s"] / 1e9,
                100 * row["overhead_1khz"]))
    return "\n".join(lines) + "\n"
