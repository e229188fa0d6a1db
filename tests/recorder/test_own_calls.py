# SPDX-License-Identifier: MIT
"""The recorder's own work is not in the recording: record() switches the
hooks on as its last step and stop() switches them off first, so the
imports, threading and signal calls they make are not recorded; after
`timecapsule run` the program's <module> is the only call at depth 0
(runpy's launching before and after it is not recorded either).  Every
other API call made while the program runs (@tc.trace, snapshots, metric
…, the crash capture) runs through core.own_call, and nothing it runs on
the program's thread is recorded, the program code it runs for the
recorder included."""

import collections
import subprocess
import sys

import pytest

from conftest import ENTER, EV_RESUME, EXIT, load

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


# ---- The API's own work while the program runs ----------------------------
#
# Each program below is run twice: as written, and with every line marked
# `@@` taken out (a decorator or a block's opener dropped, any other line
# made `pass`) and the lines marked `!!` put in.  Both record; the API calls must change
# nothing in what is recorded: the same calls in the same order on every
# thread, balanced.

def _variant(code, with_api):
    """(program text, numbers of the marked lines); a line taken out is
    left blank, so both variants number their lines alike."""
    out = []
    marked = set()
    for number, line in enumerate(code.splitlines(), 1):
        body = line.lstrip()
        mark = body[:2]
        if mark not in ("@@", "!!"):
            out.append(line)
            continue
        marked.add(number)
        indent = line[:len(line) - len(body)]
        body = body[2:]
        if with_api == (mark == "@@"):
            out.append(indent + body)
        elif mark == "@@" and not body.startswith("@") and not body.endswith(":"):
            out.append(indent + "pass")
        else:
            out.append("")
    return "\n".join(out) + "\n", marked


def _covered(r, script):
    """The lines of `script` that ran while recording."""
    lines = set()
    for h in r.of("line_hits"):
        if r.files[h["file"]]["path"].endswith(script):
            lines |= {line for line, n in h["lines"] if n > 0}
    return lines


# What runs inside Thread.start() and join() depends on which thread gets
# there first (Event.wait only waits if the new thread has not started
# yet): the calls themselves are compared, not what they did inside.
_RACY = {"Thread.start", "Thread.join", "start", "join"}


def _sequences(r):
    """Thread name -> [(event kind, qualname)], the recording's calls."""
    names = {tid: th["name"] for tid, th in r.threads.items()}
    out = {}
    for tid, evs in r.events.items():
        seq = []
        depth = 0
        racy = None   # the depth of the open Thread.start/join, if any
        for t, kind, code in evs:
            q = r.qualname(code) if code else ""
            if racy is None:
                seq.append((kind, q))
            if kind in ENTER:
                depth += 1
                if (racy is None and q in _RACY and r.files[
                        r.codes[code]["file"]]["path"].endswith("threading.py")):
                    racy = depth
            elif kind in EXIT:
                if racy == depth:
                    racy = None
                    seq.append((kind, q))
                depth -= 1
        if seq:
            out.setdefault(names.get(tid, tid), []).extend(seq)
    return out


def with_and_without_api(run, tmp_path, code, returncode=0):
    """(recording with the API calls, recording without them), after
    checking they hold the same calls."""
    recs = []
    for with_api in (True, False):
        name = "api" if with_api else "plain"
        text, marked = _variant(code, with_api)
        proc = run(text.replace("OUT", name), name=name + ".py", timeout=120)
        assert proc.returncode == returncode, proc.stderr
        r = load(tmp_path / (name + ".tc"))
        assert r.state == "complete", name
        r.check_balanced()
        recs.append(r)
    api, plain = recs
    # The program's lines run after an API call are covered as without it
    # (on 3.8-3.11 the line trace function is switched per frame).
    covered = _covered(api, "api.py") - marked
    assert covered and covered == _covered(plain, "plain.py") - marked
    seq_api, seq_plain = _sequences(api), _sequences(plain)
    assert sorted(seq_api) == sorted(seq_plain)
    for thread in seq_plain:
        extra = (collections.Counter(q for _, q in seq_api[thread])
                 - collections.Counter(q for _, q in seq_plain[thread]))
        assert not extra, "%s: the API's own calls recorded: %s" % (thread, extra)
        assert seq_api[thread] == seq_plain[thread], thread
    return api, plain


