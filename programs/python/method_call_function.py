"""Twin of method_call_function.lox: method_call's calls as functions."""

import sys


class Accumulator:
    def __init__(self, modulus):
        self.total = 0
        self.modulus = modulus


def add(accumulator, amount):
    accumulator.total = accumulator.total + amount
    if accumulator.total >= accumulator.modulus:
        accumulator.total = accumulator.total - accumulator.modulus
    return accumulator


def double(accumulator):
    return add(accumulator, accumulator.total)


def value(accumulator):
    return accumulator.total


class Ticker:
    """Says True once every `period` calls of tick."""

    def __init__(self, period):
        self.period = period
        self.count = 0


def tick(ticker):
    ticker.count = ticker.count + 1
    if ticker.count == ticker.period:
        ticker.count = 0
        return True
    return False


def run(n):
    total = Accumulator(999983)
    ticker = Ticker(7)

    def add_one(amount):
        return add(total, amount)

    for _ in range(n):
        add(add(total, 3), 4)
        if tick(ticker):
            double(total)
        add_one(1)
        add(total, value(total) - value(total) + 2)
    return value(total)


print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 800000))
