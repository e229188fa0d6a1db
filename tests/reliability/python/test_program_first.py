# SPDX-License-Identifier: MIT
"""The recorded program comes first: each program below runs once without
and once with the recorder, and must print the same thing, exit the same
way, and (when recorded) leave a file that opens."""

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import dump, of, program_lines


def same(plain, rec):
    assert rec.returncode == plain.returncode, rec.stderr[-3000:]
    assert program_lines(rec.stdout) == program_lines(plain.stdout), rec.stderr[-3000:]
    p_err = plain.stderr.strip().splitlines()
    r_err = [l for l in rec.stderr.strip().splitlines() if "[TC]" not in l and l.strip()]
    assert (r_err[-1:] if r_err else []) == (p_err[-1:] if p_err else [])


def test_200_threads(runner):
    plain, rec = runner.both("""
        import threading
        total = []
        lock = threading.Lock()
        def worker(i):
            s = sum(range(i * 10))
            with lock:
                total.append(s)
        for wave in range(2):
            ts = [threading.Thread(target=worker, args=(i,)) for i in range(200)]
            for t in ts: t.start()
            for t in ts: t.join()
        print(len(total), sum(total))
    """)
    same(plain, rec)
    assert program_lines(rec.stdout)[0].startswith("400 ")
    frames, state = dump(runner.dir / "out.tc")
    assert state == "complete"
    assert len(of(frames, "thread")) >= 400


def test_recorder_threads_are_invisible(runner):
    plain, rec = runner.both("""
        import threading, time
        time.sleep(0.2)
        print(threading.active_count(), [t.name for t in threading.enumerate()])
    """)
    same(plain, rec)


def test_asyncio_10k_tasks(runner):
    plain, rec = runner.both("""
        import asyncio
        async def task(i):
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            return i
        async def main():
            res = await asyncio.gather(*(task(i) for i in range(10000)))
            return sum(res)
        print(asyncio.run(main()))
    """)
    same(plain, rec)
    assert program_lines(rec.stdout) == [str(sum(range(10000)))]
    frames, state = dump(runner.dir / "out.tc")
    assert state == "complete"
    assert not of(frames, "crash")   # asyncio's StopIteration is not a crash


def test_recursion_to_the_limit(runner):
    plain, rec = runner.both("""
        import sys
        def down(n):
            return 0 if n == 0 else 1 + down(n - 1)
        limit = sys.getrecursionlimit()
        print(down(limit - 60))
        def forever(n):
            return forever(n + 1)
        try:
            forever(0)
        except RecursionError as e:
            print("RecursionError caught")
        print(down(100))
    """)
    same(plain, rec)
    assert "RecursionError caught" in program_lines(rec.stdout)
    assert dump(runner.dir / "out.tc")[1] == "complete"


def test_uncaught_recursion_error(runner):
    plain, rec = runner.both("""
        def forever(n):
            return forever(n + 1)
        print("start")
        forever(0)
    """)
    same(plain, rec)
    assert plain.returncode == 1 and "RecursionError" in plain.stderr
    frames, state = dump(runner.dir / "out.tc")
    crashes = of(frames, "crash")
    assert crashes and crashes[0]["exc_type"] == "RecursionError"


def test_memory_error(runner):
    plain, rec = runner.both("""
        try:
            x = bytearray(1 << 62)
        except MemoryError:
            print("MemoryError caught")
        big = [0] * 1000
        print(len(big))
        y = bytearray(1 << 62)
    """)
    same(plain, rec)
    assert program_lines(rec.stdout) == ["MemoryError caught", "1000"]
    assert plain.returncode == 1 and "MemoryError" in plain.stderr.splitlines()[-1]
    frames, state = dump(runner.dir / "out.tc")
    assert [c["exc_type"] for c in of(frames, "crash")] == ["MemoryError"]


HOSTILE_REPRS = """
    import time
    class Raises:
        def __repr__(self):
            raise RuntimeError("repr exploded")
    class Sleeps:
        def __repr__(self):
            time.sleep(0.5)
            return "Sleeps()"
    class Recurses:
        def __repr__(self):
            return "R(" + repr(self) + ")"
    class Huge:
        def __repr__(self):
            return "x" * (100 * 1024 * 1024)
    def hold():
        raises, sleeps, recurses, huge = Raises(), Sleeps(), Recurses(), Huge()
        selfref = [1, 2]
        selfref.append(selfref)
        d = {"k": 1}
        d["self"] = d
        nested = []
        cur = nested
        for _ in range(5000):
            cur.append([])
            cur = cur[0]
        t0 = time.time()
        while time.time() - t0 < 0.4:
            sum(range(100))
        %s
        return len(selfref) + len(d)
    print(hold())
"""


