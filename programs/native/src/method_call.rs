//! Twin of method_call.lox: method calls on a few long-lived objects, one of
//! them through a stored bound method (a closure over the object here).
//!
//! The accumulator's fields are `Cell`s, so that its methods take `&self`
//! and the bound method and the loop can share it, as they do in Lox.

use std::cell::Cell;

struct Accumulator {
    total: Cell<i64>,
    modulus: i64,
}

impl Accumulator {
    fn new(modulus: i64) -> Accumulator {
        Accumulator { total: Cell::new(0), modulus }
    }

    fn add(&self, amount: i64) -> &Accumulator {
        self.total.set(self.total.get() + amount);
        if self.total.get() >= self.modulus {
            self.total.set(self.total.get() - self.modulus);
        }
        self
    }

    fn double(&self) -> &Accumulator {
        self.add(self.total.get())
    }

    fn value(&self) -> i64 {
        self.total.get()
    }
}

/// Says true once every `period` calls.
struct Ticker {
    period: i64,
    count: i64,
}

impl Ticker {
    fn tick(&mut self) -> bool {
        self.count += 1;
        if self.count == self.period {
            self.count = 0;
            return true;
        }
        false
    }
}

pub fn run(n: u64) -> String {
    let total = Accumulator::new(999983);
    let mut ticker = Ticker { period: 7, count: 0 };
    let add_one = |amount| total.add(amount);
    for _ in 0..n {
        total.add(3).add(4);
        if ticker.tick() {
            total.double();
        }
        add_one(1);
        total.add(total.value() - total.value() + 2);
    }
    format!("{}\n", total.value())
}
