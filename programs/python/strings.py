"""Twin of strings.lox: building short strings by concatenation."""

import sys


def digit_text(d):
    if d < 5:
        if d < 2:
            if d < 1:
                return "0"
            return "1"
        if d < 3:
            return "2"
        if d < 4:
            return "3"
        return "4"
    if d < 7:
        if d < 6:
            return "5"
        return "6"
    if d < 8:
        return "7"
    if d < 9:
        return "8"
    return "9"


def run(n):
    # The odometer's digits, least significant first, as numbers and as text.
    d0 = d1 = d2 = d3 = d4 = d5 = 0
    t0 = t1 = t2 = t3 = t4 = t5 = "0"

    palindromes = 0
    last_palindrome = ""
    line = ""
    in_line = 0
    last_line = ""

    for _ in range(n):
        forward = t5 + t4 + t3 + t2 + t1 + t0
        backward = t0 + t1 + t2 + t3 + t4 + t5
        if forward == backward:
            palindromes = palindromes + 1
            last_palindrome = forward

        line = line + forward + ";"
        in_line = in_line + 1
        if in_line == 8:
            last_line = line
            line = ""
            in_line = 0

        # Advance the odometer by one, carrying into higher digits.
        d0 = d0 + 1
        if d0 == 10:
            d0 = 0
            d1 = d1 + 1
            if d1 == 10:
                d1 = 0
                d2 = d2 + 1
                if d2 == 10:
                    d2 = 0
                    d3 = d3 + 1
                    if d3 == 10:
                        d3 = 0
                        d4 = d4 + 1
                        if d4 == 10:
                            d4 = 0
                            d5 = d5 + 1
                            if d5 == 10:
                                d5 = 0
                            t5 = digit_text(d5)
                        t4 = digit_text(d4)
                    t3 = digit_text(d3)
                t2 = digit_text(d2)
            t1 = digit_text(d1)
        t0 = digit_text(d0)

    print(palindromes)
    print(last_palindrome)
    print(last_line)


run(int(sys.argv[1]) if len(sys.argv) > 1 else 250000)
