# SPDX-License-Identifier: MIT
"""The recording API (spec §1): record, snap, tag, metric, assert_var,
watch_expr, checkpoint, profile_block, stop, reset, watch, breakpoint,
watch_condition.

The hot path (call/return events, buffers, the file) is in the C extension
``timecapsule._recorder``; this module holds the session state, takes
snapshots (locals of every thread's running frame) and runs the warning
checks.  Registrations made before ``record()`` (watch, watch_expr,
watch_condition) are kept: they belong to the process, not to a session.
"""

import atexit
import builtins
import datetime
import functools
import json
import os
import signal
import socket
import sys
import threading
import time
import uuid

from . import _recorder as core
from . import _capture
from ._warnings import raise_warning, check_float, check_array, check_plateau

__all__ = [
    "record", "snap", "tag", "metric", "assert_var", "watch_expr",
    "checkpoint", "profile_block", "stop", "reset", "watch", "breakpoint",
    "watch_condition",
]

VERSION = "0.1.0"
TOOL_ID = 2  # sys.monitoring.PROFILER_ID

# Snapshot kinds (TcSnapshotKind).
K_START, K_STOP, K_SNAP, K_TIMER, K_CRASH = 1, 2, 3, 4, 5
K_ASSERT, K_CONDITION, K_TRACE_CALL, K_TRACE_RETURN, K_BREAKPOINT = 6, 7, 8, 9, 10

# Mark kinds (TcMarkKind).
M_BLOCK, M_CHECKPOINT = 1, 2

_session = None
_lock = threading.RLock()

# Process-level registrations (kept across record(); spec §8.1 #8 fixed).
_watch_exprs = {}          # name -> (expr, compiled)
_watch_names = []
_watch_every_snap = False
_conditions = []
_metrics = {}              # metric() works even when not recording
_checkpoints = {}          # name -> (start perf_counter, limit)
_block_timings = {}        # also kept when not recording
_atexit_registered = False


def _current():
    return _session


def _unrecorded(fn):
    """An API function: while the program is recorded, nothing it runs on
    the calling thread is recorded (core.own_call), neither the standard
    library's calls it makes nor the program code it runs for the recorder
    (a watch_expr, an assert_var condition, a __repr__ in a snapshot): they
    are the recorder's work, and the timer thread, never recorded, runs
    the same.  The program's calls around it are recorded as without it."""
    own_call = core.own_call

    @functools.wraps(fn)
    def api(*args, **kwargs):
        return own_call(fn, *args, **kwargs)
    return api


class _Session:
    """One recording.  Returned by record(); a context manager."""

    def __init__(self):
        self.active = False
        self.core = None
        self.warn = True
        self.warnings = []
        self.warn_keys = set()
        self.metric_history = {}
        self.var_last = {}       # (code, name) -> [repr, t_changed]
        self.growth = {}         # (code, name) -> [(t, len)]
        self.pending_tags = None
        self.n = 0
        self.index = 0
        self.timer_ident = None
        self.main_ident = None    # threading.main_thread().ident at record()
        self.main_module = None   # (code, globals) of the program's __main__
        self.main_module_tb = None  # the exception it ended with (`run`)
        self.stuck = None
        self.last_live = 0.0
        self.ram_peak = 0.0
        self.fd_peak = 0
        self.baseline = {}
        self.block_timings = {}
        self.watch_last = {}
        self.old_excepthook = None
        self.old_threading_excepthook = None
        self.old_sigterm = None
        self.old_sigusr1 = None
        self.crashed = False
        self.t0 = time.perf_counter()
        self.output = None
        self.stem = None         # <stem>.tc; fork children write <stem>.<pid>.tc
        self.pid = self.root_pid = os.getpid()
        self.items = []          # the SESSION items (a fork child reuses them)
        self.calls = "all"
        self.embed_source = True
        self.flush_every = 50
        self.flush_interval_ms = 500
        self.quiet = False       # no "[TC]" lines on stdout (fork children)
        self.forking = False
        self.old_exit = None
        self.backend = ""

    def elapsed(self):
        return time.perf_counter() - self.t0

    def __enter__(self):
        return self

    @_unrecorded
    def __exit__(self, exc_type, exc, tb):
        if exc is not None and self.active and exc_type is not SystemExit:
            from ._crash import record_crash
            record_crash(self, exc_type, exc, tb, threading.get_ident())
        if self.active:
            stop()
        return False

    def __repr__(self):
        return "<timecapsule recording %s%s>" % (
            self.output, "" if self.active else " (stopped)")


# ---------------------------------------------------------------------------
# Helpers

def _caller_frame(depth=1):
    """The first frame outside this package."""
    f = sys._getframe(depth)
    while f is not None and _capture.is_own_frame(f):
        f = f.f_back
    return f


def _unique_path(path):
    """Never clobber: add -1, -2 … before the extension when taken."""
    if not os.path.exists(path):
        return path
    stem, ext = os.path.splitext(path)
    i = 1
    while os.path.exists("%s-%d%s" % (stem, i, ext)):
        i += 1
    return "%s-%d%s" % (stem, i, ext)


_followed_gpu = [None]    # the torch device index NVML was pointed at


def _follow_torch_device(torch):
    """NVML's counters from the device torch computes on: under torchrun
    each process sees every GPU and picks its own with set_device().  A
    torch without these calls leaves NVML on the first visible device."""
    try:
        index = torch.cuda.current_device()
        if _followed_gpu[0] == index:
            return
        _followed_gpu[0] = index
        core.gpu_follow(str(torch.cuda.get_device_properties(index).uuid))
    except Exception:
        return


def _torch_counters():
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    try:
        # Only once the program has started CUDA: asking before would start
        # it in a process that may fork (CUDA cannot then run in the child).
        if torch.cuda.is_initialized():
            _follow_torch_device(torch)
            mb = 1024.0 * 1024.0
            return {"gpu_alloc_mb": torch.cuda.memory_allocated() / mb,
                    "gpu_alloc_peak_mb":
                        torch.cuda.max_memory_allocated() / mb,
                    "gpu_reserved_mb": torch.cuda.memory_reserved() / mb}
    except Exception:
        pass
    return None


def _thread_flags(th):
    flags = 0
    if th is not None and th is threading.main_thread():
        flags |= 1
    if th is not None and th.daemon:
        flags |= 2
    return flags


def _pick_frame(s, top):
    """Nearest tracked frame up the stack, else the top frame of the
    program: neither ours nor the launcher's (runpy's variables are not the
    program's)."""
    f = top
    first = None
    while f is not None:
        if not _capture.is_own_frame(f):
            if first is None and not _capture.is_launcher_frame(f):
                first = f
            try:
                if core.code_info(f.f_code)[1]:
                    return f
            except Exception:
                pass
        f = f.f_back
    return first


