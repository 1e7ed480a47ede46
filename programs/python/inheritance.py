"""Twin of inheritance.lox: super calls down a five-level class hierarchy."""

import sys


class Shape:
    def __init__(self, size):
        self.size = size

    def weight(self):
        return self.size

    def base(self):
        return 1


class Polygon(Shape):
    def __init__(self, size):
        super().__init__(size + 1)
        self.sides = 3

    def weight(self):
        return super().weight() + self.sides


class Quad(Polygon):
    def __init__(self, size):
        super().__init__(size)
        self.sides = 4

    def weight(self):
        return super().weight() * 2


class Rectangle(Quad):
    """Inherits its initializer from Quad."""

    def weight(self):
        return super().weight() + self.base()


class Square(Rectangle):
    def __init__(self, size):
        super().__init__(size)
        self.extra = 5

    def weight(self):
        return super().weight() - self.extra + self.base()


def run(n):
    square = Square(1)
    quad = Quad(2)
    polygon = Polygon(3)
    countdown = 16
    generation = 0
    total = 0
    for _ in range(n):
        total = total + square.weight() + quad.weight() + polygon.weight() + square.base()
        if total >= 999983:
            total = total - 999983

        countdown = countdown - 1
        if countdown == 0:
            countdown = 16
            generation = generation + 1
            if generation == 50:
                generation = 0
            square = Square(generation)
            quad = Quad(generation + 1)
    return total


print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 800000))
