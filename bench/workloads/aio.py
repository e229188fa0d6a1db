# SPDX-License-Identifier: MIT
"""asyncio + generators: tasks that await each other and yield to the loop,
an async generator, and a synchronous generator pipeline."""

import asyncio

SIZES = {"quick": 1_000, "full": 4_000}   # items per producer


def numbers(n):
    for i in range(n):
        yield i


def squares(it):
    for x in it:
        yield x * x


def evens(it):
    for x in it:
        if x % 2 == 0:
            yield x


async def ticker(n):
    for i in range(n):
        if i % 8 == 0:
            await asyncio.sleep(0)
        yield i


async def transform(x):
    await asyncio.sleep(0) if x % 16 == 0 else None
    return sum(evens(squares(numbers(x % 20))))


async def producer(q, n):
    async for i in ticker(n):
        await q.put(await transform(i))
    await q.put(None)


async def consumer(q):
    total = 0
    while True:
        x = await q.get()
        if x is None:
            return total
        total += x


async def main(size):
    results = []
    for _ in range(4):
        q = asyncio.Queue(maxsize=32)
        results.append(asyncio.gather(producer(q, size), consumer(q)))
    return [r[1] for r in await asyncio.gather(*results)]


def run(size):
    return asyncio.run(main(size))