class _ModuleFrame:
    """The main module's frame once it has returned (the stop snapshot at
    exit, or after `timecapsule run`'s program): its globals are its
    variables and outlive it, so the last snapshot still shows what the
    program ended with.  Has what the snapshot reads of a frame."""

    f_back = None

    def __init__(self, code, globals_, line):
        self.f_code = code
        self.f_globals = self.f_locals = globals_
        self.f_lineno = line


def _end_line(s, code):
    """The line the main module ended at: where an exception left it (seen
    by `timecapsule run`, or sys.last_traceback after an uncaught one), else
    its last line (it ran to its end)."""
    for tb in (s.main_module_tb, getattr(sys, "last_traceback", None)):
        while tb is not None:
            if tb.tb_frame.f_code is code:
                return tb.tb_lineno
            tb = tb.tb_next
    import dis   # loaded already wherever line coverage ran
    lines = [ln for _, ln in dis.findlinestarts(code) if ln]
    return max(lines, default=code.co_firstlineno)


def _main_module_of(frame):
    """(code, globals) of the `__main__` module frame at or above `frame`,
    else None."""
    while frame is not None:
        if (frame.f_code.co_name == "<module>"
                and frame.f_globals.get("__name__") == "__main__"
                and not _capture.is_launcher_frame(frame)):
            return frame.f_code, frame.f_globals
        frame = frame.f_back
    return None


def _expected_main_module(s):
    """(code, globals) of the main module a subprocess child ran after its
    recording started (core.expect_main()), else None."""
    code = s.core.main_code()
    main = sys.modules.get("__main__")
    # No __file__ to compare: CPython removes it once the script has run.
    if code is None or main is None:
        return None
    return code, vars(main)


def _stop_frame(s, top):
    """The main thread's frame for the stop snapshot: the picked one while
    the main module still runs (stop() called by the program), else the
    ended main module (at exit, or after `timecapsule run`'s program)."""
    if s.main_module is None:
        s.main_module = _expected_main_module(s)
    if s.main_module is not None:
        code = s.main_module[0]
        f = top
        while f is not None and f.f_code is not code:
            f = f.f_back
        if f is None:
            return _ModuleFrame(code, s.main_module[1], _end_line(s, code))
    return _pick_frame(s, top)


def _capture_locals(s, frame, t, exprs=True):
    """Locals of `frame` as C tuples plus a name -> value dict (with the
    watch_expr results when `exprs`)."""
    out = []
    values = {}
    code = frame.f_code
    try:
        items = list(frame.f_locals.items())
    except Exception as exc:
        items = []
        out.append((code, "__cap_err", core.LOCAL_ERROR, str(exc), "error", 0,
                    None))
    watch = s.watch
    for name, value in items:
        if name.startswith("_") or (watch is not None and name not in watch):
            continue
        try:
            if _capture.is_skipped(value):
                continue
        except Exception:
            continue
        # Redaction happens here, at record time: a secret-looking name
        # stores "<redacted>", a dict inside the value shows its secret keys'
        # values redacted; the program's own objects are never changed.
        shown = _capture.redact(name, value)
        if shown is _capture.REDACTED:
            r, cut = shown, False
        else:
            r, cut, hidden = _capture.smart_repr_checked(shown)
            if hidden:
                # A secret only the repr showed ("host=db password=…" in a
                # str): the value itself is not stored either.
                shown = _capture.NO_VALUE
        key = (code, name)
        last = s.var_last.get(key)
        flags = core.LOCAL_TRUNCATED if cut else 0
        if last is None or last[0] != r:
            flags |= core.LOCAL_CHANGED
            s.var_last[key] = [r, t]
        elif s.warn and t - last[1] > 5.0:
            raise_warning(s, "VAR_STUCK", "'%s' unchanged for %.0fs"
                          % (name, t - last[1]), "WARN", name,
                          fn=code.co_name)
        out.append((code, name, flags, r, type(value).__name__,
                    _capture.approx_size(value), shown))
        values[name] = value
        if s.warn:
            check_float(s, name, value)
            check_array(s, name, value)
            if isinstance(value, (list, dict, set)):
                try:
                    length = len(value)
                except Exception:   # a hostile __len__ must not end the program
                    continue
                hist = s.growth.setdefault(key, [])
                hist.append((t, length))
                if len(hist) > 20:
                    del hist[:-10]
                if (len(hist) >= 3 and hist[-1][1] > 2 * hist[0][1]
                        and hist[0][1] > 10):
                    raise_warning(s, "UNBOUNDED_GROWTH", "'%s' grew %d\u2192%d"
                                  % (name, hist[0][1], hist[-1][1]), "WARN",
                                  name)
    for ename, (expr, compiled) in (list(_watch_exprs.items()) if exprs else ()):
        try:
            value = _capture.redact(ename, eval(compiled, frame.f_globals,
                                                dict(frame.f_locals)))
            r, cut, hidden = _capture.smart_repr_checked(value)
            out.append((code, ename, core.LOCAL_EXPR
                        | (core.LOCAL_TRUNCATED if cut else 0), r,
                        type(value).__name__, _capture.approx_size(value),
                        _capture.NO_VALUE if hidden else value))
        except Exception as exc:
            out.append((code, ename, core.LOCAL_EXPR | core.LOCAL_ERROR,
                        "<eval:%s>" % exc, "error", 0, None))
    return out, values


def _async_info():
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return "", ""
    try:
        if asyncio._get_running_loop() is None:
            return "", ""
        task = asyncio.current_task()
        if task is None:
            return "", ""
        coro = task.get_coro()
        return task.get_name(), getattr(coro, "__qualname__", "")
    except Exception:
        return "", ""


def _take_snapshot(s, kind, evt, frame=None, label=None, tags=None,
                   extras=None, origin_ident=None, frame_locals=None):
    """Build and write one snapshot: the origin thread's frame (given, None
    for its picked one, False for none) plus the running frame of every
    other Python thread.

    Returns the origin capture's {name: value}."""
    if s is None or s.core is None:
        return {}
    # sys._current_frames() holds this very frame, so keeping the dict in a
    # local makes a cycle (frame -> dict -> frame).  Once this function
    # returned, the cycle would keep the frame object of every thread's
    # running function alive until a GC pass, and each of those frames would
    # own its function's locals after that function returned: objects the
    # program dropped lived on, and the GC freed them in any order (on 3.12
    # that order crashed the program: a BytesIO freed before the memoryview
    # of its getbuffer(), CPython gh-111049, "deallocated BytesIO object has
    # exported buffers" then SIGSEGV in a multiprocessing Pool).  Clearing
    # the dict breaks the cycle before the frames can outlive their calls.
    frames = sys._current_frames()
    try:
        return _snapshot_threads(s, frames, kind, evt, frame, label, tags,
                                 extras, origin_ident, frame_locals)
    finally:
        frames.clear()


