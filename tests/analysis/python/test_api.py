# SPDX-License-Identifier: MIT
"""timecapsule.analysis on recordings with known contents."""

import json
import os
import re
import subprocess
import sys
import threading
import time

import pytest

import timecapsule as tc
from timecapsule import analysis

SEED_KEYS = ["ver", "backend", "mode", "session_id", "src", "argv", "python", "platform", "pid",
             "t0_wall", "saved_at", "duration", "n", "all_vars", "crash", "snaps", "ret_vals",
             "line_hits", "fn_calls", "fn_timings", "rec_max", "final_metrics", "warnings",
             "ram_peak", "fd_peak", "block_timings", "watch_exprs", "sample_counts", "include_files"]


def test_all_exports_the_35_functions():
    names = set(analysis.__all__)
    # 32 seed analysis functions here (+ export_for_llm, suggestions, fix_checklist);
    # profile_report is the recorder's
    assert len(names) == 35
    for name in ("load", "summary", "explain", "history", "diff", "timings", "hotlines", "slowest", "rate",
                 "anomalies", "search", "since", "replay", "memory_map", "export_json", "flamegraph", "report",
                 "dump", "callgraph", "coverage_report", "memory_leak_check", "variable_correlations",
                 "exception_chain", "loop_detector", "patch_summary", "export_for_claude", "regression_check",
                 "baseline", "diff_baseline", "heatmap", "deadcode", "tail"):
        assert callable(getattr(tc, name)), name


def test_load_seed_shape(timings):
    d = tc.load(timings)
    assert list(d)[:29] == SEED_KEYS
    assert d["n"] == 10 and len(d["snaps"]) == 10
    assert d["argv"] == ["demo_src.py", "--fast"]
    assert d["fn_calls"] == {"main": 1, "work": 4, "fib": 3, "worker": 1}
    assert d["fn_timings"]["work"] == pytest.approx([0.001, 0.002, 0.003, 0.010])
    assert d["rec_max"]["fib"] == 3
    assert d["block_timings"] == {"block:main_loop": [0.25]}
    assert d["line_hits"][("/tmp/tc-tests/demo_src.py", 4)] == 5
    assert type(d["line_hits"][("/tmp/tc-tests/demo_src.py", 4)]) is int   # counted data
    assert d["all_vars"] == ["a", "b", "main.x"]
    assert d["crash"] is None
    s = d["snaps"][5]
    for key in ("i", "t", "wt", "evt", "fn", "ln", "file", "abs", "loc", "stk", "sys", "mets", "hits",
                "tags", "sid", "label"):
        assert key in s, key
    assert (s["evt"], s["label"], s["tags"], s["fn"], s["ln"]) == ("SNAP:halfway", "halfway", ["phase1"], "main", 4)
    assert s["loc"]["a"] == {"r": "25", "t": "int", "v": 25, "size": 28, "chg": True}
    assert s["sys"]["ram_mb"] == 102.5 and s["mets"] == {"loss": 1.0}


def test_crash_dict(crash):
    c = tc.load(crash)["crash"]
    assert c["exc"] == "IndexError" and c["fn"] == "work" and c["ln"] == 9
    assert c["loc"]["i"]["v"] == 3
    assert (9, "    return data[x]", True) in c["src_ctx"]
    assert c["friendly"].startswith("Tried to access list index out of range.")


def test_history_has_real_values_of_one_type(timings):
    h = tc.history(timings, "a")
    assert h == [(float(i), i * i) for i in range(10)]
    assert {type(v) for _t, v in h} == {int}
    assert tc.history(timings, "nope") == []
    # x exists in main and work: its identity is (function, name).
    assert [v for _t, v in tc.history(timings, "main.x")] == list(range(10))


def test_diff(timings):
    assert tc.diff(timings, "b") == [(6.0, "5", "4"), (7.0, "4", "3"), (8.0, "3", "2"), (9.0, "2", "1")]


