/* SPDX-License-Identifier: MIT
 *
 * bench-format.c — how compact and how fast the .tc event blocks are.
 *
 * Simulates a Python program's call/return stream, writes it with the
 * writer in 65536-event batches as the recorder would, then reads it back
 * (open, which checks every crc, + the zero-allocation decoder) on one core.
 * Not a test: prints figures.
 *
 * The workload: 400 functions, layered (a function calls functions defined
 * after it: mostly nearby helpers, sometimes shared utilities far away), ~20 %
 * of them C builtins and ~25 % Python leaves.  Each function body is a fixed
 * list of call sites run in order, some in loops (1–12 iterations), some
 * behind an `if` (skipped half the time): the same function calls the same
 * callees in the same order, as in real programs.  The time between two
 * events is the running function's own cost: log-uniform 50–2000 ns per
 * function (C functions 0.4×), ±25 % jitter, and 1 % outliers 5–55× longer
 * (allocation, GC, page faults).  --jitter changes the ±25 %.
 *
 *   bench-format [--events N] [--level L] [--jitter PCT] [--dir DIR]
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tc-format.h"

#define N_CODES      400
#define MAX_SITES    8
#define MAX_DEPTH    64
#define BATCH        65536

typedef struct
{
  uint32_t callee;
  uint32_t loop_max;     /* iterations: 1 … loop_max */
  uint32_t skip_pct;     /* chance the site is not executed (an if) */
} Site;

