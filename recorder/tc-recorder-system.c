/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-system.c — process counters for snapshots and SYSTEM frames.
 *
 * Linux /proc, read without the GIL (the writer thread samples too):
 * ram_mb is VmRSS, ram_peak_mb is VmHWM (the peak *resident* size, not the
 * seed's VmPeak), cpu_pct is this process's CPU time over wall time since the
 * previous sample (% of one core, not machine-wide), threads excludes the
 * recorder's own threads, open_fds counts /proc/self/fd.  GPU counters come
 * from NVML loaded with dlopen at run time (no build dependency;
 * TIMECAPSULE_NVML_LIBRARY overrides the library, which the tests use for a
 * fake NVML).  torch.cuda counters are added by the Python side.
 */
#include "tc-recorder.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    unsigned long long total, free, used;
} TcNvmlMemory;
typedef struct {
    unsigned int gpu, memory;
} TcNvmlUtilization;

typedef int (*NvmlInitFn)(void);
typedef int (*NvmlHandleFn)(unsigned int, void **);
typedef int (*NvmlMemoryFn)(void *, TcNvmlMemory *);
typedef int (*NvmlUtilFn)(void *, TcNvmlUtilization *);

static struct {
    int probed;
    void *lib;
    void *device;
    NvmlMemoryFn memory;
    NvmlUtilFn utilization;
    double peak_mb;
} nvml;

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
    NvmlHandleFn handle = (NvmlHandleFn)dlsym(nvml.lib,
                                              "nvmlDeviceGetHandleByIndex_v2");
    if (handle == NULL) {
        handle = (NvmlHandleFn)dlsym(nvml.lib, "nvmlDeviceGetHandleByIndex");
    }
    nvml.memory = (NvmlMemoryFn)dlsym(nvml.lib, "nvmlDeviceGetMemoryInfo");
    nvml.utilization = (NvmlUtilFn)dlsym(nvml.lib,
                                         "nvmlDeviceGetUtilizationRates");
    if (init == NULL || handle == NULL || nvml.memory == NULL
        || init() != 0 || handle(0, &nvml.device) != 0) {
        nvml.memory = NULL;
        nvml.device = NULL;
    }
}

static double
read_status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) {
        return -1;
    }
    char line[256];
    size_t klen = strlen(key);
    double value = -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            value = strtod(line + klen + 1, NULL);
            break;
        }
    }
    fclose(f);
    return value;
}

static long
os_threads(void)
{
    FILE *f = fopen("/proc/self/stat", "r");
    if (f == NULL) {
        return -1;
    }
    char buf[1024];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (p == NULL) {
        return -1;
    }
    /* Fields after ')': state(3) … num_threads is field 20, the 18th. */
    p++;
    for (int field = 3; field < 20 && p != NULL; field++) {
        p = strchr(p + 1, ' ');
    }
    return p ? strtol(p + 1, NULL, 10) : -1;
}

static int
task_listed(uint64_t native_id)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/self/task/%llu",
             (unsigned long long)native_id);
    return stat(path, &st) == 0;
}

static int
python_thread_alive(PyInterpreterState *interp, unsigned long ident)
{
    for (PyThreadState *ts = PyInterpreterState_ThreadHead(interp);
         ts != NULL; ts = PyThreadState_Next(ts)) {
        if (ts->thread_id == ident) {
            return 1;
        }
    }
    return 0;
}

/* Recorded threads that have ended for Python (no thread state has their
 * ident) while the kernel still lists their task.  Before 3.13, join()
 * returns once the thread has released its lock, a moment before the
 * thread exits: a snapshot right after a join counted a thread the program
 * no longer had.  A thread seen gone from the kernel too is marked and not
 * looked at again (task ids are reused only after the kernel's pid space
 * wraps around).  Walks the thread states: the caller holds the GIL. */
static long
threads_exiting_locked(void)
{
    PyInterpreterState *interp = PyThreadState_Get()->interp;   /* 3.8 too */
    long n = 0;
    for (TcRecThread *t = tc_rec.threads; t != NULL; t = t->next) {
        if (t->ignored || t->exited || t->native_id == 0
            || python_thread_alive(interp, t->ident)) {
            continue;
        }
        if (task_listed(t->native_id)) {
            n++;
        }
        else {
            t->exited = 1;
        }
    }
    return n;
}

