# SPDX-License-Identifier: MIT
"""Time the NVML calls the recorder makes, through ctypes, in a fresh process."""
import ctypes
import os
import time

class Mem(ctypes.Structure):
    _fields_ = [("total", ctypes.c_ulonglong), ("free", ctypes.c_ulonglong),
                ("used", ctypes.c_ulonglong)]

class Util(ctypes.Structure):
    _fields_ = [("gpu", ctypes.c_uint), ("memory", ctypes.c_uint)]

t0 = time.perf_counter()
lib = ctypes.CDLL(os.environ.get("TIMECAPSULE_NVML_LIBRARY") or "libnvidia-ml.so.1")
t1 = time.perf_counter()
rc = lib.nvmlInit_v2()
t2 = time.perf_counter()
h = ctypes.c_void_p()
rc2 = lib.nvmlDeviceGetHandleByIndex_v2(0, ctypes.byref(h))
t3 = time.perf_counter()
print("dlopen %.2f ms  nvmlInit_v2 %.2f ms (rc %d)  handle %.3f ms (rc %d)"
      % ((t1 - t0) * 1e3, (t2 - t1) * 1e3, rc, (t3 - t2) * 1e3, rc2))

def bench(name, fn, n):
    ts = []
    for _ in range(n):
        a = time.perf_counter_ns(); r = fn(); ts.append(time.perf_counter_ns() - a)
        assert r == 0, (name, r)
    ts.sort()
    print("%-28s n=%d  p50 %.1f us  p95 %.1f us  max %.1f us"
          % (name, n, ts[n // 2] / 1e3, ts[n * 95 // 100] / 1e3, ts[-1] / 1e3))

class MemV2(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint), ("total", ctypes.c_ulonglong),
                ("reserved", ctypes.c_ulonglong), ("free", ctypes.c_ulonglong),
                ("used", ctypes.c_ulonglong)]

m = Mem(); u = Util()
m2 = MemV2(); m2.version = ctypes.sizeof(MemV2) | (2 << 24)
bench("nvmlDeviceGetMemoryInfo_v2", lambda: lib.nvmlDeviceGetMemoryInfo_v2(h, ctypes.byref(m2)), 2000)
print("v2: total %d MiB reserved %d MiB used %d MiB free %d MiB" % (m2.total >> 20, m2.reserved >> 20, m2.used >> 20, m2.free >> 20))
bench("nvmlDeviceGetMemoryInfo", lambda: lib.nvmlDeviceGetMemoryInfo(h, ctypes.byref(m)), 2000)
bench("nvmlDeviceGetUtilizationRates", lambda: lib.nvmlDeviceGetUtilizationRates(h, ctypes.byref(u)), 500)
print("memory: total %d MiB used %d MiB free %d MiB; util gpu %d%% mem %d%%"
      % (m.total >> 20, m.used >> 20, m.free >> 20, u.gpu, u.memory))


class Process(ctypes.Structure):
    # nvmlProcessInfo_v2_t, filled by the v2 and v3 lists
    _fields_ = [("pid", ctypes.c_uint), ("usedGpuMemory", ctypes.c_ulonglong),
                ("gpuInstanceId", ctypes.c_uint),
                ("computeInstanceId", ctypes.c_uint)]


procs = (Process * 64)()
count = ctypes.c_uint()


def processes():
    count.value = 64
    return lib.nvmlDeviceGetComputeRunningProcesses_v3(h, ctypes.byref(count), procs)


n_dev = ctypes.c_uint()
bench("nvmlDeviceGetCount_v2", lambda: lib.nvmlDeviceGetCount_v2(ctypes.byref(n_dev)), 500)
bench("ComputeRunningProcesses_v3", processes, 500)
print("%d device(s); compute processes on device 0: %s (this pid %d)"
      % (n_dev.value, [(procs[i].pid, procs[i].usedGpuMemory >> 20)
                       for i in range(count.value)], os.getpid()))
