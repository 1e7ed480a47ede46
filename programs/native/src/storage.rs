//! Twin of storage.lox: AWFY's Storage, a tree of arrays seven levels deep.

use crate::awfy::{Random, inner_benchmark_loop};
use std::hint::black_box;

/// An array of elements that are either nothing (AWFY's null) or arrays.
struct Array(Vec<Option<Array>>);

struct Storage {
    count: u64,
}

impl Storage {
    fn run(&mut self) -> u64 {
        let mut random = Random::new();
        self.count = 0;
        black_box(self.build_tree_depth(7, &mut random));
        self.count
    }

    fn build_tree_depth(&mut self, depth: u32, random: &mut Random) -> Array {
        self.count += 1;
        if depth == 1 {
            let size = random.next() % 10 + 1;
            return Array((0..size).map(|_| None).collect());
        }
        let mut array = Array((0..4).map(|_| None).collect());
        for i in 0..4 {
            array.0[i] = Some(self.build_tree_depth(depth - 1, random));
        }
        array
    }
}

pub fn run(n: u64) -> String {
    inner_benchmark_loop(n, || Storage { count: 0 }.run(), |&result| result == 5461)
}