def test_trace_records_only_the_traced_calls(run, tmp_path):
    """@tc.trace decorating while recording (inspect, functools) and its
    snapshots at every call (inspect.signature, threading, reprs) are not
    recorded, for plain, generator, coroutine and async generator
    functions, nested, raising, and on another thread."""
    api, plain = with_and_without_api(run, tmp_path, r'''
import asyncio, threading
import timecapsule as tc

def work(n):
    return n + 1

class Box:
    def __repr__(self):
        return "Box(%d)" % work(1)

tc.record(every=30, output="OUT.tc")

@@@tc.trace
def inner(box, n):
    return work(n)

@@@tc.trace(warn_slow_ms=0)
def outer(n):
    return inner(Box(), n) + work(n)

@@@tc.trace
def fails(n):
    raise ValueError(n)

@@@tc.trace
def gen(n):
    for i in range(n):
        yield work(i)
    return n

@@@tc.trace
async def coro(n):
    await asyncio.sleep(0)
    return work(n)

@@@tc.trace
async def agen(n):
    try:
        for i in range(n):
            await asyncio.sleep(0)
            yield work(i)
    finally:
        await asyncio.sleep(0)
        work(-1)

async def main():
    total = await coro(1) + await coro(2)
    async for v in agen(3):
        total += v
    # Left early: closed by the event loop's hooks, then explicitly.
    async for v in agen(5):
        break
    early = agen(3)
    total += await early.__anext__()
    await early.aclose()
    return total

for i in range(3):
    outer(i)
try:
    fails(1)
except ValueError:
    pass
list(gen(4))
asyncio.run(main())
t = threading.Thread(target=outer, args=(9,), name="worker")
t.start()
t.join()
work(0)
tc.stop()
''')
    assert api.calls("outer") == 4 and api.calls("inner") == 4
    assert api.calls("fails") == 1 and api.calls("gen") == 1
    assert api.calls("coro") == 2 and api.calls("agen") == 3
    # The API did its work: a call and a return snapshot per traced call.
    traced = [s for s in api.snapshots if s["evt"].startswith("TRACE:")]
    assert len(traced) == 2 * (4 + 4 + 1 + 1 + 2 + 3)
    assert not [s for s in plain.snapshots if s["evt"].startswith("TRACE:")]


def test_snapshots_and_the_code_they_run_are_not_recorded(run, tmp_path):
    """snap(), breakpoint() and assert_var() on the main thread, on another
    thread and in a coroutine: threading.enumerate and the other stdlib
    calls of a snapshot are not recorded, and neither is the program code
    a snapshot runs for the recorder (a watch_expr calling the program's
    functions, a __repr__, the conditions), nested API calls included
    (a watch_expr calling tc.metric).  An exception out of an API call
    leaves recording as it was."""
    api, plain = with_and_without_api(run, tmp_path, r'''
import asyncio, threading
import timecapsule as tc

def work(n):
    return n + 1

def helper(n):
    return sum(work(i) for i in range(n))

class Box:
    def __repr__(self):
        return "Box(%d)" % helper(2)

def positive(v):
    return helper(1) > 0 and v > 0

def fail_on_purpose(v):
    raise RuntimeError("condition broke")

class BadTags:
    def __iter__(self):
        work(7)
        raise KeyError("tags")

def f(n):
    box = Box()
    x = work(n)
    @@tc.snap("in_f")
    @@tc.assert_var("x", positive)
    @@tc.assert_var("x", lambda v: helper(1) < 0)
    @@tc.assert_var("x", fail_on_purpose)
    @@tc.breakpoint("bp", condition=lambda loc: helper(3) > 0, verbose=False)
    @@tc.breakpoint("bp-err", condition=fail_on_purpose, verbose=False)
    return work(x)

async def coro(n):
    await asyncio.sleep(0)
    @@tc.snap("in_coro")
    return f(n)

def threaded():
    for i in range(3):
        f(i)

@@tc.watch_expr("h", "helper(3)")
@@tc.watch_expr("nested", "tc.metric('m', helper(2))")
@@tc.watch_expr("broken", "1 / 0")
tc.record(every=30, output="OUT.tc")
f(1)
t = threading.Thread(target=threaded, name="worker")
t.start()
f(2)
t.join()
asyncio.run(coro(3))
try:
    @@tc.snap("tags", tags=BadTags())
    !!raise KeyError("tags")
except KeyError:
    pass
f(4)
tc.stop()
''')
    assert api.calls("f") == 7 and api.calls("work") == 14
    assert api.calls("helper") == 0 and api.calls("positive") == 0
    evts = [s["evt"] for s in api.snapshots]
    assert evts.count("SNAP:in_f") == 7 and "SNAP:in_coro" in evts
    # Two failing assert_var and two breakpoints (one whose condition
    # raised) per f().
    assert evts.count("ASSERT_FAIL") == 14 and evts.count("BREAKPOINT") == 14
    # The watch_expr ran, in the recorder's own time.
    snap = next(s for s in api.snapshots if s["evt"] == "SNAP:in_f")
    assert api.locals_of(snap["threads"][0])["h"]["repr"] == "6"
    assert not [s for s in plain.snapshots if s["evt"] == "SNAP:in_f"]


