# SPDX-License-Identifier: MIT
"""`timecapsule run script.py`: a crash's stack starts at the program's own
module frame; the launcher's frames (timecapsule/_run.py and runpy's
run_path, _run_module_code, _run_code) are not part of it."""

import subprocess
import sys

from conftest import load

RUN = ["-c", "import sys; from timecapsule._run import main_run; "
             "sys.exit(main_run(sys.argv[1:]))"]


def test_crash_stack_leaves_out_the_launcher(tmp_path):
    (tmp_path / "app.py").write_text(
        "def inner(n):\n"
        "    return 10 // n\n"
        "def outer():\n"
        "    return inner(0)\n"
        "outer()\n")
    proc = subprocess.run([sys.executable] + RUN + ["-o", "out.tc", "app.py"],
                          capture_output=True, text=True, cwd=str(tmp_path),
                          timeout=120)
    assert proc.returncode == 1, proc.stderr
    r = load(tmp_path / "out.tc")
    crash = r.of("crash")
    assert len(crash) == 1
    names = [r.qualname(f["code"]) for f in crash[0]["frames"]]
    assert names == ["inner", "outer", "<module>"]
    text = crash[0]["traceback"]
    assert "runpy" not in text and "_run.py" not in text, text
    assert 'app.py", line 5' in text and "ZeroDivisionError" in text
