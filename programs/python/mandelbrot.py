"""Twin of mandelbrot.lox: AWFY's Mandelbrot micro-benchmark."""

import sys


def mandelbrot(size):
    total = 0
    byte_acc = 0
    bit_num = 0
    y = 0
    while y < size:
        ci = (2.0 * y / size) - 1.0
        x = 0
        while x < size:
            zrzr = 0.0
            zi = 0.0
            zizi = 0.0
            cr = (2.0 * x / size) - 1.5
            z = 0
            not_done = True
            escape = 0
            while not_done and z < 50:
                zr = zrzr - zizi + cr
                zi = 2.0 * zr * zi + ci
                # Keep the squares for the next iteration.
                zrzr = zr * zr
                zizi = zi * zi
                if zrzr + zizi > 4.0:
                    not_done = False
                    escape = 1
                z = z + 1
            byte_acc = (byte_acc << 1) + escape
            bit_num = bit_num + 1
            if bit_num == 8:
                total = total ^ byte_acc
                byte_acc = 0
                bit_num = 0
            elif x == size - 1:
                byte_acc = byte_acc << (8 - bit_num)
                total = total ^ byte_acc
                byte_acc = 0
                bit_num = 0
            x = x + 1
        y = y + 1
    return total


def verify_result(result, size):
    """The checksums AWFY lists and those of the sizes this suite runs."""
    known = {1: 128, 500: 191, 750: 50, 300: 191, 40: 242}
    if size not in known:
        print("no checksum known for this size")
        return False
    return result == known[size]


n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
result = mandelbrot(n)
print(result)
print("true" if verify_result(result, n) else "false")
