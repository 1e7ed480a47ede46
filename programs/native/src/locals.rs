//! Twin of locals.lox: a counting loop over six local variables.

pub fn run(n: u64) -> String {
    let limit = n as i64;
    let modulus = 999983;
    let mut a: i64 = 0;
    let mut b: i64 = 1;
    let mut c: i64 = 2;
    let mut i = 0;
    while i < limit {
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
        i += 1;
    }
    format!("{a}\n{b}\n{c}\n")
}
