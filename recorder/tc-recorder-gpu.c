/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-gpu.c — GPU counters for snapshots and SYSTEM frames.
 *
 * NVML, loaded with dlopen at run time (no build dependency;
 * TIMECAPSULE_NVML_LIBRARY names another library, which the tests use for a
 * fake NVML), gives the device's numbers, every process's use together:
 * gpu_mb (memory in use), gpu_peak_mb (the most gpu_mb sampled),
 * gpu_total_mb and gpu_util_pct.  Its list of the processes on the device
 * gives gpu_process_mb, this process's part of gpu_mb (its CUDA context
 * and every library's memory, nvidia-smi's per-process figure), where NVML
 * lists this process: in a container with a PID namespace of its own, NVML
 * gives the host's process ids and the counter is left out.  torch.cuda's
 * numbers for this process's tensors come from the Python side as
 * gpu_alloc_mb, gpu_alloc_peak_mb and gpu_reserved_mb (the caching
 * allocator's).  Without NVML, torch's allocated memory is what gpu_mb and
 * gpu_peak_mb hold, as in the seed's torch backend, so a recording with
 * either source has one "GPU memory".
 *
 * The device sampled: the first that CUDA_VISIBLE_DEVICES lets the program
 * see; once torch has started CUDA, the one torch computes on
 * (tc_rec_gpu_follow: under torchrun every process sees every GPU and
 * picks its own with torch.cuda.set_device(local_rank)); for any other
 * library (cupy, jax, TensorFlow), the one holding most of this process's
 * memory, looked for by the writer's samples while the device sampled
 * holds none of it.
 *
 * Checked on an H100 (driver 580): nvmlInit takes ~10–15 ms and the
 * device's handle ~7 ms, so NVML starts on a thread of its own from the
 * first record(), which returns at once (tc_rec_gpu_start).  The program's
 * snapshots wait for it (TC_REC_GPU_WAIT), which only one in its first
 * milliseconds does; record()'s own snapshot and the writer's samples go
 * without the GPU's counters until it has started.  A memory read takes
 * ~7 µs and a utilization read ~1 µs, so the writer thread samples under
 * the recorder's lock.
 */
#include "tc-recorder.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
/* nvmlProcessInfo_v2_t, which the v2 and v3 process lists fill; the v1
 * list's entries are the first two fields alone (16 bytes, same offsets). */
typedef struct {
    unsigned int pid;
    unsigned long long used_gpu_memory;
    unsigned int gpu_instance_id, compute_instance_id;
} TcNvmlProcess;
#define TC_NVML_PROCESS_V1_SIZE 16
#define TC_NVML_ERROR_INSUFFICIENT_SIZE 7
#define TC_NVML_ERROR_FUNCTION_NOT_FOUND 13
#define TC_NVML_VALUE_NOT_AVAILABLE (~0ULL)

typedef int (*NvmlInitFn)(void);
typedef int (*NvmlByIndexFn)(unsigned int, void **);
typedef int (*NvmlByUuidFn)(const char *, void **);
typedef int (*NvmlMemoryFn)(void *, TcNvmlMemory *);
typedef int (*NvmlMemoryV2Fn)(void *, TcNvmlMemoryV2 *);
typedef int (*NvmlUtilFn)(void *, TcNvmlUtilization *);
typedef int (*NvmlCountFn)(unsigned int *);
typedef int (*NvmlProcessesFn)(void *, unsigned int *, void *);

static struct {
    void *lib;
    int ready;             /* initialised: a device can be looked up */
    void *device;          /* NULL: no NVML counters */
    NvmlByUuidFn by_uuid;
    NvmlMemoryFn memory;
    NvmlMemoryV2Fn memory_v2;
    NvmlUtilFn utilization;
    NvmlByIndexFn by_index;
    NvmlCountFn count;
    NvmlProcessesFn processes;
    size_t process_size;   /* bytes of one entry of processes' list */
    int torch_chose;       /* the device is torch's: not looked for */
    char torch_wants[128]; /* its UUID, asked for before NVML had started */
    uint64_t defined_in;   /* the recording whose counters are defined */
    double peak_mb;
} nvml;

/* NVML's start, on its thread.  The environment is read by record()'s
 * thread: getenv() races with the program's putenv() (os.environ). */
enum { PROBE_NOT_STARTED, PROBE_RUNNING, PROBE_DONE };
static struct {
    pthread_mutex_t lock;
    pthread_cond_t done;
    int state;
    char library[4096];
    char visible[256];
    int visible_set;
    int gave_up;           /* waited a second once: no more waiting */
} probe = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
           PROBE_NOT_STARTED, "", "", 0, 0};

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
    const char *visible = probe.visible;
    if (!probe.visible_set) {
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

/* The newest list of compute processes the library has: v3 and v2 fill
 * the same entries, v1 shorter ones. */
static void
find_process_list(void)
{
    static const char *const names[] = {
        "nvmlDeviceGetComputeRunningProcesses_v3",
        "nvmlDeviceGetComputeRunningProcesses_v2",
        "nvmlDeviceGetComputeRunningProcesses",
    };
    nvml.processes = NULL;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        nvml.processes = (NvmlProcessesFn)dlsym(nvml.lib, names[i]);
        if (nvml.processes != NULL) {
            nvml.process_size = i < 2 ? sizeof(TcNvmlProcess)
                                      : TC_NVML_PROCESS_V1_SIZE;
            return;
        }
    }
}

