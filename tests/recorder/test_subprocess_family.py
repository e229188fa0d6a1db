# SPDX-License-Identifier: MIT
"""`timecapsule run --subprocesses`: a child's parent_pid and process_role
are in the SESSION frame written when its file opens, so a worker killed a
moment after record() (Pool.terminate() on a still-starting worker) still
names its parent and the process set keeps it."""

import subprocess
import sys

import pytest

from conftest import load

RUN = ["-c", "import sys; from timecapsule._run import main_run; "
             "sys.exit(main_run(sys.argv[1:]))"]

PARENT = """\
import os, subprocess, sys
subprocess.run([sys.executable, "-c", "pass"], check=True)
print("parent", os.getpid())
"""


def test_child_names_its_parent_in_the_first_session_frame(tmp_path):
    (tmp_path / "parent.py").write_text(PARENT)
    proc = subprocess.run([sys.executable] + RUN + ["--subprocesses", "-o", "fam.tc",
                                                    "parent.py"],
                          capture_output=True, text=True, cwd=str(tmp_path), timeout=120)
    assert proc.returncode == 0, proc.stderr
    parent_pid = proc.stdout.split("parent ")[1].split()[0]
    children = sorted(tmp_path.glob("fam.*.tc"))
    assert len(children) == 1, children
    r = load(children[0])
    first = dict(r.of("session")[0]["items"])
    assert first["parent_pid"] == parent_pid
    assert first["process_role"] == "subprocess"
    assert first["root_pid"] == parent_pid


CHILD = """\
answer = 6 * 7
names = ["a", "b"]
def shout(s):
    return s.upper()
loud = [shout(n) for n in names]
"""


# How the parent starts the child, and the file the child's SESSION names as
# its program (None: the working directory, a -c command has no file).
CHILD_FORMS = {
    "script": ("[sys.executable, 'child.py']", "child.py"),
    "module": ("[sys.executable, '-B', '-m', 'tools.child', 'x']",
               "tools/child.py"),
    "module-in-option": ("[sys.executable, '-Bmtools.child']", "tools/child.py"),
    "command": ("[sys.executable, '-c', %r, 'x']" % CHILD, None),
}


@pytest.mark.parametrize("form", sorted(CHILD_FORMS))
def test_child_start_and_stop_snapshots_are_its_main_module_s(tmp_path, form):
    # The child's recording starts in its sitecustomize, before its __main__
    # runs: the start snapshot holds no frame, the stop snapshot at its exit
    # shows the variables the script (the -m module, the -c command) ended
    # with, at its last line, as `timecapsule run` does for a program.
    command, program = CHILD_FORMS[form]
    (tmp_path / "child.py").write_text(CHILD)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "__init__.py").write_text("")
    (tmp_path / "tools" / "child.py").write_text(CHILD)
    (tmp_path / "parent.py").write_text(
        "import subprocess, sys\n"
        "subprocess.run(%s, check=True)\n" % command)
    proc = subprocess.run([sys.executable] + RUN + ["--subprocesses", "-o", "fam.tc",
                                                    "parent.py"],
                          capture_output=True, text=True, cwd=str(tmp_path), timeout=120)
    assert proc.returncode == 0, proc.stderr
    children = sorted(tmp_path.glob("fam.*.tc"))
    assert len(children) == 1, children
    r = load(children[0])
    # The start: before the script, no frame (not the sitecustomize's).
    start = r.snapshots[0]
    assert start["evt"] == "SNAP:record_start"
    assert r.origin_of(start) == ({}, [])
    stop = r.snapshots[-1]
    assert stop["evt"] == "SNAP:record_stop"
    names, stack = r.origin_of(stop)
    assert names.get("answer") == "42", names
    assert names.get("loud") == "list[2] ['A', 'B']", names
    assert stack == [("<module>", 5)]
    # The child's program: its main module's file, tracked as the parent's
    # script is (its function's calls are tracked calls).
    src = dict(r.of("session")[0]["items"])["src"]
    assert src == str(tmp_path / program) if program else str(tmp_path), src
