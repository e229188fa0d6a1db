#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the recorder's pytest suite on one interpreter.

- finds the interpreter (pyenv X.Y or Debian's /usr/bin/python3); exits 77
  (meson: skipped) when it is not installed;
- keeps a virtual environment with pytest under WORK/venv-<name> (created
  once, then reused);
- compiles timecapsule._recorder for that interpreter straight into
  WORK/stage-<name>/timecapsule (only when a source changed) next to links to
  the package's .py files, so no wheel is built per test run;
- runs pytest on tests/recorder with TC_DUMP, TC_FAKE_NVML and
  TC_SIGNAL_AT_FORK set.
"""

import argparse
import glob
import os
import subprocess
import sys
import sysconfig  # noqa: F401  (used by the child interpreter query)

SKIP = 77


def find_interpreter(name):
    if name == "system":
        path = "/usr/bin/python3"
        return path if os.path.exists(path) else None
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    for cand in sorted(glob.glob(os.path.join(root, "versions", name + ".*",
                                              "bin", "python3"))):
        return cand
    return None


def query(python, code):
    return subprocess.check_output([python, "-c", code], text=True).strip()


def ensure_venv(python, venv):
    vpy = os.path.join(venv, "bin", "python")
    marker = os.path.join(venv, ".tc-ready")
    if os.path.exists(marker) and os.path.exists(vpy):
        return vpy
    subprocess.check_call([python, "-m", "venv", "--clear", venv])
    subprocess.check_call([vpy, "-m", "pip", "install", "-q",
                           "--disable-pip-version-check", "pytest"])
    open(marker, "w").close()
    return vpy


# The smart-repr summaries of numpy/pandas/torch objects are tested where
# these are installed (test_smart_repr.py skips otherwise).  torch only from
# a local CPU wheel: the default PyPI wheel pulls gigabytes of CUDA.
EXTRAS_FOR = ("3.11",)
TORCH_WHEELS = "/opt/wheels/torch-*+cpu-cp%d%d-*.whl"


def ensure_extras(vpy, venv):
    marker = os.path.join(venv, ".tc-extras")
    if os.path.exists(marker):
        return
    pip = [vpy, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    for what in (["numpy", "pandas"], sorted(glob.glob(TORCH_WHEELS % tuple(
            int(x) for x in query(vpy, "import sys; print(*sys.version_info[:2])").split())))[-1:]):
        if what and subprocess.call(pip + what) != 0:
            print("could not install %s: their tests skip" % " ".join(what))
    open(marker, "w").close()


def build_extension(python, src_root, stage, libtc_format):
    pkg_src = os.path.join(src_root, "recorder", "timecapsule")
    pkg = os.path.join(stage, "timecapsule")
    os.makedirs(pkg, exist_ok=True)
    for py_file in glob.glob(os.path.join(pkg_src, "*.py")):
        link = os.path.join(pkg, os.path.basename(py_file))
        if not os.path.lexists(link):
            os.symlink(py_file, link)
    include = query(python, "import sysconfig; print(sysconfig.get_paths()['include'])")
    suffix = query(python, "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")
    out = os.path.join(pkg, "_recorder" + suffix)
    sources = sorted(glob.glob(os.path.join(src_root, "recorder", "tc-recorder*.[ch]")))
    newest = max(os.path.getmtime(p) for p in sources + [libtc_format])
    if os.path.exists(out) and os.path.getmtime(out) >= newest:
        return
    cc = os.environ.get("CC", "cc")
    cmd = [cc, "-shared", "-fPIC", "-O2", "-g", "-std=gnu17", "-D_GNU_SOURCE",
           "-Wall", "-Wno-unused-parameter", "-Wno-missing-field-initializers",
           "-Werror=implicit-function-declaration",
           "-I" + include, "-I" + os.path.join(src_root, "recorder"),
           "-I" + os.path.join(src_root, "recorder", "format")]
    cmd += [p for p in sources if p.endswith(".c")]
    cmd += [libtc_format, "-lz", "-ldl", "-lpthread", "-o", out + ".tmp"]
    subprocess.check_call(cmd)
    os.replace(out + ".tmp", out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interpreter", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--libtc-format", required=True)
    ap.add_argument("--tc-dump", required=True)
    ap.add_argument("--fake-nvml", required=True)
    ap.add_argument("--signal-at-fork", required=True)
    ap.add_argument("pytest_args", nargs="*")
    opts = ap.parse_args()

    python = find_interpreter(opts.interpreter)
    if python is None:
        print("interpreter %s not installed: skipped" % opts.interpreter)
        return SKIP
    try:
        if not int(query(python, "import sys; print(sys.version_info >= (3, 8))") == "True"):
            print("%s is older than 3.8: skipped" % python)
            return SKIP
    except subprocess.CalledProcessError:
        return SKIP
    work = os.path.abspath(opts.work_dir)
    try:
        vpy = ensure_venv(python, os.path.join(work, "venv-" + opts.interpreter))
    except subprocess.CalledProcessError as exc:
        # No venv module or no pytest available (offline): not a failure of
        # the recorder, so skip with the reason.
        print("cannot prepare a venv with pytest for %s: %s: skipped" % (python, exc))
        return SKIP
    if opts.interpreter in EXTRAS_FOR:
        ensure_extras(vpy, os.path.join(work, "venv-" + opts.interpreter))
    stage = os.path.join(work, "stage-" + opts.interpreter)
    build_extension(python, os.path.abspath(opts.source_root), stage,
                    os.path.abspath(opts.libtc_format))
    env = dict(os.environ)
    env["PYTHONPATH"] = stage
    env["TC_DUMP"] = os.path.abspath(opts.tc_dump)
    env["TC_FAKE_NVML"] = os.path.abspath(opts.fake_nvml)
    env["TC_SIGNAL_AT_FORK"] = os.path.abspath(opts.signal_at_fork)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("MALLOC_CHECK_", None)
    tests = os.path.join(os.path.abspath(opts.source_root), "tests", "recorder")
    cmd = [vpy, "-m", "pytest", "-q", "-p", "no:cacheprovider", tests] + opts.pytest_args
    print("running:", " ".join(cmd), flush=True)
    return subprocess.call(cmd, env=env, cwd=work)


if __name__ == "__main__":
    sys.exit(main())
