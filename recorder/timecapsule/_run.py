# SPDX-License-Identifier: MIT
"""`timecapsule run [options] script.py [args]` and `timecapsule run -m
module [args]`: record an unmodified program and exit with its exit code."""

import argparse
import builtins
import importlib.util
import os
import runpy
import sys
import traceback


def _parser():
    p = argparse.ArgumentParser(
        prog="timecapsule run",
        description="Record a Python program without editing it.")
    p.add_argument("--every", type=float, default=1.0,
                   help="seconds between timer snapshots (default 1.0)")
    p.add_argument("-o", "--output", help="output .tc file (never overwritten)")
    p.add_argument("--watch", action="append", metavar="NAME",
                   help="capture only these locals (repeatable)")
    p.add_argument("--max-snaps", type=int, default=10000)
    p.add_argument("--flush-every", type=int, default=50)
    p.add_argument("--no-warn", action="store_true", help="turn warnings off")
    p.add_argument("--tag", action="append", metavar="TAG",
                   help="tag applied to every snapshot (repeatable)")
    p.add_argument("--live", action="store_true", help="live status line")
    p.add_argument("--include", action="append", metavar="GLOB",
                   help="also track files matching GLOB (repeatable)")
    p.add_argument("--exclude", action="append", metavar="GLOB",
                   help="never track files matching GLOB (repeatable)")
    p.add_argument("--mode", choices=("full", "sample"), default="full")
    p.add_argument("--sample-rate", type=float, default=1000,
                   help="samples per second in sample mode")
    p.add_argument("--calls", choices=("all", "tracked"), default="all")
    p.add_argument("--no-embed-source", "--no-source", dest="no_source",
                   action="store_true",
                   help="do not embed the source of tracked files")
    p.add_argument("--no-redact", action="store_true",
                   help="record values of secret-looking names as they are")
    p.add_argument("--redact", action="append", metavar="NAME",
                   help="also redact NAME (a substring of variable names, or "
                        "a glob pattern such as '*_pin'; repeatable)")
    p.add_argument("--subprocesses", action="store_true",
                   help="also record Python child processes (subprocess, "
                        "multiprocessing) into <output>.<pid>.tc")
    p.add_argument("-m", dest="module", metavar="MODULE",
                   help="run a library module as a script")
    p.add_argument("target", nargs=argparse.REMAINDER,
                   help="script.py [args] (or the module's args with -m)")
    return p


def _program_exec(session):
    """An exec for runpy while it launches the program: the hooks record
    from the program's first line to its last, so runpy's own work before
    and after (finding and compiling the file, swapping __main__ and
    sys.argv[0], importing pkgutil) is not in the recording and the
    program's <module> is its root.  Only the first call: a runpy call of
    the program's own runs as usual."""
    launched = []

    def program_exec(code, globals_=None, locals_=None):
        if launched or session is None or not session.active:
            return builtins.exec(code, globals_, locals_)
        launched.append(code)
        # Its globals are what the stop snapshot shows once it has ended.
        session.main_module = (code, globals_)
        session.core.set_active(True)
        try:
            builtins.exec(code, globals_, locals_)
        except BaseException as exc:   # SystemExit too: where it ended
            session.main_module_tb = exc.__traceback__
            raise
        finally:
            session.core.set_active(False)

    return program_exec


def main_run(argv):
    """Entry point of the `run` subcommand; returns the exit code."""
    opts = _parser().parse_args(argv)
    if opts.module is None and not opts.target:
        _parser().print_usage(sys.stderr)
        sys.stderr.write("timecapsule run: error: a script or -m MODULE is required\n")
        return 2
    from . import _recording as rec

    if opts.module is not None:
        spec = importlib.util.find_spec(opts.module)
        if spec is None:
            sys.stderr.write("timecapsule run: no module named %r\n" % opts.module)
            return 2
        src = os.path.abspath(spec.origin) if spec.origin else os.getcwd()
        prog_argv = [src] + list(opts.target)
        sys.path.insert(0, os.getcwd())
    else:
        script = opts.target[0]
        if not os.path.exists(script):
            sys.stderr.write("timecapsule run: can't open file %r\n" % script)
            return 2
        src = os.path.abspath(script)
        prog_argv = [script] + list(opts.target[1:])
        sys.path.insert(0, os.path.dirname(src))

    if opts.no_redact and opts.redact:
        sys.stderr.write("timecapsule run: --no-redact and --redact exclude "
                         "each other\n")
        return 2
    sys.argv = prog_argv
    options = dict(every=opts.every, watch=opts.watch, max_snaps=opts.max_snaps,
                   flush_every=opts.flush_every, warn=not opts.no_warn,
                   tags=opts.tag, include_files=opts.include,
                   exclude_files=opts.exclude, mode=opts.mode,
                   sample_rate_hz=opts.sample_rate, calls=opts.calls,
                   embed_source=not opts.no_source,
                   redact=False if opts.no_redact else (opts.redact or True))
    def subprocesses(session):
        # Before the hooks record (record() calls it last).
        from ._subprocess import enable
        options["include_files"] = session.include   # absolute, like the parent's
        enable(session.output, options, src)
    session = rec.record(output=opts.output, live=opts.live, _src=src,
                         _argv=prog_argv, _activate=False,
                         _on_open=subprocesses if opts.subprocesses else None,
                         **options)
    # runpy's _run_code calls exec(code, run_globals): a global of runpy's
    # own shadows the builtin while it runs the program.
    runpy.exec = _program_exec(session)
    code = 0
    try:
        if opts.module is not None:
            runpy.run_module(opts.module, run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(src, run_name="__main__")
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            sys.stderr.write("%s\n" % exc.code)
            code = 1
    except KeyboardInterrupt:
        code = 130
    except BaseException:
        etype, exc, tb = sys.exc_info()
        sys.excepthook(etype, exc, tb)
        code = 1
    finally:
        del runpy.exec
        rec.stop(_exit_status=code)
    return code
