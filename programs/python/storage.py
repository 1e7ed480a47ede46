"""Twin of storage.lox: AWFY's Storage micro-benchmark.

The Lox program's Array class (Lox has no arrays) is a list here.
"""

import sys


class Random:
    """AWFY's 16-bit linear congruential generator."""

    def __init__(self):
        self.seed = 74755

    def next(self):
        self.seed = ((self.seed * 1309) + 13849) & 65535
        return self.seed


class Storage:
    def __init__(self):
        self.count = 0

    def run(self):
        random = Random()
        self.count = 0
        self.build_tree_depth(7, random)
        return self.count

    def build_tree_depth(self, depth, random):
        self.count = self.count + 1
        if depth == 1:
            return [None] * (random.next() % 10 + 1)
        array = [None] * 4
        for i in range(4):
            array[i] = self.build_tree_depth(depth - 1, random)
        return array


def benchmark():
    return Storage().run()


def verify_result(result):
    return result == 5461


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


print("true" if inner_benchmark_loop(int(sys.argv[1]) if len(sys.argv) > 1 else 40) else "false")
