# SPDX-License-Identifier: MIT
"""The timecapsule command: every flag of spec §3, dispatch, exit codes."""

import json
import os
import subprocess
import sys

import pytest

from conftest import run_cli


def ok(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def fails(proc, code=1):
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stderr


def test_help():
    out = ok(run_cli("--help"))
    assert out.startswith("usage: timecapsule")
    for flag in ("--export", "--full", "--top", "--callgraph", "--coverage", "--loops", "--correlations",
                 "--exception-chain", "--leak-check", "--deadcode", "--heatmap", "--search", "--history",
                 "--anomaly", "--hotlines", "--flamegraph", "--json", "--patch-summary", "--baseline",
                 "--diff-baseline", "--regression-check", "--tail", "--watch", "--summary", "--explain",
                 "--for-claude", "--for-llm", "--speedtest", "--profile-report", "--dump", "--pdf"):
        assert flag in out, flag
    assert "before.tc --patch-summary after.tc" in out


def test_default_report(timings):
    out = ok(run_cli(timings, "--width", "80"))
    assert "TIMECAPSULE v6 REPORT" in out and "SNAPSHOT TIMELINE  (10 total)" in out
    assert "\x1b" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_report_width_from_columns(timings):
    out = ok(run_cli(timings, env={"COLUMNS": "120"}))
    assert out.splitlines()[1] == "═" * 120
    out = ok(run_cli(timings, env={"COLUMNS": "300"}))
    assert out.splitlines()[1] == "═" * 120


def record_on_gpu(tmp_path, name, process_mib):
    """A recording of a torch program on a GPU (NVML and torch.cuda faked):
    NVML lists this process with process_mib on the device."""
    script = tmp_path / "gpu.py"
    script.write_text(
        "import sys, types, timecapsule as tc\n"
        "MB = 1024 * 1024\n"
        "sys.modules['torch'] = types.SimpleNamespace(cuda=types.SimpleNamespace(\n"
        "    is_initialized=lambda: True, memory_allocated=lambda: 512 * MB,\n"
        "    max_memory_allocated=lambda: 768 * MB, memory_reserved=lambda: 1024 * MB))\n"
        "tc.record(every=10, output=%r)\n"
        "tc.snap('trained')\n"
        "tc.stop()\n" % name)
    env = dict(os.environ, TIMECAPSULE_NVML_LIBRARY=os.environ["TC_FAKE_NVML"],
               FAKE_NVML_PROCESS="0:%d" % process_mib)
    env.pop("CUDA_VISIBLE_DEVICES", None)
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return str(tmp_path / name)


def test_report_gpu_rows(tmp_path):
    # The device's memory and utilization, this process's part of the
    # memory, and its tensors.
    out = ok(run_cli(record_on_gpu(tmp_path, "gpu.tc", 700), "--width", "100"))
    memory = out[out.index("  MEMORY\n"):]
    assert "GPU (MB): peak=1234.0MB" in memory
    assert "GPU util (%): peak=42.0%" in memory
    assert "GPU this process (MB): peak=700.0MB" in memory
    assert "torch alloc (MB): peak=512.0MB" in memory
    assert "torch reserved (MB): peak=1024.0MB" in memory
    assert "GPU=1234MB" in out[out.index("SNAPSHOT TIMELINE"):]


def test_patch_summary_compares_gpu_memory(tmp_path):
    # A patch that made the program hold 260 MB more of the GPU: compared
    # by this process's memory, not the device's (1234 MB in both).
    before = record_on_gpu(tmp_path, "before.tc", 640)
    after = record_on_gpu(tmp_path, "after.tc", 900)
    out = ok(run_cli(before, "--patch-summary", after))
    assert "MORE GPU" in out
    assert "GPU peak 640.0→900.0MB (+260.0MB, this process)" in out
    out = ok(run_cli(after, "--patch-summary", before))
    assert "LESS GPU" in out
    assert "GPU" not in ok(run_cli(before, "--patch-summary", before))


def test_regression_check_gpu_memory(tmp_path):
    # The program held 260 MB more of the GPU after a change, over the
    # 100 MB allowed: compared by this process's memory, against the
    # stored baseline (--baseline) as against a .tc.
    before = record_on_gpu(tmp_path, "before.tc", 640)
    after = record_on_gpu(tmp_path, "after.tc", 900)
    assert "baseline saved" in ok(run_cli(before, "--baseline"))
    assert "GPU peak 640.0→640.0MB (this process)" in ok(run_cli(before, "--regression-check"))
    for args in ((after, "--regression-check"), (after, "--regression-check", before)):
        proc = run_cli(*args)
        assert proc.returncode == 1, proc.stdout
        assert "GPU: peak 640.0→900.0MB (+260.0MB > 100MB, this process)" in proc.stdout
    allowed = subprocess.run(
        [sys.executable, "-c", "import timecapsule.analysis as a; print(a.regression_check("
         "%r, baseline_path=%r, max_gpu_growth_mb=300, exit_code=False))" % (after, before)],
        capture_output=True, text=True, timeout=60)
    assert allowed.stdout.strip().endswith("True"), allowed.stdout + allowed.stderr


def test_export_and_full(timings, tmp_path):
    target = tmp_path / "report.txt"
    out = ok(run_cli(timings, "--full", "--export", str(target)))
    assert "[TC] report exported → %s" % target in out
    assert "\x1b" not in target.read_text()


@pytest.mark.parametrize("flag,expect", [
    ("--summary", "✓ clean demo_src.py | 10 snaps"),
    ("--explain", "WHAT YOUR CODE DID"),
    ("--callgraph", "CALL GRAPH"),
    ("--coverage", "4/7 executable lines hit"),
    ("--loops", "[TIGHT   ]"),
    ("--correlations", "VARIABLE CORRELATIONS"),
    ("--exception-chain", "No crash in this recording."),
    ("--leak-check", "LIKELY MEMORY LEAK"),
    ("--deadcode", "unused  (demo_src.py:14)"),
    ("--dump", "TIMECAPSULE DUMP"),
    ("--hotlines", "Hot lines (4):"),
    ("--heatmap", "VARIABLE HEATMAP"),
    ("--diff-baseline", "No baseline found"),
    ("--profile-report", ""),
])
def test_flags(timings, flag, expect):
    out = ok(run_cli(timings, flag))
    assert expect in out


def test_query_flags(timings):
    assert "[TC] 'halfway' → 1 result(s)" in ok(run_cli(timings, "--search", "halfway"))
    out = ok(run_cli(timings, "--history", "a"))
    assert out.splitlines()[0] == "[TC] history of 'a'  (10 values)"
    assert out.splitlines()[2] == "~  t=1.000000s  1"
    out = ok(run_cli(timings, "--anomaly", "loss"))
    assert "[TC] anomalies in 'loss' (z>2.5) → 1 found" in out and "z=4.36" in out
    out = ok(run_cli(timings, "--watch", "a", "b"))
    assert "t=6.0000s  b:  5 → 4" in out
    assert "VARIABLE HEATMAP" in ok(run_cli(timings, "--heatmap", "a"))
    # The optional value of --heatmap given the recording: still the recording.
    assert "VARIABLE HEATMAP" in ok(run_cli("--heatmap", timings))


def test_exports(timings, fixtures):
    out = ok(run_cli(timings, "--json"))
    assert "[TC] JSON → " in out
    assert json.load(open(str(fixtures / "timings.json")))["meta"]["n"] == 10
    ok(run_cli(timings, "--flamegraph"))
    assert "traceEvents" in json.load(open(str(fixtures / "timings_flame.json")))
    ok(run_cli(timings, "--flamegraph", "--flame-format", "speedscope", "-o", str(fixtures / "s.json")))
    assert json.load(open(str(fixtures / "s.json")))["profiles"]
    ok(run_cli(timings, "--for-llm"))
    assert (fixtures / "timings_for_llm.txt").exists()
    ok(run_cli(timings, "--for-claude", "-o", str(fixtures / "c.txt")))
    assert "FOR CLAUDE ANALYSIS" in (fixtures / "c.txt").read_text()


def test_patch_summary_either_order(timings, crash):
    for args in ((timings, "--patch-summary", crash), (timings, crash, "--patch-summary"),
                 ("--patch-summary", timings, crash)):
        out = ok(run_cli(*args))
        assert "[SLOWER ]  work()" in out and "BEFORE: timings.tc" in out
    err = fails(run_cli(timings, "--patch-summary"), 2)
    assert "needs two recordings" in err


def test_regression_check_exit_codes(timings, crash):
    err_out = run_cli(timings, "--regression-check")
    assert err_out.returncode == 1 and "NO BASELINE" in err_out.stdout
    assert "baseline saved" in ok(run_cli(timings, "--baseline"))
    ok(run_cli(timings, "--regression-check"))
    proc = run_cli(crash, "--regression-check")
    assert proc.returncode == 1 and "CRASH: IndexError" in proc.stdout
    proc = run_cli(timings, "--regression-check", crash)  # baseline = a .tc
    assert proc.returncode == 0, proc.stdout
    assert "REGRESSION" in ok(run_cli(crash, "--diff-baseline"))


def test_dispatch_precedence(timings):
    # --summary wins over --dump and the report.
    out = ok(run_cli(timings, "--dump", "--summary"))
    assert out.startswith("✓ clean") and "TIMECAPSULE DUMP" not in out


def test_errors_are_one_line(tmp_path, timings):
    err = fails(run_cli(str(tmp_path / "missing.tc")))
    assert err.count("\n") == 1 and err.startswith("timecapsule: error:")
    bad = tmp_path / "bad.tc"
    bad.write_text("hello")
    err = fails(run_cli(str(bad)))
    assert "not a timecapsule recording" in err and err.count("\n") == 1
    seed = tmp_path / "seed.tc"
    seed.write_bytes(b"\x1f\x8b\x08\x00rest")
    assert "timecapsule convert" in fails(run_cli(str(seed)))
    assert "unknown variable" in fails(run_cli(timings, "--history", "nope"))
    assert "unknown variable or metric" in fails(run_cli(timings, "--anomaly", "nope"))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "No .tc files found" in fails(run_cli(cwd=str(empty)))
    fails(run_cli("--no-such-flag"), 2)
    fails(run_cli("--top", "x"), 2)


def test_pdf_without_viewer(timings, tmp_path):
    env = {"PATH": str(tmp_path)}  # no timecapsule-viewer on it
    proc = run_cli(timings, "--pdf", str(tmp_path / "r.pdf"), env=env)
    assert proc.returncode == 1 and "timecapsule-viewer" in proc.stderr


def test_cli_on_real_demo_recording(demo_recording):
    for width in ("80", "120"):
        out = ok(run_cli(demo_recording, "--width", width))
        assert max(len(line) for line in out.splitlines()) <= int(width)
        assert "FUNCTION PERFORMANCE" in out
    for flag in ("--summary", "--explain", "--callgraph", "--loops", "--leak-check", "--deadcode", "--dump",
                 "--hotlines", "--correlations", "--exception-chain", "--coverage", "--heatmap"):
        ok(run_cli(demo_recording, flag))


def _seed_file(path, payload):
    import gzip
    import pickle
    with gzip.open(path, "wb", compresslevel=1) as f:
        pickle.dump(payload, f, protocol=4)


def _seed_recording(src):
    import pickle
    snaps = []
    for i in range(5):
        snaps.append({
            "i": i, "t": 0.1 * i, "wt": "12:00:00.000", "evt": "TIMER" if i else "SNAP:record_start",
            "fn": "work", "ln": 7, "file": "app.py", "abs": src,
            "loc": {"n": {"r": str(i * 10), "t": "int", "p": pickle.dumps(i * 10, protocol=2), "size": 28, "chg": True},
                    "name": {"r": "'bob'", "t": "str", "p": b"", "size": 0, "chg": False}},
            "stk": [{"fn": "work", "file": "app.py", "abs": src, "ln": 7, "mod": "__main__"}],
            "sys": {"ram_mb": 20.0 + i, "threads": 1}, "mets": {"loss": 1.0 / (i + 1)}, "hits": 1, "rec": {},
            "tags": ["_internal"] if i == 0 else [], "sid": "abcd1234", "label": "_tc_init" if i == 0 else None,
        })
    return {
        "ver": "6.0", "backend": "pure-Python", "mode": "full", "session_id": "abcd1234", "src": src,
        "argv": ["app.py"], "python": "3.11.2", "platform": "linux", "pid": 7, "t0_wall": 0.0,
        "saved_at": "2026-01-01T00:00:00", "duration": 0.5, "n": 5, "all_vars": ["n", "name"],
        "crash": {"exc": "KeyError", "msg": "'x'", "tb": "Traceback ...", "t": 0.45, "fn": "work", "ln": 7,
                  "file": "app.py", "full_file": src, "loc": {"n": {"r": "40", "t": "int", "p": b"", "size": 0,
                                                                      "chg": False}},
                  "stk": [], "sys": {}, "friendly": "", "src_ctx": []},
        "snaps": snaps, "ret_vals": [{"t": 0.2, "fn": "work", "val": "3", "type": "int"}],
        "line_hits": {"('%s', 7)" % src: 12}, "fn_calls": {"work": 5}, "fn_timings": {"work": [0.001] * 5},
        "rec_max": {"work": 1}, "final_metrics": {"loss": 0.2},
        "warnings": [{"code": "VAR_STUCK", "msg": "'n' unchanged for 6s", "t": 0.3, "level": "WARN", "var": "n"}],
        "ram_peak": 24.0, "fd_peak": 5, "block_timings": {"block:setup": [0.01]}, "watch_exprs": {},
        "sample_counts": {}, "include_files": [],
    }


def test_convert_seed_file(tmp_path):
    src = str(tmp_path / "app.py")
    open(src, "w").write("import x\n" * 10)
    old = tmp_path / "old.tc"
    _seed_file(old, _seed_recording(src))
    out = ok(run_cli("convert", str(old)))
    assert "[TC] converted" in out and "5 call timings not converted" in out
    new = str(tmp_path / "old.converted.tc")
    import timecapsule as tc
    d = tc.load(new)
    assert d["n"] == 5 and d["crash"]["exc"] == "KeyError"
    assert tc.history(new, "n") == [(0.0, 0), (0.1, 10), (0.2, 20), (0.3, 30), (0.4, 40)]
    assert d["line_hits"][(src, 7)] == 12
    assert d["block_timings"] == {"block:setup": [0.01]}
    assert d["warnings"][0]["code"] == "VAR_STUCK"
    assert "TIMECAPSULE v6 REPORT" in ok(run_cli(new))
    # Never clobbers.
    assert "exists" in fails(run_cli("convert", str(old)))


def test_convert_refuses_code(tmp_path):
    import gzip
    import pickle
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, ("touch %s" % marker,))

    bad = tmp_path / "evil.tc"
    with gzip.open(bad, "wb") as f:
        f.write(pickle.dumps({"snaps": [Evil()]}))
    err = fails(run_cli("convert", str(bad)))
    assert "refusing to load" in err and err.count("\n") == 1
    assert not marker.exists()
    assert not (tmp_path / "evil.converted.tc").exists()


def test_run_subcommand_end_to_end(tmp_path):
    assert "a script or -m MODULE is required" in fails(run_cli("run"), 2)
    script = tmp_path / "app.py"
    script.write_text(
        "data = [1, 2, 3]\n"
        "def get(i):\n"
        "    return data[i]\n"
        "total = 0\n"
        "for i in range(5):\n"
        "    total += get(i)\n")
    proc = run_cli("run", "-o", str(tmp_path / "app.tc"), str(script), cwd=str(tmp_path))
    assert proc.returncode == 1  # the program's own exit status (IndexError)
    out = ok(run_cli(str(tmp_path / "app.tc"), "--width", "100"))
    assert "CRASH FORENSICS" in out and "IndexError" in out
    assert "fn=get()  line=3" in out
    assert "► " in out and "return data[i]" in out
    assert "get" in ok(run_cli(str(tmp_path / "app.tc"), "--summary"))
