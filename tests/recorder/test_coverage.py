# SPDX-License-Identifier: MIT
"""Line coverage of tracked files on every interpreter: 3.12+ through
sys.monitoring LINE events, 3.8-3.11 through a C trace function switched on
per thread only while a frame with uncovered lines runs.  The covered lines
must be exactly those a plain sys.settrace tracer sees run (the ground
truth, on the same interpreter), however often the trace function was
switched on and off in the middle of frames."""

import json
import sys

from conftest import load

# Untracked: the ground-truth tracer and the start/stop switch live here, so
# the program's own file holds only the code under test.
HELPER = r'''
import json, os, sys, threading

GROUND = os.environ.get("GROUND") == "1"
PROG = os.path.abspath("prog.py")
lines = set()


def tracer(frame, event, arg):
    if event == "line" and os.path.abspath(frame.f_code.co_filename) == PROG:
        lines.add(frame.f_lineno)
    return tracer


def start():
    threading.settrace(tracer)
    sys.settrace(tracer)
    sys._getframe(1).f_trace = tracer


def finish():
    if GROUND:
        sys.settrace(None)
        threading.settrace(None)
        with open("ground.json", "w") as f:
            json.dump(sorted(lines), f)
    else:
        import timecapsule as tc
        from timecapsule import _recorder
        with open("after.json", "w") as f:
            json.dump({"owner": _recorder.line_trace_owner(),
                       "gettrace": repr(sys.gettrace())}, f)
        tc.stop()
        with open("stopped.json", "w") as f:
            json.dump({"owner": _recorder.line_trace_owner(),
                       "gettrace": repr(sys.gettrace())}, f)
'''

PROGRAM = r'''
import asyncio, threading
import helper
import timecapsule as tc

def branch(x):
    if x > 0:
        sign = 1
    elif x < 0:
        sign = -1
    else:
        sign = 0
    return sign

def never_called(x):
    y = x + 1
    return y

def double(x):
    return x * 2

def mixed(flag):
    a = double(1)
    b = double(2)
    if flag:
        c = 1
    else:
        c = 2
    return a + b + c

def countdown(n):
    if n == 0:
        return 0
    r = countdown(n - 1)
    return r + 1

def gen(n):
    total = 0
    for i in range(n):
        total += i
        yield total
    return total

def deep_raise(n):
    if n == 0:
        raise KeyError(n)
    deep_raise(n - 1)

def handler():
    try:
        deep_raise(3)
    except KeyError:
        caught = True
    return caught

def unused_branch_in_loop(n):
    s = 0
    for i in range(n):
        if i < 0:
            s -= 1
        s += i
    return s

def worker(k):
    s = 0
    for i in range(k):
        s += branch(i - 1)
    return s

class Box:
    def __init__(self, v):
        self.v = v

    def get(self):
        return self.v

async def leaf(i):
    await asyncio.sleep(0)
    return i * 2

async def main_async():
    values = await asyncio.gather(leaf(1), leaf(2))
    return sum(values)

helper.start() if helper.GROUND else tc.record(every=10, output="out.tc")
before = 1
mixed(True)
after_call = branch(5)
for v in gen(3):
    last = v
countdown(4)
handled = handler()
unused_branch_in_loop(50)
box = Box(3)
box.get()
squares = [i * i for i in range(4)]
asyncio.run(main_async())
t = threading.Thread(target=worker, args=(3,))
t.start()
t.join()
branch(-2)
mixed(False)
end = 1
helper.finish()
'''


def ln(src, text, nth=0):
    """Line number (1-based, as the run fixture writes the program) of the
    nth line whose text is `text`."""
    hits = [i + 1 for i, l in enumerate(src.splitlines()) if l.strip() == text]
    return hits[nth]


def covered(r):
    lines = {}
    for h in r.of("line_hits"):
        path = r.files[h["file"]]["path"]
        for line, n in h["lines"]:
            if n > 0:
                lines.setdefault(path, set()).add(line)
    return lines


