//! What the Are We Fast Yet programs share: the pseudo-random numbers and
//! the inner benchmark loop.

/// AWFY's 16-bit linear congruential generator, from the same seed in every
/// run.
#[derive(Debug)]
pub struct Random {
    seed: u32,
}

impl Random {
    pub fn new() -> Random {
        Random { seed: 74755 }
    }

    #[allow(clippy::should_implement_trait, reason = "AWFY calls it next")]
    pub fn next(&mut self) -> u32 {
        self.seed = (self.seed * 1309 + 13849) & 65535;
        self.seed
    }
}

impl Default for Random {
    fn default() -> Self {
        Random::new()
    }
}

/// AWFY's inner benchmark loop as the micro-benchmarks run it: `iterations`
/// runs of `benchmark`, each result verified; the output is the last result
/// and whether every run was right.
pub fn inner_benchmark_loop<T: std::fmt::Display>(
    iterations: u64,
    benchmark: impl Fn() -> T,
    verify_result: impl Fn(&T) -> bool,
) -> String {
    let mut last = None;
    for _ in 0..iterations {
        let result = benchmark();
        if !verify_result(&result) {
            return format!("{result}\nfalse\n");
        }
        last = Some(result);
    }
    match last {
        Some(result) => format!("{result}\ntrue\n"),
        None => "nil\ntrue\n".to_string(),
    }
}
