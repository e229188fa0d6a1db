# SPDX-License-Identifier: MIT
"""The PEP 523 eval hook (3.9-3.11) records what PyEval_SetProfile records: the
same events, in the same order, through generators (throw, close, yield
from), coroutines, async generators, exceptions, closures, class bodies,
recursion up to the limit; it steps aside for another tool's eval hook and
is removed by stop()."""

import os
import subprocess
import sys
import sysconfig
import textwrap

import pytest

from conftest import load

pytestmark = pytest.mark.skipif(not (3, 9) <= sys.version_info[:2] <= (3, 11),
                                reason="the eval hook is used on 3.9-3.11")

PROGRAM = r'''
import asyncio, contextlib, sys
import timecapsule as tc

class Shape:
    def __init__(self, k): self.k = k
    @property
    def area(self): return self.k * 2
    def __repr__(self): return "Shape(%d)" % self.k

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def gen(n):
    for i in range(n):
        yield i
    return "done"

def delegating():
    r = yield from gen(2)
    yield r

def boom():
    raise ValueError("no")

def catcher():
    try:
        boom()
    except ValueError:
        return "caught"

def thrower():
    g = gen(5); next(g)
    try:
        g.throw(KeyError("k"))
    except KeyError:
        pass
    g2 = gen(5); next(g2); g2.close()
    g3 = gen(5)
    try:
        g3.throw(KeyError("fresh"))
    except KeyError:
        pass
    gen(3).close()

def make_closure(a):
    b = [a]
    def inner(x):
        return x + a + b[0]
    return inner

@contextlib.contextmanager
def ctx():
    yield 1

async def leaf(i):
    await asyncio.sleep(0)
    if i == 2:
        raise RuntimeError("leaf")
    return i

async def agen():
    for i in range(3):
        yield i
        await asyncio.sleep(0)

async def main_async():
    r = await asyncio.gather(*(leaf(i) for i in range(4)),
                             return_exceptions=True)
    return r, [x async for x in agen()]

def deep(n):
    return deep(n + 1)

pre = gen(4); next(pre)           # started before the recording
tc.record(every=10, output=sys.argv[1], include_files=["*prog.py"])
next(pre)
fib(6)
list(gen(3)); list(delegating())
Shape(3).area; repr(Shape(1))
make_closure(1)(2)
catcher(); thrower()
with ctx(): pass
[x * 2 for x in range(3)]
class Local:
    y = fib(2)
(lambda: fib(3))()
try:
    deep(0)
except RecursionError:
    pass
asyncio.run(main_async())
tc.stop()
'''


def main_thread_events(r):
    main = [tid for tid, t in r.threads.items() if t.get("name") == "MainThread"]
    assert len(main) == 1
    return [(kind, r.qualname(code) if code else None)
            for _, kind, code in r.events[main[0]]]


def test_same_events_as_setprofile(run, tmp_path):
    proc = run(PROGRAM, "eval.tc")
    assert proc.returncode == 0, proc.stderr
    assert "backend=C+eval-hook" in proc.stdout
    proc = run(PROGRAM, "prof.tc", env={"TIMECAPSULE_HOOK": "profile"})
    assert proc.returncode == 0, proc.stderr
    assert "backend=C+setprofile" in proc.stdout
    ev, prof = load(tmp_path / "eval.tc"), load(tmp_path / "prof.tc")
    assert ev.session["backend"] == ["C+eval-hook"]
    assert prof.session["backend"] == ["C+setprofile"]
    ev.check_balanced()
    a, b = main_thread_events(ev), main_thread_events(prof)
    assert len(a) > 1000
    assert a == b
    # The tracked aggregates agree too (DEEP_RECURSION, return values).
    assert ([w["code"] for w in ev.warnings]
            == [w["code"] for w in prof.warnings])
    assert len(ev.of("return_value")) == len(prof.of("return_value")) > 0


def test_threads_are_covered_without_trampoline(run, tmp_path):
    proc = run(r'''
import sys, threading, timecapsule as tc
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
def worker():
    fib(6)
tc.record(every=10, output="out.tc")
ts = [threading.Thread(target=worker, name="w%d" % i) for i in range(3)]
for t in ts: t.start()
for t in ts: t.join()
tc.stop()
print("profile after stop:", sys.getprofile(), threading._profile_hook)
''')
    assert proc.returncode == 0, proc.stderr
    assert "profile after stop: None None" in proc.stdout
    r = load(tmp_path / "out.tc")
    r.check_balanced()
    assert r.calls("fib") == 3 * 25
    for tid, t in r.threads.items():
        if t.get("name", "").startswith("w"):
            names = [r.qualname(c) for _, k, c in r.events[tid] if k == 0]
            # As with sys.monitoring on 3.12: the thread's whole life.
            assert names[0] in ("Thread._bootstrap", "_bootstrap")
            assert names.count("fib") == 25


