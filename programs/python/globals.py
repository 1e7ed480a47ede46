"""Twin of globals.lox: a counting loop whose every variable is a global.

As in the Lox program, the loop runs at module level, so every name is a
global (a dictionary lookup in CPython).
"""

import sys

limit = int(sys.argv[1]) if len(sys.argv) > 1 else 2000000
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
