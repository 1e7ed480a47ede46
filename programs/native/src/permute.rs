//! Twin of permute.lox: AWFY's Permute, every permutation of six elements.

use crate::awfy::inner_benchmark_loop;

struct Permute {
    count: u64,
    v: Vec<i64>,
}

impl Permute {
    fn run(&mut self) -> u64 {
        self.count = 0;
        self.v = vec![0; 6];
        self.permute(6);
        self.count
    }

    fn permute(&mut self, n: usize) {
        self.count += 1;
        if n != 0 {
            let n1 = n - 1;
            self.permute(n1);
            for i in (0..=n1).rev() {
                self.swap(n1, i);
                self.permute(n1);
                self.swap(n1, i);
            }
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.v.swap(i, j);
    }
}

pub fn run(n: u64) -> String {
    inner_benchmark_loop(n, || Permute { count: 0, v: Vec::new() }.run(), |&result| result == 8660)
}
