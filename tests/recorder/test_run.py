# SPDX-License-Identifier: MIT
"""`timecapsule run`: every record() option has a flag, the redaction
flags reach the recording and the subprocess children, and a subprocess
child's own exit status is recorded."""

import inspect
import json
import os
import subprocess
import sys

import pytest

from conftest import load

RUN = ["-c", "import sys; from timecapsule._run import main_run; "
             "sys.exit(main_run(sys.argv[1:]))"]


def _run(tmp_path, *args):
    return subprocess.run([sys.executable] + RUN + list(args), capture_output=True,
                          text=True, cwd=str(tmp_path), timeout=120)


def test_every_record_option_has_a_flag(tmp_path, monkeypatch):
    from timecapsule import _recording, _run as run_mod
    public = [n for n in inspect.signature(_recording.record).parameters
              if not n.startswith("_")]
    seen = {}

    def fake_record(**kwargs):
        seen.update(kwargs)
        return None
    monkeypatch.setattr(_recording, "record", fake_record)
    monkeypatch.setattr(_recording, "stop", lambda **kw: None)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(sys, "path", list(sys.path))
    script = tmp_path / "empty.py"
    script.write_text("")
    argv = ["--every", "2", "-o", "x.tc", "--watch", "a", "--max-snaps", "7",
            "--flush-every", "3", "--no-warn", "--tag", "t", "--live",
            "--include", "inc*", "--exclude", "exc*", "--mode", "sample",
            "--sample-rate", "99", "--calls", "tracked", "--no-embed-source",
            "--redact", "ssn", str(script)]
    assert run_mod.main_run(argv) == 0
    missing = [n for n in public if n not in seen]
    assert missing == [], "record() options without a `run` flag: %s" % missing
    assert seen == dict(seen, every=2.0, output="x.tc", watch=["a"], max_snaps=7,
                        flush_every=3, warn=False, tags=["t"], live=True,
                        include_files=["inc*"], exclude_files=["exc*"],
                        mode="sample", sample_rate_hz=99.0, calls="tracked",
                        embed_source=False, redact=["ssn"])
    seen.clear()
    assert run_mod.main_run(["--no-redact", "--no-source", str(script)]) == 0
    assert seen["redact"] is False and seen["embed_source"] is False
    seen.clear()
    assert run_mod.main_run([str(script)]) == 0
    assert seen["redact"] is True and seen["embed_source"] is True


def test_no_redact_and_redact_exclude_each_other(tmp_path):
    (tmp_path / "a.py").write_text("")
    proc = _run(tmp_path, "--no-redact", "--redact", "x", "a.py")
    assert proc.returncode == 2 and "exclude each other" in proc.stderr


CHILD = r'''
import sys
def secrets():
    return {"password": "pw-child-1", "user_ssn": "ssn-child-2"}
secrets()
sys.exit(int(sys.argv[1]))
'''

# The child by absolute path: 3.8 names a script's code by the path as
# given, which is another matter than the options reaching the child.
PARENT = r'''
import os, subprocess, sys
def secrets():
    return {"password": "pw-parent-1", "user_ssn": "ssn-parent-2"}
secrets()
child = subprocess.run([sys.executable, os.path.abspath("child.py"), "3"])
print("child exit", child.returncode)
'''


def _dump(path):
    out = subprocess.run([os.environ["TC_DUMP"], str(path)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("flags, shown, hidden", [
    ([], ["ssn-parent-2", "ssn-child-2"], ["pw-parent-1", "pw-child-1"]),
    (["--redact", "ssn"], [], ["pw-parent-1", "pw-child-1", "ssn-parent-2",
                               "ssn-child-2"]),
    (["--no-redact"], ["pw-parent-1", "pw-child-1", "ssn-parent-2",
                       "ssn-child-2"], []),
])
def test_redaction_flags_reach_the_subprocess_children(tmp_path, flags, shown, hidden):
    (tmp_path / "child.py").write_text(CHILD)
    (tmp_path / "parent.py").write_text(PARENT)
    # (The source is left out: it holds the secrets too.)
    proc = _run(tmp_path, "--subprocesses", "--every", "5", "-o", "out.tc",
                "--no-embed-source", *flags, "parent.py")
    assert proc.returncode == 0, proc.stderr
    assert "child exit 3" in proc.stdout
    children = sorted(tmp_path.glob("out.*.tc"))
    assert len(children) == 1, children
    parent_text, child_text = _dump(tmp_path / "out.tc"), _dump(children[0])
    for secret in shown:
        assert secret in (parent_text if "parent" in secret else child_text), secret
    for secret in hidden:
        assert secret not in parent_text + child_text, secret
    # The child's own sys.exit(3) is its recorded exit status.
    end = [json.loads(l) for l in child_text.splitlines()
           if '"type":"end"' in l.replace(" ", "")]
    assert end and end[0]["exit_status"] == 3


def test_threaded_asyncio_example_gives_the_same_counts_everywhere(tmp_path):
    """The bundled threaded asyncio example under `timecapsule run`: three
    event loops (two in threads), 120 tasks; the counts of its functions
    are the program's own on every interpreter (the suite runs on each)."""
    example = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                           "threaded_asyncio.py")
    proc = _run(tmp_path, "-o", "out.tc", os.path.abspath(example))
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    assert r.state == "complete"
    r.check_balanced()
    counts = {name: r.calls(name) for name in
              ("worker", "batch", "handle", "fetch", "checksum")}
    assert counts == {"worker": 2, "batch": 3, "handle": 120, "fetch": 120,
                      "checksum": 120}, counts
    # handle() ran on each of the three threads whose loops ran it.
    threads = {tid for tid, events in r.events.items()
               if any(code and r.qualname(code) == "handle"
                      for t, kind, code in events)}
    assert len(threads) == 3, threads
