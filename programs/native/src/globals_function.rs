//! Twin of globals_function.lox: the globals loop run from a function, the
//! program's state one struct (see globals.rs).

struct Globals {
    limit: i64,
    modulus: i64,
    a: i64,
    b: i64,
    c: i64,
    i: i64,
}

fn count(g: &mut Globals) {
    g.i = 0;
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
}

pub fn run(n: u64) -> String {
    let mut globals = Globals { limit: n as i64, modulus: 999983, a: 0, b: 1, c: 2, i: 0 };
    count(&mut globals);
    format!("{}\n{}\n{}\n", globals.a, globals.b, globals.c)
}
