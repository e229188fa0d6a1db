# SPDX-License-Identifier: MIT
"""Helpers for the recorder tests: run a script in a fresh interpreter and
read the .tc it wrote through tc-dump (the format library's reader)."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

EV_CALL, EV_RETURN, EV_C_CALL, EV_C_RETURN, EV_RESUME, EV_YIELD, EV_UNWIND = range(7)
ENTER = (EV_CALL, EV_RESUME)
EXIT = (EV_RETURN, EV_YIELD, EV_UNWIND)


class Recording:
    def __init__(self, path):
        out = subprocess.run([os.environ["TC_DUMP"], str(path)],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr + out.stdout[-2000:]
        self.frames = [json.loads(line) for line in out.stdout.splitlines()]
        self.state = self.frames[-1]["state"]
        self.frames = self.frames[:-1]
        self.codes = {f["id"]: f for f in self.of("code")}
        self.vars = {f["id"]: f for f in self.of("var")}
        self.files = {f["id"]: f for f in self.of("file")}
        self.threads = {f["tid"]: f for f in self.of("thread")}
        self.counters = {str(f["id"]): f["name"] for f in self.of("counter_def")}
        self.metric_names = {str(f["id"]): f["name"] for f in self.of("metric_def")}
        self.events = {}
        for f in self.of("events"):
            self.events.setdefault(f["thread"], []).extend(f["events"])
        self.session = {}
        for f in self.of("session"):
            for k, v in f["items"]:
                self.session.setdefault(k, []).append(v)

    def of(self, kind):
        return [f for f in self.frames if f.get("type") == kind]

    @property
    def snapshots(self):
        return self.of("snapshot")

    @property
    def warnings(self):
        return self.of("warning")

    def qualname(self, code_id):
        return self.codes[code_id]["qualname"]

    def calls(self, qualname, kinds=(EV_CALL,), tracked_only=False):
        n = 0
        for evs in self.events.values():
            for t, kind, code in evs:
                if (kind in kinds and code and self.qualname(code) == qualname
                        and (not tracked_only or self.codes[code]["flags"] & 1)):
                    n += 1
        return n

    def check_balanced(self):
        """Every enter has its exit on the same thread; depth never < 0."""
        for tid, evs in self.events.items():
            depth = 0
            last = 0
            for t, kind, code in evs:
                assert t >= last, "time went backwards on thread %d" % tid
                last = t
                if kind in ENTER:
                    depth += 1
                elif kind in EXIT:
                    depth -= 1
                    assert depth >= 0, "exit without enter on thread %d" % tid
            assert depth == 0, "%d calls without return on thread %d" % (depth, tid)

    def durations(self, qualname):
        """Per-call durations (ns) of qualname, pairing enters and exits."""
        out = []
        for evs in self.events.values():
            stack = []
            for t, kind, code in evs:
                if kind in ENTER:
                    stack.append((code, t, kind))
                elif kind in EXIT:
                    code0, t0, k0 = stack.pop()
                    if self.qualname(code0) == qualname and k0 == EV_CALL:
                        out.append(t - t0)
        return out

    def locals_of(self, capture):
        return {self.vars[l["var"]]["name"]: l for l in capture["locals"]}

    def origin_of(self, snap):
        """{name: repr} and the [(qualname, line)] stack of the thread the
        snapshot was taken on; ({}, []) when it holds no frame of it."""
        for th in snap["threads"]:
            if th["tid"] == snap["origin"]:
                return ({name: loc["repr"] for name, loc in self.locals_of(th).items()},
                        [(self.codes[c]["qualname"], line) for c, line in th["stack"]])
        return {}, []

    def counter(self, values, name):
        for cid, v in values.items():
            if self.counters.get(cid) == name:
                return v
        return None


@pytest.fixture
def run(tmp_path):
    """run(code, *args, env=None, timeout=60) -> (CompletedProcess, tmp_path)."""
    def _run(code, *args, env=None, timeout=60, name="prog.py"):
        script = tmp_path / name
        script.write_text(textwrap.dedent(code))
        e = dict(os.environ)
        e.update(env or {})
        proc = subprocess.run([sys.executable, str(script)] + list(args),
                              capture_output=True, text=True, cwd=str(tmp_path),
                              env=e, timeout=timeout)
        return proc
    return _run


def load(path):
    return Recording(path)