static void
nvml_probe(void)
{
    nvml.lib = dlopen(*probe.library ? probe.library : "libnvidia-ml.so.1",
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
    nvml.by_index = by_index;
    nvml.count = (NvmlCountFn)dlsym(nvml.lib, "nvmlDeviceGetCount_v2");
    find_process_list();
    if (init == NULL || by_index == NULL || nvml.memory == NULL
        || init() != 0 || open_visible_device(by_index, nvml.by_uuid) != 0) {
        nvml.device = NULL;
    }
    nvml.ready = init != NULL && by_index != NULL && nvml.memory != NULL;
}

static void
probe_run(void)
{
    nvml_probe();
    pthread_mutex_lock(&probe.lock);
    __atomic_store_n(&probe.state, PROBE_DONE, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&probe.done);
    pthread_mutex_unlock(&probe.lock);
}

static void *
probe_main(void *unused)
{
    probe_run();
    return NULL;
}

static void
copy_env(const char *name, char *to, size_t size, int *set)
{
    const char *value = getenv(name);
    size_t len = value != NULL ? strlen(value) : 0;
    if (set != NULL) {
        *set = value != NULL;
    }
    if (len >= size) {
        len = 0;   /* too long to be a library path or a device list */
    }
    memcpy(to, value != NULL ? value : "", len);
    to[len] = '\0';
}

/* At the first record(): NVML starts beside the program. */
void
tc_rec_gpu_start(void)
{
    if (__atomic_load_n(&probe.state, __ATOMIC_ACQUIRE) != PROBE_NOT_STARTED) {
        return;
    }
    copy_env("TIMECAPSULE_NVML_LIBRARY", probe.library,
             sizeof(probe.library), NULL);
    copy_env("CUDA_VISIBLE_DEVICES", probe.visible, sizeof(probe.visible),
             &probe.visible_set);
    __atomic_store_n(&probe.state, PROBE_RUNNING, __ATOMIC_RELEASE);
    pthread_t thread;
    pthread_attr_t attr;
    sigset_t all, old;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* The thread inherits the mask: it starts with every signal blocked,
     * so none of the program's lands on it. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&thread, &attr, probe_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        probe_run();   /* no thread to spare: here, then */
    }
}

static int
probe_finished(void)
{
    return __atomic_load_n(&probe.state, __ATOMIC_ACQUIRE) == PROBE_DONE;
}

/* Waits for NVML's start if it is under way: 1 once it has finished.  A
 * driver that hangs there holds up one snapshot for a second, not each. */
int
tc_rec_gpu_wait(void)
{
    if (probe_finished()) {
        return 1;
    }
    pthread_mutex_lock(&probe.lock);
    if (probe.state == PROBE_RUNNING && !probe.gave_up) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 1;
        int rc = 0;
        while (probe.state == PROBE_RUNNING && rc != ETIMEDOUT) {
            rc = pthread_cond_timedwait(&probe.done, &probe.lock, &deadline);
        }
        probe.gave_up = probe.state == PROBE_RUNNING;
    }
    int done = probe.state == PROBE_DONE;
    pthread_mutex_unlock(&probe.lock);
    return done;
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

/* This process's memory on the device, in bytes, from NVML's list of the
 * processes computing on it: 1 when the list has this process. */
