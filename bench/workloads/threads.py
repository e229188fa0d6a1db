# SPDX-License-Identifier: MIT
"""Threads: four worker threads running Python code under the GIL, fed
through a queue (every thread is recorded, not just the main one)."""

import queue
import threading

SIZES = {"quick": 800, "full": 3_000}   # jobs per worker


def collatz_len(n):
    steps = 0
    while n != 1:
        n = step(n)
        steps += 1
    return steps


def step(n):
    return n // 2 if n % 2 == 0 else 3 * n + 1


def worker(jobs, results):
    while True:
        n = jobs.get()
        if n is None:
            return
        results.append(max(collatz_len(k) for k in range(n, n + 4)))


def run(size):
    jobs = queue.Queue()
    results = []
    threads = [threading.Thread(target=worker, args=(jobs, results)) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(size * 4):
        jobs.put(1 + i * 3 % 5000)
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    return sum(results)
