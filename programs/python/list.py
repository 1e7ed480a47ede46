"""Twin of list.lox: AWFY's List micro-benchmark."""

import sys


class Element:
    def __init__(self, value):
        self.value = value
        self.next = None

    def length(self):
        if self.next is None:
            return 1
        return 1 + self.next.length()


def make_list(length):
    if length == 0:
        return None
    element = Element(length)
    element.next = make_list(length - 1)
    return element


def is_shorter_than(x, y):
    """Whether list x is shorter than list y."""
    x_tail = x
    y_tail = y
    while y_tail is not None:
        if x_tail is None:
            return True
        x_tail = x_tail.next
        y_tail = y_tail.next
    return False


def tail(x, y, z):
    if is_shorter_than(y, x):
        return tail(tail(x.next, y, z), tail(y.next, z, x), tail(z.next, x, y))
    return z


def benchmark():
    result = tail(make_list(15), make_list(10), make_list(6))
    return result.length()


def verify_result(result):
    return result == 10


def inner_benchmark_loop(iterations):
    """AWFY's inner loop: prints the last result and whether all were right."""
    result = None
    for _ in range(iterations):
        result = benchmark()
        if not verify_result(result):
            print(result)
            return False
    print(result)
    return True


print("true" if inner_benchmark_loop(int(sys.argv[1]) if len(sys.argv) > 1 else 300) else "false")
