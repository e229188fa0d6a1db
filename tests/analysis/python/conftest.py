# SPDX-License-Identifier: MIT
"""Fixtures for the analysis/CLI tests: the C-written recordings with known
numbers (TC_FIXTURES, see tests/analysis/tc-test-recordings.c) and a real
recording of examples/demo.py made with the recorder."""

import os
import shutil
import subprocess
import sys

import pytest

FIXTURES = os.environ.get("TC_FIXTURES", "")
SOURCE_ROOT = os.environ.get("TC_SOURCE_ROOT", "")


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    # Baselines go to a per-test store, never to the user's.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture
def fixtures(tmp_path):
    """A private copy of timings.tc, crash.tc, truncated.tc and coroutines.tc."""
    for name in ("timings.tc", "crash.tc", "truncated.tc", "coroutines.tc"):
        shutil.copy(os.path.join(FIXTURES, name), tmp_path / name)
    return tmp_path


@pytest.fixture
def timings(fixtures):
    return str(fixtures / "timings.tc")


@pytest.fixture
def crash(fixtures):
    return str(fixtures / "crash.tc")


@pytest.fixture
def coroutines(fixtures):
    return str(fixtures / "coroutines.tc")


def run_cli(*args, cwd=None, env=None):
    full = dict(os.environ)
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "timecapsule"] + list(args), cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def demo_recording(tmp_path_factory):
    """examples/demo.py recorded by the real recorder."""
    work = tmp_path_factory.mktemp("demo")
    script = os.path.join(SOURCE_ROOT, "examples", "demo.py")
    if not os.path.exists(script):
        pytest.skip("examples/demo.py is missing")
    proc = subprocess.run([sys.executable, script], cwd=work, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    found = sorted(work.glob("*.tc"))
    assert found, proc.stdout + proc.stderr
    return str(found[0])