def run_both(run, tmp_path, program, helper=HELPER, env=None):
    (tmp_path / "helper.py").write_text(helper)
    ground = run(program, env=dict(env or {}, GROUND="1"))
    assert ground.returncode == 0, ground.stderr
    truth = set(json.loads((tmp_path / "ground.json").read_text()))
    proc = run(program, env=env)
    assert proc.returncode == 0, proc.stderr
    return truth, load(tmp_path / "out.tc")


def prog_lines(r):
    files = covered(r)
    prog = [p for p in files if p.endswith("prog.py")]
    assert len(prog) == 1, files.keys()
    return files[prog[0]], files


def test_covered_lines_match_a_plain_tracer(run, tmp_path):
    truth, r = run_both(run, tmp_path, PROGRAM)
    lines, files = prog_lines(r)

    def line_of(text):
        return ln(PROGRAM, text)

    # Hand-checked facts first (they hold on every interpreter) ...
    assert line_of("y = x + 1") not in lines            # never called
    assert line_of("sign = 1") in lines and line_of("sign = -1") in lines
    assert line_of("sign = 0") in lines                  # worker thread: branch(0)
    assert line_of("b = double(2)") in lines             # after a call returned
    assert line_of("c = 1") in lines and line_of("c = 2") in lines
    assert line_of("return r + 1") in lines              # recursion unwinding
    assert line_of("yield total") in lines and line_of("last = v") in lines
    assert line_of("caught = True") in lines             # after an unwind
    assert line_of("s -= 1") not in lines                # branch never taken
    assert line_of("s += branch(i - 1)") in lines        # another thread
    assert line_of("return self.v") in lines
    assert line_of("return i * 2") in lines              # coroutine after await
    assert line_of("before = 1") in lines                # record()'s caller
    assert line_of("end = 1") in lines
    assert line_of('helper.start() if helper.GROUND else '
                   'tc.record(every=10, output="out.tc")') not in lines
    assert line_of("import asyncio, threading") not in lines
    # ... then everything: exactly the lines a sys.settrace tracer saw.
    assert lines == truth, (sorted(lines - truth), sorted(truth - lines))
    # Untracked files (helper.py, asyncio, threading) have no line data.
    assert [p for p in files if not p.endswith("prog.py")] == []


def test_hits_mean_covered(run, tmp_path):
    # Each covered line is counted once, however often it ran.
    _, r = run_both(run, tmp_path, PROGRAM)
    total = {}
    for h in r.of("line_hits"):
        for line, n in h["lines"]:
            total[line] = total.get(line, 0) + n
    assert total[ln(PROGRAM, "s += i")] == 1


def test_stop_leaves_no_trace_function(run, tmp_path):
    run_both(run, tmp_path, PROGRAM)
    after = json.loads((tmp_path / "after.json").read_text())
    stopped = json.loads((tmp_path / "stopped.json").read_text())
    # sys.gettrace() shows nothing of the recorder, during or after.
    assert after["gettrace"] == "None" and stopped["gettrace"] == "None"
    if sys.version_info < (3, 12):
        # finish() runs in untracked code: the function is off there already.
        assert after["owner"] is None
    assert stopped["owner"] is None


def test_trace_function_on_only_while_needed(run, tmp_path):
    if sys.version_info >= (3, 12):
        return   # sys.monitoring: no trace function at all
    proc = run(r'''
import json
import timecapsule as tc
from timecapsule import _recorder as core

seen = {}
def small():
    seen.setdefault("small", core.line_trace_owner())
    return 1

def partial(flag):
    seen.setdefault("partial-start", core.line_trace_owner())
    small()
    seen.setdefault("partial-after-call", core.line_trace_owner())
    if flag:
        return 2
    return 3

tc.record(every=10, output="out.tc")
seen["module"] = core.line_trace_owner()
for _ in range(3):
    small()
partial(True)
seen["lib"] = json.dumps([core.line_trace_owner()])
tc.stop()
seen["stopped"] = core.line_trace_owner()
print(json.dumps(seen))
''')
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["module"] == "timecapsule"          # record()'s caller, not done
    assert seen["small"] == "timecapsule"           # first call: lines left
    assert seen["partial-start"] == "timecapsule"
    assert seen["partial-after-call"] == "timecapsule"  # back from a done callee
    assert seen["lib"] == '["timecapsule"]'
    assert seen["stopped"] is None


