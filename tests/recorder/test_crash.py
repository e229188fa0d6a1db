# SPDX-License-Identifier: MIT
"""Crashes and crash safety: the raising frame with locals, caught
exceptions and asyncio are not crashes, kill -9 leaves a readable file,
SIGTERM finalizes it."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import load


def test_uncaught_exception_at_raising_frame(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
def inner(items):
    index = 7
    return items[index]
def outer():
    data = [1, 2, 3]
    return inner(data)
tc.record(every=10, output="out.tc")
outer()
''')
    assert proc.returncode == 1
    assert "IndexError: list index out of range" in proc.stderr   # original hook ran
    assert "crash=YES" in proc.stdout
    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    crash = r.of("crash")
    assert len(crash) == 1
    c = crash[0]
    assert c["exc_type"] == "IndexError" and c["exc_module"] == "builtins"
    assert c["message"] == "list index out of range"
    names = [r.qualname(f["code"]) for f in c["frames"]]
    assert names == ["inner", "outer", "<module>"]       # raising frame first
    assert c["frames"][0]["line"] == 5
    inner_locals = {r.vars[l["var"]]["name"]: l for l in c["frames"][0]["locals"]}
    assert inner_locals["index"]["value"] == 7
    outer_locals = {r.vars[l["var"]]["name"]: l for l in c["frames"][1]["locals"]}
    assert outer_locals["data"]["value"] == {"list": [1, 2, 3]}
    assert "Traceback (most recent call last)" in c["traceback"]
    snap = [s for s in r.snapshots if s["evt"] == "CRASH"]
    assert snap and dict(snap[0]["extras"])["friendly"].startswith("A sequence index")
    assert r.of("end")[0]["flags"] & 1      # crashed


def test_caught_exceptions_and_asyncio_are_not_crashes(run, tmp_path):
    proc = run(r'''
import asyncio, timecapsule as tc
async def step(i):
    await asyncio.sleep(0)
    return i
async def main():
    return [await step(i) for i in range(5)]
tc.record(every=10, output="out.tc")
try:
    1 / 0
except ZeroDivisionError:
    pass
d = {}
try:
    d["missing"]
except KeyError:
    pass
print(asyncio.run(main()))
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert "crash=no" in proc.stdout
    r = load(tmp_path / "out.tc")
    assert r.of("crash") == []
    assert r.of("end")[0]["flags"] == 0


def test_crash_in_a_thread(run, tmp_path):
    proc = run(r'''
import threading, timecapsule as tc
def work():
    local_in_thread = "boom"
    raise RuntimeError("thread failed")
tc.record(every=10, output="out.tc")
t = threading.Thread(target=work, name="crasher")
t.start(); t.join()
tc.stop()
''')
    assert proc.returncode == 0
    assert "RuntimeError: thread failed" in proc.stderr
    r = load(tmp_path / "out.tc")
    c = r.of("crash")[0]
    assert c["exc_type"] == "RuntimeError"
    assert r.qualname(c["frames"][0]["code"]) == "work"
    assert r.threads[r.of("crash")[0]["thread"]]["name"] == "crasher"


_started = []


@pytest.fixture(autouse=True)
def _kill_leftovers():
    """A test that fails while its program still runs (a signal that was not
    handled, a timeout) must not leave the program spinning on the machine."""
    yield
    while _started:
        p = _started.pop()
        if p.poll() is None:
            p.kill()
            p.wait()


def _start(tmp_path, code):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(code))
    p = subprocess.Popen([sys.executable, str(script)], cwd=str(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    _started.append(p)
    return p


LOOP = r'''
import sys, time, timecapsule as tc
def spin(i):
    return i * 2
tc.record(every=0.05, output="out.tc")
tc.metric("m", 1)
print("started", flush=True)
i = 0
while True:
    spin(i)
    i += 1
    if i % 1000 == 0:
        time.sleep(0.001)
'''


def test_kill_9_leaves_a_readable_truncated_file(tmp_path):
    p = _start(tmp_path, LOOP)
    assert p.stdout.readline().startswith("[TC] recording")
    assert p.stdout.readline().strip() == "started"
    time.sleep(1.5)
    p.kill()
    p.wait()
    r = load(tmp_path / "out.tc")
    assert r.state == "truncated"
    assert r.of("end") == []
    assert r.calls("spin") > 1000            # flushed within ~0.5 s
    assert len(r.snapshots) >= 5
    assert r.of("metrics")


SNAPS_THEN_WAIT = r'''
import sys, time, timecapsule as tc
def work(i):
    return i * 2
# The timed flush is ten minutes away: only flush_every can put the
# snapshots in the file before the kill.
tc.record(every=600, output="out.tc", flush_every=%d, _flush_interval_ms=600000)
for i in range(7):
    work(i)
    tc.snap("s%%d" %% i)
print("snapped", flush=True)
time.sleep(60)
'''


def _snap_labels_after_kill_9(tmp_path, flush_every):
    p = _start(tmp_path, SNAPS_THEN_WAIT % flush_every)
    assert p.stdout.readline().startswith("[TC] recording")
    for line in p.stdout:
        if line.strip() == "snapped":
            break
    p.kill()
    p.wait()
    r = load(tmp_path / "out.tc")
    assert r.state == "truncated"
    return [s["evt"] for s in r.snapshots]


def test_flush_every_puts_snapshots_in_the_file_before_a_kill_9(tmp_path):
    # 8 snapshots (the initial one + 7): flushed after the 2nd, 4th, 6th
    # and 8th.
    evts = _snap_labels_after_kill_9(tmp_path, 2)
    assert evts[1:] == ["SNAP:s%d" % i for i in range(7)], evts


def test_without_flush_every_the_kill_9_loses_the_unflushed_snapshots(tmp_path):
    for n in (0, 1000):
        (tmp_path / str(n)).mkdir()
        assert _snap_labels_after_kill_9(tmp_path / str(n), n) == []


def test_sigterm_finalizes_the_file(tmp_path):
    p = _start(tmp_path, LOOP)
    assert p.stdout.readline().startswith("[TC] recording")
    assert p.stdout.readline().strip() == "started"
    time.sleep(0.5)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=20)
    assert p.returncode == -signal.SIGTERM
    assert "[TC] ✓ saved" in out
    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    end = r.of("end")[0]
    assert end["flags"] & 2 and end["exit_status"] == 128 + signal.SIGTERM
    r.check_balanced()


def test_excepthook_restored_by_stop(run, tmp_path):
    proc = run(r'''
import sys, threading, timecapsule as tc
def mine(*a): pass
sys.excepthook = mine
before_thread = threading.excepthook
tc.record(every=10, output="out.tc")
assert sys.excepthook is not mine
tc.stop()
print(sys.excepthook is mine, threading.excepthook is before_thread)
''')
    assert proc.returncode == 0, proc.stderr
    assert "True True" in proc.stdout


def test_sigint_finalizes_without_a_crash(tmp_path):
    p = _start(tmp_path, LOOP)
    assert p.stdout.readline().startswith("[TC] recording")
    assert p.stdout.readline().strip() == "started"
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=20)
    assert "KeyboardInterrupt" in err
    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    assert r.of("crash") == []
    end = r.of("end")[0]
    assert end["flags"] == 2 and end["exit_status"] == 130


def test_fork_child_leaves_the_file_alone(run, tmp_path):
    proc = run(r'''
import os, timecapsule as tc
def work(n):
    return n + 1
tc.record(every=10, output="out.tc")
for i in range(100):
    work(i)
pid = os.fork()
if pid == 0:
    for i in range(1000):
        work(i)
    os._exit(0)
os.waitpid(pid, 0)
for i in range(5):
    work(i)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    assert r.calls("work") == 105
    r.check_balanced()
    # The child recorded into a file of its own (out.<pid>.tc).
    children = sorted(tmp_path.glob("out.*.tc"))
    assert len(children) == 1, children
    child = load(children[0])
    assert child.state == "complete"
    assert child.calls("work") == 1000


# Where the signal comes: before any after-fork code (a pthread_atfork
# handler registered before the recorder's), or once CPython has set the
# child up but before the recorder's own after-fork hook has (a Python hook
# registered before it).
EARLY_SIGNAL = {
    "before-cpython": '''ctypes.CDLL(os.environ["TC_SIGNAL_AT_FORK"]).tc_test_signal_child_at_fork(
    signal.SIGTERM)''',
    "before-recorder": '''os.register_at_fork(
    after_in_child=lambda: os.kill(os.getpid(), signal.SIGTERM))''',
}


@pytest.mark.parametrize("when", sorted(EARLY_SIGNAL))
def test_sigterm_reaching_a_fork_child_first_thing_ends_it(run, tmp_path, when):
    """A parent can SIGTERM a child it has just forked before the child runs
    at all (Pool.terminate() of a worker that never took a task); CPython's
    after-fork code then forgets the signal.  Without the recorder the
    kernel's default action ends the child; record()'s handler must too,
    and finish the child's own file (a Pool worker hung for ever here)."""
    proc = run(r'''
import ctypes, os, signal, sys, time
%s
import timecapsule as tc
tc.record(every=10, output="out.tc")
pid = os.fork()
if pid == 0:
    time.sleep(10)      # a lost signal: the child sleeps, then exits 7
    os._exit(7)
_, status = os.waitpid(pid, 0)
tc.stop()
print("signal" if os.WIFSIGNALED(status) else "exit", os.WTERMSIG(status)
      if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
''' % EARLY_SIGNAL[when])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "signal %d" % signal.SIGTERM
    children = sorted(tmp_path.glob("out.*.tc"))
    assert len(children) == 1, children
    child = load(children[0])
    assert child.state == "complete"
    end = child.of("end")[0]
    assert end["flags"] & 2 and end["exit_status"] == 128 + signal.SIGTERM
    # The parent's file got nothing from the child.
    parent = load(tmp_path / "out.tc")
    assert parent.state == "complete"
    assert [e["exit_status"] for e in parent.of("end")] == [0]