def test_hostile_reprs_and_self_references(runner):
    plain = runner.run(HOSTILE_REPRS % "pass", record=False)
    body_rec = HOSTILE_REPRS % "tc.snap('inside')"
    t0 = time.monotonic()
    rec = runner.run(body_rec, record=True, timeout=180)
    elapsed = time.monotonic() - t0
    same(plain, rec)
    assert program_lines(rec.stdout)[-1] == "5"
    frames, state = dump(runner.dir / "out.tc")
    assert state == "complete"
    # The 100 MB repr is bounded in the file, and the run in time.
    assert os.path.getsize(runner.dir / "out.tc") < 8 * 1024 * 1024
    assert elapsed < 60
    snaps = of(frames, "snapshot")
    assert snaps


def test_len_that_raises(runner):
    plain, rec = runner.both("""
        class BadLen(list):
            def __len__(self):
                raise ValueError("no len")
        def hold():
            bad = BadLen([1, 2])
            try:
                tc.snap("bad")
            except NameError:
                pass
            return "done"
        print(hold())
    """)
    same(plain, rec)


def test_locals_die_with_their_function(runner):
    """A snapshot holds other threads' frames only while it runs: once a
    function returns, its locals are freed as without the recorder (here
    with the GC off, so only reference counting can free them).  The
    snapshot used to keep every thread's frame in a reference cycle, which
    kept such locals until a GC pass; on 3.12 that pass freed a BytesIO
    before the memoryview of its getbuffer() (CPython gh-111049) and a
    recorded multiprocessing Pool died with SIGSEGV."""
    plain, rec = runner.both("""
        import gc, threading, time, weakref
        gc.disable()
        class Payload:
            pass
        refs = []
        started = threading.Event()
        def worker():
            payload = Payload()
            refs.append(weakref.ref(payload))
            started.set()
            time.sleep(0.5)   # timer snapshots (every 0.05 s) see this frame
        t = threading.Thread(target=worker)
        t.start()
        started.wait()
        try:
            tc.snap("while the worker sleeps")
        except NameError:     # the run without the recorder
            pass
        t.join()
        print("alive after return:", refs[0]() is not None)
    """)
    same(plain, rec)
    assert program_lines(rec.stdout) == ["alive after return: False"]


SPAWN_POOL_STRESS = """
    import multiprocessing as mp
    def square(x):
        return x * x
    if __name__ == "__main__":
        ctx = mp.get_context("spawn")
        with ctx.Pool(2) as pool:
            for _ in range(40):
                total = sum(pool.map(square, range(300), chunksize=3))
        print(total)
"""


def test_spawn_pool_under_frequent_snapshots(runner):
    """The 3.12 crash above, made likely: many pickled messages through the
    Pool's threads while the timer snapshots every 2 ms (it crashed nearly
    every run before the fix)."""
    plain, rec = runner.both(SPAWN_POOL_STRESS, every=0.002, timeout=180,
                             env=NO_FORK_WARNING)
    same(plain, rec)
    assert program_lines(rec.stdout) == [str(sum(x * x for x in range(300)))]
    assert dump(runner.dir / "out.tc")[1] == "complete"


def test_os_exit(runner):
    plain, rec = runner.both("""
        import os
        def work(i):
            return i * i
        print(sum(work(i) for i in range(1000)), flush=True)
        os._exit(3)
    """)
    same(plain, rec)
    assert rec.returncode == 3
    frames, state = dump(runner.dir / "out.tc")   # opens; no END frame expected
    assert state in ("truncated", "complete")


# 3.12+ warns at os.fork() when the process has other threads.  The
# recorder's threads stop before a fork (test_fork_warning), but
# multiprocessing's Pool has threads of its own: the multiprocessing tests
# turn that one warning off in both runs.
NO_FORK_WARNING = {"PYTHONWARNINGS": "ignore::DeprecationWarning"}


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the warning exists on 3.12+")
def test_fork_warning(runner):
    """No recorder thread exists at fork time: 3.12 has nothing to warn
    about, and the program still runs under -W error."""
    plain, rec = runner.both("""
        import os
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        print("forked")
    """)
    same(plain, rec)
    assert "DeprecationWarning" not in rec.stderr