# A foreign PEP 523 hook (a debugger's, a JIT's), built for this test.
FOREIGN_C = r'''
#define PY_SSIZE_T_CLEAN
#include <Python.h>
static long n_frames;
static PyObject *
foreign(PyThreadState *ts, struct _PyInterpreterFrame *f, int throwflag)
{
    n_frames++;
    return _PyEval_EvalFrameDefault(ts, f, throwflag);
}
static PyInterpreterState *
interp(void)
{
    return PyThreadState_GetInterpreter(PyThreadState_Get());
}
static PyObject *
install(PyObject *self, PyObject *unused)
{
    _PyInterpreterState_SetEvalFrameFunc(interp(), foreign);
    Py_RETURN_NONE;
}
static PyObject *
uninstall(PyObject *self, PyObject *unused)
{
    _PyInterpreterState_SetEvalFrameFunc(interp(), _PyEval_EvalFrameDefault);
    Py_RETURN_NONE;
}
static PyObject *
state(PyObject *self, PyObject *unused)
{
    _PyFrameEvalFunction f = _PyInterpreterState_GetEvalFrameFunc(interp());
    return Py_BuildValue("(sl)", f == _PyEval_EvalFrameDefault ? "default"
                         : f == foreign ? "foreign" : "other", n_frames);
}
static PyMethodDef methods[] = {
    {"install", install, METH_NOARGS, NULL},
    {"uninstall", uninstall, METH_NOARGS, NULL},
    {"state", state, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "foreign_eval", NULL,
                                 -1, methods};
PyMODINIT_FUNC PyInit_foreign_eval(void) { return PyModule_Create(&def); }
'''


@pytest.fixture
def foreign_eval(tmp_path):
    src = tmp_path / "foreign_eval.c"
    src.write_text(FOREIGN_C)
    out = tmp_path / ("foreign_eval" + sysconfig.get_config_var("EXT_SUFFIX"))
    subprocess.check_call([os.environ.get("CC", "cc"), "-shared", "-fPIC",
                           "-I" + sysconfig.get_paths()["include"], str(src),
                           "-o", str(out)])
    return tmp_path


def test_stop_removes_the_hook(run, tmp_path, foreign_eval):
    proc = run(r'''
import foreign_eval, timecapsule as tc
def f(): return 1
print("before:", foreign_eval.state()[0])
tc.record(every=10, output="out.tc")
print("during:", foreign_eval.state()[0])
f()
tc.stop()
print("after:", foreign_eval.state()[0])
tc.record(every=10, output="out2.tc")
f()
tc.stop()
print("again:", foreign_eval.state()[0])
''')
    assert proc.returncode == 0, proc.stderr
    assert "before: default" in proc.stdout
    assert "during: other" in proc.stdout       # the recorder's hook
    assert "after: default" in proc.stdout
    assert "again: default" in proc.stdout
    for name in ("out.tc", "out2.tc"):
        r = load(tmp_path / name)
        r.check_balanced()
        assert r.calls("f") == 1


def test_another_eval_hook_is_left_alone(run, tmp_path, foreign_eval):
    proc = run(r'''
import foreign_eval, timecapsule as tc
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
foreign_eval.install()
tc.record(every=10, output="out.tc")
state, n0 = foreign_eval.state()
fib(10)
tc.stop()
state2, n1 = foreign_eval.state()
print("states:", state, state2, n1 - n0 >= 177)
foreign_eval.uninstall()
''')
    assert proc.returncode == 0, proc.stderr
    # The other tool keeps its hook; the recorder falls back to setprofile.
    assert "backend=C+setprofile" in proc.stdout
    assert "states: foreign foreign True" in proc.stdout
    r = load(tmp_path / "out.tc")
    r.check_balanced()
    assert r.calls("fib") == 177


def test_trace_and_closure_locals_at_the_call(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
def outer(a):
    b = a * 10
    @tc.trace
    def inner(x):
        y = x + a + b
        return y
    return inner
fn = outer(2)
tc.record(every=10, output="out.tc")
fn(5)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    call = next(s for s in r.snapshots if s["evt"] == "TRACE:call:outer.<locals>.inner")
    names = set(r.locals_of(call["threads"][0]))
    # The argument and the closure's free variables, before y exists.
    assert names == {"x", "a", "b"}
