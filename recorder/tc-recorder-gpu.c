/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-gpu.c — GPU counters for snapshots and SYSTEM frames.
 *
 * NVML, loaded with dlopen at run time (no build dependency;
 * TIMECAPSULE_NVML_LIBRARY names another library, which the tests use for a
 * fake NVML), gives the device's numbers, every process's use together:
 * gpu_mb (memory in use), gpu_peak_mb (the most gpu_mb sampled),
 * gpu_total_mb and gpu_util_pct.  torch.cuda's numbers for this process's
 * tensors come from the Python side as gpu_alloc_mb, gpu_alloc_peak_mb and
 * gpu_reserved_mb (the caching allocator's).  Without NVML, torch's
 * allocated memory is what gpu_mb and gpu_peak_mb hold, as in the seed's
 * torch backend, so a recording with either source has one "GPU memory".
 * Once torch has started CUDA, NVML follows the device torch computes on
 * (tc_rec_gpu_follow): under torchrun every process sees every GPU and
 * picks its own with torch.cuda.set_device(local_rank).
 *
 * Checked on an H100 (driver 580): nvmlInit takes ~10–15 ms, a memory read
 * ~7 µs and a utilization read ~1 µs, so the writer thread samples under
 * the recorder's lock.
 */
#include "tc-recorder.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/* nvmlMemory_t: "used" is total − free, the driver's reserved memory with
 * it (~480 MB on an idle H100, where nvidia-smi shows 0 MiB). */
typedef struct {
    unsigned long long total, free, used;
} TcNvmlMemory;
/* nvmlMemory_v2_t (drivers ≥ 510): "used" leaves the reserved part out, as
 * nvidia-smi does. */
typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} TcNvmlMemoryV2;
#define TC_NVML_MEMORY_V2 ((unsigned int)(sizeof(TcNvmlMemoryV2) | (2u << 24)))
typedef struct {
    unsigned int gpu, memory;
} TcNvmlUtilization;

typedef int (*NvmlInitFn)(void);
typedef int (*NvmlByIndexFn)(unsigned int, void **);
typedef int (*NvmlByUuidFn)(const char *, void **);
typedef int (*NvmlMemoryFn)(void *, TcNvmlMemory *);
typedef int (*NvmlMemoryV2Fn)(void *, TcNvmlMemoryV2 *);
typedef int (*NvmlUtilFn)(void *, TcNvmlUtilization *);

static struct {
    int probed;
    void *lib;
    int ready;             /* initialised: a device can be looked up */
    void *device;          /* NULL: no NVML counters */
    NvmlByUuidFn by_uuid;
    NvmlMemoryFn memory;
    NvmlMemoryV2Fn memory_v2;
    NvmlUtilFn utilization;
    double peak_mb;
} nvml;

/* The device the program computes on.  CUDA numbers the devices that
 * CUDA_VISIBLE_DEVICES lets the program see; NVML numbers them all, in PCI
 * order.  A UUID (as `nvidia-smi -L` prints it) names one exactly; an
 * index is taken in NVML's order, which is CUDA's under
 * CUDA_DEVICE_ORDER=PCI_BUS_ID (CUDA's default puts the fastest first: the
 * same order on a machine of one GPU model).  An empty list or an entry
 * CUDA cannot read leaves the program no GPU, and the recording none. */
static int
open_visible_device(NvmlByIndexFn by_index, NvmlByUuidFn by_uuid)
{
    const char *visible = getenv("CUDA_VISIBLE_DEVICES");
    if (visible == NULL) {
        return by_index(0, &nvml.device);
    }
    while (*visible == ' ') {
        visible++;
    }
    char first[128];
    size_t len = strcspn(visible, ", ");
    if (len == 0 || len >= sizeof(first)) {
        return -1;
    }
    memcpy(first, visible, len);
    first[len] = '\0';
    if (strncmp(first, "GPU-", 4) == 0 || strncmp(first, "MIG-", 4) == 0) {
        return by_uuid != NULL ? by_uuid(first, &nvml.device) : -1;
    }
    char *end;
    long index = strtol(first, &end, 10);
    if (*end != '\0' || index < 0) {
        return -1;
    }
    return by_index((unsigned int)index, &nvml.device);
}