USER_TRACER = r'''
import sys, threading, json
import timecapsule as tc

events = []
def mine(frame, event, arg):
    if frame.f_code.co_name == "work":
        events.append((event, frame.f_lineno))
    return mine

def work(n):
    total = 0
    for i in range(n):
        total += i
    return total

sys.settrace(mine)
tc.record(every=10, output="out.tc")
work(3)
during = sys.gettrace() is mine
tc.stop()
after = sys.gettrace() is mine
sys.settrace(None)
lines = sorted({l for e, l in events if e == "line"})
print(json.dumps({"during": during, "after": after, "lines": lines}))
'''


def test_user_trace_function_keeps_working(run, tmp_path):
    # A debugger or coverage.py already tracing: the recorder never replaces
    # or removes its function.  On 3.8-3.11 that thread then has no line
    # coverage (one trace function per thread); 3.12+ records it anyway.
    proc = run(USER_TRACER)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["during"] and out["after"]
    body = {ln(USER_TRACER, t) for t in ("total = 0", "for i in range(n):",
                                        "total += i", "return total")}
    assert set(out["lines"]) == body
    r = load(tmp_path / "out.tc")
    lines = set().union(*covered(r).values()) if covered(r) else set()
    if sys.version_info >= (3, 12):
        assert body <= lines
    else:
        assert lines == set()


SETTRACE_MID = r'''
import sys, json
import timecapsule as tc

events = []
def mine(frame, event, arg):
    if frame.f_code.co_name == "traced_part" and event == "line":
        events.append(frame.f_lineno)
    return mine

def traced_part():
    a = 1
    return a

def later(x):
    if x:
        return 1
    return 2

tc.record(every=10, output="out.tc")
sys.settrace(mine)
traced_part()
sys.settrace(None)
later(1)
tc.stop()
print(json.dumps(sorted(set(events))))
'''


def test_settrace_during_recording(run, tmp_path):
    # The program installs and removes its own tracer mid-recording: it gets
    # its events, and the recorder's coverage comes back afterwards.
    proc = run(SETTRACE_MID)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [
        ln(SETTRACE_MID, "a = 1"), ln(SETTRACE_MID, "return a")]
    r = load(tmp_path / "out.tc")
    lines = set().union(*covered(r).values())
    # later(): recorded again once the program's tracer is gone.
    assert {ln(SETTRACE_MID, "if x:"), ln(SETTRACE_MID, "return 1")} <= lines
    assert ln(SETTRACE_MID, "return 2") not in lines


THREADS = r'''
import threading
import timecapsule as tc

def one(n):
    out = []
    for i in range(n):
        out.append(i)
    return out

def two(n):
    if n > 100:
        return -1
    return n

def body(k):
    for _ in range(k):
        one(3)
        two(5)

tc.record(every=10, output="out.tc")
ts = [threading.Thread(target=body, args=(k,)) for k in (1, 50, 200)]
for t in ts:
    t.start()
for t in ts:
    t.join()
tc.stop()
'''


def test_threads_each_get_their_coverage(run, tmp_path):
    proc = run(THREADS)
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    lines = set().union(*covered(r).values())
    want = {ln(THREADS, t) for t in (
        "out = []", "for i in range(n):", "out.append(i)", "return out",
        "if n > 100:", "return n", "for _ in range(k):", "one(3)", "two(5)",
        "for t in ts:", "tc.stop()")}
    assert want <= lines
    assert ln(THREADS, "return -1") not in lines


