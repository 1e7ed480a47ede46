"""Twin of method_call.lox: calling methods on a few long-lived instances."""

import sys


class Accumulator:
    def __init__(self, modulus):
        self.total = 0
        self.modulus = modulus

    def add(self, amount):
        self.total = self.total + amount
        if self.total >= self.modulus:
            self.total = self.total - self.modulus
        return self

    def double(self):
        return self.add(self.total)

    def value(self):
        return self.total


class Ticker:
    """Says True once every `period` calls."""

    def __init__(self, period):
        self.period = period
        self.count = 0

    def tick(self):
        self.count = self.count + 1
        if self.count == self.period:
            self.count = 0
            return True
        return False


def run(n):
    total = Accumulator(999983)
    ticker = Ticker(7)
    add_one = total.add
    for _ in range(n):
        total.add(3).add(4)
        if ticker.tick():
            total.double()
        add_one(1)
        total.add(total.value() - total.value() + 2)
    return total.value()


print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 800000))