def test_timings_and_friends(timings):
    t = tc.timings(timings)
    assert list(t) == ["main", "work", "fib", "worker"]
    assert t["work"] == {"calls": 4, "total_ms": 16.0, "avg_ms": 4.0, "p50_ms": 3.0, "p95_ms": 3.0,
                         "p99_ms": 3.0, "min_ms": 1.0, "max_ms": 10.0, "std_ms": 3.5355}
    assert tc.slowest(timings, 2) == [(31.0, "main"), (10.0, "work")]
    assert tc.rate(timings)["work"] == round(4 / 9, 2)
    src = "/tmp/tc-tests/demo_src.py"
    assert tc.hotlines(timings, 2) == [(5, src, 4), (4, src, 9)]
    assert tc.anomalies(timings, "loss") == [(4.5, 50.0, 4.36)]
    assert tc.anomalies(timings, "no_such_metric") == []
    assert tc.memory_map(timings)["b"] == {"avg_bytes": 28.0, "max_bytes": 28, "n_seen": 5}


def test_search_since_replay(timings):
    hits = tc.search(timings, "HALFWAY")
    assert [s["i"] for s in hits] == [5]
    assert tc.search(timings, "   ") == []
    assert [s["i"] for s in tc.search(timings, "81", fields=("loc",))] == [9]
    assert [s["i"] for s in tc.since(timings, 7.5)] == [8, 9]
    ts = [s["t"] for s in tc.replay(timings)]
    assert ts == sorted(ts) and len(ts) == 10


def test_analyses_return_shapes(timings, crash, capsys):
    leak = tc.memory_leak_check(timings)
    assert leak == {"leak_detected": True, "growth_mb_per_min": 30.0, "slope_mb_per_s": 0.5,
                    "r_squared": 1.0, "verdict": "LEAK", "n_points": 10}
    assert tc.memory_leak_check(crash) == {"leak_detected": False}
    pairs = tc.variable_correlations(timings, min_r=0.9)
    assert ("a", "b", -0.9964) in pairs or ("b", "a", -0.9964) in pairs
    assert tc.callgraph(timings) == {"<module>": {"main": 1}, "main": {"work": 4, "fib": 1},
                                     "<thread worker-1>": {"worker": 1}}
    cov = tc.coverage_report(timings)
    assert cov[4] == 5 and cov[14] == 0 and len(cov) == 18
    assert tc.exception_chain(crash) == {"bad_var": "i", "bad_value": "3", "introduced_at": 0.3,
                                         "introduced_in": "work"}
    assert tc.exception_chain(timings) == {}
    loops = tc.loop_detector(timings)
    assert [(f["type"], f["fn"], f["line"]) for f in loops] == [("TIGHT", "main", 4)]
    dead = tc.deadcode(timings)
    assert dead["never_called"] == ["unused  (demo_src.py:14)"]
    assert sorted(dead["called_once"]) == ["main", "worker"]
    out = capsys.readouterr().out
    assert "MEMORY LEAK CHECK" in out and "CALL GRAPH" in out and "LOOP DETECTOR" in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_heatmap_works(timings, capsys):
    tc.heatmap(timings)
    out = capsys.readouterr().out
    assert "VARIABLE HEATMAP" in out
    assert re.search(r"^\s+a\s+▕.{60}▏ 0…81", out, re.M)
    tc.heatmap(timings, "loss", width=20)
    assert "loss" in capsys.readouterr().out


def test_summary_and_explain(timings, capsys):
    line = tc.summary(timings)
    assert line == "✓ clean demo_src.py | 10 snaps | 9.000s | 3 vars | 2 warn | work×4, fib×3, main×1"
    para = tc.explain(timings, verbose=True)
    assert para.startswith("demo_src.py ran for 9.000s, recording 10 snapshots across 3 variables.")
    assert "╔" in capsys.readouterr().out


def test_report_and_export(timings, tmp_path, capsys):
    out = tmp_path / "r.txt"
    r = tc.report(timings, export=str(out), width=80)
    assert r["n_snaps"] == 10 and r["fn_stats"]["work"]["calls"] == 4 and r["ram_peak"] == 104.5
    text = out.read_text()
    assert "\x1b" not in text
    assert "FUNCTION PERFORMANCE" in text and "SNAPSHOT TIMELINE  (10 total)" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    printed = capsys.readouterr().out
    assert "[TC] report exported → " in printed


def test_export_json_shape(timings, tmp_path):
    out = tc.export_json(timings)
    assert out == timings[:-3] + ".json"
    data = json.load(open(out))
    assert list(data) == ["meta", "crash", "warnings", "fn_calls", "timings", "block_timings", "ret_vals", "snapshots"]
    assert data["meta"]["n"] == 10 and data["meta"]["ver"] == "6.0"
    assert set(data["snapshots"][0]) == {"i", "t", "wt", "evt", "fn", "ln", "file", "label", "tags", "vars", "sys", "mets"}
    assert data["timings"]["work"]["p95_ms"] == 3.0


