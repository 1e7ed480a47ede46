"""Twin of loop_arith_for.lox: loop_arith's Mandelbrot counts in another shape.

Python's `for ... in range` stands for the Lox program's `for` loops, and its
escape flag and temporaries are kept.
"""

import sys


def mandelbrot(size):
    max_iterations = 50
    total_iterations = 0
    inside = 0
    for row in range(size):
        ci = 2.5 * row / size - 1.25
        for column in range(size):
            cr = 2.5 * column / size - 2.0
            zr = 0.0
            zi = 0.0
            i = 0
            escaped = False
            while not escaped and i < max_iterations:
                zr2 = zr * zr
                zi2 = zi * zi
                if zr2 + zi2 > 4.0:
                    escaped = True
                else:
                    next_zi = 2.0 * zr * zi + ci
                    zr = zr2 - zi2 + cr
                    zi = next_zi
                    i = i + 1
            total_iterations = total_iterations + i
            if i == max_iterations:
                inside = inside + 1
    # loop_arith_for.lox prints both counts as exact decimal text.
    print(total_iterations)
    print(inside)


mandelbrot(int(sys.argv[1]) if len(sys.argv) > 1 else 450)
