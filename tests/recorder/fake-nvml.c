/* SPDX-License-Identifier: MIT
 *
 * A fake NVML for the recorder tests, loaded through
 * TIMECAPSULE_NVML_LIBRARY: two devices, "GPU-fake-0" with 1234 MiB in use
 * of 8192 MiB at 42 % and "GPU-fake-1" with 2345 MiB at 7 %.  Like a real
 * driver, the v1 memory call counts 300 MiB of reserved memory as used;
 * FAKE_NVML_NO_V2=1 makes the v2 calls (memory, process lists) answer as an
 * old driver does.
 *
 * The compute processes of each device: FAKE_NVML_OTHERS other processes
 * (1 unless set; their pids above any Linux pid) of 100 MiB each, and the
 * calling process where FAKE_NVML_PROCESS="DEVICE:MIB" puts it.
 *
 * nvmlInit as slow as a real driver's, or slower: FAKE_NVML_INIT_MS sleeps
 * that long; FAKE_NVML_INIT_GATE waits until that file exists (failing
 * after 5 s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    unsigned long long total, free, used;
} nvmlMemory_t;
typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;
typedef struct {
    unsigned int gpu, memory;
} nvmlUtilization_t;
typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
} nvmlProcessInfo_v1_t;
typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId, computeInstanceId;
} nvmlProcessInfo_t;

enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_TIMEOUT = 10,
    NVML_ERROR_FUNCTION_NOT_FOUND = 13,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
};

typedef struct {
    const char *uuid;
    unsigned long long used_mib;
    unsigned int util;
} FakeDevice;

static FakeDevice devices[] = {
    {"GPU-fake-0", 1234, 42},
    {"GPU-fake-1", 2345, 7},
};

static const unsigned long long total_mib = 8192, reserved_mib = 300;

static int
old_driver(void)
{
    const char *no_v2 = getenv("FAKE_NVML_NO_V2");
    return no_v2 != NULL && *no_v2 == '1';
}

int nvmlInit_v2(void);
int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **device);
int nvmlDeviceGetHandleByUUID(const char *uuid, void **device);
int nvmlDeviceGetMemoryInfo(void *device, nvmlMemory_t *memory);
int nvmlDeviceGetMemoryInfo_v2(void *device, nvmlMemory_v2_t *memory);
int nvmlDeviceGetUtilizationRates(void *device, nvmlUtilization_t *util);
int nvmlDeviceGetCount_v2(unsigned int *count);
int nvmlDeviceGetComputeRunningProcesses(void *device, unsigned int *count,
                                         nvmlProcessInfo_v1_t *infos);
int nvmlDeviceGetComputeRunningProcesses_v3(void *device, unsigned int *count,
                                            nvmlProcessInfo_t *infos);

int
nvmlInit_v2(void)
{
    const char *ms = getenv("FAKE_NVML_INIT_MS");
    const char *gate = getenv("FAKE_NVML_INIT_GATE");
    if (ms != NULL) {
        usleep((useconds_t)atoi(ms) * 1000);
    }
    for (int waited = 0; gate != NULL && access(gate, F_OK) != 0; waited++) {
        if (waited == 5000) {
            return NVML_ERROR_TIMEOUT;
        }
        usleep(1000);
    }
    return NVML_SUCCESS;
}

int
nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **device)
{
    if (index >= sizeof(devices) / sizeof(devices[0])) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *device = &devices[index];
    return NVML_SUCCESS;
}

int
nvmlDeviceGetHandleByUUID(const char *uuid, void **device)
{
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        if (strcmp(uuid, devices[i].uuid) == 0) {
            *device = &devices[i];
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

int
nvmlDeviceGetMemoryInfo(void *device, nvmlMemory_t *memory)
{
    const FakeDevice *d = device;
    memory->total = total_mib << 20;
    memory->used = (d->used_mib + reserved_mib) << 20;
    memory->free = memory->total - memory->used;
    return NVML_SUCCESS;
}

int
nvmlDeviceGetMemoryInfo_v2(void *device, nvmlMemory_v2_t *memory)
{
    const FakeDevice *d = device;
    if (old_driver()) {
        return NVML_ERROR_FUNCTION_NOT_FOUND;
    }
    if (memory->version != (sizeof(*memory) | (2u << 24))) {
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    }
    memory->total = total_mib << 20;
    memory->reserved = reserved_mib << 20;
    memory->used = d->used_mib << 20;
    memory->free = memory->total - memory->reserved - memory->used;
    return NVML_SUCCESS;
}

int
nvmlDeviceGetUtilizationRates(void *device, nvmlUtilization_t *util)
{
    const FakeDevice *d = device;
    util->gpu = d->util;
    util->memory = 17;
    return NVML_SUCCESS;
}

int
nvmlDeviceGetCount_v2(unsigned int *count)
{
    *count = sizeof(devices) / sizeof(devices[0]);
    return NVML_SUCCESS;
}

/* The device's processes, as (pid, MiB) pairs: the others, then this one. */
static unsigned int
device_processes(const FakeDevice *d, unsigned int pids[],
                 unsigned long long mib[], unsigned int cap)
{
    const char *others = getenv("FAKE_NVML_OTHERS");
    const char *own = getenv("FAKE_NVML_PROCESS");
    unsigned int n = 0, wanted = others != NULL ? (unsigned int)atoi(others) : 1;
    for (; n < wanted && n < cap; n++) {
        pids[n] = 4194304u + 1000u + n;
        mib[n] = 100;
    }
    unsigned int index;
    unsigned long long own_mib;
    if (own != NULL && sscanf(own, "%u:%llu", &index, &own_mib) == 2
        && index < sizeof(devices) / sizeof(devices[0])
        && d == &devices[index] && n < cap) {
        pids[n] = (unsigned int)getpid();
        mib[n++] = own_mib;
    }
    return n;
}

/* NVML's contract: with too small a buffer, the count needed and
 * INSUFFICIENT_SIZE.  The v1 and v3 entries differ only in their size. */
static int
fill_processes(const FakeDevice *d, unsigned int *count, void *infos,
               size_t size)
{
    unsigned int pids[512];
    unsigned long long mib[512];
    unsigned int n = device_processes(d, pids, mib, 512);
    if (*count < n) {
        *count = n;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    for (unsigned int i = 0; i < n; i++) {
        nvmlProcessInfo_v1_t *p = (void *)((char *)infos + i * size);
        memset(p, 0, size);
        p->pid = pids[i];
        p->usedGpuMemory = mib[i] << 20;
    }
    *count = n;
    return NVML_SUCCESS;
}

int
nvmlDeviceGetComputeRunningProcesses(void *device, unsigned int *count,
                                     nvmlProcessInfo_v1_t *infos)
{
    return fill_processes(device, count, infos, sizeof(*infos));
}

int
nvmlDeviceGetComputeRunningProcesses_v3(void *device, unsigned int *count,
                                        nvmlProcessInfo_t *infos)
{
    if (old_driver()) {
        return NVML_ERROR_FUNCTION_NOT_FOUND;
    }
    return fill_processes(device, count, infos, sizeof(*infos));
}
