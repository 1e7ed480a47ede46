"""Twin of fib_locals.lox: fib with its results in locals and an if/else."""

import sys


def fib(n):
    if n < 2:
        result = n
    else:
        smaller = fib(n - 2)
        larger = fib(n - 1)
        result = smaller + larger
    return result


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 35
    # fib_locals.lox prints the exact decimal text of the result.
    print(fib(n))


main()
