# SPDX-License-Identifier: MIT
"""`timecapsule run --subprocesses` with real processes: multiprocessing
(spawn, forkserver, a Pool), grandchildren, a crashing child, children that
must not be recorded twice, and the CLI's report of the process set."""

import glob
import os
import subprocess
import sys

import pytest

from conftest import dump, has_analysis, of


def run_recorded(runner, body, *args, name="parent.py", timeout=180):
    script = runner.script(body, record=False, name=name)
    return subprocess.run([sys.executable, "-m", "timecapsule", "run", "--subprocesses",
                           "-o", "parent.tc"] + list(args) + [str(script)],
                          cwd=str(runner.dir), capture_output=True, text=True,
                          timeout=timeout)


def members(runner):
    """{pid: (session items, frames, state)} of every parent.<pid>.tc."""
    out = {}
    for path in glob.glob(str(runner.dir / "parent.*.tc")):
        frames, state = dump(path)
        items = {}
        for f in of(frames, "session"):
            for k, v in f["items"]:
                items.setdefault(k, v)
        out[int(os.path.basename(path).split(".")[1])] = (items, frames, state)
    return out


def calls_of(frames, qualname):
    codes = {f["id"]: f["qualname"] for f in of(frames, "code")}
    return sum(1 for f in of(frames, "events") for e in f["events"]
               if e[1] == 0 and codes.get(e[2]) == qualname)


MP = """
    import multiprocessing as mp, os, sys

    def square(n):
        return n * n

    def one(q):
        q.put((os.getpid(), square(7)))

    if __name__ == "__main__":
        ctx = mp.get_context(sys.argv[1])
        q = ctx.Queue()
        p = ctx.Process(target=one, args=(q,))
        p.start()
        pid, value = q.get()
        p.join()
        assert value == 49 and p.exitcode == 0
        pool = ctx.Pool(2)
        assert pool.map(square, range(20)) == [n * n for n in range(20)]
        pool.close()
        pool.join()
        print("process", pid, os.getpid())
"""


def run_mp(runner, method):
    runner.script(MP, record=False, name="mp.py")
    return subprocess.run([sys.executable, "-m", "timecapsule", "run", "--subprocesses",
                           "-o", "parent.tc", str(runner.dir / "mp.py"), method],
                          cwd=str(runner.dir), capture_output=True, text=True, timeout=180)


def test_multiprocessing_spawn(runner):
    r = run_mp(runner, "spawn")
    assert r.returncode == 0, r.stdout + r.stderr
    line = [l.split() for l in r.stdout.splitlines() if l.startswith("process ")][0]
    child, parent = int(line[1]), int(line[2])
    found = members(runner)
    assert child in found, sorted(found)
    items, frames, state = found[child]
    assert state == "complete"
    assert items["process_role"] == "spawn-child"
    assert int(items["parent_pid"]) == parent
    assert calls_of(frames, "one") == 1
    # The Pool's two workers are spawn children too and ran square() 20 times
    # between them; the resource tracker is not a member.
    workers = [m for pid, m in found.items() if pid != child]
    assert len(workers) == 2, sorted(found)
    assert all(m[0]["process_role"] == "spawn-child" and m[2] == "complete" for m in workers)
    assert sum(calls_of(m[1], "square") for m in workers) == 20
    # Nothing from the children's recorders on the program's stdout.
    assert [l for l in r.stdout.splitlines() if "[TC]" in l and "parent.tc" not in l] == []


def test_multiprocessing_forkserver(runner):
    r = run_mp(runner, "forkserver")
    assert r.returncode == 0, r.stdout + r.stderr
    roles = [m[0]["process_role"] for m in members(runner).values()]
    # The fork server is a Python child of the parent; its workers are
    # forks of it (recorded as fork children where the recorder does that).
    assert "forkserver" in roles, roles


def test_terminated_pool(runner):
    """Pool.terminate() sends SIGTERM to workers that may still be starting
    (recording makes a start slower): the program still ends well, and
    every worker file opens (complete, or truncated when the signal came
    before the recorder's handler)."""
    r = run_recorded(runner, """
        import multiprocessing as mp
        def square(n):
            return n * n
        if __name__ == "__main__":
            with mp.get_context("spawn").Pool(3) as pool:
                print(sum(pool.map(square, range(10))))
    """)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "285" in r.stdout
    assert all(state in ("complete", "truncated") for _, _, state in members(runner).values())