def test_flamegraph_chrome_trace(timings):
    out = tc.flamegraph(timings)
    assert out.endswith("_flame.json")
    trace = json.load(open(out))
    events = trace["traceEvents"]
    assert trace["displayTimeUnit"] == "ms"
    calls = [e for e in events if e["ph"] == "X" and e.get("cat") == "function"]
    assert len(calls) == 9  # every call, not one per snapshot
    for e in calls:
        assert {"name", "ts", "dur", "pid", "tid"} <= set(e)
    fib = sorted((e for e in calls if e["name"] == "fib"), key=lambda e: e["ts"])
    assert [(e["ts"], e["dur"]) for e in fib] == [(21000, 9000), (22000, 4000), (23000, 1000)]
    # Real stacks: each child lies inside its parent on the same track.
    for parent, child in zip(fib, fib[1:]):
        assert parent["ts"] <= child["ts"] and child["ts"] + child["dur"] <= parent["ts"] + parent["dur"]
    names = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert names == {"MainThread (1)", "worker-1 (2)"}
    assert {e["tid"] for e in calls} == {1, 2}


def test_flamegraph_speedscope(timings):
    out = tc.flamegraph(timings, format="speedscope")
    doc = json.load(open(out))
    assert doc["$schema"] == "https://www.speedscope.app/file-format-schema.json"
    frames = doc["shared"]["frames"]
    assert {f["name"] for f in frames} >= {"main", "work", "fib", "worker"}
    assert len(doc["profiles"]) == 2
    for profile in doc["profiles"]:
        assert profile["type"] == "evented" and profile["unit"] == "microseconds"
        stack, last = [], profile["startValue"]
        for ev in profile["events"]:
            assert ev["at"] >= last
            last = ev["at"]
            if ev["type"] == "O":
                stack.append(ev["frame"])
            else:
                assert stack.pop() == ev["frame"]
        assert stack == [] and last <= profile["endValue"]


def test_flamegraph_collapsed(timings):
    out = tc.flamegraph(timings, format="collapsed")
    lines = open(out).read().splitlines()
    assert all(re.fullmatch(r"\S+ \d+", line) for line in lines)
    assert "main;fib;fib;fib 1000" in lines


def test_llm_export_redacts(timings, tmp_path):
    out = tc.export_for_claude(timings)
    assert out.endswith("_for_llm.txt")
    text = open(out, encoding="utf-8").read()
    assert text.startswith("TIMECAPSULE RECORDING — FOR CLAUDE ANALYSIS")
    for title in ("WARNINGS (2)", "FUNCTION PERFORMANCE", "VARIABLE TIMELINES", "HINTS FOR CLAUDE"):
        assert "\n  %s\n" % title in text
    assert "hunter2" not in text


def test_patch_summary(timings, crash):
    text = tc.patch_summary(timings, crash)
    assert "[SLOWER ]  work()  4.000→8.000 ms (+100%)" in text
    assert "[BROKE  ]  NEW CRASH: IndexError: list index out of range" in text
    assert "\x1b" not in text
    assert "No significant differences" in tc.patch_summary(timings, timings)


def test_baselines_and_regression_check(timings, crash, tmp_path, capsys):
    # No baseline: fails loudly (exit 1), never a silent pass.
    with pytest.raises(SystemExit) as exc:
        tc.regression_check(timings)
    assert exc.value.code == 1
    assert tc.regression_check(timings, exit_code=False) is False
    assert tc.diff_baseline(timings) == {}
    rec = tc.baseline(timings)
    assert rec["project"] == "demo_src.py" and rec["fn_timings"]["work"]["avg_ms"] == 4.0
    assert (tmp_path / "state" / "timecapsule" / "baselines" / "demo_src.py.baseline").exists()
    assert tc.regression_check(timings, exit_code=False) is True
    assert tc.regression_check(crash, exit_code=False) is False
    d = tc.diff_baseline(crash)
    assert d["verdict"] == "REGRESSION" and d["regressions"][0]["fn"] == "work"
    # Another project's baseline is never used.
    assert tc.regression_check(crash, project="elsewhere", exit_code=False) is False
    # A .tc file as the baseline.
    assert tc.regression_check(timings, baseline_path=timings, exit_code=False) is True
    assert "ALL CHECKS PASSED" in capsys.readouterr().out


