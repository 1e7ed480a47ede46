//! Twin of fib_locals.lox: fib with its two results in locals and an if/else
//! (which in Rust is the expression that one return would hand back).

fn fib(n: u64) -> u64 {
    if n < 2 {
        n
    } else {
        let smaller = fib(n - 2);
        let larger = fib(n - 1);
        smaller + larger
    }
}

pub fn run(n: u64) -> String {
    format!("{}\n", fib(n))
}
