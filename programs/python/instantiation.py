"""Twin of instantiation.lox: creating many short-lived instances."""

import sys


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Marker:
    pass


class Pair:
    def __init__(self, first, second):
        self.first = first
        self.second = second
        second.tag = 1


def run(n):
    total = 0
    for i in range(n):
        point = Point(i, 2)
        pair = Pair(point, Marker())
        total = total + pair.first.x + pair.first.y + pair.second.tag
        while total >= 999983:
            total = total - 999983
    return total


print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 1000000))
