//! The square root, sine and cosine of the Lox programs, which Lox lacks:
//! each program computes them with IEEE operations of its own, and its twin
//! performs the same operations in the same order, so both arrive at the same
//! doubles (which may differ from the C library's in the last bit).

/// `sqrt` of nbody.lox and cd.lox: `x` scaled by powers of 4 into [1, 4),
/// four Newton steps from a linear first guess, scaled back by the matching
/// power of 2.
pub fn sqrt(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let mut x = x;
    let mut scale = 1.0;
    while x >= 4.0 {
        x /= 4.0;
        scale *= 2.0;
    }
    while x < 1.0 {
        x *= 4.0;
        scale /= 2.0;
    }
    let mut root = 0.6 + 0.35 * x;
    for _ in 0..4 {
        root = (root + x / root) / 2.0;
    }
    root * scale
}

/// 2 pi, the double the Lox programs write as 6.283185307179586.
const TWO_PI: f64 = std::f64::consts::TAU;

/// `x` less the whole number of turns that brings it into [-pi, pi].
fn reduce_angle(x: f64) -> f64 {
    x - TWO_PI * (x / TWO_PI + 0.5).floor()
}

/// `sin` of cd.lox: the reduced angle's Taylor series to the x^27 / 27! term.
pub fn sin(x: f64) -> f64 {
    let r = reduce_angle(x);
    let r2 = r * r;
    let mut term = r;
    let mut sum = r;
    let mut n = 2.0;
    while n < 28.0 {
        term = -term * r2 / (n * (n + 1.0));
        sum += term;
        n += 2.0;
    }
    sum
}

/// `cos` of cd.lox: the reduced angle's Taylor series to the x^26 / 26! term.
pub fn cos(x: f64) -> f64 {
    let r = reduce_angle(x);
    let r2 = r * r;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut n = 1.0;
    while n < 27.0 {
        term = -term * r2 / (n * (n + 1.0));
        sum += term;
        n += 2.0;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_an_ulp_or_so_of_the_library() {
        for i in 0..2000 {
            let x = f64::from(i) * 0.0123;
            assert!((sqrt(x) - x.sqrt()).abs() <= 2.0 * f64::EPSILON * x.sqrt().max(1.0));
            assert!((sin(x) - x.sin()).abs() < 1e-14);
            assert!((cos(x) - x.cos()).abs() < 1e-14);
        }
    }
}
