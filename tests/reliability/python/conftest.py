# SPDX-License-Identifier: MIT
"""Helpers for the reliability tests: run a program with and without the
recorder, read what it wrote with tc-dump (the format library's reader)."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

PRELUDE = ("import timecapsule as tc\n"
           "tc.record(output=%r, every=%r)\n")


def dump(path):
    """(frames, state) of a .tc file, through tc-dump; asserts it opens."""
    out = subprocess.run([os.environ["TC_DUMP"], str(path)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr + out.stdout[-2000:]
    frames = [json.loads(line) for line in out.stdout.splitlines()]
    return frames[:-1], frames[-1]["state"]


def of(frames, kind):
    return [f for f in frames if f.get("type") == kind]


def has_analysis():
    try:
        import timecapsule._analysis  # noqa: F401
        return True
    except ImportError:
        return False


class Runner:
    def __init__(self, tmp_path):
        self.dir = tmp_path

    def script(self, body, name="prog.py", record=True, every=0.05, output="out.tc"):
        text = textwrap.dedent(body)
        if record:
            text = PRELUDE % (str(self.dir / output), every) + text
        path = self.dir / name
        path.write_text(text)
        return path

    def run(self, body, record=True, timeout=120, args=(), every=0.05, env=None,
            output="out.tc", name=None):
        path = self.script(body, name=name or ("rec.py" if record else "plain.py"),
                           record=record, every=every, output=output)
        e = dict(os.environ)
        e.update(env or {})
        return subprocess.run([sys.executable, str(path)] + list(args), cwd=str(self.dir),
                              capture_output=True, text=True, timeout=timeout, env=e)

    def both(self, body, **kw):
        """Run without and with the recorder: (plain, recorded)."""
        return self.run(body, record=False, **kw), self.run(body, record=True, **kw)


@pytest.fixture
def runner(tmp_path):
    return Runner(tmp_path)


def program_lines(text):
    """stdout without the recorder's own "[TC] …" lines."""
    return [l for l in text.splitlines() if "[TC]" not in l and l.strip()]