def test_grandchild_and_crash(runner):
    r = run_recorded(runner, """
        import os, subprocess, sys
        inner = "def boom():\\n    raise ValueError('child failed')\\nboom()"
        middle = ("import subprocess, sys, os\\n"
                  "r = subprocess.run([sys.executable, '-c', %r])\\n"
                  "print(os.getpid(), r.returncode)" % inner)
        out = subprocess.run([sys.executable, "-c", middle], capture_output=True,
                             text=True).stdout.split()
        print("middle", out[0], "inner_rc", out[1], "parent", os.getpid())
    """)
    assert r.returncode == 0, r.stdout + r.stderr
    words = [l.split() for l in r.stdout.splitlines() if l.startswith("middle ")][0]
    middle, inner_rc, parent = int(words[1]), int(words[3]), int(words[5])
    assert inner_rc == 1
    found = members(runner)
    assert middle in found and len(found) == 2, sorted(found)
    assert int(found[middle][0]["parent_pid"]) == parent
    (inner,) = [pid for pid in found if pid != middle]
    items, frames, state = found[inner]
    assert int(items["parent_pid"]) == middle
    assert of(frames, "crash"), "the grandchild's uncaught exception is its crash"


def test_no_double_recording(runner):
    """A child that runs `python -m timecapsule …` records (or analyses)
    itself; an isolated (-I) child ignores PYTHONPATH and runs unrecorded."""
    (runner.dir / "inner.py").write_text("print('inner ran')\n")
    r = run_recorded(runner, """
        import subprocess, sys
        subprocess.run([sys.executable, "-m", "timecapsule", "run", "-o", "own.tc",
                        "inner.py"], check=True)
        print(subprocess.run([sys.executable, "-I", "-c", "print(6 * 7)"],
                             capture_output=True, text=True).stdout.strip())
    """)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "inner ran" in r.stdout and "42" in r.stdout
    assert members(runner) == {}
    assert (runner.dir / "own.tc").exists()


def test_module_mode(runner):
    pkg = runner.dir / "mpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "__main__.py").write_text(
        "import subprocess, sys\n"
        "subprocess.run([sys.executable, '-c', 'print(1)'], check=True)\n")
    r = subprocess.run([sys.executable, "-m", "timecapsule", "run", "--subprocesses",
                        "-o", "parent.tc", "-m", "mpkg"], cwd=str(runner.dir),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert [m[0]["process_role"] for m in members(runner).values()] == ["subprocess"]


@pytest.mark.skipif(not has_analysis(), reason="needs timecapsule._analysis")
def test_cli_reports_the_set(runner):
    r = run_recorded(runner, """
        import subprocess, sys, os
        code = "def child_work():\\n    return 1\\nchild_work()\\nimport os; print(os.getpid())"
        pid = subprocess.run([sys.executable, "-c", code], capture_output=True,
                             text=True).stdout.strip()
        print("child", pid)
    """)
    assert r.returncode == 0, r.stdout + r.stderr
    child = [l.split()[1] for l in r.stdout.splitlines() if l.startswith("child ")][0]

    def cli(*args):
        out = subprocess.run([sys.executable, "-m", "timecapsule"] + list(args),
                             cwd=str(runner.dir), capture_output=True, text=True, timeout=120)
        return out.returncode, out.stdout, out.stderr

    rc, out, err = cli("parent.tc", "--width", "100")
    assert rc == 0, err
    section = out[out.index("  Processes"):]
    rows = [l.split() for l in section.splitlines()
            if len(l.split()) >= 8 and l.split()[0].isdigit()]
    assert len(rows) == 2 and rows[1][0] == child, section
    assert rows[0][1] == "parent" and rows[1][1] == "subprocess" and rows[1][2] == rows[0][0]
    assert "parent.%s.tc" % child in section and "2 processes" in section
    # One member's own report, and the set from a member's path.
    rc, out, err = cli("parent.tc", "--process", child, "--summary")
    assert rc == 0 and "parent.%s.tc" % child in out, out + err
    rc, out, err = cli("parent.%s.tc" % child, "--processes")
    assert rc == 0 and "2 processes" in out, out + err
    rc, out, err = cli("parent.tc", "--process", "1")
    assert rc == 1 and "no process 1" in err
    # A recording without children: the report has no Processes section.
    os.remove(str(runner.dir / ("parent.%s.tc" % child)))
    rc, out, err = cli("parent.tc")
    assert rc == 0 and "Processes" not in out