def test_os_fork(runner):
    plain, rec = runner.both("""
        import os
        def work(i):
            return i * 3
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            os.write(w, str(sum(work(i) for i in range(5000))).encode())
            os._exit(7)
        os.close(w)
        data = os.read(r, 100).decode()
        _, status = os.waitpid(pid, 0)
        print("child said", data, "exit", os.WEXITSTATUS(status))
        print("parent", sum(work(i) for i in range(10)))
    """, env={"PYTHONWARNINGS": "error::DeprecationWarning"})
    same(plain, rec)
    assert program_lines(rec.stdout)[0] == "child said %d exit 7" % (3 * sum(range(5000)))
    assert dump(runner.dir / "out.tc")[1] == "complete"


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing(runner, method):
    plain, rec = runner.both("""
        import multiprocessing as mp
        def square(x):
            return x * x
        if __name__ == "__main__":
            ctx = mp.get_context(%r)
            with ctx.Pool(2) as pool:
                print(sum(pool.map(square, range(100))))
            q = ctx.Queue()
            p = ctx.Process(target=square, args=(3,))
            p.start(); p.join()
            print("exitcode", p.exitcode)
    """ % method, timeout=180, env=NO_FORK_WARNING)
    same(plain, rec)
    assert program_lines(rec.stdout) == [str(sum(x * x for x in range(100))), "exitcode 0"]
    frames, state = dump(runner.dir / "out.tc")
    assert state == "complete"
    if method == "fork":
        # Every forked worker wrote its own complete file (workers leave
        # with os._exit, and Pool.terminate() sends them SIGTERM).
        pid = dict(kv for f in of(frames, "session") for kv in f["items"])["pid"]
        children = [p for p in os.listdir(runner.dir)
                    if p.startswith("out.") and p.endswith(".tc") and p != "out.tc"]
        assert len(children) == 3, children     # two Pool workers, one Process
        for name in children:
            cframes, cstate = dump(runner.dir / name)
            items = dict(kv for f in of(cframes, "session") for kv in f["items"])
            assert cstate == "complete", name
            assert items["parent_pid"] == pid and items["process_role"] == "fork-child"
            assert name == "out.%s.tc" % items["pid"]


SIGNAL_PROG = """
    import sys, time
    def work(i):
        return i + 1
    print("ready", flush=True)
    n = 0
    while True:
        n = work(n)
        time.sleep(0.001)
"""


def run_until_signal(runner, record, signum):
    path = runner.script(SIGNAL_PROG, name="sig%s.py" % int(record), record=record)
    p = subprocess.Popen([sys.executable, str(path)], cwd=str(runner.dir),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while True:
        line = p.stdout.readline()
        assert line, p.stderr.read()
        if line.strip() == "ready":
            break
    time.sleep(0.3)
    p.send_signal(signum)
    out, err = p.communicate(timeout=60)
    return p.returncode, err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signals(runner, signum):
    rc_plain, err_plain = run_until_signal(runner, False, signum)
    rc_rec, err_rec = run_until_signal(runner, True, signum)
    assert rc_rec == rc_plain
    if signum == signal.SIGINT:
        assert "KeyboardInterrupt" in err_rec.splitlines()[-1]
    frames, state = dump(runner.dir / "out.tc")
    assert state == "complete"   # both are finalized with an END frame
    assert of(frames, "events")


def have_tmpfs():
    return os.geteuid() == 0 and os.path.exists("/proc/filesystems") and \
        "tmpfs" in open("/proc/filesystems").read()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KiB tmpfs (root only), unmounted afterwards."""
    if not have_tmpfs():
        pytest.skip("needs root to mount a tmpfs")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs: " + r.stderr.strip())
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)])


BUSY = """
    def work(i):
        x = [i] * 10
        return sum(x)
    t = 0
    for i in range(300000):
        t += work(i)
    print("result", t)
"""


def test_full_disk(runner, tiny_disk):
    plain = runner.run(BUSY, record=False)
    rec = runner.run(BUSY, record=True, output=str(tiny_disk / "out.tc"))
    same(plain, rec)
    said = [l for l in (rec.stdout + rec.stderr).splitlines() if "No space left" in l]
    assert len(said) == 1, rec.stdout + rec.stderr   # said once, not per block
    dump(tiny_disk / "out.tc")   # the prefix that fit still opens


@pytest.fixture
def readonly_dir(tmp_path):
    if not have_tmpfs():
        pytest.skip("needs root to mount a read-only tmpfs")
    mnt = tmp_path / "ro"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs: " + r.stderr.strip())
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)])


def test_readonly_output_dir(runner, readonly_dir):
    plain = runner.run(BUSY, record=False)
    rec = runner.run(BUSY, record=True, output=str(readonly_dir / "out.tc"))
    same(plain, rec)
    said = [l for l in (rec.stdout + rec.stderr).splitlines() if "Read-only" in l]
    assert len(said) == 1
