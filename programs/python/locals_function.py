"""Twin of locals_function.lox: the locals loop in a function, with `for`."""

import sys


def count(limit):
    modulus = 999983
    a = 0
    b = 1
    c = 2
    for _ in range(limit):
        a = a + 7
        if a >= modulus:
            a = a - modulus
        b = b + a
        if b >= modulus:
            b = b - modulus
        c = c + b - a
        if c >= modulus:
            c = c - modulus
        if c < 0:
            c = c + modulus
    print(a)
    print(b)
    print(c)


count(int(sys.argv[1]) if len(sys.argv) > 1 else 2000000)
