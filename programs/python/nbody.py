"""Twin of nbody.lox: AWFY's NBody micro-benchmark.

The square root is the Lox program's own (Lox has none), step for step, so
that both compute the same doubles; the bodies are in a list where the Lox
program has its Array class.
"""

import sys

PI = 3.141592653589793
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24


def sqrt(x):
    """The Lox program's square root: scaled into [1, 4), four Newton steps."""
    if x == 0:
        return 0.0
    scale = 1.0
    while x >= 4:
        x = x / 4
        scale = scale * 2
    while x < 1:
        x = x * 4
        scale = scale / 2
    root = 0.6 + 0.35 * x
    root = (root + x / root) / 2
    root = (root + x / root) / 2
    root = (root + x / root) / 2
    root = (root + x / root) / 2
    return root * scale


class Body:
    def __init__(self, x, y, z, vx, vy, vz, mass):
        self.x = x
        self.y = y
        self.z = z
        self.vx = vx * DAYS_PER_YEAR
        self.vy = vy * DAYS_PER_YEAR
        self.vz = vz * DAYS_PER_YEAR
        self.mass = mass * SOLAR_MASS

    def offset_momentum(self, px, py, pz):
        self.vx = 0.0 - (px / SOLAR_MASS)
        self.vy = 0.0 - (py / SOLAR_MASS)
        self.vz = 0.0 - (pz / SOLAR_MASS)


def jupiter():
    return Body(
        4.84143144246472090,
        -1.16032004402742839,
        -0.103622044471123109,
        0.00166007664274403694,
        0.00769901118419740425,
        -0.0000690460016972063023,
        0.000954791938424326609,
    )


def saturn():
    return Body(
        8.34336671824457987,
        4.12479856412430479,
        -0.403523417114321381,
        -0.00276742510726862411,
        0.00499852801234917238,
        0.0000230417297573763929,
        0.000285885980666130812,
    )


def uranus():
    return Body(
        12.8943695621391310,
        -15.1111514016986312,
        -0.223307578892655734,
        0.00296460137564761618,
        0.00237847173959480950,
        -0.0000296589568540237556,
        0.0000436624404335156298,
    )


def neptune():
    return Body(
        15.3796971148509165,
        -25.9193146099879641,
        0.179258772950371181,
        0.00268067772490389322,
        0.00162824170038242295,
        -0.0000951592254519715870,
        0.0000515138902046611451,
    )


def sun():
    return Body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)


class NBodySystem:
    def __init__(self):
        self.bodies = self.create_bodies()

    def create_bodies(self):
        bodies = [sun(), jupiter(), saturn(), uranus(), neptune()]
        px = 0.0
        py = 0.0
        pz = 0.0
        for b in bodies:
            px = px + b.vx * b.mass
            py = py + b.vy * b.mass
            pz = pz + b.vz * b.mass
        bodies[0].offset_momentum(px, py, pz)
        return bodies

    def advance(self, dt):
        bodies = self.bodies
        count = len(bodies)
        for i in range(count):
            i_body = bodies[i]
            for j in range(i + 1, count):
                j_body = bodies[j]
                dx = i_body.x - j_body.x
                dy = i_body.y - j_body.y
                dz = i_body.z - j_body.z
                d_squared = dx * dx + dy * dy + dz * dz
                distance = sqrt(d_squared)
                mag = dt / (d_squared * distance)
                i_body.vx = i_body.vx - (dx * j_body.mass * mag)
                i_body.vy = i_body.vy - (dy * j_body.mass * mag)
                i_body.vz = i_body.vz - (dz * j_body.mass * mag)
                j_body.vx = j_body.vx + (dx * i_body.mass * mag)
                j_body.vy = j_body.vy + (dy * i_body.mass * mag)
                j_body.vz = j_body.vz + (dz * i_body.mass * mag)
        for body in bodies:
            body.x = body.x + dt * body.vx
            body.y = body.y + dt * body.vy
            body.z = body.z + dt * body.vz

    def energy(self):
        e = 0.0
        bodies = self.bodies
        count = len(bodies)
        for i in range(count):
            i_body = bodies[i]
            e = e + 0.5 * i_body.mass * (
                i_body.vx * i_body.vx + i_body.vy * i_body.vy + i_body.vz * i_body.vz
            )
            for j in range(i + 1, count):
                j_body = bodies[j]
                dx = i_body.x - j_body.x
                dy = i_body.y - j_body.y
                dz = i_body.z - j_body.z
                distance = sqrt(dx * dx + dy * dy + dz * dz)
                e = e - (i_body.mass * j_body.mass) / distance
        return e


# The energies AWFY lists (after 1 and 250000 steps) and those after the
# numbers of steps this suite runs, computed with an exact square root.
KNOWN_ENERGIES = {
    1: -0.16907495402506745,
    250000: -0.1690859889909308,
    1000: -0.169087605234606,
    30000: -0.1690206949096506,
}


def verify_result(energy, steps):
    if steps not in KNOWN_ENERGIES:
        print("no energy known for this number of steps")
        return False
    return abs(energy - KNOWN_ENERGIES[steps]) < 1e-12


def decimal_text(x):
    """x rounded to nine decimal places, as the Lox program writes it."""
    sign = ""
    if x < 0:
        sign = "-"
        x = -x
    scaled = int(x * 1000000000 + 0.5)
    return sign + str(scaled // 1000000000) + "." + str(scaled % 1000000000).rjust(9, "0")


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    system = NBodySystem()
    for _ in range(steps):
        system.advance(0.01)
    energy = system.energy()
    print(decimal_text(energy))
    print("true" if verify_result(energy, steps) else "false")


main()
