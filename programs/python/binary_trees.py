"""Twin of binary_trees.lox: allocating, walking and dropping binary trees."""

import sys


class Tree:
    def __init__(self, left, right):
        self.left = left
        self.right = right

    def count(self):
        if self.left is None:
            return 1
        return 1 + self.left.count() + self.right.count()


def build(depth):
    if depth == 0:
        return Tree(None, None)
    return Tree(build(depth - 1), build(depth - 1))


def run(max_depth):
    min_depth = 4
    if max_depth < min_depth + 2:
        max_depth = min_depth + 2

    # binary_trees.lox prints every count as exact decimal text.
    print(build(max_depth + 1).count())

    long_lived = build(max_depth)

    for depth in range(min_depth, max_depth + 1, 2):
        iterations = 1
        for _ in range(max_depth - depth + min_depth):
            iterations = iterations * 2
        total = 0
        for _ in range(iterations):
            total = total + build(depth).count()
        print(total)

    print(long_lived.count())


run(int(sys.argv[1]) if len(sys.argv) > 1 else 13)