def test_a_generator_begun_by_the_api_comes_back_balanced(run, tmp_path):
    """A generator the recorder's code starts (a watch_expr) and the
    program resumes afterwards: its resumes are recorded as RESUME, each
    with its exit, and its start is not; one the program started and the
    recorder's code advances: nothing of that step is recorded."""
    proc = run(r'''
import timecapsule as tc

def work(n):
    return n + 1

def numbers(n):
    for i in range(n):
        yield work(i)

pending = []

def keep(g):
    next(g)
    pending.append(g)
    return len(pending)

def f():
    tc.snap("here")
    return work(0)

tc.record(every=30, output="out.tc")
early = numbers(4)
first = next(early)
tc.watch_expr("kept", "keep(numbers(3))")
tc.watch_expr("step", "next(early)")
f()
rest = [work(v) for v in pending[0]] + [work(v) for v in early]
tc.stop()
print(first, rest)
''')
    assert proc.returncode == 0, proc.stderr
    # early gave 1 (the program), 2 (the snapshot's watch_expr), 3, 4.
    assert proc.stdout.splitlines()[-1] == "1 [3, 4, 4, 5]"
    r = load(tmp_path / "out.tc")
    r.check_balanced()
    assert r.calls("numbers") == 1
    # pending[0]: two resumes that yield and one that returns; early: its
    # first step and the program's two that yield plus the one that
    # returns (the watch_expr's step is not there).
    assert r.calls("numbers", kinds=(EV_RESUME,)) == 3 + 3
    assert r.calls("f") == 1 and r.calls("keep") == 0
    # f's work, the generators' (2 + 3) and the list's (4).
    assert r.calls("work") == 1 + 5 + 4


