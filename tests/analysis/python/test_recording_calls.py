# SPDX-License-Identifier: MIT
"""The analysis functions called while a program is being recorded (a
report on an earlier recording) are the recorder's work: none of the calls
they make (os.path, os.environ, glob …) is in the program's recording."""

import subprocess
import sys

import timecapsule as tc

PROGRAM = r'''
import sys
import timecapsule as tc

def work(n):
    return n + 1

def main(path):
    work(1)
    d = tc.load(path)
    tc.summary(path)
    tc.report(path)
    tc.export_json(path, out="earlier.json")
    tc.flamegraph(path, out="earlier-flame.json")
    work(2)
    return len(d["snaps"])

tc.record(every=30, output="out.tc")
main(sys.argv[1])
tc.stop()
'''


def test_analysis_during_a_recording_is_not_recorded(timings, tmp_path):
    (tmp_path / "prog.py").write_text(PROGRAM)
    proc = subprocess.run([sys.executable, "prog.py", timings], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "earlier.json").exists()
    out = tmp_path / "out.tc"
    assert tc.load(str(out))["fn_calls"] == {"main": 1, "work": 2}
    # Every call recorded, by its stack: the program's only.
    tc.flamegraph(str(out), out=str(tmp_path / "stacks.txt"), format="collapsed")
    stacks = {line.rsplit(" ", 1)[0]
              for line in (tmp_path / "stacks.txt").read_text().splitlines()}
    assert stacks == {"main", "main;work"}