def test_truncated_loads(fixtures):
    d = tc.load(str(fixtures / "truncated.tc"))
    assert d["truncated"] is True
    assert d["fn_calls"]["work"] == 4


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        tc.load(str(tmp_path / "missing.tc"))
    bad = tmp_path / "bad.tc"
    bad.write_text("not a recording")
    with pytest.raises(analysis.AnalysisError, match="not a timecapsule recording"):
        tc.load(str(bad))
    os.chdir(tmp_path)
    bad.unlink()
    with pytest.raises(FileNotFoundError, match="No .tc files found in current directory"):
        tc.load()


def test_latest_file_default(fixtures, monkeypatch, capsys):
    monkeypatch.chdir(fixtures)
    now = time.time()
    os.utime(fixtures / "crash.tc", (now + 10, now + 10))
    assert tc.load()["crash"]["exc"] == "IndexError"
    assert "[TC] loading: crash.tc" in capsys.readouterr().out


def test_latest_skips_children_by_the_process_set_rule(fixtures, tmp_path, monkeypatch, capsys):
    """The newest recording is the newest parent: a child's file (the C
    process set's naming rule, whose parent's own name may end in digits)
    is skipped even when it was written last."""
    from timecapsule import _analysis

    data = (fixtures / "crash.tc").read_bytes()
    now = time.time()
    for i, name in enumerate(("model.2024.tc", "model.2024.123.tc", "model.2024.123.7.tc")):
        (tmp_path / name).write_bytes(data)
        os.utime(tmp_path / name, (now + i, now + i))
    monkeypatch.chdir(tmp_path)
    assert not _analysis.process_set_is_child("model.2024.tc")
    assert _analysis.process_set_is_child("model.2024.123.tc")
    assert _analysis.process_set_is_child("model.2024.123.7.tc")
    assert not _analysis.process_set_is_child("missing.5.tc")
    tc.load()
    assert "[TC] loading: model.2024.tc" in capsys.readouterr().out


