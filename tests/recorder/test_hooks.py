# SPDX-License-Identifier: MIT
"""Call/return events: both hook backends give every call its exit, with
qualified names, through generators, coroutines, exceptions and threads."""

import sys

from conftest import load, EV_CALL, EV_RESUME, EV_YIELD, EV_UNWIND, EV_RETURN

PROGRAM = r'''
import asyncio, threading
import timecapsule as tc

class Shape:
    def area(self):
        return 2

def outer():
    def inner(x):
        return x + 1
    return inner(1)

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def gen(n):
    for i in range(n):
        yield i

def boom():
    raise ValueError("no")

def catcher():
    try:
        boom()
    except ValueError:
        return "caught"

async def leaf(i):
    await asyncio.sleep(0)
    return i

async def main_async():
    return sum(await asyncio.gather(*(leaf(i) for i in range(3))))

def worker():
    for _ in range(5):
        fib(5)

rec = tc.record(every=10, output="out.tc")
fib(10)
list(gen(3))
Shape().area()
outer()
catcher()
asyncio.run(main_async())
ts = [threading.Thread(target=worker) for _ in range(2)]
for t in ts: t.start()
for t in ts: t.join()
tc.stop()
'''


def test_every_call_has_its_return(run, tmp_path):
    proc = run(PROGRAM)
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    r.check_balanced()
    # fib(10) makes 177 calls; the two workers 5 × fib(5) = 15 calls each.
    assert r.calls("fib") == 177 + 2 * 5 * 15
    assert len(r.durations("fib")) == r.calls("fib")
    # Qualified names on every interpreter (co_name before 3.11).
    if sys.version_info >= (3, 11):
        assert r.calls("Shape.area") == 1
        assert r.calls("outer.<locals>.inner") == 1
    else:
        assert r.calls("area") == 1
        assert r.calls("inner") == 1
    # A generator: one start, resumes, yields; the last exit is a return.
    assert r.calls("gen") == 1
    assert r.calls("gen", (EV_RESUME,)) == 3
    # boom leaves by an exception: an UNWIND exit, and catcher returns.
    unwinds = sum(1 for evs in r.events.values() for i, (t, k, c) in enumerate(evs)
                  if k == EV_UNWIND)
    assert unwinds >= 1
    assert r.calls("catcher") == 1
    # Coroutines: started once each, resumed after their await.
    assert r.calls("leaf") == 3
    assert r.calls("leaf", (EV_RESUME,)) >= 3
    # Threads: both workers have their own event streams.
    worker_threads = [tid for tid, evs in r.events.items()
                      if any(c and r.qualname(c) == "worker" for _, k, c in evs)]
    assert len(worker_threads) == 2
    # No event of the recorder's own code.
    for code in r.codes.values():
        if code["id"] in {c for evs in r.events.values() for _, _, c in evs}:
            assert "/timecapsule/" not in r.files[code["file"]]["path"]