def _snapshot_threads(s, frames, kind, evt, frame, label, tags, extras,
                      origin_ident, frame_locals):
    t = s.elapsed()
    origin_ident = origin_ident or threading.get_ident()
    by_ident = {th.ident: th for th in threading.enumerate()}
    if frame is None:
        frame = _pick_frame(s, frames.get(origin_ident))
    elif frame is False:
        frame = None
    threads = []
    origin_values = {}

    def capture(ident, top, picked, override=None, exprs=True):
        th = by_ident.get(ident)
        stack = _capture.stack_of(top)
        depth = 0
        for i, (code, _) in enumerate(stack):
            if picked is not None and code is picked.f_code:
                depth = i
                break
        if override is not None:
            locs, values = override
        elif picked is not None:
            locs, values = _capture_locals(s, picked, t, exprs)
        else:
            locs, values = [], {}
        threads.append((ident, getattr(th, "native_id", 0) or 0,
                        th.name if th is not None else "", _thread_flags(th),
                        depth, stack, locs))
        return values

    if frame is not None:
        origin_values = capture(origin_ident, frame, frame, frame_locals)
    for ident, top in frames.items():
        if ident == origin_ident or ident in _recorder_idents:
            continue
        picked = _pick_frame(s, top)
        if picked is None:
            continue
        # watch_expr belongs to the snapshot's own frame, not every thread.
        capture(ident, top, picked, exprs=False)

    all_tags = list(s.tags)
    if s.pending_tags:
        all_tags += [x for x in s.pending_tags if x not in all_tags]
        s.pending_tags = None
    if tags:
        all_tags += [x for x in tags if x not in all_tags]
    task, coro = _async_info()
    s.index += 1
    s.n += 1
    try:
        sample = s.core.write_snapshot(
            s.index, kind, origin_ident, evt, label or "", all_tags,
            [(k, "" if v is None else str(v)) for k, v in (extras or {}).items()],
            [(k, v) for k, v in _metrics.items()], _torch_counters(),
            task, coro, threads) or {}
    except Exception as exc:
        sys.stderr.write("[TC] snapshot error: %s\n" % exc)
        return origin_values
    _after_snapshot(s, t, sample, origin_values, frame)
    return origin_values


def _after_snapshot(s, t, sample, values, frame):
    ram = sample.get("ram_mb", 0.0)
    fds = int(sample.get("open_fds", 0))
    s.ram_peak = max(s.ram_peak, ram)
    s.fd_peak = max(s.fd_peak, fds)
    if s.warn:
        base = s.baseline.get("ram_mb", 0.0)
        if base > 0 and ram - base > 50:
            raise_warning(s, "RAM_GROWING", "RAM %.0f\u2192%.0fMB (+%.0fMB)"
                          % (base, ram, ram - base))
        bfd = int(s.baseline.get("open_fds", 0))
        if bfd > 0 and fds - bfd > 20:
            raise_warning(s, "FD_LEAK", "FDs grew %d\u2192%d" % (bfd, fds))
    if _watch_names:
        _print_watch(s, t, values)
    if s.live and t - s.last_live >= 0.5:
        s.last_live = t
        fn = frame.f_code.co_name if frame is not None else "?"
        parts = ["RAM=%.0fMB" % ram, "CPU=%.0f%%" % sample.get("cpu_pct", 0)]
        if "gpu_mb" in sample:
            parts.append("GPU=%.0fMB" % sample["gpu_mb"])
        parts += ["%s=%s" % (k, v) for k, v in list(_metrics.items())[:3]]
        sys.stderr.write("\r[TC #%05d  t=%.2fs  %s()  %s]   "
                         % (s.index, t, fn, "  ".join(parts)))
        sys.stderr.flush()


def _fmt_num(text):
    try:
        return float(text.strip("'\""))
    except (ValueError, AttributeError):
        return None


def _print_watch(s, t, values):
    for name in _watch_names:
        if name in values:
            new = _capture.smart_repr(values[name])[0]
        elif name in _metrics:
            new = str(_metrics[name])
        else:
            continue
        old = s.watch_last.get(name)
        if old == new and not _watch_every_snap:
            continue
        s.watch_last[name] = new
        a, b = _fmt_num(old) if old is not None else None, _fmt_num(new)

        def short(x):
            v = _fmt_num(x) if x is not None else None
            return "%.6g" % v if v is not None else str(x)
        delta = "  (\u0394 %+.4g)" % (b - a) if a is not None and b is not None else ""
        sys.stderr.write("[TC WATCH] t=%.4fs  %s:  %s \u2192 %s%s\n"
                         % (t, name, short(old), short(new), delta))


# ---------------------------------------------------------------------------
# Timer thread

_recorder_idents = set()


def _main_thread_cpu(main_ident):
    try:
        cid = time.pthread_getcpuclockid(main_ident)
        return time.clock_gettime(cid)
    except Exception:
        return None


def _start_timer(s):
    """The timer is a C thread (tc-recorder-timer.c) that calls tick() with
    the GIL every `s.every` seconds: not a threading.Thread, so the program
    never sees it in threading.enumerate() or active_count().  Started by
    the after-fork hooks while the hooks record: only C calls here (the
    main thread's ident is the session's, not threading.main_thread())."""
    main_ident = s.main_ident
    state = [_main_thread_cpu(main_ident), time.perf_counter()]

    def tick():
        if s.timer_ident is None:
            s.timer_ident = threading.get_ident()
            _recorder_idents.add(s.timer_ident)
        if not s.active:
            return
        state[0], state[1] = _timer_tick(s, main_ident, state[0], state[1])
        _forget_dummy_thread(s.timer_ident)

    core.timer_start(s.every, tick)


def _stop_timer(s, wait=2.0, join_idle=False):
    # A timer that never ticked is not waited for (it ends without touching
    # Python) unless join_idle: fork() must find no thread left.
    core.timer_stop(wait, join_idle)
    _recorder_idents.discard(s.timer_ident)
    s.timer_ident = None


def _forget_dummy_thread(ident):
    """threading.current_thread() called on the timer thread (a program's
    __repr__ may) registers a _DummyThread that enumerate() would list."""
    th = threading._active.get(ident)
    if th is not None and isinstance(th, threading._DummyThread):
        with threading._active_limbo_lock:
            threading._active.pop(ident, None)


