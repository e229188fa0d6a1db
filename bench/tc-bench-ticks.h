/* SPDX-License-Identifier: MIT
 *
 * tc-bench-ticks.h: the floor hooks' shared cost model — one clock read and
 * one 16-byte store per event into a per-thread ring, what a recorder cannot
 * do with less.  Included by tc-bench-hook.c and tc-bench-eval-hook.c.
 */
#pragma once

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static inline uint64_t
now_ticks (void)
{
  return __rdtsc ();
}
#else
static inline uint64_t
now_ticks (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
}
#endif

typedef struct
{
  uint64_t    ticks;
  const void *code;
} Slot;

#define RING 4096   /* a power of two: the index wraps with a mask */

static __thread Slot     ring[RING];
static __thread uint32_t ring_pos;
