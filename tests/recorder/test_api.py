# SPDX-License-Identifier: MIT
"""The recording API: seed-compatible printed lines and what each function
writes into the file."""

import re
import sys

import pytest

from conftest import load


def test_record_snap_checkpoint_block_reset_lines(run, tmp_path):
    proc = run(r'''
import time, timecapsule as tc
rec = tc.record(every=10, output="out.tc", tags=["exp1"])
x = 41
tc.snap("halfway")
tc.snap()
tc.checkpoint("cp")
time.sleep(0.01)
tc.checkpoint("cp")
with tc.profile_block("blk"):
    time.sleep(0.005)
tc.reset()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert re.match(r"^\[TC\] recording → .*/out\.tc  every=10s  backend=C\+(monitoring|eval-hook|setprofile)  session=[0-9a-f]{8}$", lines[0])
    assert "[TC] snap #2 — halfway" in lines
    assert "[TC] snap #3" in lines
    assert "[TC] ▶ checkpoint 'cp'" in lines
    assert any(re.match(r"^\[TC\] ■ checkpoint 'cp' → \d+\.\d\dms$", l) for l in lines)
    assert any(re.match(r"^\[TC\] block 'blk' → \d+\.\d{3}ms$", l) for l in lines)
    assert "[TC] state reset" in lines
    assert re.search(r"\[TC\] ✓ saved  \d+ snaps  \d+KB  \d+ vars  crash=no  warn=0  → .*out\.tc", proc.stdout)

    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    evts = [s["evt"] for s in r.snapshots]
    assert evts[0] == "SNAP:record_start" and evts[-1] == "SNAP:record_stop"
    assert "SNAP:halfway" in evts and "SNAP:" in evts
    # record(tags=…) applies to every snapshot (seed bug §8.1 #7 fixed).
    assert all("exp1" in s["tags"] for s in r.snapshots)
    half = next(s for s in r.snapshots if s["evt"] == "SNAP:halfway")
    assert half["label"] == "halfway"
    loc = r.locals_of(half["threads"][0])
    assert loc["x"]["value"] == 41 and loc["x"]["repr"] == "41" and loc["x"]["type"] == "int"
    marks = {(m["group"], m["name"]) for m in r.of("mark")}
    assert ("checkpoint", "cp") in marks and ("block", "blk") in marks
    cp = next(m for m in r.of("mark") if m["name"] == "cp")
    assert cp["duration_ns"] >= 10_000_000


def test_values_are_real_and_identity_is_code_and_name(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
def f():
    x = [1, 2.5, "s", None, True]
    d = {"k": (1, 2)}
    big = 10 ** 30
    tc.snap("in_f")
def g():
    x = "other"
    tc.snap("in_g")
tc.record(every=10, output="out.tc")
f(); g()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    sf = next(s for s in r.snapshots if s["evt"] == "SNAP:in_f")
    sg = next(s for s in r.snapshots if s["evt"] == "SNAP:in_g")
    lf, lg = r.locals_of(sf["threads"][0]), r.locals_of(sg["threads"][0])
    assert lf["x"]["value"] == {"list": [1, 2.5, "s", None, True]}
    assert lf["d"]["value"] == {"dict": ["k", {"tuple": [1, 2]}]}
    assert lf["big"]["value"] == {"bigint": str(10 ** 30)}
    assert lf["x"]["repr"].startswith("list[5] ")
    # x in f and x in g are different variables (code, name).
    assert lf["x"]["var"] != lg["x"]["var"]
    assert lg["x"]["flags"] & 1  # changed: first capture of g's x


def test_trace_snapshots_the_traced_frame(run, tmp_path):
    proc = run(r'''
import time, timecapsule as tc
@tc.trace(warn_slow_ms=5)
def work(n, scale=2):
    inner_var = n * scale
    time.sleep(0.01)
    return inner_var

@tc.trace
def plain(a):
    return a

tc.record(every=10, output="out.tc")
caller_local = "caller"
work(3)
plain(1)
tc.stop()
print("traced:", work.__tc_traced__, work.__tc_fn_name__)
''')
    assert proc.returncode == 0, proc.stderr
    assert "traced: True work" in proc.stdout
    r = load(tmp_path / "out.tc")
    call = next(s for s in r.snapshots if s["evt"] == "TRACE:call:work")
    ret = next(s for s in r.snapshots if s["evt"] == "TRACE:return:work")
    assert call["label"] == "→ work() #1" and call["tags"][:2] == ["trace", "call"]
    extras = dict(call["extras"])
    assert extras["trace_fn"] == "work" and extras["trace_call"] == "1"
    assert "'n': '3'" in extras["trace_args"] and "'scale': '2'" in extras["trace_args"]
    cl = r.locals_of(call["threads"][0])
    assert set(cl) == {"n", "scale"}          # the traced frame at entry
    rl = r.locals_of(ret["threads"][0])
    assert rl["inner_var"]["value"] == 6      # the traced frame at exit
    assert "caller_local" not in rl
    assert re.match(r"← work\(\) #1 \d+\.\dms", ret["label"])
    rex = dict(ret["extras"])
    assert rex["trace_return"] == "6" and float(rex["trace_ms"]) >= 10
    # The stack starts at the traced function, without the wrapper.
    top_code = ret["threads"][0]["stack"][0][0]
    assert r.qualname(top_code) == "work"
    codes = [w["code"] for w in r.warnings]
    assert "TRACE_SLOW:work:1" in codes
    assert any(s["evt"] == "TRACE:call:plain" for s in r.snapshots)


def test_trace_async_and_generator(run, tmp_path):
    proc = run(r'''
import asyncio, timecapsule as tc
@tc.trace
async def fetch(i):
    got = i * 10
    await asyncio.sleep(0)
    return got
@tc.trace
def numbers(n):
    for i in range(n):
        yield i
tc.record(every=10, output="out.tc")
print(asyncio.run(fetch(4)), list(numbers(3)))
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert "40 [0, 1, 2]" in proc.stdout
    r = load(tmp_path / "out.tc")
    ret = next(s for s in r.snapshots if s["evt"] == "TRACE:return:fetch")
    assert r.locals_of(ret["threads"][0])["got"]["value"] == 40
    assert dict(ret["extras"])["trace_return"] == "40"
    assert any(s["evt"] == "TRACE:return:numbers" for s in r.snapshots)


def test_watch_and_conditions_registered_before_record(run, tmp_path):
    proc = run(r'''
import time, timecapsule as tc
tc.watch("total")
cond = tc.watch_condition("len(items) >= 3 and total > 5", label="enough")
tc.watch_expr("doubled", "total * 2")
tc.record(every=0.02, output="out.tc")
items = []
total = 0
for i in range(6):
    items.append(i)
    total += i
    time.sleep(0.05)
tc.stop()
print("fired", cond["fired"], cond["fire_count"])
''')
    assert proc.returncode == 0, proc.stderr
    assert "[TC] watching: ['total']" in proc.stderr
    assert "[TC] watching condition: 'len(items) >= 3 and total > 5'" in proc.stderr
    assert re.search(r"\[TC WATCH\] t=\d+\.\d{4}s  total:  \S+ → \S+", proc.stderr)
    assert "fired True 1" in proc.stdout
    r = load(tmp_path / "out.tc")
    cond = [s for s in r.snapshots if s["evt"] == "CONDITION"]
    assert len(cond) == 1 and cond[0]["label"] == "enough"
    assert "watch_condition" in cond[0]["tags"]
    assert dict(cond[0]["extras"])["condition_expr"] == "len(items) >= 3 and total > 5"
    assert any(w["code"].startswith("CONDITION:len(items)") for w in r.warnings)
    timer = [s for s in r.snapshots if s["evt"] == "TIMER"]
    assert timer
    loc = r.locals_of(timer[-1]["threads"][0])
    assert loc["doubled"]["flags"] & 2 and loc["doubled"]["value"] == 2 * loc["total"]["value"]


def test_stop_is_prompt(run, tmp_path):
    proc = run(r'''
import time, timecapsule as tc
tc.record(every=30, output="out.tc")
t0 = time.perf_counter()
tc.stop()
print("stop took %.3f" % (time.perf_counter() - t0))
''')
    assert proc.returncode == 0, proc.stderr
    took = float(re.search(r"stop took (\S+)", proc.stdout).group(1))
    assert took < 1.5     # the seed waited out min(every, 2 s)


def test_never_clobbers(run, tmp_path):
    (tmp_path / "out.tc").write_bytes(b"precious")
    proc = run(r'''
import timecapsule as tc
rec = tc.record(every=10, output="out.tc")
tc.stop()
print("wrote", rec.output)
''')
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.tc").read_bytes() == b"precious"
    assert (tmp_path / "out-1.tc").exists()
    assert load(tmp_path / "out-1.tc").state == "complete"


def test_default_output_name(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
rec = tc.record(every=10)
tc.stop()
print("wrote", rec.output)
''', name="myscript.py")
    assert proc.returncode == 0, proc.stderr
    out = re.search(r"wrote (\S+)", proc.stdout).group(1)
    assert re.search(r"/myscript_\d{8}_\d{6}\.tc$", out)


def test_context_manager_and_metrics_and_warnings(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
with tc.record(every=10, output="out.tc"):
    for i in range(6):
        tc.metric("loss", 0.5)
        tc.metric("acc", 0.9)
    tc.metric("bad", float("nan"))
    count = 3
    tc.assert_var("count", lambda v: v > 5)
    tc.assert_var("count", lambda v: v > 5)
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    plateau = [w for w in r.warnings if w["code"] == "METRIC_PLATEAU"]
    # One per metric (seed fired once per session: §8.1 #11 fixed).
    assert sorted(dict(w["extras"])["metric"] for w in plateau) == ["acc", "loss"]
    assert any(w["code"] == "NAN_DETECTED" and w["level"] == 2 for w in r.warnings)
    asserts = [w for w in r.warnings if w["code"] == "ASSERTION_FAILED"]
    assert len(asserts) == 1 and asserts[0]["message"] == "assert_var('count') failed: 3"
    fails = [s for s in r.snapshots if s["evt"] == "ASSERT_FAIL"]
    assert len(fails) == 2 and fails[0]["label"] == "ASSERT_FAIL:count"
    points = [p for f in r.of("metrics") for p in f["points"]]
    loss_id = next(k for k, v in r.metric_names.items() if v == "loss")
    assert len([p for p in points if str(p[0]) == loss_id]) == 6
    assert "🔴 [TC] NAN_DETECTED: 'bad' is NaN at t=" in proc.stderr



def test_metric_plateau_fires_where_the_spec_s_rule_does(run, tmp_path):
    # check_plateau keeps the last 5 readings in a deque and reads them
    # without generators; where it fires must be the spec's rule (§4) on
    # the whole history, for readings around every edge: NaN and inf in
    # the window, zeros, negatives, sums that overflow, ints and bools.
    proc = run(r"""
import math, random
from timecapsule import _warnings as w

def spec_fires(hist):
    if len(hist) < 5:
        return False
    last = hist[-5:]
    if any(math.isnan(v) or math.isinf(v) for v in last):
        return False
    span = max(last) - min(last)
    m = max(abs(v) for v in last) or 1.0
    return span / m < 0.001 and m > 0.01

class Session:
    warn = True
    core = None
    def __init__(self):
        self.metric_history, self.warn_keys, self.warnings = {}, set(), []
    def elapsed(self):
        return 0.0

rng = random.Random(7)
# Readings near a base, moving by a relative step below, near and above
# the rule's 0.1 %, with an odd NaN, inf, int or bool among them.
bases = [0.0, 1.0, -3.0, 0.005, 0.02, 2000.5, 1e308, -1e308, 7]
odd = [float("nan"), float("inf"), -float("inf"), True, 5, 0.0]
checked = 0
for trial in range(4000):
    s, hist, expected = Session(), [], None
    base, step = rng.choice(bases), rng.choice([0.0, 1e-4, 4e-4, 2e-3])
    for i in range(rng.randint(1, 12)):
        v = (rng.choice(odd) if rng.random() < 0.08
             else base * (1 + step * rng.randint(-1, 1)))
        w.check_plateau(s, "m", v)
        if not isinstance(v, bool):
            hist.append(float(v))
            if expected is None and spec_fires(hist):
                expected = i
        if s.warnings and expected is None:
            raise SystemExit("fired at %d, the rule never did: %r" % (i, hist))
        if expected is not None and not s.warnings:
            raise SystemExit("the rule fired at %d, not the check: %r" % (expected, hist))
        checked += 1
    assert len(s.warnings) <= 1
print("checked", checked)
""")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert int(proc.stdout.split()[-1]) > 10000

def test_deep_recursion_and_repeated_call(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
def down(n):
    return 0 if n == 0 else down(n - 1)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
def distinct(i):
    return i
tc.record(every=10, output="out.tc")
down(60)
fib(12)
for i in range(200):
    distinct(i)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    by = {(w["code"], w["var"]) for w in r.warnings}
    assert ("DEEP_RECURSION", "down") in by
    assert ("REPEATED_CALL", "fib") in by
    # 200 calls with 200 different arguments are not repeated calls.
    assert ("REPEATED_CALL", "distinct") not in by


def test_breakpoint(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
tc.record(every=10, output="out.tc")
def f():
    value = 7
    tc.breakpoint("here", tags=["mine"])
    tc.breakpoint(condition=lambda l: l["value"] > 100)
    tc.breakpoint("err", condition=lambda l: 1 / 0, verbose=False)
f()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"\[TC BP\] t=\d+\.\d{4}s  #\d+  f\(\) prog\.py:6  — here  \(1 vars\)", proc.stderr)
    r = load(tmp_path / "out.tc")
    bps = [s for s in r.snapshots if s["evt"] == "BREAKPOINT"]
    assert [b["label"] for b in bps] == ["here", "err"]
    assert bps[0]["tags"][:2] == ["breakpoint", "mine"]
    assert dict(bps[0]["extras"])["bp_fn"] == "f"
    assert any(w["code"] == "BP_CONDITION_ERROR" for w in r.warnings)


def test_threads_locals_in_every_snapshot(run, tmp_path):
    proc = run(r'''
import threading, time, timecapsule as tc
ready = threading.Event()
def worker():
    worker_value = 4242
    ready.set()
    time.sleep(0.5)
t = threading.Thread(target=worker, name="busy-worker")
tc.record(every=10, output="out.tc")
t.start()
ready.wait()
main_local = 1
tc.snap("both")
t.join()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    s = next(s for s in r.snapshots if s["evt"] == "SNAP:both")
    assert len(s["threads"]) >= 2
    assert "main_local" in r.locals_of(s["threads"][0])
    worker = [c for c in s["threads"] if r.threads[c["tid"]]["name"] == "busy-worker"]
    assert worker and r.locals_of(worker[0])["worker_value"]["value"] == 4242
    # The recorder's timer thread is never captured.
    assert all(r.threads[c["tid"]]["name"] != "tc-timer" for c in s["threads"])


def test_a_thread_seen_before_threading_names_it_gets_its_name(run, tmp_path):
    # The hooks see a new thread's first calls before threading registers
    # it (3.9-3.11's eval hook, 3.12's monitoring): when the writer drains
    # those events first, the thread is defined under a placeholder name
    # and must be renamed once threading knows it.  The sleep holds the
    # window open past the writer's 200 ms drain (it was a 3.9 flake).
    proc = run(r'''
import threading, time, timecapsule as tc
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
class Late(threading.Thread):
    def _bootstrap_inner(self):
        fib(5)
        time.sleep(0.4)
        super()._bootstrap_inner()
def work():
    fib(8)
tc.record(every=10, output="out.tc")
ts = [Late(target=work, name="late-%d" % i) for i in range(3)]
ts.append(threading.Thread(target=work, name="plain"))
for t in ts: t.start()
for t in ts: t.join()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    r.check_balanced()
    named = {}
    for tid, evs in r.events.items():
        if any(r.qualname(c) == "work" for _, k, c in evs if k == 0):
            named[r.threads[tid]["name"]] = tid
    assert sorted(named) == ["late-0", "late-1", "late-2", "plain"]


def test_speedtest_and_profile(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
tc.speedtest(2000)
tc.profile_report()
tc.profile(True)
def f():
    s = 0
    for i in range(100):
        s += i
    return s
f()
tc.profile(False)
tc.profile_report(top_n=5)
''')
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert re.search(r"\[TC speedtest\] Baseline \(no recording\): \d+\.\d+ms/1000 iters", out)
    assert re.search(r"Variable capture: avg=\S+µs p50=\S+µs p95=\S+µs", out)
    assert re.search(r"Recording overhead: \d+ calls .*\((\d+\.\d+)×\)", out)
    assert "[TC] No profile data. Run tc.profile(True) first." in out
    assert "prog.py:" in out and "f()" in out
    assert "[TC] per-line profiling ON" in proc.stderr


def test_final_metrics_and_max_snaps(run, tmp_path):
    proc = run(r'''
import time, timecapsule as tc
tc.record(every=0.01, output="out.tc", max_snaps=4)
tc.metric("score", 0.75)
time.sleep(0.3)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert "[TC] max_snaps=4 reached" in proc.stderr
    r = load(tmp_path / "out.tc")
    assert r.session["final_metric.score"] == ["0.75"]
    timer = [s for s in r.snapshots if s["evt"] == "TIMER"]
    assert 1 <= len(timer) <= 3


def test_stuck_loop_only_when_busy(run, tmp_path):
    proc = run(r'''
import time, timecapsule as tc
def sleeper():
    time.sleep(0.6)
def spinner():
    end = time.perf_counter() + 1.2
    while time.perf_counter() < end:
        pass
tc.record(every=0.05, output="out.tc")
sleeper()
tc.snap("between")
spinner()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    stuck = [w for w in r.warnings if w["code"] == "STUCK_LOOP"]
    # A sleep is not a stuck loop (seed §8.1 #12); a busy loop is.
    assert len(stuck) == 1 and stuck[0]["message"].startswith("Stuck at spinner():")


def test_growth_and_var_stuck(run, tmp_path):
    proc = run(r'''
import time, timecapsule as tc
def grow():
    items = list(range(20))
    for i in range(5):
        items.extend(range(20))
        tc.snap()
grow()
tc.record(every=10, output="out.tc")
grow()
def wait():
    constant = 5
    tc.snap()
    time.sleep(5.2)
    tc.snap()
wait()
tc.stop()
''', timeout=90)
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    codes = {(w["code"], w["var"]) for w in r.warnings}
    assert ("UNBOUNDED_GROWTH", "items") in codes
    assert ("VAR_STUCK", "constant") in codes


WARNING_PROGRAM = r'''
import os, sys, time, timecapsule as tc
tc.record(every=10, output="out.tc", warn=(sys.argv[1] == "on"))
def floats():
    big = 3e16
    inf_val = float("inf")
    fine = 1.5
    tc.snap("floats")
floats()
blob = bytearray(80 * 1024 * 1024)
files = [open(os.devnull) for _ in range(30)]
tc.snap("resources")
tc.checkpoint("slow", max_elapsed_s=0.01)
time.sleep(0.03)
tc.checkpoint("slow")
tc.checkpoint("quick", max_elapsed_s=5)
tc.checkpoint("quick")
tc.stop()
'''


def test_value_resource_and_checkpoint_warnings(run, tmp_path):
    proc = run(WARNING_PROGRAM, "on")
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    by = {w["code"]: w for w in r.warnings}
    assert by["VERY_LARGE"]["var"] == "big" and by["VERY_LARGE"]["level"] == 1
    assert by["INF_DETECTED"]["var"] == "inf_val" and by["INF_DETECTED"]["level"] == 2
    assert re.match(r"RAM \d+→\d+MB \(\+\d+MB\)", by["RAM_GROWING"]["message"])
    assert re.match(r"FDs grew \d+→\d+", by["FD_LEAK"]["message"])
    assert by["CHECKPOINT_SLOW"]["var"] == "slow"
    assert re.match(r"'slow' took \d+\.\d{3}s > limit 0\.01s", by["CHECKPOINT_SLOW"]["message"])
    assert not any(w["var"] in ("fine", "quick") for w in r.warnings)
    assert "🟡 [TC] VERY_LARGE: 'big'=3.00e+16 at t=" in proc.stderr


def test_warn_false_records_no_warnings(run, tmp_path):
    proc = run(WARNING_PROGRAM, "off")
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    assert r.warnings == []
    assert "[TC]" not in proc.stderr


def test_tag_live_and_exclude(run, tmp_path):
    proc = run(r'''
import time, timecapsule as tc
def work():
    return 1
tc.record(every=0.02, output="out.tc", live=True, exclude_files=["*/prog.py"])
tc.tag("phase-1", "gpu")
tc.snap("tagged")
tc.snap("untagged")
for _ in range(30):
    work()
    time.sleep(0.03)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"[\r\n]\[TC #\d{5}  t=\d+\.\d\ds  \S+\(\)  RAM=\d+MB  CPU=\d+%", proc.stderr)
    r = load(tmp_path / "out.tc")
    tagged = next(s for s in r.snapshots if s["evt"] == "SNAP:tagged")
    untagged = next(s for s in r.snapshots if s["evt"] == "SNAP:untagged")
    assert tagged["tags"] == ["phase-1", "gpu"]
    assert untagged["tags"] == []
    # The excluded script is not tracked: its calls are still recorded
    # (calls="all"), but it has no tracked files.
    assert r.calls("work") == 30
    assert not any(f["flags"] & 1 for f in r.files.values())


def test_timer_enters_python_at_its_first_tick(run, tmp_path):
    """The timer thread takes the GIL (and gets its thread state, defined in
    the recording as tc-timer) only at its first tick: a recording shorter
    than `every` never has it, and stop() does not wait for it.  Many short
    recordings leave no thread behind."""
    proc = run(r'''
import os, time, timecapsule as tc

def tasks():
    return len(os.listdir("/proc/self/task"))

before = tasks()
for i in range(200):
    tc.record(every=30, output="short-%d.tc" % i, warn=False)
    tc.stop()
deadline = time.monotonic() + 10
while tasks() > before and time.monotonic() < deadline:
    time.sleep(0.01)
print("tasks", before, tasks())
tc.record(every=0.02, output="ticked.tc")
time.sleep(0.3)
tc.stop()
''', timeout=120)
    assert proc.returncode == 0, proc.stderr
    before, after = map(int, re.search(r"tasks (\d+) (\d+)", proc.stdout).groups())
    assert after == before
    for i in (0, 199):
        r = load(tmp_path / ("short-%d.tc" % i))
        assert r.state == "complete"
        assert r.snapshots[-1]["evt"] == "SNAP:record_stop"
        assert all(t["name"] != "tc-timer" for t in r.threads.values())
    r = load(tmp_path / "ticked.tc")
    assert any(s["evt"] == "TIMER" for s in r.snapshots)
    assert [t for t in r.threads.values() if t["name"] == "tc-timer"]


@pytest.mark.parametrize("mode", ["full", "sample"])
def test_fork_finds_no_timer_thread_left(run, tmp_path, mode):
    """A timer that never ticked is not waited for at stop(), but before
    fork() it is: the child must not inherit a process that had another
    thread.  Counted by a before-fork hook registered before timecapsule's
    (so run after it), and by the warning of 3.12+ that such a fork may
    deadlock (3.13 counts the threads after the after-fork hooks: the
    recorder's threads start again only once os.fork() has returned)."""
    proc = run(r'''
import os, sys, time, warnings
seen = []
def settled_threads():
    # A joined thread can stay listed in /proc for a moment after
    # pthread_join returns (the kernel wakes the joiner before it reaps
    # the thread): only a thread still there after 0.1 s counts.
    for _ in range(100):
        n = len(os.listdir("/proc/self/task"))
        if n == 1:
            break
        time.sleep(0.001)
    return n
os.register_at_fork(before=lambda: seen.append(settled_threads()))
import timecapsule as tc
tc.record(every=30, output="out.tc", warn=False, mode=%r)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for i in range(20):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
tc.stop()
print("threads at fork:", sorted(set(seen)))
print("fork warnings:", sum("multi-threaded" in str(w.message) for w in caught))
''' % mode, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "threads at fork: [1]" in proc.stdout
    assert "fork warnings: 0" in proc.stdout


def test_fork_warning_and_threads_after_fork(run, tmp_path):
    """A program's own thread still gets CPython's multi-threaded-fork
    warning (3.12+) while recording; the recorder's threads come back in
    the parent after each fork: timer snapshots go on, and the writer
    flushes events written after the fork without waiting for stop()."""
    proc = run(r'''
import os, sys, threading, time, warnings
import timecapsule as tc

def tasks():
    return len(os.listdir("/proc/self/task"))

def work(n):
    return sum(i * i for i in range(n))

tc.record(every=0.02, output="out.tc", warn=False, flush_every=0)
for i in range(3):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
time.sleep(0.3)
print("timer back:", tc._recording._session.timer_ident is not None)
print("tasks after forks:", tasks())
work(1000)
size = os.path.getsize("out.tc")
time.sleep(1.5)   # the writer's timed flush (every 0.5 s)
print("flushed by the writer:", os.path.getsize("out.tc") > size)
stop = threading.Event()
user = threading.Thread(target=stop.wait)
user.start()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
stop.set()
user.join()
print("user-thread warnings:",
      sum("multi-threaded" in str(w.message) for w in caught))
tc.stop()
''', timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "timer back: True" in proc.stdout
    assert "flushed by the writer: True" in proc.stdout
    # main + writer + timer
    assert "tasks after forks: 3" in proc.stdout
    if sys.version_info >= (3, 12):
        assert "user-thread warnings: 1" in proc.stdout
    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    assert sum(s["evt"] == "TIMER" for s in r.snapshots) >= 5
    assert any(c["name"] == "work" for c in r.codes.values())