def _timer_tick(s, main_ident, last_cpu, last_wall):
    """One tick: the main thread's snapshot, conditions, STUCK_LOOP.  A
    function of its own so no frame of the program is held between ticks
    (a held frame keeps its function's locals alive after it returns)."""
    try:
        # The temporary dict is dropped at once (see _take_snapshot).
        frame = _pick_frame(s, sys._current_frames().get(main_ident))
        if s.n >= s.max_snaps:
            # max_snaps bounds the timer's snapshots (the file is
            # append-only, so nothing is evicted).
            if not getattr(s, "max_snaps_hit", False):
                s.max_snaps_hit = True
                sys.stderr.write("[TC] max_snaps=%d reached: timer snapshots stop\n"
                                 % s.max_snaps)
            values = {}
        else:
            values = _take_snapshot(s, K_TIMER, "TIMER", frame=frame,
                                    origin_ident=main_ident)
        _eval_conditions(s, frame, values)
        cpu, wall = _main_thread_cpu(main_ident), time.perf_counter()
        busy = (cpu is not None and last_cpu is not None
                and (cpu - last_cpu) >= 0.05 * (wall - last_wall))
        last_cpu, last_wall = cpu, wall
        _stuck_check(s, frame, values, busy)
    except Exception as exc:  # never let the timer die silently
        try:
            sys.stderr.write("[TC] timer error: %s\n" % exc)
        except Exception:
            pass
    return last_cpu, last_wall


def _stuck_check(s, frame, values, busy):
    """STUCK_LOOP only while the main thread burns CPU (fix of §8.1 #12:
    a sleep or a blocking call is not a stuck loop)."""
    if frame is None or not s.warn:
        return
    # Same function and same locals (a loop body spans several lines).
    sig = (frame.f_code,
           tuple(sorted((k, _capture.smart_repr(v)[0])
                        for k, v in values.items())))
    t = s.elapsed()
    if not busy or s.stuck is None or s.stuck[0] != sig:
        s.stuck = (sig, t)
        return
    if t - s.stuck[1] > 3 * s.every:
        fn = frame.f_code.co_name
        raise_warning(s, "STUCK_LOOP", "Stuck at %s():%d for %.0fs"
                      % (fn, frame.f_lineno, t - s.stuck[1]), "WARN", fn)


def _eval_conditions(s, frame, values):
    if not _conditions:
        return
    ns = {}
    if frame is not None:
        try:
            ns.update(frame.f_globals)
            ns.update(frame.f_locals)
        except Exception:
            pass
    ns.update(values)
    ns.update(_metrics)
    for cond in list(_conditions):
        try:
            val = bool(eval(cond["_code"], {"__builtins__": builtins}, ns))
        except Exception:
            continue
        prev = cond["last_val"]
        cond["last_val"] = val
        mode = cond["snap_mode"]
        fire = val and ((mode == "on_change" and prev is not True)
                        or mode == "on_true"
                        or (mode == "once" and not cond["fired"]))
        if not fire:
            continue
        cond["fired"] = True
        cond["fire_count"] += 1
        raise_warning(s, "CONDITION:%s" % cond["expr"][:30],
                      "watch_condition fired: %s" % cond["expr"],
                      cond["level"], None, dedupe=False)
        _take_snapshot(s, K_CONDITION, "CONDITION", frame=frame,
                       label=cond["label"], tags=cond["tags"],
                       extras={"condition_expr": cond["expr"],
                               "fire_count": cond["fire_count"]},
                       origin_ident=threading.main_thread().ident)


# ---------------------------------------------------------------------------
# Hooks

def _warn_from_c(code, message, var):
    raise_warning(_session, code, message, "WARN", var)


def _install_hooks(s):
    if s.mode == "sample":
        rate = float(max(1, s.sample_rate_hz))
        # The sampler needs the GIL for each sample; a busy thread only
        # hands it over every switch interval (5 ms by default), which
        # would cap the rate at 200 Hz.  Match the interval to the rate.
        s.old_switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(s.old_switch_interval, 1.0 / rate))
        core.sampler_start(rate)
        return "sample"
    if core.HAS_MONITORING:
        mon = sys.monitoring
        holder = mon.get_tool(TOOL_ID)
        if holder is not None:
            raise RuntimeError(
                "timecapsule: sys.monitoring tool id %d is in use by %r; "
                "stop that profiler first, or record with mode='sample'"
                % (TOOL_ID, holder))
        mon.use_tool_id(TOOL_ID, "timecapsule")
        E = mon.events
        core.set_monitoring(mon.DISABLE, mon.set_local_events, E.LINE)
        mon.register_callback(TOOL_ID, E.PY_START, core._mon_py_start)
        mon.register_callback(TOOL_ID, E.PY_RESUME, core._mon_py_resume)
        mon.register_callback(TOOL_ID, E.PY_THROW, core._mon_py_throw)
        mon.register_callback(TOOL_ID, E.PY_RETURN, core._mon_py_return)
        mon.register_callback(TOOL_ID, E.PY_YIELD, core._mon_py_yield)
        mon.register_callback(TOOL_ID, E.PY_UNWIND, core._mon_py_unwind)
        mon.register_callback(TOOL_ID, E.LINE, core._mon_line)
        mon.set_events(TOOL_ID, E.PY_START | E.PY_RESUME | E.PY_THROW
                       | E.PY_RETURN | E.PY_YIELD | E.PY_UNWIND)
        mon.restart_events()
        return "C+monitoring"
    threading.setprofile(core._profile_trampoline)
    return core.profile_install()


def _remove_hooks(s):
    if s.mode == "sample":
        core.sampler_stop()
        if getattr(s, "old_switch_interval", None):
            sys.setswitchinterval(s.old_switch_interval)
        return
    if core.HAS_MONITORING:
        mon = sys.monitoring
        try:
            mon.set_events(TOOL_ID, 0)
            for ev in (mon.events.PY_START, mon.events.PY_RESUME,
                       mon.events.PY_THROW, mon.events.PY_RETURN,
                       mon.events.PY_YIELD, mon.events.PY_UNWIND,
                       mon.events.LINE):
                mon.register_callback(TOOL_ID, ev, None)
            mon.free_tool_id(TOOL_ID)
        except Exception:
            pass
        return
    threading.setprofile(None)
    core.profile_uninstall()


def _sigterm_handler(signum, frame):
    if _forking_pid is not None and _forking_pid != os.getpid():
        # A fork child whose after-fork hook has not set it up yet: stop()
        # here would finish the parent's file.  The hook raises the signal
        # again at its end (it is still noted as not handled).
        return
    core.signal_handled()
    s = _session
    if s is not None and s.active:
        stop(_exit_status=128 + signum, _flags=core.END_SIGNAL)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_sigterm(handler):
    """signal.signal(SIGTERM, handler), watched: a SIGTERM that CPython
    notes just before the main thread blocks in C (a Pool worker entering
    sem_wait when Pool.terminate() sends it) would otherwise never reach
    the handler, and the process would hang instead of ending; the recorder
    sends it again if the handler has not run 0.1 s later."""
    old = signal.signal(signal.SIGTERM, handler)
    core.watch_signal(signal.SIGTERM)
    return old


