# SPDX-License-Identifier: MIT
"""The analysis reads the recorder's line coverage: tc.load()["line_hits"]
and the text report's coverage section, for a recording made here (the
interpreter of this suite: on 3.9-3.11 through the eval hook and through
the profile function, 3.12+ through sys.monitoring)."""

import os
import subprocess
import sys
import textwrap

import pytest

import timecapsule as tc
import timecapsule.analysis as A

PROGRAM = textwrap.dedent(r'''
    import timecapsule as tc

    def sign(x):
        if x >= 0:
            return 1
        return -1

    def never():
        return 0

    tc.record(every=10, output="cov.tc")
    for i in range(3):
        sign(i)
    done = True
    tc.stop()
''')


def line_of(text):
    return [i + 1 for i, l in enumerate(PROGRAM.splitlines()) if l.strip() == text][0]


@pytest.mark.parametrize("hook", ["default", "profile"])
def test_load_and_report_show_coverage(tmp_path, capsys, hook):
    if hook == "profile" and sys.version_info >= (3, 12):
        pytest.skip("3.12+ records through sys.monitoring only")
    script = tmp_path / "prog.py"
    script.write_text(PROGRAM)
    env = dict(os.environ)
    if hook == "profile":
        env["TIMECAPSULE_HOOK"] = "profile"
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    path = str(tmp_path / "cov.tc")

    hits = tc.load(path)["line_hits"]
    covered = {line for (f, line), n in hits.items() if f == str(script) and n > 0}
    assert {line_of("if x >= 0:"), line_of("return 1"), line_of("sign(i)"),
            line_of("done = True")} <= covered
    assert line_of("return -1") not in covered          # branch never taken
    assert line_of("return 0") not in covered           # never called
    assert all(f == str(script) for f, _ in hits)       # tracked file only
    # First-hit data knows that a line ran, not how often: True, not a 1
    # that reads as "ran once" (sign(i)'s `if` ran three times).
    assert all(n is True for n in hits.values()), hits
    assert all(type(s["hits"]) is bool for s in tc.load(path)["snaps"])

    capsys.readouterr()
    A.coverage_report(path)
    text = capsys.readouterr().out
    rows = {int(l.split()[0]): l for l in text.splitlines()
            if l.strip() and l.split()[0].isdigit()}
    # First-hit data (SESSION line_hits=first): "ran", never a count.
    assert "knows which lines ran, not how often" in text
    assert rows[line_of("return 1")].split()[1] == "✓"
    assert rows[line_of("return -1")].split()[1] == "✗"
    assert "never ran" in rows[line_of("return -1")]
