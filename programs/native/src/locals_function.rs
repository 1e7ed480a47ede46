//! Twin of locals_function.lox: the locals loop in a function, with `for`.

fn count(limit: u64) -> String {
    let modulus = 999983;
    let mut a: i64 = 0;
    let mut b: i64 = 1;
    let mut c: i64 = 2;
    for _ in 0..limit {
        a += 7;
        if a >= modulus {
            a -= modulus;
        }
        b += a;
        if b >= modulus {
            b -= modulus;
        }
        c = c + b - a;
        if c >= modulus {
            c -= modulus;
        }
        if c < 0 {
            c += modulus;
        }
    }
    format!("{a}\n{b}\n{c}\n")
}

pub fn run(n: u64) -> String {
    count(n)
}