def _sigusr1_handler(signum, frame):
    """SIGUSR1: everything recorded so far goes to the file now."""
    s = _session
    if s is not None and s.active:
        try:
            core.flush()
        except Exception:
            pass


def _atexit_save():
    if _session is not None and _session.active:
        stop()


# ---------------------------------------------------------------------------
# fork: no recorder thread may exist when the process forks (a thread that
# holds a lock leaves it locked in the child, and 3.12+ warns that fork() in
# a multi-threaded process may deadlock), so the timer, the sampler and the
# writer stop and flush before it and start again in the parent after it
# (on 3.13+, once os.fork() has counted the threads).
# The child goes on recording into <stem>.<pid>.tc beside the parent's
# <stem>.tc (SESSION items parent_pid, process_role "fork-child", root_pid:
# the multi-process contract shared with `run --subprocesses`); the parent's
# file gets nothing from the child.

_SUBPROCESS_ENV = "TIMECAPSULE_SUBPROCESSES"   # see _subprocess.py


# The process that is forking, from before fork() until its after-fork
# hooks have run (in the child: inherited, so the child can tell).
_forking_pid = None


def _before_fork():
    global _forking_pid
    s = _session
    if s is None or not s.active or s.pid != os.getpid():
        return
    _forking_pid = os.getpid()
    s.forking = True
    _stop_timer(s, wait=5.0, join_idle=True)
    core.fork_prepare()


def _after_fork_parent():
    global _forking_pid
    _forking_pid = None
    s = _session
    if s is None or not getattr(s, "forking", False):
        return
    s.forking = False
    # On 3.13+ the restart may wait until os.fork() has returned to its
    # caller (see fork_parent in tc-recorder-module.c): no recorder thread
    # is there when it counts the threads.
    try:
        caller = sys._getframe(1)
    except ValueError:
        caller = None   # os.fork() called from C: restarted at once
    core.fork_parent(_restart_timer_after_fork, caller)


def _restart_timer_after_fork():
    s = _session
    if s is not None and s.active and not s.forking and s.pid == os.getpid():
        _start_timer(s)


def _in_fork_exec():
    """subprocess with preexec_fn runs the fork hooks in a child that execs
    at once: that child is not recorded (it would leave an empty file)."""
    f = sys._getframe(1)
    while f is not None:
        code = f.f_code
        if code.co_name == "_execute_child" and code.co_filename.endswith("subprocess.py"):
            return True
        f = f.f_back
    return False


def _after_fork_child():
    global _forking_pid
    try:
        _fork_child_session()
    finally:
        _forking_pid = None
        # A SIGTERM that reached the child before CPython's after-fork code
        # (Pool.terminate() of a worker just forked) was forgotten there,
        # one before this hook was put off: raised again, its handler
        # finishes the child's own file.
        core.resend_signal_in_child()


def _fork_child_session():
    global _session, _lock
    # A thread of the parent may have held it; it has no owner here.
    _lock = threading.RLock()
    s = _session
    if s is None:
        return
    was_active = s.active and getattr(s, "forking", False)
    s.forking = False
    s.active = False
    core.fork_child()
    _recorder_idents.clear()
    s.timer_ident = None
    if not was_active or _in_fork_exec():
        if was_active:
            _unhook_fork_child(s)
        _session = None
        return
    try:
        _open_fork_child(s)
    except Exception as exc:
        # The program comes first: the child runs unrecorded.
        _unhook_fork_child(s)
        _session = None
        try:
            sys.stderr.write("[TC] cannot record the forked child %d: %s\n"
                             % (os.getpid(), exc))
        except Exception:
            pass


def _unhook_fork_child(s):
    """A forked child that does not record: the hooks inherited from the
    parent (the PEP 523 eval hook, the profile function, the
    sys.monitoring callbacks) are inactive there but would still be called
    on every call, so they go."""
    try:
        _remove_hooks(s)
    except Exception:
        pass


def _open_fork_child(s):
    global _session
    parent_pid = s.pid
    s.pid = os.getpid()
    try:
        cfg = json.loads(os.environ.get(_SUBPROCESS_ENV) or "{}")
    except ValueError:
        cfg = {}
    if cfg.get("stem"):
        # Under `run --subprocesses` the whole process set shares one stem,
        # and this process is the parent of the subprocesses it starts.
        s.stem = cfg["stem"]
        s.root_pid = int(cfg.get("root_pid") or s.root_pid)
        cfg["parent_pid"] = s.pid
        os.environ[_SUBPROCESS_ENV] = json.dumps(cfg)
    s.session_id = uuid.uuid4().hex[:8]
    s.t0 = time.perf_counter()
    s.t0_wall = time.time()
    s.index = s.n = 0
    s.crashed = False
    s.quiet = True   # the parent owns the terminal's "[TC]" lines
    for state in (s.warnings, s.warn_keys, s.metric_history, s.var_last,
                  s.growth, s.block_timings, s.watch_last):
        state.clear()
    s.stuck = None
    own = ("pid", "session_id", "t0_wall", "parent_pid", "process_role",
           "root_pid")
    items = [kv for kv in s.items if kv[0] not in own]
    items += [("pid", str(s.pid)), ("session_id", s.session_id),
              ("t0_wall", repr(s.t0_wall)), ("parent_pid", str(parent_pid)),
              ("process_role", "fork-child"), ("root_pid", str(s.root_pid))]
    path = _unique_path("%s.%d.tc" % (s.stem, s.pid))
    _open_file(s, path, items)
    s.output = path
    s.baseline = core.system_sample() or {}
    s.main_ident = threading.main_thread().ident   # this thread, now
    if s.mode == "sample":
        core.sampler_start(float(max(1, s.sample_rate_hz)))
    s.active = True
    _session = s
    _start_timer(s)
    core.set_active(True)   # last: nothing above is recorded


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork,
                        after_in_parent=_after_fork_parent,
                        after_in_child=_after_fork_child)


# os._exit skips atexit, so a program (or a multiprocessing fork child)
# leaving that way would lose what was buffered since the last flush:
# while recording, os._exit first closes the file (no snapshot, no output).
_real_exit = os._exit


_EXIT_BLOCKED = {getattr(signal, n) for n in (
    "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM")
    if hasattr(signal, n)}


def _exit(status, /):
    s = _session
    if s is not None and s.active and s.pid == os.getpid():
        try:
            # The process is leaving with `status`: a signal arriving now
            # (Pool.terminate() sends SIGTERM to workers that are already
            # exiting) must not cut the close short; _exit drops it anyway.
            signal.pthread_sigmask(signal.SIG_BLOCK, _EXIT_BLOCKED)
        except (AttributeError, ValueError, OSError):
            pass
        try:
            s.active = False
            core.set_active(False)
            _stop_timer(s, wait=1.0)
            core.close(status, core.END_CRASHED if s.crashed else 0)
        except BaseException:
            pass
    _real_exit(status)


