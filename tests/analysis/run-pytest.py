#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the Python tests of timecapsule.analysis and the CLI against the build.

Stages the package (links to recorder/timecapsule/*.py plus the built
_recorder and _analysis extensions) in WORK/stage, writes the C fixtures with
tc-write-fixtures, and runs pytest on tests/analysis/python.  Exits 77
(skipped) when pytest is not available for this interpreter.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--analysis-ext", required=True)
    ap.add_argument("--recorder-ext", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--fake-nvml", required=True)
    ap.add_argument("pytest_args", nargs="*")
    o = ap.parse_args()

    try:
        import pytest  # noqa: F401
    except ImportError:
        print("pytest is not installed for %s: skipped" % sys.executable)
        return 77

    work = os.path.abspath(o.work_dir)
    pkg = os.path.join(work, "stage", "timecapsule")
    shutil.rmtree(os.path.join(work, "stage"), ignore_errors=True)
    os.makedirs(pkg)
    for src in glob.glob(os.path.join(o.source_root, "recorder", "timecapsule", "*.py")):
        os.symlink(os.path.abspath(src), os.path.join(pkg, os.path.basename(src)))
    for ext in (o.analysis_ext, o.recorder_ext):
        os.symlink(os.path.abspath(ext), os.path.join(pkg, os.path.basename(ext)))

    fixtures = os.path.join(work, "fixtures")
    shutil.rmtree(fixtures, ignore_errors=True)
    os.makedirs(fixtures)
    subprocess.check_call([o.fixtures, fixtures])

    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(work, "stage")
    env["TC_FIXTURES"] = fixtures
    env["TC_FAKE_NVML"] = os.path.abspath(o.fake_nvml)
    env["TC_SOURCE_ROOT"] = os.path.abspath(o.source_root)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("MALLOC_CHECK_", None)
    tests = os.path.join(os.path.abspath(o.source_root), "tests", "analysis", "python")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", tests] + o.pytest_args
    print("running:", " ".join(cmd), flush=True)
    return subprocess.call(cmd, env=env, cwd=work)


if __name__ == "__main__":
    sys.exit(main())
