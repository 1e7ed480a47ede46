"""Twin of fields.lox: reading and writing fields of a few instances."""

import sys


class Box:
    pass


def run(n):
    box = Box()
    box.north = 1
    box.east = 2
    box.south = 3
    box.west = 4
    box.link = Box()
    box.link.counter = 0
    box.link.limit = 1000

    for _ in range(n):
        spare = box.north
        box.north = box.east
        box.east = box.south
        box.south = box.west
        box.west = spare + box.link.counter
        if box.west >= 999983:
            box.west = box.west - 999983

        box.link.counter = box.link.counter + 1
        if box.link.counter == box.link.limit:
            box.link.counter = 0
    total = box.north + box.east + box.south + box.west + box.link.counter
    while total >= 999983:
        total = total - 999983
    return total


print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 1500000))
