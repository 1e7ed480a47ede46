//! Twin of globals.lox: the counting loop over the program's global state.
//!
//! Rust has no late-bound globals; the nearest is the program's state in one
//! struct that the loop reads and writes through a mutable reference, and the
//! compiler may keep it in registers as it would locals.

struct Globals {
    limit: i64,
    modulus: i64,
    a: i64,
    b: i64,
    c: i64,
    i: i64,
}

pub fn run(n: u64) -> String {
    let mut globals = Globals { limit: n as i64, modulus: 999983, a: 0, b: 1, c: 2, i: 0 };
    let g = &mut globals;
    while g.i < g.limit {
        g.a += 7;
        if g.a >= g.modulus {
            g.a -= g.modulus;
        }
        g.b += g.a;
        if g.b >= g.modulus {
            g.b -= g.modulus;
        }
        g.c = g.c + g.b - g.a;
        if g.c >= g.modulus {
            g.c -= g.modulus;
        }
        if g.c < 0 {
            g.c += g.modulus;
        }
        g.i += 1;
    }
    format!("{}\n{}\n{}\n", g.a, g.b, g.c)
}
