"""Twin of loop_arith.lox: escape-time iteration of the Mandelbrot set."""

import sys


def mandelbrot(size):
    max_iterations = 50
    total_iterations = 0
    inside = 0
    row = 0
    while row < size:
        ci = 2.5 * row / size - 1.25
        column = 0
        while column < size:
            cr = 2.5 * column / size - 2.0
            zr = 0.0
            zi = 0.0
            zr2 = 0.0
            zi2 = 0.0
            i = 0
            while i < max_iterations and zr2 + zi2 <= 4.0:
                zi = 2.0 * zr * zi + ci
                zr = zr2 - zi2 + cr
                zr2 = zr * zr
                zi2 = zi * zi
                i = i + 1
            total_iterations = total_iterations + i
            if i == max_iterations:
                inside = inside + 1
            column = column + 1
        row = row + 1
    # loop_arith.lox prints both counts as exact decimal text.
    print(total_iterations)
    print(inside)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 450
    mandelbrot(n)


main()
