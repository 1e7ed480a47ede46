"""Twin of globals_function.lox: the globals loop run from a function.

As in the Lox program, every variable is a module-level global (declared
`global` in the function, so each access is a dictionary lookup).
"""

import sys

limit = int(sys.argv[1]) if len(sys.argv) > 1 else 2000000
modulus = 999983
a = 0
b = 1
c = 2
i = 0


def count():
    global a, b, c, i
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


count()
print(a)
print(b)
print(c)