def test_yield_and_return_kinds(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
def g():
    yield 1
    yield 2
    return 3
tc.record(every=10, output="out.tc")
for _ in g():
    pass
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    code_ids = {c["id"] for c in r.codes.values() if c["qualname"] == "g"}
    kinds = []
    for evs in r.events.values():
        stack = []
        for t, k, c in evs:
            if k in (EV_CALL, EV_RESUME):
                stack.append(c)
                if c in code_ids:
                    kinds.append(k)
            else:
                c0 = stack.pop()
                if c0 in code_ids:
                    kinds.append(k)
    assert kinds == [EV_CALL, EV_YIELD, EV_RESUME, EV_YIELD, EV_RESUME, EV_RETURN]


def test_calls_tracked_only(run, tmp_path):
    (tmp_path / "helper_mod.py").write_text("def helper():\n    return 1\n")
    proc = run(r'''
import json, timecapsule as tc
import helper_mod
def mine():
    return helper_mod.helper()
tc.record(every=10, output="out.tc", calls="tracked")
for _ in range(10):
    mine()
json.dumps({"a": 1})
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    r.check_balanced()
    assert r.calls("mine") == 10
    assert r.calls("helper") == 0
    assert r.calls("dumps") == 0


def test_include_files_tracks_more(run, tmp_path):
    (tmp_path / "helper_mod.py").write_text("def helper():\n    return 1\n")
    proc = run(r'''
import timecapsule as tc
import helper_mod
tc.record(every=10, output="out.tc", calls="tracked",
          include_files=["*/helper_mod.py"])
for _ in range(4):
    helper_mod.helper()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert "tracking=2 files" in proc.stdout
    r = load(tmp_path / "out.tc")
    assert r.calls("helper") == 4
    tracked = {f["path"].rsplit("/", 1)[-1] for f in r.files.values() if f["flags"] & 1}
    assert tracked == {"prog.py", "helper_mod.py"}


def test_monitoring_tool_id_taken_is_refused(run, tmp_path):
    if sys.version_info < (3, 12):
        return
    proc = run(r'''
import sys, timecapsule as tc
sys.monitoring.use_tool_id(2, "someone-else")
try:
    tc.record(every=10, output="out.tc")
except RuntimeError as exc:
    print("refused:", exc)
''')
    assert proc.returncode == 0, proc.stderr
    assert "refused:" in proc.stdout and "someone-else" in proc.stdout
    assert not (tmp_path / "out.tc").exists()


def test_monitoring_callbacks_are_vectorcall_objects(run, tmp_path):
    # 3.12+: the callbacks are called by CPython without a PyCFunction in
    # between (tc-recorder-callback.c); each one is registered for its own
    # event, and a direct call with odd arguments is harmless.
    if sys.version_info < (3, 12):
        return
    proc = run(r'''
import sys, types, timecapsule as tc
from timecapsule import _recorder as core
mon = sys.monitoring
E = mon.events
def f(n):
    return n + 1
tc.record(every=10, output="out.tc")
f(1)
seen = {}
for name, ev in (("_mon_py_start", E.PY_START), ("_mon_py_resume", E.PY_RESUME),
                 ("_mon_py_throw", E.PY_THROW), ("_mon_py_return", E.PY_RETURN),
                 ("_mon_py_yield", E.PY_YIELD), ("_mon_py_unwind", E.PY_UNWIND),
                 ("_mon_line", E.LINE)):
    cb = mon.register_callback(2, ev, None)
    mon.register_callback(2, ev, cb)
    seen[name] = (cb is getattr(core, name), type(cb).__name__,
                  isinstance(cb, types.BuiltinFunctionType), name in repr(cb))
print("tool:", mon.get_tool(2))
print("direct:", core._mon_py_start(), core._mon_py_return(1),
      core._mon_line(extra=1))
f(2)
tc.stop()
print("seen:", sorted(set(seen.values())), len(seen))
''')
    assert proc.returncode == 0, proc.stderr
    assert "tool: timecapsule" in proc.stdout
    assert "direct: None None None" in proc.stdout
    assert "seen: [(True, 'Callback', False, True)] 7" in proc.stdout
    r = load(tmp_path / "out.tc")
    assert r.calls("f") == 2
    r.check_balanced()


def test_line_coverage_on_monitoring(run, tmp_path):
    if sys.version_info < (3, 12):
        return   # coverage comes from sys.monitoring LINE events only
    proc = run(r'''
import timecapsule as tc
def f(x):
    if x > 0:
        return 1
    return 2
tc.record(every=10, output="out.tc")
for i in range(5):
    f(i)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    prog = next(fid for fid, f in r.files.items() if f["path"].endswith("prog.py"))
    lines = set()
    for h in r.of("line_hits"):
        if h["file"] == prog:
            lines |= {l for l, n in h["lines"] if n > 0}
    assert {4, 5, 6} <= lines
    assert 1 not in lines    # executed before the recording started


def test_generator_starts_after_specialization(run, tmp_path):
    # 3.11 specializes RESUME into RESUME_QUICK in hot code: a fresh
    # generator is still a start (CALL), not a resume.
    proc = run(r'''
import timecapsule as tc
def total(xs):
    return sum(x for x in xs)
tc.record(every=10, output="out.tc")
for _ in range(200):
    total([1, 2, 3])
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    name = "total.<locals>.<genexpr>" if sys.version_info >= (3, 11) else "<genexpr>"
    assert r.calls(name, tracked_only=True) == 200
    assert r.calls(name, (EV_RESUME,), tracked_only=True) == 200 * 3
    r.check_balanced()


def test_two_recordings_in_one_process(run, tmp_path):
    proc = run(r'''
import threading, timecapsule as tc
def work(n):
    return n * 2
def thread_body():
    for i in range(10):
        work(i)
for name in ("a.tc", "b.tc"):
    tc.record(every=10, output=name)
    for i in range(7):
        work(i)
    t = threading.Thread(target=thread_body)
    t.start(); t.join()
    tc.stop()
print(threading.active_count())
''')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("1")      # no timer thread left behind
    for name in ("a.tc", "b.tc"):
        r = load(tmp_path / name)
        assert r.state == "complete"
        r.check_balanced()
        assert r.calls("work") == 17
        used = {c for evs in r.events.values() for _, _, c in evs if c}
        assert used <= set(r.codes)               # every code defined in this file
        assert set(r.events) <= set(r.threads)    # every thread defined


def test_event_buffers_are_recycled(run, tmp_path):
    """A written event buffer is reused by the next rotation instead of a
    fresh allocation (whose pages the program's thread would fault in
    again), and no event is lost or mixed up on the way."""
    proc = run(r'''
import timecapsule as tc
from timecapsule import _recorder
def f(x):
    return x
tc.record(every=10, output="r.tc")
for rnd in range(40):
    for i in range(10000):       # 20 000 events: one full 16 384-event buffer
        f(i)
    _recorder.flush()            # the buffer is written and handed back
print("event_buffers=%d" % _recorder.stats()["event_buffers"])
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    buffers = int(proc.stdout.split("event_buffers=")[1].split()[0])
    assert 1 <= buffers <= 3, proc.stdout      # 40 rotations
    r = load(tmp_path / "r.tc")
    r.check_balanced()
    assert r.calls("f") == 400000


def test_recycled_buffers_keep_every_thread_s_events(run, tmp_path):
    """Two busy threads rotating buffers through the writer thread's pool:
    every call arrives once, in order, on its own thread."""
    proc = run(r'''
import threading, timecapsule as tc
def f(x):
    return x
def g(x):
    return x
def loop(fn, n):
    for i in range(n):
        fn(i)
tc.record(every=10, output="r.tc")
t = threading.Thread(target=loop, args=(g, 300000))
t.start()
loop(f, 300000)
t.join()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "r.tc")
    r.check_balanced()
    assert r.calls("f") == 300000 and r.calls("g") == 300000
    for evs in r.events.values():
        names = {r.qualname(c) for _, k, c in evs if k == EV_CALL and c
                 and r.qualname(c) in ("f", "g")}
        assert len(names) <= 1                   # no thread got the other's