typedef struct
{
  Site     sites[MAX_SITES];
  uint32_t n_sites;
  double   base_ns;      /* typical time between two of its events */
  bool     c_function;
} Code;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng (void)
{
  /* xorshift64*: fast and good enough for a workload generator. */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

static double
uniform (void)
{
  return (double) (rng () >> 11) * (1.0 / 9007199254740992.0);
}

/* Skewed pick in [0, n): small values far more often. */
static uint32_t
zipf (uint32_t n)
{
  double u = uniform ();

  return (uint32_t) (pow (u, 2.5) * n) % n;
}

static double
clock_s (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* Wall time, and this process's CPU time: on a busy machine the second is
 * the honest "one core" figure (time spent descheduled is not counted). */
static double now_s (void) { return clock_s (CLOCK_MONOTONIC); }
static double cpu_s (void) { return clock_s (CLOCK_PROCESS_CPUTIME_ID); }

static void
build_program (Code *codes)
{
  memset (codes, 0, N_CODES * sizeof *codes);
  for (uint32_t i = 0; i < N_CODES; i++)
    {
      Code *c = &codes[i];

      c->c_function = i >= 8 && (rng () % 5) == 0;
      if (!c->c_function && (rng () % 4) != 0 && i < N_CODES - 1)
        c->n_sites = 1 + (uint32_t) (rng () % MAX_SITES);
      for (uint32_t k = 0; k < c->n_sites; k++)
        {
          Site *site = &c->sites[k];

          site->callee = i + 1 + zipf (N_CODES - i - 1);
          site->loop_max = (rng () % 4) == 0 ? 1 + (uint32_t) (rng () % 12) : 1;
          site->skip_pct = (rng () % 3) == 0 ? 50 : 0;
        }
      c->base_ns = exp (log (50.0) + uniform () * (log (2000.0) - log (50.0)));
      if (c->c_function)
        c->base_ns *= 0.4;
    }
  /* The root must call something. */
  if (codes[0].n_sites == 0)
    codes[0].n_sites = 1, codes[0].sites[0] = (Site) { 1, 1, 0 };
}

static double jitter = 0.25;   /* --jitter: ± this fraction */

static uint64_t
delta_ns (const Code *c)
{
  double d = c->base_ns * (1.0 - jitter + 2.0 * jitter * uniform ());

  /* 1 % outliers: allocation, GC, a page fault, I/O. */
  if ((rng () % 100) == 0)
    d *= 5 + uniform () * 50;
  return (uint64_t) d + 1;
}

static double mean_depth;
static uint64_t median_delta;

typedef struct
{
  uint32_t code;
  uint32_t site;       /* next call site */
  uint32_t iterations; /* calls left at the current site */
} Frame;

static size_t
generate (const Code *codes, TcEvent *events, size_t n)
{
  Frame stack[MAX_DEPTH + 1];
  double depth_sum = 0;
  size_t depth, i = 0;
  uint64_t t = 1000;

  /* The root (code 0) is the main loop: it runs its body forever. */
  stack[0] = (Frame) { 0, 0, 0 };
  events[i++] = (TcEvent) { t, 1, TC_EVENT_CALL };  /* code ids start at 1 */
  depth = 1;
  while (i < n - MAX_DEPTH - 1)
    {
      Frame *f = &stack[depth - 1];
      const Code *top = &codes[f->code];

      if (f->iterations == 0)
        {
          /* Deeper call sites run less often (error paths, caches, early
           * returns), which keeps the call tree bushy rather than one hot
           * subtree swallowing the whole run. */
          while (f->site < top->n_sites
                 && ((rng () % 100) < top->sites[f->site].skip_pct
                     || uniform () < 0.06 * (double) depth))
            f->site++;
          if (f->site < top->n_sites)
            {
              f->iterations = 1 + (uint32_t) (rng () % top->sites[f->site].loop_max);
              f->site++;
            }
          else if (depth == 1)
            {
              f->site = 0;    /* next round of the main loop */
              continue;
            }
        }
      if (f->iterations > 0 && depth < MAX_DEPTH)
        {
          uint32_t callee = top->sites[f->site - 1].callee;
          const Code *c = &codes[callee];

          f->iterations--;
          t += delta_ns (top);
          events[i++] = (TcEvent) { t, callee + 1, c->c_function ? TC_EVENT_C_CALL : TC_EVENT_CALL };
          stack[depth++] = (Frame) { callee, 0, 0 };
          depth_sum += (double) depth;
        }
      else
        {
          t += delta_ns (top);
          events[i++] = (TcEvent) { t, 0, top->c_function ? TC_EVENT_C_RETURN : TC_EVENT_RETURN };
          depth--;
        }
    }
  /* Close what is open so calls and returns pair up. */
  while (depth > 0)
    {
      const Code *top = &codes[stack[depth - 1].code];

      t += delta_ns (top);
      events[i++] = (TcEvent) { t, 0, top->c_function ? TC_EVENT_C_RETURN : TC_EVENT_RETURN };
      depth--;
    }
  mean_depth = depth_sum / (double) (i / 2);
  {
    /* Median gap between events (a histogram up to 64 µs is plenty). */
    static uint32_t hist[65536];
    uint64_t seen = 0;

    for (size_t k = 1; k < i; k++)
      {
        uint64_t d = events[k].time_ns - events[k - 1].time_ns;

        hist[d < 65535 ? d : 65535]++;
      }
    for (uint32_t d = 0; d < 65536; d++)
      if ((seen += hist[d]) >= i / 2)
        {
          median_delta = d;
          break;
        }
  }
  return i;
}

int
main (int argc, char **argv)
{
  size_t n_target = 10 * 1000 * 1000;
  int level = 0;
  const char *dir = "/tmp";
  char path[4096];
  Code codes[N_CODES];
  TcEvent *events, *out;
  bool used[N_CODES + 1] = { false };
  unsigned n_used = 0;
  uint8_t *scratch;
  size_t n;
  TcError error;
  TcWriter *w;
  TcReader *r;
  TcWriterOptions options = { "bench", "bench-format", 0, 0 };
  struct stat st;
  double t0, c0, write_s, read_s, write_cpu, read_cpu, open_cpu;
  uint64_t n_read = 0, checksum = 0, event_bytes = 0;
  TcFrameIter iter;
  TcFrame f;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--events") == 0 && i + 1 < argc)
        n_target = strtoull (argv[++i], NULL, 10);
      else if (strcmp (argv[i], "--level") == 0 && i + 1 < argc)
        level = atoi (argv[++i]);
      else if (strcmp (argv[i], "--dir") == 0 && i + 1 < argc)
        dir = argv[++i];
      else if (strcmp (argv[i], "--jitter") == 0 && i + 1 < argc)
        jitter = atof (argv[++i]) / 100.0;
      else
        {
          fprintf (stderr, "usage: %s [--events N] [--level 1-9] [--jitter PCT] [--dir DIR]\n", argv[0]);
          return 2;
        }
    }
  if (n_target < 1000)
    n_target = 1000;
  options.zlib_level = level;

  build_program (codes);
  events = malloc (n_target * sizeof *events);
  out = malloc (BATCH * sizeof *out);
  scratch = malloc (BATCH * 15);
  if (events == NULL || out == NULL || scratch == NULL)
    {
      fprintf (stderr, "out of memory\n");
      return 1;
    }
  n = generate (codes, events, n_target);
  for (size_t i = 0; i < n; i++)
    if (events[i].code_id != 0 && !used[events[i].code_id])
      {
        used[events[i].code_id] = true;
        n_used++;
      }

  snprintf (path, sizeof path, "%s/bench-format-%ld.tc", dir, (long) getpid ());
  unlink (path);

  /* Write: the recorder hands over per-thread batches. */
  t0 = now_s ();
  c0 = cpu_s ();
  w = tc_writer_open (path, &options, &error);
  if (w == NULL)
    {
      fprintf (stderr, "%s\n", error.message);
      return 1;
    }
  for (size_t i = 0; i < n; i += BATCH)
    {
      size_t m = n - i < BATCH ? n - i : BATCH;

      if (tc_writer_write_events (w, 1, events + i, m) != TC_OK)
        {
          fprintf (stderr, "write failed\n");
          return 1;
        }
    }
  if (tc_writer_close (w, NULL, &error) != TC_OK)
    {
      fprintf (stderr, "%s\n", error.message);
      return 1;
    }
  write_s = now_s () - t0;
  write_cpu = cpu_s () - c0;
  stat (path, &st);

  /* Read: open (maps and validates every frame's crc) + decode all. */
  t0 = now_s ();
  c0 = cpu_s ();
  r = tc_reader_open (path, &error);
  if (r == NULL)
    {
      fprintf (stderr, "%s\n", error.message);
      return 1;
    }
  open_cpu = cpu_s () - c0;
  tc_frame_iter_init (&iter, r);
  while (tc_frame_iter_next (&iter, &f))
    {
      size_t m;

      if (f.header->type != TC_FRAME_EVENTS)
        continue;
      event_bytes += f.header->length;
      if (tc_decode_events_into (&f, out, BATCH, scratch, BATCH * 15, &m) != TC_OK)
        {
          fprintf (stderr, "decode failed at offset %llu\n", (unsigned long long) f.offset);
          return 1;
        }
      /* Touch the output as a consumer would. */
      for (size_t k = 0; k < m; k++)
        checksum += out[k].time_ns ^ out[k].code_id;
      n_read += m;
    }
  read_s = now_s () - t0;
  read_cpu = cpu_s () - c0;
  tc_reader_free (r);

  if (n_read != n || checksum == 0)
    {
      fprintf (stderr, "read back %llu of %zu events\n", (unsigned long long) n_read, n);
      return 1;
    }
  printf ("events:                 %zu (%zu call/return pairs, %u distinct code ids)\n", n, n / 2, n_used);
  printf ("mean call depth:        %.1f; median gap between events %llu ns\n",
          mean_depth, (unsigned long long) median_delta);
  printf ("timing jitter:          ±%.0f %%\n", jitter * 100.0);
  printf ("zlib level:             %d\n", level ? level : 1);
  printf ("file size:              %lld bytes (events frames %llu bytes)\n",
          (long long) st.st_size, (unsigned long long) event_bytes);
  printf ("bytes per call+return:  %.3f\n", (double) st.st_size / (double) (n / 2));
  printf ("bytes per event:        %.3f\n", (double) st.st_size / (double) n);
  printf ("write:                  %.1f M events/s per CPU second (%.1f M/s wall, %.3f s)\n",
          (double) n / write_cpu / 1e6, (double) n / write_s / 1e6, write_s);
  printf ("read (open + decode):   %.1f M events/s per CPU second (%.1f M/s wall, %.3f s)\n",
          (double) n / read_cpu / 1e6, (double) n / read_s / 1e6, read_s);
  printf ("  of which open (crc):   %.3f CPU s; decode (inflate + varints): %.3f CPU s\n",
          open_cpu, read_cpu - open_cpu);
  if (!getenv ("TC_BENCH_KEEP")) unlink (path); else printf ("kept %s\n", path);
  free (events);
  free (out);
  free (scratch);
  return 0;
}