static long
open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) {
        return -1;
    }
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            n++;
        }
    }
    closedir(d);
    return n - 1;   /* the directory's own fd */
}

void
tc_rec_system_reset(void)
{
    tc_rec.cpu_prev_ns = 0;
    tc_rec.cpu_prev_wall = 0;
    nvml.peak_mb = 0;
}

int
tc_rec_system_define_counters(void)
{
    uint32_t id;
    static const char *const counters[][2] = {
        {"ram_mb", "MB"}, {"ram_peak_mb", "MB"}, {"cpu_pct", "%"},
        {"threads", ""}, {"open_fds", ""},
    };
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
        tc_rec_counter_id(counters[i][0], counters[i][1], &id);
    }
    nvml_probe();
    if (nvml.memory != NULL) {
        tc_rec_counter_id("gpu_mb", "MB", &id);
        tc_rec_counter_id("gpu_peak_mb", "MB", &id);
        tc_rec_counter_id("gpu_total_mb", "MB", &id);
        tc_rec_counter_id("gpu_util_pct", "%", &id);
    }
    return 0;
}

static void
put(TcCounterValue *out, size_t cap, size_t *n, const char *name,
    double value)
{
    uint32_t id;
    if (*n < cap && value >= 0 && tc_rec_counter_id(name, "", &id) == 0) {
        out[*n].counter_id = id;
        out[*n].value = value;
        (*n)++;
    }
}

static size_t
sample(TcCounterValue *out, size_t cap, long exiting)
{
    size_t n = 0;
    double rss = read_status_kb("VmRSS");
    double hwm = read_status_kb("VmHWM");
    put(out, cap, &n, "ram_mb", rss >= 0 ? rss / 1024.0 : -1);
    put(out, cap, &n, "ram_peak_mb", hwm >= 0 ? hwm / 1024.0 : -1);

    struct timespec cpu;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    uint64_t cpu_ns = (uint64_t)cpu.tv_sec * 1000000000u + cpu.tv_nsec;
    uint64_t wall = tc_rec_now();
    if (tc_rec.cpu_prev_wall != 0 && wall > tc_rec.cpu_prev_wall) {
        double pct = 100.0 * (double)(cpu_ns - tc_rec.cpu_prev_ns)
                     / (double)(wall - tc_rec.cpu_prev_wall);
        put(out, cap, &n, "cpu_pct", pct);
    }
    else {
        put(out, cap, &n, "cpu_pct", 0.0);
    }
    tc_rec.cpu_prev_ns = cpu_ns;
    tc_rec.cpu_prev_wall = wall;

    long threads = os_threads();
    if (threads > 0) {
        /* The writer thread, the sampler and the Python timer thread
         * (defined as a recorder thread at its first tick). */
        long own = 1 + (tc_rec.sampler_running ? 1 : 0)
                   + tc_rec.n_recorder_native
                   + tc_rec_timer_threads_outside();
        put(out, cap, &n, "threads",
            threads > own + exiting ? threads - own - exiting : 1);
    }
    put(out, cap, &n, "open_fds", (double)open_fds());

    if (nvml.memory != NULL) {
        TcNvmlMemory mem;
        if (nvml.memory(nvml.device, &mem) == 0) {
            double used = (double)mem.used / (1024.0 * 1024.0);
            if (used > nvml.peak_mb) {
                nvml.peak_mb = used;
            }
            put(out, cap, &n, "gpu_mb", used);
            put(out, cap, &n, "gpu_peak_mb", nvml.peak_mb);
            put(out, cap, &n, "gpu_total_mb",
                (double)mem.total / (1024.0 * 1024.0));
        }
        TcNvmlUtilization util;
        if (nvml.utilization != NULL
            && nvml.utilization(nvml.device, &util) == 0) {
            put(out, cap, &n, "gpu_util_pct", (double)util.gpu);
        }
    }
    return n;
}

size_t
tc_rec_system_sample(TcCounterValue *out, size_t cap)
{
    return sample(out, cap, 0);
}

size_t
tc_rec_system_sample_python(TcCounterValue *out, size_t cap)
{
    return sample(out, cap, threads_exiting_locked());
}
