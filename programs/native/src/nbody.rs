//! Twin of nbody.lox: AWFY's NBody, the Sun and the gas giants.
//!
//! The square root is nbody.lox's own ([`crate::math::sqrt`]), so that both
//! compute the same doubles.

use crate::math::sqrt;

/// The double nbody.lox writes as 3.141592653589793.
const PI: f64 = std::f64::consts::PI;
const SOLAR_MASS: f64 = 4.0 * PI * PI;
const DAYS_PER_YEAR: f64 = 365.24;

struct Body {
    x: f64,
    y: f64,
    z: f64,
    vx: f64,
    vy: f64,
    vz: f64,
    mass: f64,
}

impl Body {
    fn new(x: f64, y: f64, z: f64, vx: f64, vy: f64, vz: f64, mass: f64) -> Body {
        Body {
            x,
            y,
            z,
            vx: vx * DAYS_PER_YEAR,
            vy: vy * DAYS_PER_YEAR,
            vz: vz * DAYS_PER_YEAR,
            mass: mass * SOLAR_MASS,
        }
    }

    fn offset_momentum(&mut self, px: f64, py: f64, pz: f64) {
        self.vx = 0.0 - (px / SOLAR_MASS);
        self.vy = 0.0 - (py / SOLAR_MASS);
        self.vz = 0.0 - (pz / SOLAR_MASS);
    }
}

#[rustfmt::skip]
#[allow(clippy::excessive_precision, reason = "the constants as AWFY and nbody.lox write them")]
fn create_bodies() -> Vec<Body> {
    let mut bodies = vec![
        Body::new(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0),
        Body::new(
            4.84143144246472090, -1.16032004402742839, -0.103622044471123109,
            0.00166007664274403694, 0.00769901118419740425, -0.0000690460016972063023,
            0.000954791938424326609,
        ),
        Body::new(
            8.34336671824457987, 4.12479856412430479, -0.403523417114321381,
            -0.00276742510726862411, 0.00499852801234917238, 0.0000230417297573763929,
            0.000285885980666130812,
        ),
        Body::new(
            12.8943695621391310, -15.1111514016986312, -0.223307578892655734,
            0.00296460137564761618, 0.00237847173959480950, -0.0000296589568540237556,
            0.0000436624404335156298,
        ),
        Body::new(
            15.3796971148509165, -25.9193146099879641, 0.179258772950371181,
            0.00268067772490389322, 0.00162824170038242295, -0.0000951592254519715870,
            0.0000515138902046611451,
        ),
    ];
    let mut px = 0.0;
    let mut py = 0.0;
    let mut pz = 0.0;
    for b in &bodies {
        px += b.vx * b.mass;
        py += b.vy * b.mass;
        pz += b.vz * b.mass;
    }
    bodies[0].offset_momentum(px, py, pz);
    bodies
}

fn advance(bodies: &mut [Body], dt: f64) {
    let count = bodies.len();
    for i in 0..count {
        let (head, tail) = bodies.split_at_mut(i + 1);
        let i_body = &mut head[i];
        for j_body in tail.iter_mut() {
            let dx = i_body.x - j_body.x;
            let dy = i_body.y - j_body.y;
            let dz = i_body.z - j_body.z;
            let d_squared = dx * dx + dy * dy + dz * dz;
            let distance = sqrt(d_squared);
            let mag = dt / (d_squared * distance);
            i_body.vx -= dx * j_body.mass * mag;
            i_body.vy -= dy * j_body.mass * mag;
            i_body.vz -= dz * j_body.mass * mag;
            j_body.vx += dx * i_body.mass * mag;
            j_body.vy += dy * i_body.mass * mag;
            j_body.vz += dz * i_body.mass * mag;
        }
    }
    for body in bodies.iter_mut() {
        body.x += dt * body.vx;
        body.y += dt * body.vy;
        body.z += dt * body.vz;
    }
}

fn energy(bodies: &[Body]) -> f64 {
    let mut e = 0.0;
    for (i, i_body) in bodies.iter().enumerate() {
        e += 0.5 * i_body.mass * (i_body.vx * i_body.vx + i_body.vy * i_body.vy + i_body.vz * i_body.vz);
        for j_body in &bodies[i + 1..] {
            let dx = i_body.x - j_body.x;
            let dy = i_body.y - j_body.y;
            let dz = i_body.z - j_body.z;
            let distance = sqrt(dx * dx + dy * dy + dz * dz);
            e -= (i_body.mass * j_body.mass) / distance;
        }
    }
    e
}

/// The energies AWFY lists and those after the numbers of steps this suite
/// runs, computed with a correctly rounded square root.
fn known_energy(steps: u64) -> Option<f64> {
    match steps {
        1 => Some(-0.16907495402506745),
        250000 => Some(-0.1690859889909308),
        1000 => Some(-0.169087605234606),
        30000 => Some(-0.1690206949096506),
        _ => None,
    }
}

/// x rounded to nine decimal places, as nbody.lox writes it.
fn fixed9(x: f64) -> String {
    let (sign, magnitude) = if x < 0.0 { ("-", -x) } else { ("", x) };
    let scaled = (magnitude * 1000000000.0 + 0.5).floor() as u64;
    format!("{sign}{}.{:09}", scaled / 1000000000, scaled % 1000000000)
}

pub fn run(n: u64) -> String {
    let mut bodies = create_bodies();
    for _ in 0..n {
        advance(&mut bodies, 0.01);
    }
    let e = energy(&bodies);
    match known_energy(n) {
        Some(expected) => format!("{}\n{}\n", fixed9(e), (e - expected).abs() < 0.000000000001),
        None => format!("{}\nno energy known for this number of steps\nfalse\n", fixed9(e)),
    }
}
