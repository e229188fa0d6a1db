# SPDX-License-Identifier: MIT
"""System counters (with a fake NVML), sample mode, `timecapsule run`."""

import os
import re
import subprocess
import sys

import pytest

from conftest import load


def test_process_counters(run, tmp_path):
    proc = run(r'''
import timecapsule as tc
tc.record(every=10, output="out.tc")
blob = bytearray(30 * 1024 * 1024)
tc.snap("after")
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    names = set(r.counters.values())
    assert {"ram_mb", "ram_peak_mb", "cpu_pct", "threads", "open_fds"} <= names
    assert "gpu_mb" not in names                 # no NVML here
    s = next(s for s in r.snapshots if s["evt"] == "SNAP:after")
    ram = r.counter(s["system"], "ram_mb")
    peak = r.counter(s["system"], "ram_peak_mb")
    assert ram > 30 and peak >= ram
    assert r.counter(s["system"], "threads") == 1      # recorder threads excluded
    assert 0 <= r.counter(s["system"], "cpu_pct") <= 400
    assert r.counter(s["system"], "open_fds") >= 3


def test_a_joined_thread_is_not_counted(run, tmp_path):
    # The worker leaves libc's usleep as a thread-specific destructor, so
    # its task lingers 300 ms in the kernel after it released the lock that
    # join() waits for (before 3.13 join() returns then; 3.13 waits for the
    # task too).  The snapshot right after the join sees the task.
    proc = run(r'''
import ctypes, os, threading, timecapsule as tc
libc = ctypes.CDLL(None)
key = ctypes.c_uint()
assert libc.pthread_key_create(ctypes.byref(key),
                               ctypes.cast(libc.usleep, ctypes.c_void_p)) == 0
tids = []
def worker():
    tids.append(threading.get_native_id())
    libc.pthread_setspecific(key, ctypes.c_void_p(300000))
tc.record(every=1000, output="out.tc")
t = threading.Thread(target=worker)
t.start()
t.join()
print("lingering", os.path.exists("/proc/self/task/%d" % tids[0]))
tc.snap("joined")
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    s = next(s for s in r.snapshots if s["evt"] == "SNAP:joined")
    if sys.version_info < (3, 13):
        assert "lingering True" in proc.stdout     # the race is there
    assert r.counter(s["system"], "threads") == 1
    stop = next(s for s in r.snapshots if s["evt"] == "SNAP:record_stop")
    assert r.counter(stop["system"], "threads") == 1


GPU_SNAP = r"""
import timecapsule as tc
tc.record(every=10, output="out.tc")
tc.snap("gpu")
tc.stop()
"""


def gpu_counters(run, tmp_path, code=GPU_SNAP, **env):
    env.setdefault("TIMECAPSULE_NVML_LIBRARY", os.environ["TC_FAKE_NVML"])
    proc = run(code, env=env)
    assert proc.returncode == 0, proc.stderr
    r = load(tmp_path / "out.tc")
    s = next(s for s in r.snapshots if s["evt"] == "SNAP:gpu")
    return {name: r.counter(s["system"], name)
            for name in set(r.counters.values()) if name.startswith("gpu_")}


def test_fake_nvml_gives_gpu_counters(run, tmp_path):
    # 1234 MiB in use: the v2 call, without the 300 MiB the driver reserves
    # (nvidia-smi's figure; v1 would say 1534).
    assert gpu_counters(run, tmp_path) == {
        "gpu_mb": 1234, "gpu_peak_mb": 1234, "gpu_total_mb": 8192,
        "gpu_util_pct": 42}


def test_nvml_without_v2_counts_reserved_memory(run, tmp_path):
    assert gpu_counters(run, tmp_path, FAKE_NVML_NO_V2="1")["gpu_mb"] == 1534


@pytest.mark.parametrize("visible, used", [
    ("0", 1234), ("1", 2345), ("1,0", 2345), ("GPU-fake-1", 2345),
    ("GPU-fake-0,GPU-fake-1", 1234),
    ("", None), ("-1", None), ("2", None), ("GPU-missing", None),
    ("NoDevFiles", None),
])
def test_nvml_follows_cuda_visible_devices(run, tmp_path, visible, used):
    counters = gpu_counters(run, tmp_path, CUDA_VISIBLE_DEVICES=visible)
    assert counters.get("gpu_mb") == used


@pytest.mark.parametrize("others, driver", [
    (None, {}),                            # one other process on the GPU
    ("100", {}),                           # more than the first list holds
    ("3", {"FAKE_NVML_NO_V2": "1"}),       # an old driver's v1 list
])
def test_nvml_gives_this_process_memory(run, tmp_path, others, driver):
    # The device's 1234 MiB are every process's; NVML's list of the
    # processes on it gives this one's part (its CUDA context and every
    # library's memory), found by pid among the others.
    env = dict(driver, FAKE_NVML_PROCESS="0:640")
    if others is not None:
        env["FAKE_NVML_OTHERS"] = others
    counters = gpu_counters(run, tmp_path, **env)
    assert counters["gpu_process_mb"] == 640
    assert counters["gpu_mb"] == (1534 if driver else 1234)


def test_no_process_memory_where_nvml_does_not_list_the_process(run, tmp_path):
    # No CUDA context yet, or a container whose PID namespace NVML does
    # not see into: the counter is left out, never recorded as 0.
    r_counters = gpu_counters(run, tmp_path, FAKE_NVML_OTHERS="5")
    assert "gpu_process_mb" not in r_counters
    assert r_counters["gpu_mb"] == 1234


# A snapshot after the writer's first sample (500 ms after record()).
GPU_SNAP_LATER = GPU_SNAP.replace('tc.snap("gpu")',
                                  'import time; time.sleep(0.8)\ntc.snap("gpu")')


def test_nvml_follows_the_device_this_process_uses(run, tmp_path):
    # cupy/jax on the second GPU of two, without torch: the writer's sample
    # finds the device that lists this process, and the counters come from
    # it from then on.
    assert GPU_SNAP_LATER != GPU_SNAP
    counters = gpu_counters(run, tmp_path, GPU_SNAP_LATER,
                            FAKE_NVML_PROCESS="1:640")
    assert counters["gpu_mb"] == 2345
    assert counters["gpu_util_pct"] == 7
    assert counters["gpu_process_mb"] == 640


def test_record_does_not_wait_for_nvml(run, tmp_path):
    # nvmlInit takes 10-15 ms on a real driver (the device's handle ~7 ms
    # more): it runs beside the program.  Here it waits for a file that
    # the program creates after record() has returned (record() waiting
    # for NVML would wait 5 s for nothing, and NVML would fail); the
    # program's snapshot then waits for NVML, and has its counters.
    gate = tmp_path / "nvml-may-start"
    code = GPU_SNAP.replace('tc.snap("gpu")',
                            'open(%r, "w").close()\ntc.snap("gpu")' % str(gate))
    counters = gpu_counters(run, tmp_path, code, FAKE_NVML_INIT_GATE=str(gate))
    assert counters["gpu_mb"] == 1234


def test_fork_waits_for_nvml_to_start(run, tmp_path):
    # No recorder thread may be alive at fork(): a fork right after
    # record() waits for NVML's (200 ms here).  3.12+ warns when a process
    # with other threads forks; both sides go on with their GPU counters.
    proc = run(r"""
import os, warnings
import timecapsule as tc
tc.record(every=10, output="out.tc")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    pid = os.fork()
    if pid == 0:
        tc.snap("gpu")
        tc.stop()
        os._exit(0)
    os.waitpid(pid, 0)
print("fork warnings:", sum("multi-threaded" in str(w.message) for w in caught))
tc.snap("gpu")
tc.stop()
""", env={"TIMECAPSULE_NVML_LIBRARY": os.environ["TC_FAKE_NVML"],
          "FAKE_NVML_INIT_MS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert "fork warnings: 0" in proc.stdout
    children = [p for p in tmp_path.glob("*.tc") if p.name != "out.tc"]
    assert len(children) == 1, list(tmp_path.iterdir())
    for path in (tmp_path / "out.tc", children[0]):
        r = load(path)
        s = next(s for s in r.snapshots if s["evt"] == "SNAP:gpu")
        assert r.counter(s["system"], "gpu_mb") == 1234, path


TORCH_SNAP = r"""
import sys, types
# What the recorder asks torch.cuda, without torch: 512 MiB allocated by
# this process (768 at most), 1024 reserved by the caching allocator.
MB = 1024 * 1024
cuda = types.SimpleNamespace(
    is_initialized=lambda: True, memory_allocated=lambda: 512 * MB,
    max_memory_allocated=lambda: 768 * MB, memory_reserved=lambda: 1024 * MB)
sys.modules["torch"] = types.SimpleNamespace(cuda=cuda)
""" + GPU_SNAP


def test_torch_counters_beside_nvml(run, tmp_path):
    counters = gpu_counters(run, tmp_path, TORCH_SNAP)
    assert counters["gpu_mb"] == 1234                 # the device, from NVML
    assert counters["gpu_alloc_mb"] == 512            # this process's tensors
    assert counters["gpu_alloc_peak_mb"] == 768
    assert counters["gpu_reserved_mb"] == 1024


# torch computing on device 1 of the fake NVML's two ("GPU-fake-1").
TORCH_ON_DEVICE_1 = TORCH_SNAP.replace(
    "sys.modules[\"torch\"] = types.SimpleNamespace(cuda=cuda)",
    "cuda.current_device = lambda: 1\n"
    "cuda.get_device_properties = lambda i: types.SimpleNamespace(\n"
    "    uuid='fake-%d' % i)\n"
    "sys.modules[\"torch\"] = types.SimpleNamespace(cuda=cuda)")


@pytest.mark.parametrize("init_ms", [None, "200"])
def test_nvml_follows_the_torch_device(run, tmp_path, init_ms):
    # torchrun: every GPU visible, the process computes on the one it set
    # with torch.cuda.set_device(); NVML's counters come from that one (by
    # its UUID), not from the first visible.  With NVML slow to start,
    # record()'s own snapshot asks before it has: the device is followed
    # once it has.
    assert TORCH_ON_DEVICE_1 != TORCH_SNAP
    env = {"FAKE_NVML_INIT_MS": init_ms} if init_ms else {}
    counters = gpu_counters(run, tmp_path, TORCH_ON_DEVICE_1, **env)
    assert counters["gpu_mb"] == 2345
    assert counters["gpu_util_pct"] == 7
    assert counters["gpu_alloc_mb"] == 512


def test_the_torch_device_is_not_left_for_the_process_lists(run, tmp_path):
    # torch chose device 1; this process also has memory on device 0 (a
    # second library, or torch's own stray context there).  The writer's
    # samples keep to torch's device.
    code = TORCH_ON_DEVICE_1.replace(
        'tc.snap("gpu")',
        'tc.snap("first")\nimport time; time.sleep(0.8)\ntc.snap("gpu")')
    counters = gpu_counters(run, tmp_path, code, FAKE_NVML_PROCESS="0:640")
    assert counters["gpu_mb"] == 2345
    assert counters.get("gpu_process_mb") is None   # none on device 1


def test_torch_counters_without_nvml(run, tmp_path):
    counters = gpu_counters(run, tmp_path, TORCH_SNAP,
                            TIMECAPSULE_NVML_LIBRARY="/nonexistent/nvml.so")
    assert counters == {"gpu_mb": 512, "gpu_peak_mb": 768,
                        "gpu_reserved_mb": 1024}


def test_torch_before_cuda_starts_gives_no_counters(run, tmp_path):
    code = TORCH_SNAP.replace("is_initialized=lambda: True",
                              "is_initialized=lambda: False")
    counters = gpu_counters(run, tmp_path, code,
                            TIMECAPSULE_NVML_LIBRARY="/nonexistent/nvml.so")
    assert counters == {}


def test_cpu_percent_of_close_samples(run, tmp_path):
    # Samples a fraction of a ms apart while another thread hashes 32 MB at
    # a time without the GIL: the CPU time of a thread running elsewhere is
    # only as recent as its last scheduler tick, so a window that short read
    # one tick of its time as 1 000-2 000 % before the fix.  No sample may
    # say more than the cores give, plus a tick's error over the 100 ms
    # window.  Snapshots take their counters from the same function.
    proc = run(r"""
import hashlib, threading, time, timecapsule as tc
from timecapsule._recording import core
stop = False
data = b"x" * (32 << 20)
def hash_without_gil():
    while not stop:
        hashlib.sha256(data).digest()
t = threading.Thread(target=hash_without_gil)
t.start()
tc.record(every=10, output="out.tc")
cpu = []
for _ in range(1000):
    cpu.append(core.system_sample()["cpu_pct"])
    time.sleep(0.0002)
tc.snap("after")
stop = True
t.join()
tc.stop()
print(max(cpu), sorted(cpu)[len(cpu) // 2])
""")
    assert proc.returncode == 0, proc.stderr
    highest, median = map(float, proc.stdout.split()[-2:])
    limit = 100 * min(os.cpu_count(), 2) + 25     # both threads busy
    assert highest <= limit, highest
    assert median > 50                            # the hashing is seen
    r = load(tmp_path / "out.tc")
    s = next(s for s in r.snapshots if s["evt"] == "SNAP:after")
    assert 50 < r.counter(s["system"], "cpu_pct") <= limit


def test_sample_mode(run, tmp_path):
    proc = run(r'''
import time, timecapsule as tc
def busy():
    t = time.perf_counter()
    x = 0
    while time.perf_counter() - t < 0.4:
        x += 1
    return x
tc.record(every=10, output="out.tc", mode="sample", sample_rate_hz=500)
busy()
tc.stop()
''')
    assert proc.returncode == 0, proc.stderr
    assert "backend=sample" in proc.stdout
    r = load(tmp_path / "out.tc")
    assert r.events == {}                        # no call hooks
    samples = [s for f in r.of("samples") for s in f["samples"]]
    assert len(samples) >= 5        # GIL-limited: the sampler waits for the switch interval
    busy = [s for s in samples if r.qualname(s["stack"][0][0]) == "busy"]
    assert len(busy) >= 0.5 * len(samples)
    # The recorder's threads are not sampled.
    tids = {f["thread"] for f in r.of("samples")}
    assert all(r.threads[t]["name"] != "tc-timer" for t in tids)


def test_run_records_an_unmodified_script(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(
        "import sys\n"
        "def compute(n):\n"
        "    acc = n * 3\n"
        "    return acc\n"
        "print('args', sys.argv[1:])\n"
        "compute(5)\n"
        "sys.exit(3)\n")
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys; from timecapsule._run import main_run; "
         "sys.exit(main_run(sys.argv[1:]))",
         "--every", "5", "-o", "rec.tc", "--tag", "ci", str(script), "x", "y"],
        capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 3, proc.stderr
    assert "args ['x', 'y']" in proc.stdout
    r = load(tmp_path / "rec.tc")
    assert r.state == "complete"
    assert r.session["src"] == [str(script)]
    assert r.session["argv"] == [str(script), "x", "y"]
    assert r.calls("compute") == 1
    assert r.of("end")[0]["exit_status"] == 3
    assert all("ci" in s["tags"] for s in r.snapshots)
    # The script is tracked and its source embedded.
    f = next(f for f in r.files.values() if f["path"] == str(script))
    assert f["flags"] & 1 and f["source_len"] == len(script.read_bytes())
    src = [s for s in r.of("source") if s["file"] == f["id"]]
    assert src and "def compute" in src[0]["text"]


def test_run_module_and_crash_exit_code(tmp_path):
    (tmp_path / "pkgmod.py").write_text("x = {}\n"
                                        "x['nope']\n")
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys; from timecapsule._run import main_run; "
         "sys.exit(main_run(sys.argv[1:]))", "-o", "m.tc", "-m", "pkgmod"],
        capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 1
    assert "KeyError" in proc.stderr
    r = load(tmp_path / "m.tc")
    assert r.of("crash")[0]["exc_type"] == "KeyError"
