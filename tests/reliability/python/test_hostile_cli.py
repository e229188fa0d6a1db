# SPDX-License-Identifier: MIT
"""The CLI (`python -m timecapsule FILE`) and the viewer (`timecapsule-viewer
--export-pdf`) on broken and hostile files, under an address-space limit and
a timeout: one clear line on stderr (no traceback) or a report of the valid
prefix; never a crash, a hang or unbounded memory."""

import os
import random
import resource
import struct
import subprocess
import sys
import time

import pytest

from conftest import has_analysis

pytestmark = pytest.mark.skipif(not has_analysis(), reason="needs timecapsule._analysis")

AS_LIMIT = 6 << 30          # address space: mappings of the 2 GiB file fit, runaway allocation not
RSS_LIMIT_KB = 400 * 1024   # resident memory a 100 KB recording may need, generously
TIME_LIMIT = 60


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def run_limited(cmd, cwd):
    """Run under the limits; returns (returncode, stdout, stderr, maxrss_kb)
    with the resident peak of that one child (wait4), the output through
    files so no pipe can fill up."""
    import tempfile
    import threading
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out_f, stderr=err_f, preexec_fn=limited)
        killer = threading.Timer(TIME_LIMIT, p.kill)
        killer.start()
        try:
            _, status, rusage = os.wait4(p.pid, 0)
        finally:
            killer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        assert time.monotonic() - t0 < TIME_LIMIT, "%s: ran past %d s" % (cmd, TIME_LIMIT)
        out_f.seek(0)
        err_f.seek(0)
        return p.returncode, out_f.read(), err_f.read(), rusage.ru_maxrss


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    d = tmp_path_factory.mktemp("real")
    prog = d / "prog.py"
    prog.write_text(
        "import timecapsule as tc\n"
        "tc.record(output=%r, every=0.02)\n"
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
        "for i in range(8):\n    x = fib(18)\n    tc.metric('x', x + i)\n    tc.snap()\n"
        "raise ValueError('boom')\n" % str(d / "real.tc"))
    subprocess.run([sys.executable, str(prog)], cwd=str(d), capture_output=True, timeout=120)
    data = (d / "real.tc").read_bytes()
    assert len(data) > 4096
    return data


def frame_offsets(data):
    off, out = 256, []
    while off + 24 <= len(data):
        length = struct.unpack_from("<I", data, off)[0]
        if length < 24 or length % 8 or off + length > len(data):
            break
        out.append(off)
        off += length
    return out


def hostile_files(real):
    rnd = random.Random(9)
    files = {
        "empty": (b"", "error"),
        "text": (b"print('hello')\n" * 100, "error"),
        "random": (bytes(rnd.getrandbits(8) for _ in range(65536)), "error"),
        "seed-gzip": (b"\x1f\x8b\x08\x00" + bytes(100), "error"),
        "magic-only": (real[:8], "error"),
        "header-only": (real[:256], "either"),
        "cut-300": (real[:300], "either"),
        "cut-half": (real[:len(real) // 2], "prefix"),
        "cut-last-byte": (real[:-1], "prefix"),
    }
    offs = frame_offsets(real)
    for k in range(6):
        b = bytearray(real)
        for _ in range(1 + k * 3):
            pos = rnd.randrange(256, len(b))
            b[pos] ^= 1 << rnd.randrange(8)
        files["flip-%d" % k] = (bytes(b), "either")
    for k, lie in enumerate((0, 0xfffffff8, 0x7ffffff8, 16)):
        b = bytearray(real)
        struct.pack_into("<I", b, offs[len(offs) // 2], lie)
        files["length-%d" % k] = (bytes(b), "prefix")
    return files


def check_outcome(name, expect, rc, out, err, maxrss):
    assert "Traceback" not in err, name + ": " + err[-2000:]
    assert rc >= 0, "%s: killed by signal %d: %s" % (name, -rc, err[-2000:])
    assert maxrss < RSS_LIMIT_KB, "%s: %d KB resident" % (name, maxrss)
    if rc != 0:
        assert expect in ("error", "either"), "%s: refused: %s" % (name, err)
        lines = [l for l in err.splitlines() if l.strip() and "Gtk-WARNING" not in l]
        assert len(lines) == 1, "%s: not one line: %r" % (name, err)
    else:
        assert expect in ("prefix", "either"), "%s: accepted a non-recording" % name


def test_cli_on_hostile_files(real, tmp_path):
    for name, (data, expect) in hostile_files(real).items():
        path = tmp_path / (name + ".tc")
        path.write_bytes(data)
        rc, out, err, maxrss = run_limited(
            [sys.executable, "-m", "timecapsule", str(path)], str(tmp_path))
        check_outcome(name, expect, rc, out, err, maxrss)
        if rc == 0 and expect == "prefix":
            assert "truncat" in out.lower(), name + ": a prefix must say it is one"


def test_cli_on_crashers(tmp_path):
    """Inputs that once crashed, hung or exhausted memory (tests/reliability/crashers)."""
    crashers = os.path.join(os.environ["TC_SOURCE_ROOT"], "tests", "reliability", "crashers")
    names = sorted(n for n in os.listdir(crashers) if n.endswith(".tc"))
    assert names
    for name in names:
        rc, out, err, maxrss = run_limited(
            [sys.executable, "-m", "timecapsule", os.path.join(crashers, name)], str(tmp_path))
        check_outcome(name, "either", rc, out, err, maxrss)


def test_cli_on_huge_sparse_file(real, tmp_path):
    """A valid recording followed by 2 GiB of zeros (sparse): the reader stops
    at the first invalid frame without reading or allocating the rest."""
    path = tmp_path / "huge.tc"
    with open(path, "wb") as f:
        f.write(real)
        f.truncate(len(real) + (2 << 30))
    rc, out, err, maxrss = run_limited(
        [sys.executable, "-m", "timecapsule", str(path)], str(tmp_path))
    check_outcome("huge", "prefix", rc, out, err, maxrss)
    assert rc == 0


@pytest.mark.skipif("TC_VIEWER" not in os.environ, reason="the viewer is not built")
def test_viewer_export_on_hostile_files(real, tmp_path):
    viewer = os.environ["TC_VIEWER"]
    for name, (data, expect) in list(hostile_files(real).items()):
        path = tmp_path / (name + ".tc")
        path.write_bytes(data)
        pdf = tmp_path / (name + ".pdf")
        rc, out, err, maxrss = run_limited([viewer, "--export-pdf", str(pdf), str(path)],
                                           str(tmp_path))
        check_outcome(name, expect, rc, out, err, maxrss)
        if rc == 0:
            assert pdf.read_bytes()[:5] == b"%PDF-"
