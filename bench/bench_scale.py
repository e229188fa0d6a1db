# SPDX-License-Identifier: MIT
"""Analysis and viewer at scale, for run-bench.py --scale.

For each size (10 M, 100 M events) a recording is generated with the format
writer by bench-report (its layered call-graph workload, not timed), then

- bench-report itself: TcDocument load + full text report, in C;
- `python3 -m timecapsule FILE.tc`: the CLI's full report;
- `timecapsule-viewer --export-pdf`: load + the PDF report, no display;
- `python3 -m timecapsule FILE.tc --flamegraph --flame-format chrome|speedscope`:
  every call as a trace other profilers open (gigabytes at 100 M events);
- tests/gui/tc-open-benchmark under xvfb-run: open → first frame painted;

each under /usr/bin/time -v (wall, user+sys CPU, peak RSS).  With xvfb-run,
bench-charts gives the viewer's load time and flame graph / flame chart
frame times while zooming a 10 M-event recording.

The machine is shared: wall times include waiting for a core, so CPU time
(user+sys of every thread: the load runs on every core) is reported next to
them, and bench-report's CPU time of the loading thread alone.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile


def _time_v(cmd, env=None, stdout=subprocess.DEVNULL):
    """Run under /usr/bin/time -v: (rc, wall s, cpu s, peak RSS MB, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        res = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + cmd, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        text = tf.read()
    out = {"rc": res.returncode}
    m = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
    if m:
        out["wall_s"] = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if user and system:
        out["cpu_s"] = float(user.group(1)) + float(system.group(1))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if rss:
        out["rss_mb"] = int(rss.group(1)) / 1024
    if res.returncode != 0:
        out["error"] = (res.stderr or res.stdout).strip()[-300:]
    return out, res.stdout


def _bench_report_figures(text):
    fig = {}
    for key in ("load", "report"):
        m = re.search(r"^%s\s*: ([\d.]+) s wall, ([\d.]+) s cpu" % key, text, re.M)
        if m:
            fig[key + "_wall_s"] = float(m.group(1))
            fig[key + "_cpu_s"] = float(m.group(2))
    m = re.search(r"^load\s*: .*loading thread ([\d.]+) s", text, re.M)
    if m:
        fig["load_thread_cpu_s"] = float(m.group(1))
    m = re.search(r"^summary\s*: ([\d.]+) s wall, ([\d.]+) s cpu", text, re.M)
    if m:
        fig["summary_wall_s"] = float(m.group(1))
        fig["summary_cpu_s"] = float(m.group(2))
    m = re.search(r"^file\s*: ([\d.]+) MB, (\d+) events", text, re.M)
    if m:
        fig["file_mb"] = float(m.group(1))
        fig["events"] = int(m.group(2))
    m = re.search(r"^peak RSS\s*: (\d+) MB", text, re.M)
    if m:
        fig["rss_mb"] = int(m.group(1))
    return fig


def run(build_dir, sizes, python_site, work_dir=None):
    """Returns {"sizes": {N: {...}}, "charts": {...}}."""
    bench_report = os.path.join(build_dir, "bench", "bench-report")
    viewer = os.path.join(build_dir, "gui", "timecapsule-viewer")
    bench_charts = os.path.join(build_dir, "bench", "bench-charts")
    open_bench = os.path.join(build_dir, "tests", "gui", "tc-open-benchmark")
    work = work_dir or tempfile.mkdtemp(prefix="tc-bench-scale-")
    results = {"sizes": {}, "charts": None}
    env = dict(os.environ, PYTHONPATH=python_site or "", TMPDIR=work)
    for n in sizes:
        entry = {}
        results["sizes"][str(n)] = entry
        if not os.path.exists(bench_report):
            entry["error"] = "bench-report not built (needs the analysis library)"
            continue
        print("scale: generating and loading %d events" % n, flush=True)
        res = subprocess.run([bench_report, "--events", str(n), "--keep"], env=env,
                             capture_output=True, text=True)
        m = re.search(r"^generated (\S+)", res.stdout, re.M)
        if res.returncode != 0 or not m:
            entry["error"] = (res.stderr or res.stdout)[-300:]
            continue
        path = m.group(1)
        entry["bench_report"] = _bench_report_figures(res.stdout)
        try:
            if python_site:
                entry["cli"], _ = _time_v([sys.executable, "-m", "timecapsule", path], env=env)
                for fmt in ("chrome", "speedscope"):
                    trace = path + "." + fmt + ".json"
                    entry[fmt], _ = _time_v([sys.executable, "-m", "timecapsule", path, "--flamegraph",
                                             "--flame-format", fmt, "-o", trace], env=env)
                    if os.path.exists(trace):
                        entry[fmt]["mb"] = os.path.getsize(trace) / 1048576
                        os.unlink(trace)
            if os.path.exists(viewer):
                pdf = path + ".pdf"
                entry["pdf"], _ = _time_v([viewer, "--export-pdf=" + pdf, path], env=env)
                if os.path.exists(pdf):
                    entry["pdf"]["pdf_kb"] = os.path.getsize(pdf) / 1024
                    os.unlink(pdf)
            if os.path.exists(open_bench) and shutil.which("xvfb-run"):
                # A real window: open request → first frame of the report.
                entry["open"], text = _time_v(
                    ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", open_bench, path, "1"],
                    env=env, stdout=subprocess.PIPE)
                entry["open"]["lines"] = [ln for ln in text.splitlines() if ln.startswith("run")]
        finally:
            os.unlink(path)
        print("scale: %d events: %s" % (n, entry), flush=True)
    if os.path.exists(bench_charts) and shutil.which("xvfb-run"):
        print("scale: bench-charts (10 M events, xvfb)", flush=True)
        fig, text = _time_v(["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", bench_charts],
                            env=env, stdout=subprocess.PIPE)
        fig["lines"] = [ln for ln in text.splitlines()
                        if re.search(r"loaded|frames|RSS|set_tree|wrote", ln)]
        results["charts"] = fig
    shutil.rmtree(work, ignore_errors=True)
    return results
