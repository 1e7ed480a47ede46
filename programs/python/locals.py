"""Twin of locals.lox: a counting loop whose every variable is a local.

Python has no block scope, so the loop sits in a function, where CPython keeps
every name in a fixed slot, as the Lox block does.
"""

import sys


def run(limit):
    modulus = 999983
    a = 0
    b = 1
    c = 2
    i = 0
    while i < limit:
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
        i = i + 1
    print(a)
    print(b)
    print(c)


run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000000)
