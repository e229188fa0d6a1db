# SPDX-License-Identifier: MIT
"""profile()/profile_report(): the seed's per-line profiler (sys.settrace,
current thread, frames entered after enabling), and speedtest(), which
measures the real cost of recording on this interpreter."""

import os
import platform
import sys
import tempfile
import time
import timeit

from . import _recorder as core
from ._recording import _unrecorded

_data = {}          # (file, line, fn) -> [durations ns]
_state = {"prev": None, "t": 0, "on": False}


def _tracer(frame, event, arg):
    if event in ("line", "return"):
        now = time.perf_counter_ns()
        prev = _state["prev"]
        if prev is not None:
            _data.setdefault(prev, []).append(now - _state["t"])
        _state["prev"] = (frame.f_code.co_filename, frame.f_lineno,
                          frame.f_code.co_name) if event == "line" else None
        _state["t"] = now
    return _tracer


@_unrecorded
def profile(enable=True):
    """Per-line timing with sys.settrace (independent of the recorder's
    hooks, which use sys.monitoring or setprofile)."""
    if enable:
        _state.update(prev=None, t=time.perf_counter_ns(), on=True)
        sys.settrace(_tracer)
        sys.stderr.write("[TC] per-line profiling ON\n")
    else:
        sys.settrace(None)
        _state["on"] = False
        sys.stderr.write("[TC] per-line profiling OFF (%d lines)\n" % len(_data))


@_unrecorded
def profile_report(top_n=20, min_us=0.1):
    if not _data:
        print("[TC] No profile data. Run tc.profile(True) first.")
        return
    rows = []
    for (fname, line, fn), ds in _data.items():
        total = sum(ds)
        avg_us = total / len(ds) / 1000.0
        if avg_us < min_us:
            continue
        srt = sorted(ds)
        p95 = srt[max(0, int(len(srt) * 0.95) - 1)] / 1000.0
        rows.append((total / 1e6, avg_us, p95, len(ds),
                     "%s:%d" % (os.path.basename(fname), line), fn))
    rows.sort(key=lambda r: -r[0])
    rows = rows[:top_n]
    top = rows[0][0] if rows else 1.0
    print("=" * 100)
    print("%10s %10s %10s %8s  %-28s %-18s %s"
          % ("TOTAL(ms)", "AVG(\u00b5s)", "P95(\u00b5s)", "CALLS", "file:line",
             "function()", ""))
    print("-" * 100)
    for total, avg, p95, n, loc, fn in rows:
        bar = "\u2588" * max(1, int(20 * total / top)) if top > 0 else ""
        print("%10.3f %10.2f %10.2f %8d  %-28s %-18s %s"
              % (total, avg, p95, n, loc[:28], (fn + "()")[:18], bar))
    print("=" * 100)


def _work(n):
    def leaf(x):
        return x + 1
    total = 0
    for i in range(n):
        total = leaf(total)
    return total


@_unrecorded
def speedtest(n_iters=5000):
    """Measure the recording overhead on this interpreter: an arithmetic
    baseline, the cost of one locals capture, and a call-heavy loop with and
    without recording (written to a temporary file that is removed)."""
    from . import _recording as rec
    from . import _capture

    number = max(1, n_iters // 1000)
    loop = "s = 0\nfor i in range(1000):\n    s += i * i % 7"
    base = timeit.timeit(loop, number=number) / number * 1000.0
    print("[TC speedtest] Baseline (no recording): %.3fms/1000 iters" % base)

    a, b, c = 1, 2.5, list(range(10))
    frame = sys._getframe()
    times = []

    class _S:
        watch = None
        warn = False
        var_last = {}
        growth = {}
    for _ in range(500):
        t0 = time.perf_counter_ns()
        for name, value in frame.f_locals.items():
            if not name.startswith("_") and not _capture.is_skipped(value):
                _capture.smart_repr(value)
                type(value).__name__
        times.append((time.perf_counter_ns() - t0) / 1000.0)
    times.sort()
    print("Variable capture: avg=%.1f\u00b5s p50=%.1f\u00b5s p95=%.1f\u00b5s"
          % (sum(times) / len(times), times[len(times) // 2],
             times[int(len(times) * 0.95) - 1]))

    calls = max(1000, n_iters * 20)
    t_plain = min(timeit.repeat(lambda: _work(calls), number=1, repeat=3))
    if rec._session is not None and rec._session.active:
        print("Recording overhead: skipped (a recording is active)")
    else:
        d = tempfile.mkdtemp(prefix="tc-speedtest-")
        path = os.path.join(d, "speedtest.tc")
        import io
        import contextlib
        with contextlib.redirect_stdout(io.StringIO()):
            rec.record(every=60, output=path, warn=False)
            t0 = time.perf_counter()
            _work(calls)
            t_rec = time.perf_counter() - t0
            rec.stop()
        size = os.path.getsize(path)
        os.unlink(path)
        os.rmdir(d)
        print("Recording overhead: %d calls  %.1fns/call plain  %.1fns/call recorded  (%.2f\u00d7)  %.1f bytes/call"
              % (calls, t_plain / calls * 1e9, t_rec / calls * 1e9,
                 t_rec / t_plain if t_plain > 0 else 0.0, size / calls))
    print("Backend: %s" % core.hook_backend())
    print("Platform: %s  Python %s" % (platform.platform(), sys.version.split()[0]))
