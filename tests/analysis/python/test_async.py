# SPDX-License-Identifier: MIT
"""async_activity(): the coroutines that ran, from the events (report
section 12), as data and as the report's table.  The numbers are derived in
tests/analysis/tc-test-recordings.c (tc_test_write_coroutines)."""

from timecapsule import analysis


def test_async_activity_of_coroutines(coroutines, capsys):
    found = analysis.async_activity(coroutines)
    assert [c["name"] for c in found] == ["handle", "fetch"]
    handle = found[0]
    assert handle["kind"] == "coroutine"
    assert (handle["started"], handle["ended"], handle["unwound"], handle["suspended"], handle["resumed"]) \
        == (3, 3, 1, 3, 3)
    assert handle["running_ms"] == 14.0
    assert handle["segments_per_instance"] == 2.0
    assert (handle["first_t"], handle["last_t"]) == (0.001, 0.017)
    assert [(t["thread"], t["thread_name"], t["started"], t["running_ms"]) for t in handle["threads"]] \
        == [(1, "MainThread", 2, 11.0), (2, "loop-2", 1, 3.0)]
    out = capsys.readouterr().out
    assert "SEG/INST" in out and "handle" in out and "ticker" not in out


def test_async_activity_without_coroutines(timings, capsys):
    assert analysis.async_activity(timings) == []
    assert capsys.readouterr().out.strip() == ""