_exit.__doc__ = _real_exit.__doc__


# ---------------------------------------------------------------------------
# Public API

@_unrecorded
def record(every=1.0, watch=None, output=None, max_snaps=10000, flush_every=50,
           warn=True, tags=None, live=False, include_files=None,
           exclude_files=None, mode="full", sample_rate_hz=1000, *,
           calls="all", embed_source=True, redact=True, _src=None,
           _argv=None, _flush_interval_ms=500, _session_items=(),
           _on_open=None, _activate=True, _program_started=True):
    """Start recording.  Returns a context manager (``with tc.record(): …``).

    calls="all" records every Python call in the process; calls="tracked"
    only calls in tracked files (the recording script and include_files).
    redact=True (default) stores "<redacted>" for variables, dict keys and
    name=value pairs whose names look like secrets (password, token, api_key,
    auth, cookie, session ids …); an iterable of names / glob patterns adds
    to those rules; redact=False records every value as it is.
    embed_source=False leaves the source text of recorded files out.
    flush_every=N flushes the file after every N snapshots (0: only the
    timed flush, twice a second), so a kill -9 loses no snapshot taken
    before the last such flush.

    The recorder's own work is not in the recording: calls start being
    recorded when record() returns and stop when stop() is called, and
    what any other API call runs meanwhile is not recorded (_unrecorded).
    (`timecapsule run`: _on_open(session) is called just before, and
    _activate=False leaves the hooks off for core.set_active(True) at the
    program's first line.  _program_started=False: a subprocess child
    records from its sitecustomize, before its __main__ runs.)"""
    global _session, _atexit_registered
    if mode not in ("full", "sample"):
        raise ValueError("timecapsule: mode must be 'full' or 'sample', not %r"
                         % (mode,))
    if calls not in ("all", "tracked"):
        raise ValueError("timecapsule: calls must be 'all' or 'tracked'")
    if every is None or every <= 0:
        raise ValueError("timecapsule: every must be > 0 seconds")
    with _lock:
        if _session is not None and _session.active:
            stop()
        s = _Session()
        caller = _caller_frame(1)
        src = _src
        if src is None:
            fname = caller.f_code.co_filename if caller is not None else "<stdin>"
            src = os.path.abspath(fname)
            if fname.startswith("<") or not os.path.exists(src):
                src = os.path.abspath(os.getcwd())
        s.src = src
        if output is None:
            stem = (os.path.splitext(os.path.basename(src))[0]
                    if os.path.isfile(src) else os.path.basename(src) or "tc")
            output = "%s_%s.tc" % (stem, time.strftime("%Y%m%d_%H%M%S"))
        s.every = float(every)
        s.watch = set(watch) if watch is not None else None
        s.max_snaps = max_snaps
        s.flush_every = max(0, int(flush_every or 0))
        s.flush_interval_ms = max(1, int(_flush_interval_ms))
        s.warn = bool(warn)
        s.tags = list(tags or [])
        s.live = live
        s.mode = mode
        s.sample_rate_hz = sample_rate_hz
        # Relative patterns are made absolute against the cwd (seed); ones
        # that start with a wildcard already match anywhere.
        s.include = [p if p.startswith(("*", "/")) else os.path.abspath(p)
                     for p in (include_files or [])]
        s.exclude = (list(exclude_files) if exclude_files is not None
                     else ["*/site-packages/*", "*/dist-packages/*"])
        s.session_id = uuid.uuid4().hex[:8]
        s.t0_wall = time.time()
        _metrics.clear()

        _capture.set_redaction(redact)
        items = [("argv", a) for a in _redact_argv(
            _argv if _argv is not None else sys.argv)]
        items += [
            ("python", sys.version), ("python_impl", sys.implementation.name),
            ("platform", sys.platform), ("pid", str(os.getpid())),
            ("hostname", socket.gethostname()), ("cwd", os.getcwd()),
            ("src", src), ("mode", mode),
            ("backend", "sample" if mode == "sample" else core.hook_backend()),
            ("recorder_version", VERSION), ("session_id", s.session_id),
            ("t0_wall", repr(s.t0_wall)),
            # Line hits say a line ran, not how often: every backend stops
            # listening to a line after its first run (docs/FORMAT.md 5.1).
            ("line_hits", "first"),
        ]
        # A --subprocesses child's parent_pid/process_role: in the SESSION
        # frame written when the file opens, so a worker killed at once
        # still names its parent (docs/PROCESSES.md).
        items += [(str(k), str(v)) for k, v in _session_items]
        items += [("include_files", p) for p in s.include]
        items += [("exclude_files", p) for p in s.exclude]
        for k, v in (("every", every), ("max_snaps", max_snaps),
                     ("flush_every", flush_every), ("warn", warn),
                     ("live", live), ("sample_rate_hz", sample_rate_hz),
                     ("calls", calls), ("embed_source", embed_source),
                     ("redact", redact if isinstance(redact, (bool, str))
                      else ",".join(map(str, redact))),
                     ("watch", ",".join(sorted(s.watch)) if s.watch else ""),
                     ("tags", ",".join(s.tags))):
            items.append(("option." + k, str(v)))
        items += [("watch_expr." + n, e) for n, (e, _) in _watch_exprs.items()]

        s.calls = calls
        s.embed_source = embed_source
        s.items = items
        path = os.path.abspath(output)
        for _ in range(100):
            path = _unique_path(path)
            try:
                _open_file(s, path, items)
                break
            except FileExistsError:
                continue   # raced with another writer: next suffix
            except OSError as exc:
                # The program comes first: an output that cannot be created
                # (read-only directory, full disk, permissions) is said once
                # and the program runs unrecorded.
                sys.stderr.write("[TC] cannot record to %s: %s; the program "
                                 "runs unrecorded\n"
                                 % (path, exc.strerror or exc))
                return s
        s.output = path
        s.stem = path[:-3] if path.endswith(".tc") else path
        s.pid = s.root_pid = os.getpid()
        s.main_ident = threading.main_thread().ident
        s.core = core
        core.set_warn_callback(_warn_from_c)
        core.set_trace_callback(_trace_from_c)
        # Return values are redacted inside the hooks, by the same rules.
        if _capture.redacting():
            core.set_redaction(_capture.redact_return_value,
                               _capture.redact_text,
                               _capture.redaction_needles())
        else:
            core.set_redaction(None, None)
        s.baseline = core.system_sample() or {}
        _session = s
        s.active = True
        try:
            s.backend = _install_hooks(s)
        except Exception:
            _session = None
            s.active = False
            core.close(0, 0)
            os.unlink(path)
            raise

        if not _atexit_registered:
            atexit.register(_atexit_save)
            _atexit_registered = True
        from ._crash import excepthook, threading_excepthook
        s.old_excepthook = sys.excepthook
        sys.excepthook = excepthook
        s.old_threading_excepthook = threading.excepthook
        threading.excepthook = threading_excepthook
        if threading.current_thread() is threading.main_thread():
            try:
                # kill -USR1 <pid> flushes, unless the program handles
                # SIGUSR1 itself (its default action ends the program).
                if signal.getsignal(signal.SIGUSR1) in (signal.SIG_DFL, None):
                    s.old_sigusr1 = signal.signal(signal.SIGUSR1,
                                                  _sigusr1_handler)
            except (ValueError, OSError, AttributeError):
                pass
            try:
                if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
                    s.old_sigterm = _install_sigterm(_sigterm_handler)
            except (ValueError, OSError):
                pass

        if os._exit is not _exit:
            s.old_exit = os._exit
            os._exit = _exit
        _start_timer(s)
        # Under `timecapsule run` or in a subprocess child the program has
        # not started: its first snapshot holds no frame of the main thread
        # (not runpy's, nor the child's sitecustomize and site machinery).
        started = _activate and _program_started
        s.main_module = _main_module_of(caller) if started else None
        _take_snapshot(s, K_START, "SNAP:record_start",
                       frame=caller if started else False,
                       label="_tc_init", tags=["_internal"])
        if _on_open is not None:
            _on_open(s)
        extra = "  tracking=%d files" % (len(s.include) + 1) if include_files else ""
        print("[TC] recording \u2192 %s  every=%ss  backend=%s  session=%s%s"
              % (s.output, every, s.backend, s.session_id, extra))
        # The very last step: what record() did above (imports, threading,
        # signal, the snapshot's reprs) and its callees are not recorded.
        if _activate:
            core.set_active(True)
    return s


