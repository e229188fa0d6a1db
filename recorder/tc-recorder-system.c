/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-system.c — process counters for snapshots and SYSTEM frames.
 *
 * Linux /proc, read without the GIL (the writer thread samples too):
 * ram_mb is VmRSS, ram_peak_mb is VmHWM (the peak *resident* size, not the
 * seed's VmPeak), cpu_pct is this process's CPU time over wall time since a
 * sample at least 100 ms back (% of one core, not machine-wide), threads
 * excludes the recorder's own threads, open_fds counts /proc/self/fd.  The
 * GPU's come from tc-recorder-gpu.c.
 */
#include "tc-recorder.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The process's CPU time is exact for the thread that reads it but only as
 * recent as the last scheduler tick for threads running elsewhere, so over
 * a few ms the ratio swings wildly (335 % seen on 16 cores, 630 % on 2,
 * when a snapshot came 10 ms after the writer's sample).  A sample is
 * measured from a base at least this old: the newer of the last two. */
#define CPU_WINDOW_NS (100 * 1000000ull)

static struct {
    uint64_t cpu_ns, wall;     /* 0: none yet */
} cpu_base[2];                 /* [0] the newer */

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
    memset(cpu_base, 0, sizeof(cpu_base));
    tc_rec_gpu_reset();
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
    tc_rec_gpu_start();
    return 0;
}

void
tc_rec_counter_put(TcCounterValue *out, size_t cap, size_t *n,
                   const char *name, double value)
{
    uint32_t id;
    if (*n < cap && value >= 0 && tc_rec_counter_id(name, "", &id) == 0) {
        out[*n].counter_id = id;
        out[*n].value = value;
        (*n)++;
    }
}

/* CPU time over wall time since the base, in % of one core; the base moves
 * up only once a window has passed, so samples close together share it. */
static double
cpu_percent(uint64_t cpu_ns, uint64_t wall)
{
    if (cpu_base[0].wall == 0) {
        cpu_base[0].cpu_ns = cpu_ns;
        cpu_base[0].wall = wall;
        return 0.0;
    }
    int from = wall - cpu_base[0].wall >= CPU_WINDOW_NS
               || cpu_base[1].wall == 0 ? 0 : 1;
    double pct = 0.0;
    if (wall > cpu_base[from].wall && cpu_ns >= cpu_base[from].cpu_ns) {
        pct = 100.0 * (double)(cpu_ns - cpu_base[from].cpu_ns)
              / (double)(wall - cpu_base[from].wall);
    }
    if (from == 0 && wall - cpu_base[0].wall >= CPU_WINDOW_NS) {
        cpu_base[1] = cpu_base[0];
        cpu_base[0].cpu_ns = cpu_ns;
        cpu_base[0].wall = wall;
    }
    return pct;
}

static size_t
sample(TcCounterValue *out, size_t cap, long exiting, unsigned int gpu_flags)
{
    size_t n = 0;
    double rss = read_status_kb("VmRSS");
    double hwm = read_status_kb("VmHWM");
    tc_rec_counter_put(out, cap, &n, "ram_mb",
                       rss >= 0 ? rss / 1024.0 : -1);
    tc_rec_counter_put(out, cap, &n, "ram_peak_mb",
                       hwm >= 0 ? hwm / 1024.0 : -1);

    struct timespec cpu;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    uint64_t cpu_ns = (uint64_t)cpu.tv_sec * 1000000000u + cpu.tv_nsec;
    uint64_t wall = tc_rec_now();
    tc_rec_counter_put(out, cap, &n, "cpu_pct", cpu_percent(cpu_ns, wall));

    long threads = os_threads();
    if (threads > 0) {
        /* The writer thread, the sampler and the Python timer thread
         * (defined as a recorder thread at its first tick). */
        long own = 1 + (tc_rec.sampler_running ? 1 : 0)
                   + tc_rec.n_recorder_native
                   + tc_rec_timer_threads_outside();
        tc_rec_counter_put(out, cap, &n, "threads",
                           threads > own + exiting ? threads - own - exiting
                                                   : 1);
    }
    tc_rec_counter_put(out, cap, &n, "open_fds", (double)open_fds());

    tc_rec_gpu_sample(out, cap, &n, gpu_flags);
    return n;
}

size_t
tc_rec_system_sample(TcCounterValue *out, size_t cap)
{
    return sample(out, cap, 0, TC_REC_GPU_LOOK);
}

size_t
tc_rec_system_sample_python(TcCounterValue *out, size_t cap,
                            unsigned int gpu_flags)
{
    return sample(out, cap, threads_exiting_locked(), gpu_flags);
}
