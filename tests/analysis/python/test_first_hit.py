# SPDX-License-Identifier: MIT
"""A recording made here has first-hit line data (SESSION line_hits=first):
the analysis says which lines ran, never how often — no hot-lines ranking
of lines that all read 1 — and top-level code above record() is "before
recording", not dead code."""

import subprocess
import sys
import textwrap

import timecapsule as tc
import timecapsule.analysis as A

from conftest import run_cli

PROGRAM = textwrap.dedent(r'''
    """Module docstring."""
    import timecapsule as tc

    def square(x):
        """Docstring of square."""
        return x * x

    tc.record(every=10, output="hot.tc")
    total = 0
    for i in range(40):
        total += square(i)
    tc.stop()
''')


def line_of(text):
    return [i + 1 for i, l in enumerate(PROGRAM.splitlines()) if l.strip() == text][0]


def record(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(PROGRAM)
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return str(tmp_path / "hot.tc")


def test_first_hit_lines_are_not_ranked(tmp_path, capsys):
    path = record(tmp_path)
    assert A._doc(path).line_hits_counted is False
    # The loop body ran 40 times; the file says only that it ran.
    assert tc.hotlines(path) == []
    out = run_cli(path, "--hotlines").stdout
    assert "knows which lines ran, not how often" in out
    assert "Hot lines (" not in out

    capsys.readouterr()
    lines = A.coverage_report(path)
    text = capsys.readouterr().out
    rows = {int(l.split()[0]): l for l in text.splitlines()
            if l.strip() and l.split()[0].isdigit()}
    assert rows[line_of("total += square(i)")].split()[1] == "✓"
    assert "before recording" in rows[line_of("import timecapsule as tc")]
    assert "before recording" in rows[line_of("def square(x):")]
    assert "never" not in rows[line_of('"""Docstring of square."""')]
    assert rows[line_of('"""Docstring of square."""')].split()[1:2] == ['"""Docstring']
    assert "HOT" not in text

    # The returned dict says what the text says, for every line: no counts.
    assert sorted(lines) == sorted(rows) == list(range(1, len(PROGRAM.splitlines()) + 1))
    assert lines[line_of("total += square(i)")] == "ran"
    assert lines[line_of("return x * x")] == "ran"
    assert lines[line_of("import timecapsule as tc")] == "before recording"
    assert lines[line_of("def square(x):")] == "before recording"
    assert lines[line_of('"""Docstring of square."""')] is None
    for n, value in lines.items():
        row = rows[n]
        assert value in ("ran", "never ran", "before recording", None)
        assert (value == "ran") == (row.split()[1:2] == ["✓"])
        assert (value == "never ran") == ("← never ran" in row)
        assert (value == "before recording") == ("· before recording" in row)


def test_counted_fixture_still_ranks(timings):
    assert A._doc(timings).line_hits_counted is True
    assert tc.hotlines(timings, 1) == [(5, "/tmp/tc-tests/demo_src.py", 4)]