def _redact_argv(argv):
    """--password=x and --password x on the command line: the value is
    redacted like a variable's."""
    out = []
    hide = False
    for a in argv:
        a = str(a)
        if hide:
            out.append(_capture.REDACTED)
            hide = False
            continue
        if a.startswith("-") and "=" not in a:
            hide = _capture.is_secret_name(a.lstrip("-"))
        out.append(_capture.redact_text(a))
    return out


def _open_file(s, path, items):
    producer = "timecapsule %s %s %s" % (
        VERSION, sys.implementation.name, sys.version.split()[0])
    core.open(path, items, s.session_id, producer[:47], s.src,
              _capture.OWN_DIR, s.include, s.exclude, s.calls == "tracked",
              s.embed_source, s.mode == "full",
              s.flush_interval_ms, threading.main_thread().ident,
              s.flush_every)


@_unrecorded
def stop(*, _exit_status=0, _flags=0):
    """Finish the recording: final snapshot, hooks off, file closed.
    Returns promptly (the timer is woken, not waited out)."""
    global _session
    with _lock:
        s = _session
        if s is None or not s.active:
            return None
        # The first step: what stop() does (threading, the snapshot's
        # reprs, restoring handlers) and its callees are not recorded.
        core.set_active(False)
        # No local holds the main thread's frame: called on the main thread
        # it is this very frame (a cycle, see _take_snapshot).
        main_ident = s.main_ident
        _take_snapshot(s, K_STOP, "SNAP:record_stop",
                       frame=_stop_frame(s, sys._current_frames().get(main_ident)),
                       label="_tc_final", tags=["_internal"],
                       origin_ident=main_ident)
        s.main_module = s.main_module_tb = None
        s.active = False
        _remove_hooks(s)
        _stop_timer(s)
        if os._exit is _exit:
            os._exit = s.old_exit or _real_exit
        if sys.excepthook is _crash_hook():
            sys.excepthook = s.old_excepthook
        if threading.excepthook is _crash_thread_hook():
            threading.excepthook = s.old_threading_excepthook
        if s.old_sigterm is not None:
            try:
                if signal.getsignal(signal.SIGTERM) is _sigterm_handler:
                    signal.signal(signal.SIGTERM, s.old_sigterm)
            except (ValueError, OSError):
                pass
        if s.old_sigusr1 is not None:
            try:
                if signal.getsignal(signal.SIGUSR1) is _sigusr1_handler:
                    signal.signal(signal.SIGUSR1, s.old_sigusr1)
            except (ValueError, OSError):
                pass
        try:
            core.write_session([("final_metric." + str(k), str(v))
                                for k, v in _metrics.items()])
        except Exception:
            pass
        if getattr(s, "interrupted", False):
            _flags |= core.END_SIGNAL
            _exit_status = _exit_status or 130
        flags = _flags | (core.END_CRASHED if s.crashed else 0)
        try:
            stats = core.close(_exit_status, flags) or {}
        except OSError as exc:
            print("[TC] save error: %s" % exc)
            return None
        finally:
            core.set_trace_callback(None)
        try:
            size_kb = os.path.getsize(s.output) / 1024.0
        except OSError:
            size_kb = 0.0
        nvars = len({name for (_, name) in s.var_last})
        if s.live:
            sys.stderr.write("\r" + " " * 100 + "\r")
        if s.quiet:
            return s.output
        print("\n[TC] \u2713 saved  %d snaps  %.0fKB  %d vars  crash=%s  warn=%d  \u2192 %s"
              % (stats.get("snapshots", s.n), size_kb, nvars,
                 "YES \u26a0" if s.crashed else "no", len(s.warnings),
                 s.output))
        return s.output


def _crash_hook():
    from ._crash import excepthook
    return excepthook


def _crash_thread_hook():
    from ._crash import threading_excepthook
    return threading_excepthook


@_unrecorded
def snap(label=None, tags=None):
    """Snapshot the caller's frame (and every other thread's)."""
    s = _session
    if s is None or not s.active:
        return None
    with _lock:
        if tags:
            s.pending_tags = list(tags)
        _take_snapshot(s, K_SNAP, "SNAP:%s" % (label or ""),
                       frame=_caller_frame(1), label=label or None)
        n = s.n
    print("[TC] snap #%d%s" % (n, " \u2014 %s" % label if label else ""))
    return None


@_unrecorded
def tag(*tags):
    """The next snapshot (of any kind) takes these tags."""
    s = _session
    if s is not None:
        s.pending_tags = list(tags)


@_unrecorded
def metric(name, value):
    """Record a metric point (a real time series, not only at snapshots)."""
    _metrics[name] = value
    s = _session
    if s is None or not s.active:
        return
    try:
        core.metric(str(name), value)
    except Exception:
        pass
    if s.warn and isinstance(value, (int, float, bool)):
        if isinstance(value, float):
            check_float(s, name, value)
        check_plateau(s, name, value)


