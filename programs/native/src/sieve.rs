//! Twin of sieve.lox: AWFY's Sieve of Eratosthenes over 5000 flags.

use crate::awfy::inner_benchmark_loop;

fn sieve(flags: &mut [bool], size: usize) -> u64 {
    let mut prime_count = 0;
    for i in 2..=size {
        if flags[i - 1] {
            prime_count += 1;
            let mut k = i + i;
            while k <= size {
                flags[k - 1] = false;
                k += i;
            }
        }
    }
    prime_count
}

fn benchmark() -> u64 {
    let mut flags = vec![true; 5000];
    sieve(&mut flags, 5000)
}

pub fn run(n: u64) -> String {
    inner_benchmark_loop(n, benchmark, |&result| result == 669)
}
