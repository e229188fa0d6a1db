# SPDX-License-Identifier: MIT
"""Recursive fib: the call-heavy extreme (tiny bodies, deep recursion)."""

SIZES = {"quick": 27, "full": 30}   # 635,621 / 2,692,537 calls


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def run(size):
    return fib(size)