static void
nvml_probe(void)
{
    if (nvml.probed) {
        return;
    }
    nvml.probed = 1;
    const char *path = getenv("TIMECAPSULE_NVML_LIBRARY");
    nvml.lib = dlopen(path && *path ? path : "libnvidia-ml.so.1",
                      RTLD_NOW | RTLD_LOCAL);
    if (nvml.lib == NULL) {
        return;
    }
    NvmlInitFn init = (NvmlInitFn)dlsym(nvml.lib, "nvmlInit_v2");
    if (init == NULL) {
        init = (NvmlInitFn)dlsym(nvml.lib, "nvmlInit");
    }
    NvmlByIndexFn by_index = (NvmlByIndexFn)dlsym(
        nvml.lib, "nvmlDeviceGetHandleByIndex_v2");
    if (by_index == NULL) {
        by_index = (NvmlByIndexFn)dlsym(nvml.lib,
                                        "nvmlDeviceGetHandleByIndex");
    }
    nvml.by_uuid = (NvmlByUuidFn)dlsym(nvml.lib, "nvmlDeviceGetHandleByUUID");
    nvml.memory = (NvmlMemoryFn)dlsym(nvml.lib, "nvmlDeviceGetMemoryInfo");
    nvml.memory_v2 = (NvmlMemoryV2Fn)dlsym(nvml.lib,
                                           "nvmlDeviceGetMemoryInfo_v2");
    nvml.utilization = (NvmlUtilFn)dlsym(nvml.lib,
                                         "nvmlDeviceGetUtilizationRates");
    if (init == NULL || by_index == NULL || nvml.memory == NULL
        || init() != 0 || open_visible_device(by_index, nvml.by_uuid) != 0) {
        nvml.device = NULL;
    }
    nvml.ready = init != NULL && by_index != NULL && nvml.memory != NULL;
}

/* Memory in use and in all, in bytes: the v2 call where the driver has it,
 * else v1 (whose "used" counts the reserved memory too). */
static int
read_memory(unsigned long long *used, unsigned long long *total)
{
    if (nvml.memory_v2 != NULL) {
        TcNvmlMemoryV2 mem = {.version = TC_NVML_MEMORY_V2};
        if (nvml.memory_v2(nvml.device, &mem) == 0) {
            *used = mem.used;
            *total = mem.total;
            return 0;
        }
        nvml.memory_v2 = NULL;   /* an older driver: not asked again */
    }
    TcNvmlMemory mem;
    if (nvml.memory(nvml.device, &mem) != 0) {
        return -1;
    }
    *used = mem.used;
    *total = mem.total;
    return 0;
}

void
tc_rec_gpu_reset(void)
{
    nvml.peak_mb = 0;
}

static void
define_counters(void)
{
    uint32_t id;
    tc_rec_counter_id("gpu_mb", "MB", &id);
    tc_rec_counter_id("gpu_peak_mb", "MB", &id);
    tc_rec_counter_id("gpu_total_mb", "MB", &id);
    tc_rec_counter_id("gpu_util_pct", "%", &id);
}

void
tc_rec_gpu_define_counters(void)
{
    nvml_probe();
    if (nvml.device != NULL) {
        define_counters();
    }
}

int
tc_rec_gpu_follow(const char *uuid)
{
    void *device;
    if (!nvml.ready || nvml.by_uuid == NULL
        || nvml.by_uuid(uuid, &device) != 0) {
        return 0;
    }
    if (device != nvml.device) {
        if (nvml.device == NULL) {
            define_counters();
        }
        nvml.device = device;
        nvml.peak_mb = 0;   /* the peak of the device now sampled */
    }
    return 1;
}

void
tc_rec_gpu_sample(TcCounterValue *out, size_t cap, size_t *n)
{
    if (nvml.device == NULL) {
        return;
    }
    const double mb = 1024.0 * 1024.0;
    unsigned long long used, total;
    if (read_memory(&used, &total) == 0) {
        if (used / mb > nvml.peak_mb) {
            nvml.peak_mb = used / mb;
        }
        tc_rec_counter_put(out, cap, n, "gpu_mb", used / mb);
        tc_rec_counter_put(out, cap, n, "gpu_peak_mb", nvml.peak_mb);
        tc_rec_counter_put(out, cap, n, "gpu_total_mb", total / mb);
    }
    TcNvmlUtilization util;
    if (nvml.utilization != NULL
        && nvml.utilization(nvml.device, &util) == 0) {
        tc_rec_counter_put(out, cap, n, "gpu_util_pct", (double)util.gpu);
    }
}

const char *
tc_rec_gpu_python_counter(const char *name)
{
    static const char *const from_python[][2] = {
        /* Python's name, what it is recorded as without NVML */
        {"gpu_alloc_mb", "gpu_mb"},
        {"gpu_alloc_peak_mb", "gpu_peak_mb"},
        {"gpu_reserved_mb", "gpu_reserved_mb"},
    };
    for (size_t i = 0; i < sizeof(from_python) / sizeof(from_python[0]); i++) {
        if (strcmp(name, from_python[i][0]) == 0) {
            return nvml.device != NULL ? from_python[i][0]
                                       : from_python[i][1];
        }
    }
    return NULL;
}
