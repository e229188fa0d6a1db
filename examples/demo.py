# SPDX-License-Identifier: MIT
"""The bundled timecapsule example: a small "training run" that exercises
every kind of data the viewer shows.

    python3 examples/demo.py            # writes demo.tc (or demo-1.tc …)
    timecapsule-viewer demo.tc
"""

import random
import threading
import time

import timecapsule as tc

random.seed(7)


@tc.trace(warn_slow_ms=15)
def load_batch(step):
    """Simulated I/O: sleeps 0–17 ms, so a few calls trip TRACE_SLOW."""
    delay = random.uniform(0.0, 0.017)
    time.sleep(delay)
    batch = [random.random() for _ in range(8)]
    return batch


def helper(batch):
    """Undecorated work with an inner loop."""
    acc = 0.0
    for i, x in enumerate(batch):
        for j in range(50):
            acc += (x * j) % 1.7
        acc -= i * 0.01
    return acc


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Model:
    def __init__(self):
        self.weights = [0.5] * 4

    def forward(self, batch):
        return sum(w * x for w, x in zip(self.weights, batch))

    def update(self, grad):
        self.weights = [w - 0.01 * grad for w in self.weights]


def background_logger(stop):
    """A second thread, so snapshots show more than the main thread."""
    lines_written = 0
    while not stop.is_set():
        lines_written += 1
        time.sleep(0.03)


def main():
    tc.watch_expr("n_history", "len(history)")
    tc.watch_condition("total > 300", label="total passed 300")
    tc.record(every=0.05, output="demo.tc", tags=["demo"])

    stop = threading.Event()
    logger = threading.Thread(target=background_logger, args=(stop,),
                              name="logger")
    logger.start()

    model = Model()
    history = []
    total = 0.0
    tc.checkpoint("training")
    with tc.profile_block("main_loop"):
        for step in range(40):
            batch = load_batch(step)
            total += helper(batch)
            pred = model.forward(batch)
            loss = abs(pred - 1.0) / (step + 1)
            if step == 20:
                loss = 50.0          # a deliberate spike
            model.update(loss if loss < 10 else 0.0)
            history.append(loss)     # a little list growth
            tc.metric("total", total)
            tc.metric("loss", loss)
            if step == 20:
                tc.snap("halfway")
    tc.checkpoint("training")

    result = fib(12)

    try:
        ratio = total / 0
    except ZeroDivisionError:
        ratio = None

    stop.set()
    logger.join()
    tc.stop()
    return result, ratio


if __name__ == "__main__":
    main()
