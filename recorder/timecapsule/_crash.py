# SPDX-License-Identifier: MIT
"""Uncaught exceptions: recorded at the *raising* frame with the locals of
every traceback frame (main thread and other threads).  Caught exceptions
never reach these hooks, so they are not crashes, and neither is asyncio's
internal StopIteration."""

import sys
import threading

from . import _recorder as core
from . import _recording as rec
from . import _capture

FRIENDLY = {
    "IndexError": "A sequence index is out of range.\nTip: check the length before indexing, or loop with enumerate().",
    "KeyError": "A dict key does not exist.\nTip: use dict.get(key, default) or check `key in d` first.",
    "AttributeError": "The object has no such attribute or method.\nTip: check the type of the object (it may be None) and the spelling.",
    "TypeError": "An operation got a value of the wrong type.\nTip: check the types of the arguments and the number of arguments.",
    "NameError": "A name is used before it is defined.\nTip: check the spelling and that the variable is assigned on every path.",
    "ZeroDivisionError": "A number was divided by zero.\nTip: guard the division with a check for zero.",
    "RecursionError": "The recursion went too deep.\nTip: check the base case, or rewrite the recursion as a loop.",
    "MemoryError": "The program ran out of memory.\nTip: process the data in chunks or use generators.",
    "FileNotFoundError": "A file or directory does not exist.\nTip: check the path and the current working directory.",
    "ValueError": "A value has the right type but an invalid content.\nTip: validate the input before converting it.",
    "ImportError": "A module or a name in it could not be imported.\nTip: check that the package is installed in this environment.",
    "StopIteration": "An iterator was advanced past its end.\nTip: use a for loop, or next(it, default).",
    "OverflowError": "A numeric result is too large to represent.\nTip: use integers or the decimal module, or rescale the values.",
    "UnicodeDecodeError": "Bytes could not be decoded with the given encoding.\nTip: pass the right encoding= or errors='replace'.",
    "PermissionError": "The operating system refused access.\nTip: check the file permissions and the user running the program.",
    "TimeoutError": "An operation took longer than its time limit.\nTip: raise the timeout or check the remote side.",
    "OSError": "An operating-system call failed.\nTip: read the errno message; check paths, permissions and resources.",
    "RuntimeError": "An error that does not fit another category.\nTip: read the message; it usually names the broken invariant.",
    "NotImplementedError": "A method that must be overridden was called.\nTip: implement it in the subclass.",
    "AssertionError": "An assert statement failed.\nTip: the asserted condition was false; inspect the locals at the crash.",
    "ConnectionError": "A network connection failed.\nTip: check that the server is reachable and retry with backoff.",
}


def friendly(exc_type):
    name = getattr(exc_type, "__name__", str(exc_type))
    return FRIENDLY.get(name, "An unexpected %s occurred." % name)


def _cause_chain(exc):
    parts = []
    seen = set()
    cur = exc
    while cur is not None and id(cur) not in seen and len(parts) < 10:
        seen.add(id(cur))
        nxt = cur.__cause__ or (None if cur.__suppress_context__ else cur.__context__)
        if nxt is not None:
            how = "__cause__" if cur.__cause__ is not None else "__context__"
            parts.append("%s: %s: %s" % (how, type(nxt).__name__, nxt))
        cur = nxt
    return "\n".join(parts)


def _without_launcher(tbs):
    """The traceback entries (outermost first) without the launcher's frames
    in front of the program's: the program did not call them, so a crash's
    stack and its text start at the program's own module frame.  Only the
    outermost run is dropped: a program's own runpy call deeper in the stack
    stays.  A crash inside the launcher itself keeps everything."""
    first = 0
    while first < len(tbs) and _capture.is_launcher_frame(tbs[first].tb_frame):
        first += 1
    return tbs[first:] if first < len(tbs) else tbs


@rec._unrecorded
def record_crash(s, exc_type, exc, tb, ident):
    if s is None or not s.active or s.crashed:
        return
    if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
        s.interrupted = True
        return
    s.crashed = True
    tbs = []
    while tb is not None:
        tbs.append(tb)
        tb = tb.tb_next
    tbs = _without_launcher(tbs)
    frames = []
    t = s.elapsed()
    raising = None
    for item in reversed(tbs):          # raising frame first, outward
        f = item.tb_frame
        if _capture.is_own_frame(f):
            continue
        if raising is None:
            raising = (f, item.tb_lineno)
        try:
            locs, _ = rec._capture_locals(s, f, t)
        except Exception:
            locs = []
        frames.append((f.f_code, item.tb_lineno, locs))
    try:
        # Imported here, not with the module: record() imports this module,
        # and traceback (with textwrap's regexes) cost ~10 ms of its start.
        import traceback
        text = "".join(traceback.format_exception(exc_type, exc, tbs[0] if tbs else None))
    except Exception:
        text = "%s: %s" % (getattr(exc_type, "__name__", "?"), exc)
    try:
        msg = str(exc)
    except Exception:
        msg = "<unprintable>"
    try:
        core.write_crash(ident, exc_type.__name__, exc_type.__module__ or "",
                         msg, text, _cause_chain(exc) if exc is not None else "",
                         frames)
        if raising is not None:
            with rec._lock:
                rec._take_snapshot(
                    s, rec.K_CRASH, "CRASH", frame=raising[0],
                    label="crash: %s" % exc_type.__name__, tags=["crash"],
                    extras={"exc": exc_type.__name__, "msg": msg[:500],
                            "friendly": friendly(exc_type),
                            "crash_line": raising[1]},
                    origin_ident=ident)
    except Exception as e:
        sys.stderr.write("[TC] crash capture error: %s\n" % e)


def excepthook(exc_type, exc, tb):
    s = rec._session
    record_crash(s, exc_type, exc, tb, threading.get_ident())
    old = s.old_excepthook if s is not None and s.old_excepthook else sys.__excepthook__
    if old is excepthook:
        old = sys.__excepthook__
    old(exc_type, exc, tb)


@rec._unrecorded
def _record_thread_crash(s, args):
    ident = args.thread.ident if args.thread is not None else threading.get_ident()
    if args.exc_type is not SystemExit:
        record_crash(s, args.exc_type, args.exc_value, args.exc_traceback, ident)


def threading_excepthook(args):
    s = rec._session
    _record_thread_crash(s, args)
    old = (s.old_threading_excepthook if s is not None
           and s.old_threading_excepthook else threading.__excepthook__)
    if old is threading_excepthook:
        old = threading.__excepthook__
    old(args)
