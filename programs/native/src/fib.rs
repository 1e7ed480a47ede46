//! Twin of fib.lox: the naive doubly recursive Fibonacci function.

fn fib(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    fib(n - 2) + fib(n - 1)
}

pub fn run(n: u64) -> String {
    format!("{}\n", fib(n))
}
