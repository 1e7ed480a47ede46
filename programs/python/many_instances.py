"""Twin of many_instances.lox: a particle simulation over a linked list."""

import sys


class Particle:
    def __init__(self, x, y, vx, vy, next_particle):
        self.x = x
        self.y = y
        self.vx = vx
        self.vy = vy
        self.next = next_particle

    def steer_towards(self, other):
        """Nudges the velocity by one towards `other`, up to a speed of 8."""
        if other.x > self.x:
            if self.vx < 8:
                self.vx = self.vx + 1
        elif other.x < self.x:
            if self.vx > -8:
                self.vx = self.vx - 1
        if other.y > self.y:
            if self.vy < 8:
                self.vy = self.vy + 1
        elif other.y < self.y:
            if self.vy > -8:
                self.vy = self.vy - 1

    def move(self, size):
        """Moves one step inside [0, size) on both axes; returns the walls hit."""
        bounces = 0
        self.x = self.x + self.vx
        if self.x < 0:
            self.x = -self.x
            self.vx = -self.vx
            bounces = bounces + 1
        elif self.x >= size:
            self.x = 2 * (size - 1) - self.x
            self.vx = -self.vx
            bounces = bounces + 1
        self.y = self.y + self.vy
        if self.y < 0:
            self.y = -self.y
            self.vy = -self.vy
            bounces = bounces + 1
        elif self.y >= size:
            self.y = 2 * (size - 1) - self.y
            self.vy = -self.vy
            bounces = bounces + 1
        return bounces


class Random:
    """The Park-Miller "minimal standard" generator, as in the Lox program
    (which computes the same remainders by repeated subtraction)."""

    def __init__(self, seed):
        self.seed = seed

    def below(self, limit):
        self.seed = (self.seed * 16807) % 2147483647
        return self.seed % limit


def run(count):
    size = 500
    random = Random(42)
    head = None
    for _ in range(count):
        x = random.below(size)
        y = random.below(size)
        vx = random.below(17) - 8
        vy = random.below(17) - 8
        head = Particle(x, y, vx, vy, head)

    bounces = 0
    for _ in range(40):
        previous = head
        particle = head.next
        while particle is not None:
            particle.steer_towards(previous)
            previous = particle
            particle = particle.next
        particle = head
        while particle is not None:
            bounces = bounces + particle.move(size)
            particle = particle.next

    coordinates = 0
    particle = head
    while particle is not None:
        coordinates = coordinates + particle.x + particle.y
        if coordinates >= 999983:
            coordinates = coordinates - 999983
        particle = particle.next
    print(bounces)
    print(coordinates)


run(int(sys.argv[1]) if len(sys.argv) > 1 else 15000)
