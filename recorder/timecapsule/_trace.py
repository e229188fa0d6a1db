# SPDX-License-Identifier: MIT
"""@tc.trace: call and return snapshots of the *traced* function's frame.

The wrapper registers the function's code object with the C hooks, which
call back at that code's own entry (its arguments are its locals) and exit
(its final locals), so the snapshots show the traced function, not the
caller (spec §8.1 #20).  The wrapper's frame is recorder code and never
appears in stacks.  Without hooks (sample mode) the caller's frame is used.

Only the traced function's own call is recorded: the decoration and the
wrapper's work before and after the call (binding the arguments, the
snapshots) run through core.own_call, unrecorded.
"""

import functools
import inspect
import sys
import threading
import time

from . import _recorder as core
from . import _recording as rec
from . import _capture
from ._warnings import raise_warning, TRACE_SLOW_LIMIT

_tls = threading.local()


class _Call:
    __slots__ = ("name", "k", "code", "args", "t0", "t_end", "called",
                 "exit_locals", "exit_stack", "exit_frame", "opts")

    def __init__(self, name, k, code, args, opts):
        self.name, self.k, self.code, self.args = name, k, code, args
        self.opts = opts
        self.t0 = time.perf_counter()
        self.t_end = None
        self.called = False
        self.exit_locals = None
        self.exit_stack = None
        self.exit_frame = None


def _stack():
    st = getattr(_tls, "stack", None)
    if st is None:
        st = _tls.stack = []
    return st


def _bind_args(fn, args, kwargs):
    out = {}
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
        bound.apply_defaults()
        items = bound.arguments.items()
    except Exception:
        items = (("arg%d" % i, a) for i, a in enumerate(args[:4]))
    for k, v in items:
        try:
            if _capture.is_skipped(v):
                continue
        except Exception:
            continue
        out[k] = _capture.smart_repr(_capture.redact(k, v))[0][:60]
    return out


def on_hook(event, frame, value):
    """Called by the C hooks at a traced code's entry and exit."""
    st = getattr(_tls, "stack", None)
    if not st:
        return
    call = st[-1]
    if frame.f_code is not call.code:
        return
    s = rec._session
    if s is None or not s.active:
        return
    if event == "call":
        if call.called:
            return
        call.called = True
        if call.opts["snap_on_call"]:
            with rec._lock:
                rec._take_snapshot(
                    s, rec.K_TRACE_CALL, "TRACE:call:%s" % call.name,
                    frame=frame, label="\u2192 %s() #%d" % (call.name, call.k),
                    tags=["trace", "call"],
                    extras={"trace_fn": call.name, "trace_call": call.k,
                            "trace_args": repr(call.args)
                            if call.opts["watch_args"] else ""})
        # The function's own time starts after the call snapshot.
        call.t0 = time.perf_counter()
    else:
        call.t_end = time.perf_counter()
        try:
            call.exit_locals = rec._capture_locals(s, frame, s.elapsed())
            call.exit_frame = frame
        except Exception:
            call.exit_locals = None


def _finish(call, result, error):
    s = rec._session
    end = call.t_end if call.t_end is not None else time.perf_counter()
    elapsed_ms = (end - call.t0) * 1000.0
    if s is None or not s.active:
        return
    limit = call.opts["warn_slow_ms"]
    if limit is not None and elapsed_ms > limit:
        counts = s.__dict__.setdefault("trace_slow_counts", {})
        n = counts.get(call.name, 0)
        if n < TRACE_SLOW_LIMIT:
            counts[call.name] = n + 1
            raise_warning(s, "TRACE_SLOW:%s:%d" % (call.name, call.k),
                          "%s() #%d took %.1fms (limit=%sms)"
                          % (call.name, call.k, elapsed_ms, limit),
                          "WARN", call.name, dedupe=False)
    if not call.opts["snap_on_return"]:
        return
    tags = ["trace", "return"] + (["trace_error"] if error is not None else [])
    ret = None
    if call.opts["watch_return"] and error is None and result is not None:
        ret = _capture.smart_repr(result)[0][:80]
    extras = {"trace_fn": call.name, "trace_call": call.k,
              "trace_ms": "%.3f" % elapsed_ms, "trace_return": ret,
              "trace_error": str(error) if error is not None else None}
    frame = call.exit_frame
    with rec._lock:
        if frame is not None and call.exit_locals is not None:
            rec._take_snapshot(
                s, rec.K_TRACE_RETURN, "TRACE:return:%s" % call.name,
                frame=frame, frame_locals=call.exit_locals,
                label="\u2190 %s() #%d %.1fms" % (call.name, call.k, elapsed_ms),
                tags=tags, extras=extras)
        else:
            rec._take_snapshot(
                s, rec.K_TRACE_RETURN, "TRACE:return:%s" % call.name,
                frame=rec._caller_frame(1),
                label="\u2190 %s() #%d %.1fms" % (call.name, call.k, elapsed_ms),
                tags=tags, extras=extras)


