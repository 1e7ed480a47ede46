"""Twin of fib.lox: the naive doubly recursive Fibonacci function."""

import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 2) + fib(n - 1)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 35
    # fib.lox prints the exact decimal text of the result.
    print(fib(n))


main()
