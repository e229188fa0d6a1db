# SPDX-License-Identifier: MIT
"""The crash-safety proof: a recorded program is killed with SIGKILL at a
random moment, 100 times; every file must open and hold everything that
was flushed before the kill.  The program flushes (core.flush(), the same
drain + write the writer thread does every second) every 5 steps and says
so on stdout only after the flush returned, so "flushed k" on stdout means
steps 0..k (their metric points and 50 work() calls each) are on disk."""

import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import dump, has_analysis, of

RUNS = 100
PARALLEL = 8

PROGRAM = """
import sys
import timecapsule as tc
from timecapsule import _recorder as core
tc.record(output=sys.argv[1], every=0.05)
print("go", flush=True)
def work(i):
    return i * i
i = 0
while True:
    for _ in range(50):
        work(i)
    tc.metric("step", i)
    if i % 5 == 0:
        core.flush()
        print("flushed", i, flush=True)
    i += 1
"""


def one_run(args):
    n, path, script, delay, during_startup = args
    p = subprocess.Popen([sys.executable, script, path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    if during_startup:
        time.sleep(delay)
    else:
        first = p.stdout.readline()
        while first and first.strip() != "go":
            first = p.stdout.readline()
        time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    out, _ = p.communicate(timeout=60)
    assert p.returncode == -signal.SIGKILL
    # Only whole lines count: the kill may cut the last one short.
    complete = out.split("\n")[:-1]
    flushed = [int(l.split()[1]) for l in complete if l.startswith("flushed ")]
    return n, path, max(flushed) if flushed else None


def check(path, last):
    if last is None:
        # Killed before anything was said to be flushed: the file may not
        # exist or be a bare (even partial) header; if it has a header it opens.
        if os.path.exists(path) and os.path.getsize(path) >= 256:
            dump(path)
        return False
    frames, state = dump(path)
    assert state in ("truncated", "complete")
    codes = {f["id"]: f["qualname"] for f in of(frames, "code")}
    step_ids = {f["id"] for f in of(frames, "metric_def") if f["name"] == "step"}
    steps = {pt[2] for f in of(frames, "metrics") for pt in f["points"] if pt[0] in step_ids}
    missing = set(range(last + 1)) - steps
    assert not missing, "%s: flushed up to %d but steps %s are missing" % (
        path, last, sorted(missing)[:10])
    calls = sum(1 for f in of(frames, "events") for ev in f["events"]
                if ev[1] == 0 and codes.get(ev[2]) == "work")
    assert calls >= 50 * (last + 1), "%s: %d work() calls, %d flushed" % (
        path, calls, 50 * (last + 1))
    if has_analysis():
        import timecapsule as tc
        d = tc.load(path)               # the analysis loader opens it too
        assert isinstance(d["snaps"], list)
    return True


def test_sigkill_100_times(tmp_path):
    script = tmp_path / "killed.py"
    script.write_text(PROGRAM)
    rnd = random.Random(int(os.environ.get("TC_KILL_SEED", "9")))
    jobs = []
    for n in range(RUNS):
        during_startup = n % 10 == 0          # 10 kills land anywhere, startup included
        delay = rnd.uniform(0, 1.0) if during_startup else rnd.uniform(0, 0.6)
        jobs.append((n, str(tmp_path / ("k%03d.tc" % n)), str(script), delay, during_startup))
    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(one_run, jobs))
    with_data = 0
    for n, path, last in results:
        if check(path, last):
            with_data += 1
        if os.path.exists(path):
            os.unlink(path)
    print("%d kills, %d after a flush" % (RUNS, with_data))
    # The proof is not vacuous: most kills hit a program that had flushed.
    assert with_data >= 70, with_data
