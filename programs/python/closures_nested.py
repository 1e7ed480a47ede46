"""Twin of closures_nested.lox: closures.lox's closures nested in run."""

import sys


def run(n):
    total = 0
    modulus = 999983

    def count(amount):
        nonlocal total
        total = total + amount
        if total >= modulus:
            total = total - modulus
        return total

    def make_adder(k):
        def add(x):
            return x + k

        return add

    base = 3

    def shifter(step_size):
        def shift(x):
            return x + base * step_size

        return shift

    result = 0
    for i in range(n):
        cell = i

        def read():
            return cell

        def write(value):
            nonlocal cell
            cell = value

        write(read() + 2)
        outer = make_adder(cell)
        inner = make_adder(1)

        def both(x):
            return outer(inner(x))

        g = shifter(i)
        result = count(g(both(5)) - cell - 3 * i)
        result = count(read())
    return result


print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 400000))
