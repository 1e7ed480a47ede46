//! Twin of method_call_function.lox: method_call's calls as free functions
//! that take the object, and a closure in place of the bound method.

use std::cell::Cell;

struct Accumulator {
    total: Cell<i64>,
    modulus: i64,
}

fn add(accumulator: &Accumulator, amount: i64) -> &Accumulator {
    accumulator.total.set(accumulator.total.get() + amount);
    if accumulator.total.get() >= accumulator.modulus {
        accumulator.total.set(accumulator.total.get() - accumulator.modulus);
    }
    accumulator
}

fn double(accumulator: &Accumulator) -> &Accumulator {
    add(accumulator, accumulator.total.get())
}

fn value(accumulator: &Accumulator) -> i64 {
    accumulator.total.get()
}

/// Says true once every `period` calls of `tick`.
struct Ticker {
    period: i64,
    count: i64,
}

fn tick(ticker: &mut Ticker) -> bool {
    ticker.count += 1;
    if ticker.count == ticker.period {
        ticker.count = 0;
        return true;
    }
    false
}

pub fn run(n: u64) -> String {
    let total = Accumulator { total: Cell::new(0), modulus: 999983 };
    let mut ticker = Ticker { period: 7, count: 0 };
    let add_one = |amount| add(&total, amount);
    for _ in 0..n {
        add(add(&total, 3), 4);
        if tick(&mut ticker) {
            double(&total);
        }
        add_one(1);
        add(&total, value(&total) - value(&total) + 2);
    }
    format!("{}\n", value(&total))
}
