#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the reliability pytest suite (tests/reliability/python) on one
interpreter: "default" is the interpreter meson built the extensions for
(both _recorder and _analysis are staged, so the CLI and the viewer tests
run too); any other name ("3.12") reuses tests/recorder/run-tests.py to find
that interpreter, keep a venv with pytest and compile _recorder for it
(recording tests only).  Exits 77 (skipped) when the interpreter or pytest is
missing.
"""

import argparse
import glob
import importlib.util
import os
import shutil
import subprocess
import sys

SKIP = 77


def recorder_runner(src_root):
    path = os.path.join(src_root, "tests", "recorder", "run-tests.py")
    spec = importlib.util.spec_from_file_location("tc_recorder_run_tests", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interpreter", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--libtc-format", required=True)
    ap.add_argument("--tc-dump", required=True)
    ap.add_argument("--recorder-ext")
    ap.add_argument("--analysis-ext")
    ap.add_argument("--viewer")
    ap.add_argument("pytest_args", nargs="*")
    o = ap.parse_args()
    src_root = os.path.abspath(o.source_root)
    work = os.path.abspath(o.work_dir)
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ)

    if o.interpreter == "default":
        try:
            import pytest  # noqa: F401
        except ImportError:
            print("pytest is not installed for %s: skipped" % sys.executable)
            return SKIP
        python = sys.executable
        stage = os.path.join(work, "stage-default")
        shutil.rmtree(stage, ignore_errors=True)
        pkg = os.path.join(stage, "timecapsule")
        os.makedirs(pkg)
        for src in glob.glob(os.path.join(src_root, "recorder", "timecapsule", "*.py")):
            os.symlink(src, os.path.join(pkg, os.path.basename(src)))
        for ext in (o.recorder_ext, o.analysis_ext):
            if ext:
                os.symlink(os.path.abspath(ext), os.path.join(pkg, os.path.basename(ext)))
        if o.viewer:
            env["TC_VIEWER"] = os.path.abspath(o.viewer)
    else:
        rt = recorder_runner(src_root)
        base = rt.find_interpreter(o.interpreter)
        if base is None:
            print("interpreter %s not installed: skipped" % o.interpreter)
            return SKIP
        try:
            python = rt.ensure_venv(base, os.path.join(work, "venv-" + o.interpreter))
        except subprocess.CalledProcessError as exc:
            print("cannot prepare a venv with pytest for %s: %s: skipped" % (base, exc))
            return SKIP
        stage = os.path.join(work, "stage-" + o.interpreter)
        rt.build_extension(base, src_root, stage, os.path.abspath(o.libtc_format))

    env["PYTHONPATH"] = stage
    env["TC_DUMP"] = os.path.abspath(o.tc_dump)
    env["TC_SOURCE_ROOT"] = src_root
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("MALLOC_CHECK_", None)
    tests = os.path.join(src_root, "tests", "reliability", "python")
    cmd = [python, "-m", "pytest", "-q", "-rxs", "-p", "no:cacheprovider", tests] + o.pytest_args
    print("running:", " ".join(cmd), flush=True)
    return subprocess.call(cmd, env=env, cwd=work)


if __name__ == "__main__":
    sys.exit(main())
