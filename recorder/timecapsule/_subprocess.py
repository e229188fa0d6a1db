# SPDX-License-Identifier: MIT
"""`timecapsule run --subprocesses`: record every Python child process.

The recorded parent writes a bootstrap directory holding one
``sitecustomize.py``, puts it first on PYTHONPATH and describes the recording
in the TIMECAPSULE_SUBPROCESSES environment variable (JSON).  Any Python
child started with that environment (``subprocess``, ``multiprocessing``
spawn and forkserver, grandchildren too) imports the stub at start-up, which
calls start_child() below: the child records with the parent's options into
``<stem>.<pid>.tc`` beside the parent's ``<stem>.tc`` and finishes the file
at exit.  Programs that are not Python never read either variable.

Each child's SESSION carries ``parent_pid`` and ``process_role`` (the
multi-process contract shared with fork children, see DESIGN.md): the
analysis library gathers the files whose parent_pid chain leads to the
parent into one process set.

What the child must never notice: nothing is printed on its stdout (callers
parse it), the stub removes its own directory from sys.path, the
sitecustomize it hides (Debian ships one) still runs, and a child that cannot
import the recorder (another interpreter version) runs unrecorded.
"""

import atexit
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile

ENV = "TIMECAPSULE_SUBPROCESSES"

# Options of record() that a child takes over from the parent (`live` is
# left out: one status line per process on a shared terminal is noise).
CHILD_OPTIONS = ("every", "watch", "max_snaps", "flush_every", "warn", "tags",
                 "include_files", "exclude_files", "mode", "sample_rate_hz",
                 "calls", "embed_source", "redact")

_STUB = '''\
# SPDX-License-Identifier: MIT
# Written by `timecapsule run --subprocesses`: records this Python process
# (see timecapsule/_subprocess.py), then runs the sitecustomize it hides.
def _tc_boot():
    import os, sys
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if not p or os.path.abspath(p) != here]
    pkg_parent = %(pkg_parent)r
    added = pkg_parent not in sys.path
    if added:
        sys.path.append(pkg_parent)
    try:
        from timecapsule import _subprocess
        _subprocess.start_child()
    except Exception:
        # Another interpreter (no matching _recorder) or a broken install:
        # the child runs unrecorded and imports its own timecapsule later.
        for name in [n for n in sys.modules
                     if n == "timecapsule" or n.startswith("timecapsule.")]:
            del sys.modules[name]
    finally:
        if added and pkg_parent in sys.path:
            sys.path.remove(pkg_parent)
    try:
        import importlib.machinery, importlib.util
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", sys.path)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
    except Exception:
        pass
_tc_boot()
del _tc_boot
'''


def enable(output, options, src):
    """In the recorded parent, after record(): children started from now on
    are recorded.  Returns the bootstrap directory (removed at exit)."""
    stem = output[:-3] if output.endswith(".tc") else output
    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    boot = tempfile.mkdtemp(prefix="timecapsule-boot-")
    with open(os.path.join(boot, "sitecustomize.py"), "w") as f:
        f.write(_STUB % {"pkg_parent": pkg_parent})
    cfg = {"version": 1, "stem": stem, "root_pid": os.getpid(),
           "parent_pid": os.getpid(), "src": src,
           "options": {k: options.get(k) for k in CHILD_OPTIONS}}
    os.environ[ENV] = json.dumps(cfg)
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = boot + (os.pathsep + old if old else "")
    atexit.register(shutil.rmtree, boot, True)
    return boot


def _cmdline():
    """The whole command line (sys.orig_argv is 3.10+; /proc on Linux)."""
    argv = getattr(sys, "orig_argv", None)
    if argv:
        return list(argv)
    try:
        with open("/proc/self/cmdline", "rb") as f:
            raw = f.read()
        return [a.decode("utf-8", "surrogateescape") for a in raw.split(b"\0") if a]
    except OSError:
        return [sys.executable] + list(sys.argv)


# The co_filename of `python -c COMMAND`'s code.  Code a program exec()s
# without a file name has it too, but the first module-level code with it
# that runs after start-up is the command's.
_COMMAND_SOURCE = "<string>"


def _main_source(cmdline):
    """Where a subprocess child's __main__ code comes from, as its code
    object names it: the script's path, the -m module's file or
    _COMMAND_SOURCE; None when not known (stdin, a zip, a module that is
    not a .py file).  At start-up sys.argv[0] is the script, "-m" or "-c"
    and the rest of sys.argv ends the command line."""
    arg0 = sys.argv[0] if sys.argv else ""
    if arg0 == "-c":
        return _COMMAND_SOURCE
    if arg0 == "-m":
        i = len(cmdline) - len(sys.argv)
        item = cmdline[i] if 0 < i < len(cmdline) else ""
        # "-m NAME", or NAME in the same item as its option: "-mNAME",
        # "-BmNAME".
        name = item.partition("m")[2] if item.startswith("-") else item
        return _module_file(name) if name else None
    return arg0 if arg0 and os.path.isfile(arg0) else None


def _module_file(name):
    """The .py file `python -m name` runs, looked for as the path finder
    looks (the working directory first, where -m puts it; a regular
    package before a module of the same name), without importing the
    packages on the way: their code runs later, in the child's own order."""
    rel = name.replace(".", os.sep)
    for entry in [os.getcwd()] + sys.path:
        base = os.path.join(entry or os.getcwd(), rel)
        if os.path.isfile(os.path.join(base, "__init__.py")):
            main = os.path.join(base, "__main__.py")
            return main if os.path.isfile(main) else None
        if os.path.isfile(base + ".py"):
            return base + ".py"
        if os.path.isfile(os.path.join(base, "__main__.py")):
            return os.path.join(base, "__main__.py")   # a namespace package
    return None


