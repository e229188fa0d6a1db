# SPDX-License-Identifier: MIT
"""suggestions() and fix_checklist(): the report's section 13 and the crash
checklist as data, from the same C code as the text report."""

import timecapsule as tc


def test_suggestions_of_timings(timings, capsys):
    found = tc.suggestions(timings)
    # timings.tc fires one rule: REPEATED_CALL twice.
    assert found == [{"tag": "WARN", "severity": "MEDIUM", "subject": "REPEATED_CALL",
                      "text": "REPEATED_CALL fired 2× — systematic issue"}]
    out = capsys.readouterr().out
    assert out == "  [WARN]  REPEATED_CALL fired 2× — systematic issue\n"
    # The report prints the same lines under its banner.
    report = tc.analysis._doc(timings).report(width=100, color=False, top_n=15, full=False, source="x")
    assert "OPTIMIZATION SUGGESTIONS" in report and out in report


def test_no_suggestions(crash, capsys):
    assert tc.suggestions(crash) == []
    assert capsys.readouterr().out == "  ✓ No obvious optimizations detected.\n"


def test_fix_checklist(crash, timings):
    items = tc.fix_checklist(crash)
    assert len(items) >= 2 and all(isinstance(i, str) and i for i in items)
    report = tc.analysis._doc(crash).report(width=120, color=False, top_n=15, full=False, source="x")
    assert "Fix checklist:\n" + "".join("    ☐ %s\n" % i for i in items) in report
    assert tc.fix_checklist(timings) == []