def test_tail_follows_a_growing_file(fixtures, capsys):
    full = (fixtures / "timings.tc").read_bytes()
    live = fixtures / "live.tc"
    live.write_bytes(full[: len(full) * 6 // 10])
    seen = {}

    def follow():
        seen["n"] = tc.tail(str(live), interval=0.05, max_seconds=2.0)

    t = threading.Thread(target=follow)
    t.start()
    time.sleep(0.5)
    with open(live, "ab") as f:
        f.write(full[len(full) * 6 // 10:])
    t.join()
    out = capsys.readouterr().out
    assert seen["n"] == 10
    assert "t=9.0000s  [TIMER]  main()" in out
    assert "[TC tail] stopped.  10 total snapshots seen." in out


def test_real_recording_of_the_demo(demo_recording, capsys):
    d = tc.load(demo_recording)
    assert d["n"] > 0 and d["fn_calls"]
    assert "fib" in d["fn_calls"] or any(k.endswith("fib") for k in d["fn_calls"])
    r = tc.report(demo_recording, width=120)
    out = capsys.readouterr().out
    for title in ("TIMECAPSULE v6 REPORT", "WHAT YOUR CODE DID", "FUNCTION PERFORMANCE", "MEMORY",
                  "VARIABLE TIMELINES", "OPTIMIZATION SUGGESTIONS", "SNAPSHOT TIMELINE"):
        assert title in out
    assert r["n_snaps"] == d["n"]
    assert max(len(line) for line in out.splitlines()) <= 120
    # main() called record(): its call precedes the recording, yet it ran.
    assert not [n for n in tc.deadcode(demo_recording)["never_called"] if n.startswith("main ")]


def test_binding_styled_analyses_take_their_arguments(timings, crash):
    """The C methods behind the analyses: their own arguments (positional,
    with defaults), then color and width; each returns (data, text)."""
    from timecapsule import _analysis

    doc, bad = _analysis.load(timings), _analysis.load(crash)
    calls = [
        (doc.memory_leak, (), dict), (doc.memory_leak, (5.0, 0, 80), dict),
        (doc.correlations, (0.9,), list), (doc.exception_chain, (), dict),
        (bad.exception_chain, (0, 60), dict), (doc.loops, (0, 100), list),
        (doc.suggestions, (), list), (doc.callgraph, (2,), dict),
        (doc.coverage, (None, None, 0, 100), dict), (doc.deadcode, (), dict),
        (doc.heatmap, ("a", 20, 0, 100), type(None)), (doc.anomalies, ("loss",), list),
        (doc.anomalies, ("loss", 1.0, 0), list),
    ]
    for method, args, kind in calls:
        data, text = method(*args)
        assert isinstance(data, kind), (method.__name__, args)
        assert isinstance(text, str) and text, (method.__name__, args)
    # The defaults are the documented ones: min_calls 1 keeps every edge, 2 drops main -> fib.
    assert doc.callgraph()[0]["main"] == {"work": 4, "fib": 1}
    assert doc.callgraph(2)[0].get("main") == {"work": 4}
    # Colour on means ANSI escapes; the width reaches the text.
    assert "\x1b[" in doc.loops(1)[1] and "\x1b[" not in doc.loops(0)[1]
    assert re.search(r"▕.{20}▏", doc.heatmap("a", 20)[1])
    with pytest.raises(TypeError):
        doc.anomalies()
    with pytest.raises(TypeError):
        doc.loops("red")
    with pytest.raises(TypeError):
        doc.loops(0, 100, 3)


def test_flame_bars_are_shares_of_the_recorded_time(tmp_path, capsys):
    """Section 14's percentages are shares of the time the outermost frames
    cover.  A tracked leaf called back from an untracked library that does
    most of the work is a small share: the list holds only tracked code, so
    its self times alone (the old denominator) leave the library's time out
    and blew every row up to 100 %."""
    (tmp_path / "lib.py").write_text(
        "def spin(callback):\n"
        "    total = 0\n"
        "    for i in range(400000):\n"
        "        total += i * i % 7\n"
        "    callback()\n"
        "    return total\n")
    (tmp_path / "prog.py").write_text(
        "import timecapsule as tc, lib\n"
        "def leaf():\n"
        "    return sum(range(20000))\n"
        "def main():\n"
        "    for _ in range(3):\n"
        "        lib.spin(leaf)\n"
        "tc.record(output='out.tc', every=60)\n"
        "main()\n"
        "tc.stop()\n")
    proc = subprocess.run([sys.executable, "prog.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    path = str(tmp_path / "out.tc")
    capsys.readouterr()
    tc.report(path, width=100)
    out = capsys.readouterr().out
    rows = out.split("ASCII FLAME GRAPH")[1].split("SNAPSHOT TIMELINE")[0]
    pct = {line.split()[0]: float(line.split()[2].rstrip("%"))
           for line in rows.splitlines() if line.strip().endswith(("█", "░"))}
    assert set(pct) >= {"main", "leaf"}, rows
    # main is the program's only outermost tracked frame that lasts.
    assert pct["main"] > 90, rows
    # leaf does ~1/20 of spin's loop: nowhere near the whole.
    assert pct["leaf"] < 30, rows


def test_snapshot_place_of_a_name_two_files_share(tmp_path, capsys):
    """`<module>` of the program and of a module it imports: the snapshot
    timeline says `fn():line (file)` (the display name's "(file:line)"
    used to land before the "()": `<module> (prog.py:1)():4`)."""
    (tmp_path / "helper.py").write_text("def double(x):\n    return 2 * x\n")
    (tmp_path / "prog.py").write_text(
        "import helper\n"
        "total = 0\n"
        "for i in range(5):\n"
        "    total += helper.double(i)\n")
    proc = subprocess.run([sys.executable, "-m", "timecapsule", "run", "-o", "out.tc", "prog.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    capsys.readouterr()
    tc.report(str(tmp_path / "out.tc"), width=100)
    timeline = capsys.readouterr().out.split("SNAPSHOT TIMELINE")[1]
    stop = [line for line in timeline.splitlines() if "record_stop" in line]
    assert stop and stop[0].rstrip().endswith("<module>():4 (prog.py)"), timeline[:600]
    assert "()" not in stop[0].split("<module>")[1][3:], stop[0]
    # The start of `timecapsule run`: the program has no frame yet.
    start = [line for line in timeline.splitlines() if "record_start" in line]
    assert start and start[0].rstrip().endswith("(no frame)"), timeline[:600]
