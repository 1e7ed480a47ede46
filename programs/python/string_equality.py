"""Twin of string_equality.lox: comparing strings with == and !=."""

import sys


def run(n):
    s0 = "the quick brown fox jumps over the lazy dog and runs far away"
    s1 = "lantern"
    s2 = "the quick brown fox jumps over the lazy dog and runs far awaY"
    s3 = "the quick brown fox jumps over " + "the lazy dog and runs far away"
    s4 = ""
    s5 = "lan" + "tern"
    s6 = "The quick brown fox jumps over the lazy dog and runs far away"
    s7 = "lanterns"

    hits = 0
    for _ in range(n):
        first = s0
        s0 = s1
        s1 = s2
        s2 = s3
        s3 = s4
        s4 = s5
        s5 = s6
        s6 = s7
        s7 = first

        if s0 == s1:
            hits = hits + 1
        if s0 == s2:
            hits = hits + 2
        if s0 == s3:
            hits = hits + 3
        if s0 == s4:
            hits = hits + 4
        if s0 == s5:
            hits = hits + 5
        if s0 == s6:
            hits = hits + 6
        if s0 != s7:
            hits = hits + 7
        # Lox's == never equates values of different types; Python's == on a
        # str and None, 0 or False is False as well.
        if s0 is None:
            hits = hits + 100
        if s0 == 0:
            hits = hits + 200
        if s0 is not False:
            hits = hits + 1
        if hits >= 999983:
            hits = hits - 999983
    return hits


print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 1500000))
