"""Twin of sieve.lox: AWFY's Sieve micro-benchmark.

The Lox program's Array class (Lox has no arrays) is a list here.
"""

import sys


def sieve(flags, size):
    prime_count = 0
    for i in range(2, size + 1):
        if flags[i - 1]:
            prime_count = prime_count + 1
            k = i + i
            while k <= size:
                flags[k - 1] = False
                k = k + i
    return prime_count


def benchmark():
    flags = [True] * 5000
    return sieve(flags, 5000)


def verify_result(result):
    return result == 669


def inner_benchmark_loop(iterations):
    """AWFY's inner loop: prints the last result and whether all were right."""
    result = None
    for _ in range(iterations):
        result = benchmark()
        if not verify_result(result):
            print(result)
            return False
    print(result)
    return True


print("true" if inner_benchmark_loop(int(sys.argv[1]) if len(sys.argv) > 1 else 40) else "false")
