"""Twin of bounce.lox: AWFY's Bounce micro-benchmark.

The Lox program keeps the balls in an Array class of its own (Lox has no
arrays); here they are in a list, as AWFY's Python keeps them.
"""

import sys


class Random:
    """AWFY's 16-bit linear congruential generator."""

    def __init__(self):
        self.seed = 74755

    def next(self):
        self.seed = ((self.seed * 1309) + 13849) & 65535
        return self.seed


class Ball:
    def __init__(self, random):
        self.x = random.next() % 500
        self.y = random.next() % 500
        self.x_vel = (random.next() % 300) - 150
        self.y_vel = (random.next() % 300) - 150

    def bounce(self):
        """Moves one step; says whether the ball hit a wall."""
        x_limit = 500
        y_limit = 500
        bounced = False
        self.x = self.x + self.x_vel
        self.y = self.y + self.y_vel
        if self.x > x_limit:
            self.x = x_limit
            self.x_vel = 0 - abs(self.x_vel)
            bounced = True
        if self.x < 0:
            self.x = 0
            self.x_vel = abs(self.x_vel)
            bounced = True
        if self.y > y_limit:
            self.y = y_limit
            self.y_vel = 0 - abs(self.y_vel)
            bounced = True
        if self.y < 0:
            self.y = 0
            self.y_vel = abs(self.y_vel)
            bounced = True
        return bounced


def benchmark():
    random = Random()
    ball_count = 100
    bounces = 0
    balls = [None] * ball_count
    for i in range(ball_count):
        balls[i] = Ball(random)
    for _ in range(50):
        for j in range(ball_count):
            if balls[j].bounce():
                bounces = bounces + 1
    return bounces


def verify_result(result):
    return result == 1331


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


print("true" if inner_benchmark_loop(int(sys.argv[1]) if len(sys.argv) > 1 else 150) else "false")
