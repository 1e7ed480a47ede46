"""Twin of closures.lox: making, composing and calling closures."""

import sys


def make_adder(k):
    def add(x):
        return x + k

    return add


def compose(outer, inner):
    def both(x):
        return outer(inner(x))

    return both


def make_counter(modulus):
    total = 0

    def step(amount):
        nonlocal total
        total = total + amount
        if total >= modulus:
            total = total - modulus
        return total

    return step


def make_shifter(base):
    def with_step(step_size):
        def shift(x):
            return x + base * step_size

        return shift

    return with_step


def run(n):
    count = make_counter(999983)
    shifter = make_shifter(3)
    result = 0
    for i in range(n):
        cell = i

        def read():
            return cell

        def write(value):
            nonlocal cell
            cell = value

        write(read() + 2)
        f = compose(make_adder(cell), make_adder(1))
        g = shifter(i)
        result = count(g(f(5)) - cell - 3 * i)
        result = count(read())
    return result


print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 400000))