def test_the_rest_of_the_api_writes_through_the_programs_stdout(run, tmp_path):
    """metric, checkpoint, profile_block, tag, reset, watch,
    watch_condition, profile, profile_report and speedtest while the
    program's own Python object is sys.stdout and sys.stderr: the
    recorder's lines reach it, but its write() calls for them are the
    recorder's, as are the warnings' checks and the reports' stdlib calls."""
    api, plain = with_and_without_api(run, tmp_path, r'''
import sys
import timecapsule as tc

class Tee:
    def __init__(self, out):
        self.out = out
    def write(self, text):
        return self.out.write(text)
    def flush(self):
        self.out.flush()

def work(n):
    return n + 1

def step(i):
    x = work(i)
    @@tc.metric("loss", 0.5)
    @@tc.metric("bad", float("nan"))
    @@tc.checkpoint("cp", max_elapsed_s=0.0)
    @@with tc.profile_block("blk"):
    !!if True:
        work(x)
    @@tc.checkpoint("cp")
    @@tc.tag("t%d" % i)
    @@tc.snap()
    return x

sys.stdout, sys.stderr = Tee(sys.stdout), Tee(sys.stderr)
tc.record(every=30, output="OUT.tc")
print("program output")
@@tc.watch("x", "loss")
@@tc.watch_condition("x > 100")
for i in range(6):
    step(i)
# (on 3.8-3.11 the line profiler's trace function takes the place of the
# recorder's, whose lines run meanwhile are not covered: one line here.)
@@tc.profile(True); work(1); tc.profile(False)
!!work(1)
@@tc.profile_report()
@@tc.reset()
@@tc.speedtest(1000)
work(2)
tc.stop()
''')
    assert api.calls("step") == 6 and api.calls("work") == 14
    # The program's own print, twice (text and newline), in both (the
    # qualname is "write" before 3.11).
    writes = [r.calls("Tee.write") + r.calls("write") for r in (api, plain)]
    assert writes == [2, 2]
    names = {w["code"] for w in api.warnings}
    assert {"NAN_DETECTED", "METRIC_PLATEAU", "CHECKPOINT_SLOW"} <= names
    assert {m["name"] for m in api.of("mark")} >= {"cp", "blk", "reset"}


@pytest.mark.parametrize("where", ["thread", "main"])
def test_crash_capture_is_not_recorded(run, tmp_path, where):
    """The crash hooks (a thread's, the main thread's) format the traceback
    and snapshot the locals: not recorded."""
    code = r'''
import sys, threading
import timecapsule as tc

def work(n):
    return n + 1

def fail(n):
    local = [work(n)]
    raise ValueError(n)

# The program's own hooks (Python code that the default hooks of 3.13 are
# too, with caches the crash capture fills) are called after the capture.
def program_hook(*args):
    work(-1)

threading.excepthook = sys.excepthook = program_hook
tc.record(every=30, output="OUT.tc")
!!threading.excepthook = sys.excepthook = program_hook
t = threading.Thread(target=fail, args=(1,), name="worker")
t.start()
t.join()
work(2)
fail(3)
'''
    if where == "main":
        code = code.replace("t.start()\nt.join()\n", "")
    api, plain = with_and_without_api(run, tmp_path, code, returncode=1)
    assert api.calls("fail") == (2 if where == "thread" else 1)
    assert api.calls("program_hook") == api.calls("fail")
    # One crash per recording: the first.
    assert len(api.of("crash")) == 1 and not plain.of("crash")


def test_crash_in_the_record_context_manager_is_not_recorded(run, tmp_path):
    api, plain = with_and_without_api(run, tmp_path, r'''
import timecapsule as tc

def work(n):
    return n + 1

def fail(n):
    local = [work(n)]
    raise ValueError(n)

import sys

def program_hook(*args):   # as above
    work(-1)

sys.excepthook = program_hook
@@with tc.record(every=30, output="OUT.tc"):
!!tc.record(every=30, output="OUT.tc")
!!try:
    try:
        fail(3)
    finally:
        work(4)
!!finally:
!!    tc.stop()
''', returncode=1)
    assert api.calls("fail") == 1 and api.calls("work") == 2
    assert len(api.of("crash")) == 1 and not plain.of("crash")


def test_a_traced_calls_locals_die_with_it(run, tmp_path):
    """@tc.trace's return snapshot keeps the call's exit frame only until
    the snapshot is taken: held longer, the frame (linked to the wrapper's,
    which holds the snapshot's record) kept the program's locals alive until
    a GC pass, and with them whatever their going would have run."""
    proc = run(r'''
import gc, weakref
import timecapsule as tc

freed = []
refs = []

class Resource:
    pass

@tc.trace
def use():
    res = Resource()
    refs.append(weakref.ref(res, lambda r: freed.append("res")))
    return 1

gc.disable()
tc.record(every=30, output="out.tc")
use()
print("freed after the call:", freed)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert "freed after the call: ['res']" in proc.stdout
    r = load(tmp_path / "out.tc")
    assert [s["evt"] for s in r.snapshots if s["evt"].startswith("TRACE")] \
        == ["TRACE:call:use", "TRACE:return:use"]
