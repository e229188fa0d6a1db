# SPDX-License-Identifier: MIT
"""Whose variables the first and last snapshots hold: the program's.

Under `timecapsule run` the program has not started at record() and has
ended at stop(); the frames around those calls are the launcher's (runpy's
`_run_code` holds `run_globals`, `mod_spec`, `pkg_name` …), which are not
the program's variables.  Once the main module has returned (at exit, or
after `run`'s program), the stop snapshot shows the variables it ended
with, at the line it ended at."""

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import load

RUNPY_LOCALS = {"mod_name", "mod_spec", "pkg_name", "run_globals", "loader",
                "fname", "cached", "init_globals", "script_name", "code"}


def _write(tmp_path, text):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(text))
    return script


def _python(tmp_path, *args):
    return subprocess.run([sys.executable] + list(args), capture_output=True,
                          text=True, cwd=str(tmp_path), timeout=120)


PROGRAM = """\
    greeting = "hello"
    numbers = [1, 2, 3]

    def twice(x):
        return 2 * x

    total = sum(twice(n) for n in numbers)
    {ending}
    """


@pytest.mark.parametrize("ending, end_line", [("", 7),
                                              ("raise SystemExit(3)", 8)])
def test_run_snapshots_hold_the_programs_variables_not_runpys(tmp_path, ending,
                                                               end_line):
    script = _write(tmp_path, PROGRAM.format(ending=ending))
    proc = _python(tmp_path, "-m", "timecapsule", "run", "-o", "out.tc",
                   str(script))
    assert proc.returncode == (3 if ending else 0), proc.stderr
    r = load(tmp_path / "out.tc")
    names = {v["name"] for v in r.vars.values()}
    assert not names & RUNPY_LOCALS, names
    start, stop = r.snapshots[0], r.snapshots[-1]
    assert start["evt"] == "SNAP:record_start"
    # The program had not started: no frame of the main thread.
    assert r.origin_of(start) == ({}, [])
    assert stop["evt"] == "SNAP:record_stop"
    values, stack = r.origin_of(stop)
    assert values == {"greeting": "'hello'",
                      "numbers": "list[3] [1, 2, 3]", "total": "12"}, values
    assert stack == [("<module>", end_line)], stack


def test_the_stop_snapshot_at_exit_shows_how_the_script_ended(tmp_path):
    # record() at module level, no stop(): atexit stops it once the main
    # module has returned, and its final snapshot holds the module's
    # variables (it used to hold none: no frame of the program was left).
    script = _write(tmp_path, """\
        import timecapsule as tc
        tc.record(output="out.tc", every=60)
        total = 0
        for i in range(10):
            total += i
        done = True
        """)
    proc = _python(tmp_path, str(script))
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    values, stack = r.origin_of(r.snapshots[-1])
    assert values == {"total": "45", "i": "9", "done": "True"}, values
    assert stack == [("<module>", 6)]


def test_the_stop_snapshot_after_an_uncaught_exception_is_at_its_line(tmp_path):
    script = _write(tmp_path, """\
        import timecapsule as tc
        tc.record(output="out.tc", every=60)
        total = 41
        total += 1
        raise ValueError(total)
        after = 1
        """)
    proc = _python(tmp_path, str(script))
    assert proc.returncode == 1 and "ValueError: 42" in proc.stderr
    r = load(tmp_path / "out.tc")
    values, stack = r.origin_of(r.snapshots[-1])
    assert values == {"total": "42"}, values
    assert stack == [("<module>", 5)]


def test_stop_inside_a_function_keeps_that_functions_frame(tmp_path):
    # The main module still runs: stop()'s snapshot is its caller's, as
    # before, not the module's.
    script = _write(tmp_path, """\
        import timecapsule as tc
        tc.record(output="out.tc", every=60)
        outer = "module"

        def finish(steps):
            inner = steps * 2
            tc.stop()

        finish(21)
        """)
    proc = _python(tmp_path, str(script))
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    values, stack = r.origin_of(r.snapshots[-1])
    assert values == {"steps": "21", "inner": "42"}, values
    assert stack[0] == ("finish", 7)