@_unrecorded
def assert_var(name, condition_fn, label=None):
    """Check a local of the caller; ASSERTION_FAILED + snapshot on failure."""
    s = _session
    if s is None or not s.active:
        return
    frame = _caller_frame(1)
    value = frame.f_locals.get(name) if frame is not None else None
    try:
        ok = bool(condition_fn(value))
    except Exception as exc:
        ok = False
        if label is None:
            label = "assert_var(%s) error: %s" % (name, exc)
    if ok:
        return
    shown = _capture.redact(name, value)
    r = shown if shown is _capture.REDACTED else _capture.smart_repr(shown)[0]
    raise_warning(s, "ASSERTION_FAILED",
                  label or "assert_var('%s') failed: %s" % (name, r),
                  "ERROR", name)
    with _lock:
        _take_snapshot(s, K_ASSERT, "ASSERT_FAIL", frame=frame,
                       label="ASSERT_FAIL:%s" % name,
                       extras={"assert_name": name, "assert_val": r[:500]})


@_unrecorded
def watch_expr(name, expr_str):
    """Evaluate `expr_str` in the captured frame at every capture."""
    _watch_exprs[name] = (expr_str, compile(expr_str, "<watch_expr>", "eval"))


class _Block:
    def __init__(self, name):
        self.name = name

    @_unrecorded
    def __enter__(self):
        self.start = time.perf_counter()
        self.start_ns = core.now_ns()
        return self

    @_unrecorded
    def __exit__(self, *exc):
        elapsed = time.perf_counter() - self.start
        key = "block:%s" % self.name
        _block_timings.setdefault(key, []).append(round(elapsed, 9))
        s = _session
        if s is not None and s.active:
            s.block_timings.setdefault(key, []).append(round(elapsed, 9))
            core.write_mark(threading.get_ident(), self.start_ns, M_BLOCK,
                            int(elapsed * 1e9), "block", self.name, "")
        print("[TC] block '%s' \u2192 %.3fms" % (self.name, elapsed * 1000))
        return False


@_unrecorded
def profile_block(name):
    """``with tc.profile_block("load"): …`` times the body."""
    return _Block(name)


@_unrecorded
def checkpoint(name, max_elapsed_s=None):
    """A toggle: the first call starts, the second reports the elapsed time."""
    if name not in _checkpoints:
        _checkpoints[name] = (time.perf_counter(), max_elapsed_s, core.now_ns())
        print("[TC] \u25b6 checkpoint '%s'" % name)
        return None
    start, limit, start_ns = _checkpoints.pop(name)
    elapsed = time.perf_counter() - start
    key = "checkpoint:%s" % name
    _block_timings.setdefault(key, []).append(round(elapsed, 6))
    print("[TC] \u25a0 checkpoint '%s' \u2192 %.2fms" % (name, elapsed * 1000))
    s = _session
    if s is not None and s.active:
        s.block_timings.setdefault(key, []).append(round(elapsed, 6))
        core.write_mark(threading.get_ident(), start_ns, M_CHECKPOINT,
                        int(elapsed * 1e9), "checkpoint", name, "")
        if limit is not None and elapsed > limit:
            raise_warning(s, "CHECKPOINT_SLOW", "'%s' took %.3fs > limit %ss"
                          % (name, elapsed, limit), "WARN", name)
    return elapsed


@_unrecorded
def reset():
    """Forget this session's snapshots' derived state (the file keeps what
    was already written: it is append-only)."""
    s = _session
    if s is not None:
        s.warnings.clear()
        s.warn_keys.clear()
        s.metric_history.clear()
        s.var_last.clear()
        s.growth.clear()
        s.stuck = None
        s.block_timings.clear()
        s.watch_last.clear()
        if s.active:
            core.write_mark(threading.get_ident(), core.now_ns(), 3, 0,
                            "reset", "reset", "tc.reset()")
    _metrics.clear()
    _block_timings.clear()
    print("[TC] state reset")


@_unrecorded
def watch(*var_names, every_snap=False):
    """Print changes of these locals/metrics to stderr after each snapshot.
    Works before or after record()."""
    global _watch_every_snap
    for n in var_names:
        if n not in _watch_names:
            _watch_names.append(n)
    _watch_every_snap = every_snap
    sys.stderr.write("[TC] watching: %s\n" % list(var_names))


@_unrecorded
def breakpoint(label=None, *, condition=None, tags=None, verbose=True):
    """A soft breakpoint: a snapshot of the caller, never a pause."""
    s = _session
    if s is None or not s.active:
        return
    try:
        frame = _caller_frame(1)
        if condition is not None:
            try:
                if not condition(dict(frame.f_locals)):
                    return
            except Exception as exc:
                raise_warning(s, "BP_CONDITION_ERROR",
                              "breakpoint condition raised: %s" % exc, "WARN",
                              "%s:%d" % (os.path.basename(frame.f_code.co_filename),
                                         frame.f_lineno))
        fname = os.path.basename(frame.f_code.co_filename)
        line = frame.f_lineno
        label = label or "bp:%s:%d" % (fname, line)
        with _lock:
            values = _take_snapshot(
                s, K_BREAKPOINT, "BREAKPOINT", frame=frame, label=label,
                tags=["breakpoint"] + list(tags or []),
                extras={"bp_file": frame.f_code.co_filename, "bp_line": line,
                        "bp_fn": frame.f_code.co_name})
        if verbose:
            sys.stderr.write("[TC BP] t=%.4fs  #%d  %s() %s:%d  \u2014 %s  (%d vars)\n"
                             % (s.elapsed(), s.index, frame.f_code.co_name,
                                fname, line, label, len(values)))
    except Exception:
        pass


@_unrecorded
def watch_condition(expr, label=None, *, snap_mode="on_change", tags=None,
                    level="WARN"):
    """Fire (warning + snapshot) when `expr` becomes true.  Evaluated on
    every timer tick with builtins, the frame's globals and locals (real
    values) and the metrics.  Works before or after record()."""
    if snap_mode not in ("on_change", "on_true", "once"):
        raise ValueError("snap_mode must be 'on_change', 'on_true' or 'once'")
    entry = {"expr": expr, "label": label or "condition: %s" % expr[:40],
             "snap_mode": snap_mode,
             "tags": ["watch_condition"] + list(tags or []), "level": level,
             "last_val": None, "fired": False, "fire_count": 0,
             "_code": compile(expr, "<watch_condition>", "eval")}
    _conditions.append(entry)
    sys.stderr.write("[TC] watching condition: '%s'\n" % expr)
    return entry


# ---------------------------------------------------------------------------
# @trace support: the C hooks call back at the traced function's own entry
# and exit, so the snapshots show that function's frame.

def _trace_from_c(event, frame, value):
    from ._trace import on_hook
    on_hook(event, frame, value)