def role_of(cmdline):
    """'spawn-child', 'forkserver' or 'subprocess'; None for the processes
    that are not recorded: multiprocessing's resource tracker (bookkeeping
    that outlives every worker) and `python -m timecapsule …` (a child that
    records or analyses itself)."""
    text = " ".join(cmdline)
    if "multiprocessing.resource_tracker" in text:
        return None
    for i, arg in enumerate(cmdline[:-1]):
        if arg == "-m" and cmdline[i + 1].split(".")[0] == "timecapsule":
            return None
    if "--multiprocessing-fork" in cmdline:
        return "spawn-child"
    if "multiprocessing.forkserver" in text:
        return "forkserver"
    return "subprocess"


def _parent_pid(cfg, stem):
    """The recorded process that started this one: the pid named in the
    environment, or the real parent when it is itself a recorded member (a
    fork child of the parent that started a subprocess)."""
    ppid = os.getppid()
    if ppid != cfg.get("parent_pid") and os.path.exists("%s.%d.tc" % (stem, ppid)):
        return ppid
    return int(cfg.get("parent_pid") or 0)


def start_child():
    """Called by the bootstrap stub in a child's sitecustomize."""
    raw = os.environ.get(ENV)
    if not raw:
        return
    cfg = json.loads(raw)
    stem = cfg["stem"]
    cmdline = _cmdline()
    role = role_of(cmdline)
    if role is None:
        return
    from . import _recording as rec

    parent = _parent_pid(cfg, stem)
    argv = cmdline[1:]
    main = None   # what the child runs as its __main__ (co_filename), if known
    if role == "spawn-child":
        src = cfg.get("src") or os.getcwd()
    else:
        main = _main_source(cmdline)
        src = (os.path.abspath(main) if main and main != _COMMAND_SOURCE
               else os.getcwd())
    opts = dict(cfg.get("options") or {})
    family = [("parent_pid", str(parent)), ("process_role", role),
              ("root_pid", str(cfg.get("root_pid", parent)))]
    with contextlib.redirect_stdout(io.StringIO()):
        # The family goes into the first SESSION frame, which reaches the
        # disk when the file opens: a worker that Pool.terminate() kills a
        # moment later still names its parent.
        session = rec.record(output="%s.%d.tc" % (stem, os.getpid()), live=False,
                             _src=src, _argv=argv, _session_items=family,
                             _program_started=False, **opts)
    if session is None or not session.active:
        return
    if role == "subprocess" and main:
        # The stop snapshot shows the variables the script, module or -c
        # command ended with, as `timecapsule run` does; its frame starts
        # after record() returned.
        session.core.expect_main({main, os.path.abspath(main)})
    # Grandchildren name this process as their parent.
    cfg["parent_pid"] = os.getpid()
    os.environ[ENV] = json.dumps(cfg)
    state = {"exit": 0}
    _quiet_sigterm(rec)
    if role == "spawn-child":
        _watch_process_exit(session, state)
    else:
        _watch_sys_exit(state)
    # Registered after record()'s own handler, so it runs first (atexit is
    # last in, first out) and the "saved" line stays off the child's stdout.
    atexit.register(_finish, session, state)


def _quiet_sigterm(rec):
    """record() finishes the file on SIGTERM (Pool.terminate() sends it to
    every worker); keep its "saved" line off the child's stdout too."""
    import signal
    try:
        if signal.getsignal(signal.SIGTERM) is not rec._sigterm_handler:
            return

        def handler(signum, frame):
            with contextlib.redirect_stdout(io.StringIO()):
                rec._sigterm_handler(signum, frame)
        rec._install_sigterm(handler)
    except (ValueError, OSError, AttributeError):
        pass


def _finish(session, state):
    from . import _recording as rec
    if rec._session is not session or not session.active:
        return   # the program called tc.record() itself: its session now
    with contextlib.redirect_stdout(io.StringIO()):
        rec.stop(_exit_status=state["exit"])


def _exit_status(code):
    """The process exit status of SystemExit(code), as Python computes it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    return 1   # printed to stderr, then exit status 1


def _watch_sys_exit(state):
    """A plain subprocess child ends with the program's own sys.exit(n): by
    the time the atexit hook closes the file the status is gone, so the
    main thread's sys.exit() notes it on the way.  (A bare `raise
    SystemExit(n)` is not seen and is recorded as 0.)"""
    import functools
    import threading
    real_exit = sys.exit

    @functools.wraps(real_exit)
    def exit(*args):
        if threading.current_thread() is threading.main_thread():
            state["exit"] = _exit_status(args[0] if args else None)
        return real_exit(*args)
    sys.exit = exit


def _watch_process_exit(session, state):
    """A multiprocessing child reports its exit code and the exception that
    ended Process.run (multiprocessing catches it, so no excepthook sees it)."""
    from multiprocessing import process

    bootstrap = process.BaseProcess._bootstrap

    def _bootstrap(self, *args, **kwargs):
        run = self.run

        def recorded_run():
            try:
                return run()
            except SystemExit:
                raise
            except BaseException:
                from ._crash import record_crash
                import threading
                try:
                    record_crash(session, *sys.exc_info(), threading.get_ident())
                except Exception:
                    pass
                raise
        self.run = recorded_run
        code = bootstrap(self, *args, **kwargs)
        state["exit"] = code if isinstance(code, int) else 1
        return code

    process.BaseProcess._bootstrap = _bootstrap