def _fallback_call_snapshot(call):
    """No hook fired (sample mode): snapshot the caller with the arguments."""
    s = rec._session
    if call.called or not call.opts["snap_on_call"] or s is None or not s.active:
        return
    call.called = True
    with rec._lock:
        rec._take_snapshot(
            s, rec.K_TRACE_CALL, "TRACE:call:%s" % call.name,
            frame=rec._caller_frame(1),
            label="\u2192 %s() #%d" % (call.name, call.k), tags=["trace", "call"],
            extras={"trace_fn": call.name, "trace_call": call.k,
                    "trace_args": repr(call.args)})


def _first_anext(agen):
    """The first step of a traced async generator, which sets up its
    asyncio hooks: with none.  The event loop knows the wrapper only (it
    is the program's one async generator, as without @tc.trace: the loop's
    hooks and its shutdown see what they would see), and the wrapper
    closes the traced generator when it is closed itself."""
    hooks = sys.get_asyncgen_hooks()
    sys.set_asyncgen_hooks(None, None)
    try:
        return agen.__anext__()
    finally:
        sys.set_asyncgen_hooks(*hooks)


def trace(_fn=None, *, label=None, watch_args=True, watch_return=True,
          snap_on_call=True, snap_on_return=True, warn_slow_ms=None):
    """Decorator (``@trace`` or ``@trace(...)``) for sync, generator and
    async functions."""
    opts = {"watch_args": watch_args, "watch_return": watch_return,
            "snap_on_call": snap_on_call, "snap_on_return": snap_on_return,
            "warn_slow_ms": warn_slow_ms}

    def decorate(fn):
        # inspect and functools at decoration time are not the program's.
        return core.own_call(wrap, fn)

    def wrap(fn):
        name = label or getattr(fn, "__qualname__", getattr(fn, "__name__", "?"))
        code = getattr(fn, "__code__", None)
        if code is not None:
            core.set_traced(code)
        counter = [0]

        def begin(args, kwargs):
            s = rec._session
            if s is None or not s.active:
                return None
            counter[0] += 1
            call = _Call(name, counter[0], code,
                         _bind_args(fn, args, kwargs) if watch_args else {},
                         opts)
            _stack().append(call)
            return call

        def end(call, result, error):
            st = _stack()
            if st and st[-1] is call:
                st.pop()
            try:
                _finish(call, result, error)
            finally:
                # The exit frame links back to the wrapper's frame, which
                # holds `call`: a cycle that would keep the program's
                # frames (and what their locals hold) alive until a GC
                # pass, changing when its objects go.
                call.exit_frame = call.exit_locals = None

        own = core.own_call
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def wrapper(*args, **kwargs):
                call = own(begin, args, kwargs)
                if call is None:
                    return await fn(*args, **kwargs)
                try:
                    coro = fn(*args, **kwargs)
                    result = await coro
                except BaseException as exc:
                    own(end, call, None, exc)
                    raise
                own(end, call, result, None)
                return result
        elif inspect.isasyncgenfunction(fn):
            @functools.wraps(fn)
            async def wrapper(*args, **kwargs):
                call = own(begin, args, kwargs)
                agen = fn(*args, **kwargs)
                try:
                    step = _first_anext(agen)
                    while True:
                        try:
                            item = await step
                        except StopAsyncIteration:
                            break
                        yield item
                        step = agen.__anext__()
                except BaseException as exc:
                    if call is not None:
                        own(end, call, None, exc)
                    raise
                finally:
                    await agen.aclose()
                if call is not None:
                    own(end, call, None, None)
        elif inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                call = own(begin, args, kwargs)
                if call is None:
                    return (yield from fn(*args, **kwargs))
                try:
                    result = yield from fn(*args, **kwargs)
                except BaseException as exc:
                    own(end, call, None, exc)
                    raise
                own(end, call, result, None)
                return result
        else:
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                call = own(begin, args, kwargs)
                if call is None:
                    return fn(*args, **kwargs)
                if rec._session.mode == "sample":
                    own(_fallback_call_snapshot, call)
                try:
                    result = fn(*args, **kwargs)
                except BaseException as exc:
                    own(end, call, None, exc)
                    raise
                own(end, call, result, None)
                return result
        wrapper.__tc_traced__ = True
        wrapper.__tc_fn_name__ = name
        return wrapper

    if _fn is not None and callable(_fn):
        return decorate(_fn)
    return decorate
