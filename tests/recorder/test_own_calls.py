# SPDX-License-Identifier: MIT
"""The recorder's own work is not in the recording: record() switches the
hooks on as its last step and stop() switches them off first, so the
imports, threading and signal calls they make are not recorded; after
`timecapsule run` the program's <module> is the only call at depth 0
(runpy's launching before and after it is not recorded either)."""

import collections
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


# ---- The API's own work while the program runs ----------------------------
#
# Each program below is run twice: as written, and with every line marked
# `@@` taken out (a decorator line dropped, any other line made `pass`).
# Both record; the API calls must change nothing in what is recorded: the
# same calls in the same order on every thread, balanced.

def _variant(code, with_api):
    out = []
    for line in code.splitlines():
        body = line.lstrip()
        if not body.startswith("@@"):
            out.append(line)
            continue
        indent = line[:len(line) - len(body)]
        body = body[2:]
        if with_api:
            out.append(indent + body)
        elif not body.startswith("@"):
            out.append(indent + "pass")
    return "\n".join(out) + "\n"


def _sequences(r):
    """Thread name -> [(event kind, qualname)], the recording's calls."""
    names = {tid: th["name"] for tid, th in r.threads.items()}
    out = {}
    for tid, evs in r.events.items():
        seq = [(kind, r.qualname(code) if code else "")
               for t, kind, code in evs]
        if seq:
            out.setdefault(names.get(tid, tid), []).extend(seq)
    return out


def with_and_without_api(run, tmp_path, code, env=None):
    """(recording with the API calls, recording without them), after
    checking they hold the same calls."""
    recs = []
    for with_api in (True, False):
        name = "api" if with_api else "plain"
        proc = run(_variant(code, with_api).replace("OUT.tc", name + ".tc"),
                   name=name + ".py", env=env)
        assert proc.returncode == 0, proc.stderr
        r = load(tmp_path / (name + ".tc"))
        assert r.state == "complete", name
        r.check_balanced()
        recs.append(r)
    api, plain = recs
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
    for i in range(n):
        await asyncio.sleep(0)
        yield work(i)

async def main():
    total = await coro(1) + await coro(2)
    async for v in agen(3):
        total += v
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
    assert api.calls("coro") == 2 and api.calls("agen") == 1
    # The API did its work: a call and a return snapshot per traced call.
    traced = [s for s in api.snapshots if s["evt"].startswith("TRACE:")]
    assert len(traced) == 2 * (4 + 4 + 1 + 1 + 2 + 1)
    assert not [s for s in plain.snapshots if s["evt"].startswith("TRACE:")]