def test_sample_mode_records_no_lines(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
def f(x):
    return x + 1
tc.record(every=10, output="out.tc", mode="sample")
for i in range(100):
    f(i)
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert load(tmp_path / "out.tc").of("line_hits") == []


LONG_LINES = 1500


def test_long_function_is_all_covered(run, tmp_path):
    # A function of any length: its last lines are covered, and once every
    # line ran the recorder knows it is done (3.8-3.11: no trace function in
    # its frames any more; 3.12+: its LINE events are switched off), which a
    # fixed-size per-code bitmap of 512 lines never allowed.
    body = "".join("    x = x + %d\n" % i for i in range(LONG_LINES))
    proc = run(r'''
import json, sys
import timecapsule as tc
from timecapsule import _recorder as core

def big(x):
''' + body + r'''    return x, core.line_trace_owner()

def line_events():
    if sys.version_info < (3, 12):
        return None
    return sys.monitoring.get_local_events(tc._recording.TOOL_ID, big.__code__)

tc.record(every=10, output="out.tc")
first = big(1)[1]
after_first = line_events()
second = big(1)[1]
after_second = line_events()
tc.stop()
print(json.dumps({"first": first, "second": second,
                  "after_first": after_first, "after_second": after_second}))
''')
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    r = load(tmp_path / "out.tc")
    lines, _ = prog_lines(r)
    src = (tmp_path / "prog.py").read_text()
    first_body = ln(src, "x = x + 0")
    last_body = ln(src, "x = x + %d" % (LONG_LINES - 1))
    ret = ln(src, "return x, core.line_trace_owner()")
    assert last_body == first_body + LONG_LINES - 1 and ret == last_body + 1
    assert set(range(first_body, ret + 1)) <= lines
    if sys.version_info < (3, 12):
        # All covered on the return line of the first call: the rest of
        # that frame and every later frame of big run untraced.
        assert seen["first"] is None and seen["second"] is None
    else:
        # LINE events of big: on until a call starts after it was all
        # covered, then off.
        assert seen["after_first"] != 0
        assert seen["after_second"] == 0


# Frames that still have lines to cover but are past them: on 3.8-3.11 such
# a frame loses the trace function (tc-recorder-line-flow.c) once the code
# had enough line events; the lines that run later (handlers, the error
# branch, a path back through a loop) must still all be reported.
FLOW_PROGRAM = r'''
import json, sys
import helper
import timecapsule as tc
from timecapsule import _recorder as core

owners = []

def check(order):
    if not order:
        raise ValueError("empty")
    total = 0
    for x in order:
        total += x
    owners.append(core.line_trace_owner())
    return total

def guarded(i):
    try:
        if i == 99:
            raise KeyError(i)
        v = i
    except KeyError:
        v = -1
    for k in range(2):
        v += k
    return v

def late_handler(i):
    try:
        for k in range(3):
            if k == i:
                raise KeyError(k)
            h = k
    except KeyError:
        h = -1
    return h

def loop_back(xs):
    out = 0
    for x in xs:
        if x is None:
            out -= 100
        out += x or 0
    return out

def gen(n):
    if n < 0:
        yield -1
        return
    for i in range(n):
        yield i

def with_block(i):
    with open(__file__) as f:
        if i == 99:
            raise KeyError(i)
        n = len(f.readline())
    return n

def callee_raises(i):
    if i == 99:
        raise KeyError(i)
    return i

def catches(i):
    try:
        for k in range(2):
            callee_raises(i)
    except KeyError:
        w = -1
        return w
    return 0

def nested(i):
    for a in range(2):
        for b in range(2):
            if a == b == i:
                return -1
    return i

helper.start() if helper.GROUND else tc.record(every=10, output="out.tc")
for i in range(5, 80):
    check([1, 2, i])
    guarded(i)
    late_handler(i)
    loop_back([1, i])
    list(gen(2))
    with_block(i)
    nested(i)
    catches(i)
guarded(99)
catches(99)
late_handler(1)
loop_back([1, None])
list(gen(-1))
nested(1)
try:
    check([])
except ValueError:
    pass
try:
    with_block(99)
except KeyError:
    pass
end = 1
helper.finish()
with open("owners.json", "w") as f:
    json.dump([owners[0], owners[-1]], f)
'''


def test_frames_past_their_uncovered_lines(run, tmp_path):
    truth, r = run_both(run, tmp_path, FLOW_PROGRAM)
    lines, _ = prog_lines(r)
    for text in ('raise ValueError("empty")', "v = -1", "raise KeyError(k)",
                 "h = -1", "out -= 100", "yield -1", "raise KeyError(i)",
                 "return -1", "w = -1", "return w", "end = 1"):
        assert ln(FLOW_PROGRAM, text) in lines, text
    assert lines == truth, (sorted(lines - truth), sorted(truth - lines))
    first, last = json.loads((tmp_path / "owners.json").read_text())
    if sys.version_info < (3, 12):
        # check()'s loop: traced while its lines were new, untraced once
        # only the error branch above it was left.
        assert first == "timecapsule" and last is None


# Lines left to cover only in blocks that end the frame (the `return` of
# an error test, a `raise`, the `return` after a loop): on 3.11 under the
# eval hook such a frame is not traced for them at all, the hook's exit
# credits the block the frame ended in (tc-recorder-line-flow.c).  Every
# way out of such a block must give exactly a plain tracer's lines: a
# normal return, an exception raised by a call in its middle (the lines
# after it did not run), a `raise`, an unbound local in a superinstruction.
EXIT_PROGRAM = r'''
import json, sys
import helper
import timecapsule as tc
from timecapsule import _recorder as core

owners = []

def fails(i):
    if i == -99:
        raise KeyError(i)
    return i

def early_return(i):
    owners.append(core.line_trace_owner())
    if i < 0:
        note = "negative"
        return note
    total = i
    for k in range(2):
        total += k
    return total

def middle_raises(i):
    v = i + 1
    if v > 1000:
        first = v * 2
        second = fails(-99)
        third = first + second
        return third
    return v

def plain_raise(i):
    if i > 1000:
        msg = "too big"
        raise ValueError(msg)
    return i

def unbound(i, set_late):
    if set_late:
        late = 1
    if i > 1000:
        return (i,
                late)
    return i

def tail_return(n):
    out = 0
    for i in range(n):
        out += fails(i)
    count = out
    return count

helper.start() if helper.GROUND else tc.record(every=10, output="out.tc")
for i in range(120):
    early_return(i)
    middle_raises(i)
    plain_raise(i)
    unbound(i, i % 2 == 0)
early_return(-1)
try:
    middle_raises(1500)
except KeyError:
    pass
try:
    plain_raise(2000)
except ValueError:
    pass
try:
    unbound(2000, False)
except UnboundLocalError:
    pass
tail_return(200)
end = 1
helper.finish()
with open("owners.json", "w") as f:
    json.dump([owners[0], owners[-1]], f)
'''


def test_lines_in_blocks_that_end_the_frame(run, tmp_path):
    program = EXIT_PROGRAM
    truth, r = run_both(run, tmp_path, program)
    lines, _ = prog_lines(r)
    for text in ('note = "negative"', "return note", "first = v * 2",
                 "second = fails(-99)", 'msg = "too big"', "raise ValueError(msg)",
                 "return (i,", "late)", "count = out", "return count", "end = 1"):
        assert ln(program, text) in lines, text
    for text in ("third = first + second", "return third"):
        assert ln(program, text) not in lines, text
    assert lines == truth, (sorted(lines - truth), sorted(truth - lines))
    first, last = json.loads((tmp_path / "owners.json").read_text())
    if sys.version_info < (3, 12):
        assert first == "timecapsule"
    if sys.version_info[:2] == (3, 11):
        # Only the error branch's lines were left: its frames start
        # untraced once the code's flow is known.
        assert last is None


def test_flow_reads_instructions_as_dis_does():
    """The control flow (3.8-3.11) decodes the bytecode itself, without
    dis.get_instructions' Instruction objects: every instruction's offset,
    opcode and jump target must be what dis says, for every code of a few
    stdlib modules (loops, try/finally, with, comprehensions, generators,
    async, long jumps past EXTENDED_ARG)."""
    if sys.version_info >= (3, 12):
        return
    import dis
    import types
    import asyncio.base_events
    import json.decoder
    import tarfile
    from timecapsule import _flow

    def codes(co):
        yield co
        for c in co.co_consts:
            if isinstance(c, types.CodeType):
                yield from codes(c)

    n = 0
    for mod in (dis, asyncio.base_events, json.decoder, tarfile, _flow):
        with open(mod.__file__, encoding="utf-8") as f:
            top = compile(f.read(), mod.__file__, "exec")
        for co in codes(top):
            want = [(i.offset, i.opcode,
                     i.argval if i.opcode in _flow._JUMPS else None)
                    for i in dis.get_instructions(co)]
            assert _flow.instructions(co) == want, (mod.__name__, co.co_name)
            n += 1
    assert n > 300
