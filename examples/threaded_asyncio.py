# SPDX-License-Identifier: MIT
"""A threaded asyncio program: two event loops in worker threads plus one in
the main thread, each running tasks that await, compute and call back."""
import asyncio, threading

def checksum(data):
    total = 0
    for b in data:
        total = (total * 31 + b) % 1000003
    return total

async def fetch(i):
    await asyncio.sleep(0.001)
    return bytes((i * k) % 256 for k in range(200))

async def handle(i):
    data = await fetch(i)
    return checksum(data)

async def batch(n):
    return sum(await asyncio.gather(*(handle(i) for i in range(n))))

def worker(n, out):
    out.append(asyncio.run(batch(n)))

if __name__ == "__main__":
    out = []
    threads = [threading.Thread(target=worker, args=(40, out)) for _ in range(2)]
    for t in threads: t.start()
    out.append(asyncio.run(batch(40)))
    for t in threads: t.join()
    print(sorted(out))
