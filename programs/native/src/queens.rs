//! Twin of queens.lox: AWFY's Queens, eight queens by backtracking, ten
//! times per run.

use crate::awfy::inner_benchmark_loop;

struct Queens {
    free_rows: Vec<bool>,
    free_maxs: Vec<bool>,
    free_mins: Vec<bool>,
    queen_rows: Vec<i64>,
}

impl Queens {
    fn new() -> Queens {
        Queens { free_rows: Vec::new(), free_maxs: Vec::new(), free_mins: Vec::new(), queen_rows: Vec::new() }
    }

    fn run(&mut self) -> bool {
        let mut result = true;
        for _ in 0..10 {
            result = result && self.queens();
        }
        result
    }

    fn queens(&mut self) -> bool {
        self.free_rows = vec![true; 8];
        self.free_maxs = vec![true; 16];
        self.free_mins = vec![true; 16];
        self.queen_rows = vec![-1; 8];
        self.place_queen(0)
    }

    fn place_queen(&mut self, c: usize) -> bool {
        for r in 0..8 {
            if self.get_row_column(r, c) {
                self.queen_rows[r] = c as i64;
                self.set_row_column(r, c, false);
                if c == 7 {
                    return true;
                }
                if self.place_queen(c + 1) {
                    return true;
                }
                self.set_row_column(r, c, true);
            }
        }
        false
    }

    fn get_row_column(&self, r: usize, c: usize) -> bool {
        self.free_rows[r] && self.free_maxs[c + r] && self.free_mins[c + 7 - r]
    }

    fn set_row_column(&mut self, r: usize, c: usize, v: bool) {
        self.free_rows[r] = v;
        self.free_maxs[c + r] = v;
        self.free_mins[c + 7 - r] = v;
    }
}

pub fn run(n: u64) -> String {
    inner_benchmark_loop(n, || Queens::new().run(), |&result| result)
}
