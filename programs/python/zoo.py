"""Twin of zoo.lox: many small, distinct methods called in a loop."""

import sys


class Greenhouse:
    def __init__(self):
        self.basil = 1
        self.clover = 2
        self.daisy = 3
        self.fern = 4
        self.heather = 5
        self.ivy = 6
        self.lavender = 7
        self.mint = 8
        self.orchid = 9
        self.thyme = 10

    def basil_count(self):
        return self.basil

    def clover_count(self):
        return self.clover

    def daisy_count(self):
        return self.daisy

    def fern_count(self):
        return self.fern

    def heather_count(self):
        return self.heather

    def ivy_count(self):
        return self.ivy

    def lavender_count(self):
        return self.lavender

    def mint_count(self):
        return self.mint

    def orchid_count(self):
        return self.orchid

    def thyme_count(self):
        return self.thyme

    def herbs(self):
        return self.basil_count() + self.mint_count() + self.thyme_count()

    def flowers(self):
        return (
            self.daisy_count()
            + self.heather_count()
            + self.lavender_count()
            + self.orchid_count()
        )

    def water(self, amount):
        self.ivy = self.ivy + amount
        if self.ivy > 100:
            self.ivy = 6


def run(n):
    house = Greenhouse()
    total = 0
    for _ in range(n):
        total = (
            total
            + house.basil_count()
            + house.clover_count()
            + house.daisy_count()
            + house.fern_count()
            + house.heather_count()
            + house.ivy_count()
            + house.lavender_count()
            + house.mint_count()
            + house.orchid_count()
            + house.thyme_count()
            + house.herbs()
            + house.flowers()
        )
        house.water(1)
        if total >= 999983:
            total = total - 999983
    return total


print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 600000))
