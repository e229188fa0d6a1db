# SPDX-License-Identifier: MIT
"""The recorder's own work is not in the recording: record() switches the
hooks on as its last step and stop() switches them off first, so the
imports, threading and signal calls they make are not recorded; after
`timecapsule run` the program's <module> is the only call at depth 0
(runpy's launching before and after it is not recorded either)."""

import subprocess
import sys

from conftest import ENTER, EXIT, load

RUN = ["-c", "import sys; from timecapsule._run import main_run; "
             "sys.exit(main_run(sys.argv[1:]))"]


def run_tc(tmp_path, *args):
    """`timecapsule run -o out.tc ARGS` in tmp_path; the recording."""
    proc = subprocess.run([sys.executable] + RUN + ["-o", "out.tc"] + list(args),
                          capture_output=True, text=True, cwd=str(tmp_path),
                          timeout=120)
    return proc, load(tmp_path / "out.tc")


def top_level_calls(r, tid=None):
    """(qualname, file) of every call at depth 0 of the main thread."""
    if tid is None:
        tid = next(t for t, th in r.threads.items() if th["flags"] & 1)
    out = []
    depth = 0
    for t, kind, code in r.events.get(tid, []):
        if kind in ENTER:
            if depth == 0:
                c = r.codes[code]
                out.append((c["qualname"], r.files[c["file"]]["path"]))
            depth += 1
        elif kind in EXIT:
            depth = max(0, depth - 1)
    return out


def entered(r):
    """The qualnames of every call recorded, on any thread."""
    return {r.qualname(code) for evs in r.events.values()
            for t, kind, code in evs if kind in ENTER}


def test_record_and_stop_leave_their_own_calls_out(run, tmp_path):
    proc = run(r'''
import threading, timecapsule as tc

def work():
    return sum(range(10))

tc.record(every=30, output="out.tc")
work()
tc.stop()
with tc.record(every=30, output="with.tc"):
    work()
''')
    assert proc.returncode == 0, proc.stderr
    for name in ("out.tc", "with.tc"):
        r = load(tmp_path / name)
        assert r.state == "complete"
        assert [q for q, _ in top_level_calls(r)] == ["work"], name
        # Nothing of threading, signal or importlib anywhere.
        assert entered(r) == {"work"}, name


APP = '''\
import threading

def work(n):
    import json
    return json.dumps(list(range(n)))

t = threading.Thread(target=work, args=(3,))
t.start()
t.join()
work(5)
'''


def test_run_records_only_the_program(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    proc, r = run_tc(tmp_path, "app.py")
    assert proc.returncode == 0, proc.stderr
    assert r.state == "complete"
    app = str(tmp_path / "app.py")
    assert top_level_calls(r) == [("<module>", app)]
    assert r.calls("work") == 2
    assert not entered(r) & {"run_path", "_run_module_code", "_run_code",
                             "get_importer", "_TempModule.__exit__"}


def test_run_module_records_only_the_module(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("def setup():\n    return 1\nsetup()\n")
    (pkg / "app.py").write_text(APP)
    proc, r = run_tc(tmp_path, "-m", "pkg.app")
    assert proc.returncode == 0, proc.stderr
    assert top_level_calls(r) == [("<module>", str(pkg / "app.py"))]
    assert r.calls("work") == 2


def test_run_crash_and_exit_status(tmp_path):
    """The program's exceptions still reach the crash record and the exit
    status with the hooks off around it."""
    (tmp_path / "app.py").write_text("def f():\n    raise SystemExit(3)\nf()\n")
    proc, r = run_tc(tmp_path, "app.py")
    assert proc.returncode == 3, proc.stderr
    assert top_level_calls(r) == [("<module>", str(tmp_path / "app.py"))]
    assert r.calls("f") == 1