static int
own_memory(void *device, unsigned long long *bytes)
{
    TcNvmlProcess on_stack[64];
    void *list = on_stack;
    unsigned int n = sizeof(on_stack) / nvml.process_size;
    int rc = nvml.processes(device, &n, list);
    if (rc == TC_NVML_ERROR_INSUFFICIENT_SIZE) {
        n += 16;   /* room for processes started since it counted */
        list = malloc(n * nvml.process_size);
        rc = list != NULL ? nvml.processes(device, &n, list) : -1;
    }
    else if (rc == TC_NVML_ERROR_FUNCTION_NOT_FOUND
             && nvml.process_size == sizeof(TcNvmlProcess)) {
        /* a driver older than its library: the v1 list, from now on */
        nvml.processes = (NvmlProcessesFn)dlsym(
            nvml.lib, "nvmlDeviceGetComputeRunningProcesses");
        nvml.process_size = TC_NVML_PROCESS_V1_SIZE;
        return nvml.processes != NULL ? own_memory(device, bytes) : 0;
    }
    int found = 0;
    unsigned int pid = (unsigned int)getpid();
    *bytes = 0;
    for (unsigned int i = 0; rc == 0 && i < n; i++) {
        const TcNvmlProcess *p = (const TcNvmlProcess *)(
            (const char *)list + i * nvml.process_size);
        if (p->pid == pid && p->used_gpu_memory != TC_NVML_VALUE_NOT_AVAILABLE) {
            *bytes += p->used_gpu_memory;   /* one entry a context */
            found = 1;
        }
    }
    if (list != on_stack) {
        free(list);
    }
    return found;
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

static void
sample_device(void *device)
{
    if (device != nvml.device) {
        nvml.device = device;
        nvml.peak_mb = 0;   /* the peak of the device now sampled */
    }
}

/* The device holding most of this process's memory, where the one sampled
 * holds none of it: a program on another GPU than the first visible one,
 * through a library the recorder does not ask.  Only the writer's samples
 * look (one list a device); snapshots read the device sampled.  1 when
 * found, with this process's memory on it. */
static int
look_for_own_device(unsigned long long *own)
{
    unsigned long long bytes, most = 0;
    unsigned int count;
    void *best = NULL;
    if (nvml.torch_chose || nvml.processes == NULL || nvml.count == NULL
        || nvml.count(&count) != 0) {
        return 0;
    }
    for (unsigned int i = 0; i < count; i++) {
        void *device;
        if (nvml.by_index(i, &device) == 0 && device != nvml.device
            && own_memory(device, &bytes) && (best == NULL || bytes > most)) {
            best = device;
            most = bytes;
        }
    }
    if (best == NULL) {
        return 0;
    }
    sample_device(best);
    *own = most;
    return 1;
}

void
tc_rec_gpu_reset(void)
{
    nvml.peak_mb = 0;
}

/* torch's UUID is bare; NVML's names have "GPU-" or, for a MIG
 * instance, "MIG-" in front. */
static int
follow_torch(const char *uuid)
{
    static const char *const prefixes[] = {"GPU-", "MIG-"};
    char name[sizeof(nvml.torch_wants) + 4];
    void *device;
    for (size_t i = 0; nvml.ready && nvml.by_uuid != NULL && i < 2; i++) {
        snprintf(name, sizeof(name), "%s%s", prefixes[i], uuid);
        if (nvml.by_uuid(name, &device) == 0) {
            nvml.torch_chose = 1;
            sample_device(device);
            return 1;
        }
    }
    return 0;
}

int
tc_rec_gpu_follow(const char *uuid)
{
    if (!probe_finished()) {
        snprintf(nvml.torch_wants, sizeof(nvml.torch_wants), "%s", uuid);
        return 1;   /* followed at the first sample after NVML's start */
    }
    return follow_torch(uuid);
}

void
tc_rec_gpu_sample(TcCounterValue *out, size_t cap, size_t *n,
                  unsigned int flags)
{
    if (!((flags & TC_REC_GPU_WAIT) ? tc_rec_gpu_wait() : probe_finished())) {
        return;
    }
    if (nvml.torch_wants[0] != '\0') {
        follow_torch(nvml.torch_wants);
        nvml.torch_wants[0] = '\0';
    }
    /* This process's memory on the device sampled, or on the one found
     * holding it: one list each. */
    unsigned long long own = 0;
    int listed = nvml.device != NULL && nvml.processes != NULL
                 && own_memory(nvml.device, &own);
    if (!listed && (flags & TC_REC_GPU_LOOK) && nvml.ready) {
        listed = look_for_own_device(&own);
    }
    if (nvml.device == NULL) {
        return;
    }
    /* Defined in each recording as it first samples a device (NVML may
     * have started after record(), or found the device later). */
    if (nvml.defined_in != tc_rec.generation) {
        define_counters();
        nvml.defined_in = tc_rec.generation;
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
    uint32_t id;
    /* Defined once NVML lists this process: a recording where it never
     * does (no CUDA yet, another PID namespace) has no such counter. */
    if (listed && tc_rec_counter_id("gpu_process_mb", "MB", &id) == 0) {
        tc_rec_counter_put(out, cap, n, "gpu_process_mb", own / mb);
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
    /* NVML's names whenever it is there: the device sampled may be found
     * later (look_for_own_device), and a counter keeps one meaning. */
    for (size_t i = 0; i < sizeof(from_python) / sizeof(from_python[0]); i++) {
        if (strcmp(name, from_python[i][0]) == 0) {
            if (!probe_finished()) {
                return NULL;   /* not known yet which: left out */
            }
            return nvml.ready ? from_python[i][0] : from_python[i][1];
        }
    }
    return NULL;
}