def test_fatal_signal_flushes_what_is_encoded(run, tmp_path):
    proc = run(r'''
import os, signal, timecapsule as tc
tc.record(every=10, output="out.tc")
marker = "written just before the fault"
tc.snap("before")
os.kill(os.getpid(), signal.SIGSEGV)
''')
    assert proc.returncode == -signal.SIGSEGV
    r = load(tmp_path / "out.tc")
    assert r.state == "truncated"
    assert any(s["evt"] == "SNAP:before" for s in r.snapshots)


def test_a_forked_child_that_does_not_record_drops_the_hooks(run, tmp_path):
    # subprocess's preexec_fn runs in a forked child that execs at once: it
    # is not recorded, and the parent's hooks must not stay in it.
    proc = run(r'''
import subprocess, sys, threading, timecapsule as tc
from timecapsule import _recorder as core
from timecapsule._recording import TOOL_ID
def hooks():
    mon = getattr(sys, "monitoring", None)
    return {"eval_hook": core.eval_hook_active(),
            "profile": threading._profile_hook is not None,
            "monitoring": mon is not None and mon.get_tool(TOOL_ID) is not None}
def in_child():
    with open("child.txt", "w") as f:
        f.write(repr(sorted(k for k, v in hooks().items() if v)))
tc.record(every=10, output="out.tc")
print("parent", sorted(k for k, v in hooks().items() if v))
subprocess.run([sys.executable, "-c", "pass"], preexec_fn=in_child)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    parent = proc.stdout.split("parent ")[1].splitlines()[0]
    assert parent != "[]"   # the parent does have hooks
    assert (tmp_path / "child.txt").read_text() == "[]"
    assert sorted(tmp_path.glob("out.*.tc")) == []
