# SPDX-License-Identifier: MIT
"""Loop-heavy: few calls, long pure-Python loops (sieve, matrix product, string
building).  A call tracer should cost almost nothing here."""

SIZES = {"quick": 200_000, "full": 600_000}


def sieve(n):
    flags = bytearray([1]) * (n + 1)
    flags[0] = flags[1] = 0
    i = 2
    while i * i <= n:
        if flags[i]:
            for j in range(i * i, n + 1, i):
                flags[j] = 0
        i += 1
    count = 0
    for f in flags:
        count += f
    return count


def matmul(a, b):
    n, m, p = len(a), len(b), len(b[0])
    out = [[0.0] * p for _ in range(n)]
    for i in range(n):
        row = a[i]
        orow = out[i]
        for k in range(m):
            aik = row[k]
            brow = b[k]
            for j in range(p):
                orow[j] += aik * brow[j]
    return out


def checksum(n):
    h = 0
    for i in range(n):
        h = (h * 31 + i) & 0xFFFFFFFF
        if h & 1:
            h ^= i << 3
    return h


def run(size):
    n = max(4, int(size ** (1 / 3) * 2))   # matrix side
    a = [[float(i * j % 7) for j in range(n)] for i in range(n)]
    return sieve(size) + int(matmul(a, a)[3][2]) + checksum(size)
