//! Twin of closures.lox: making, composing and calling closures.
//!
//! Every Lox closure is a boxed Rust closure, so each one made is an
//! allocation, as in Lox; a variable captured by two closures that both see
//! its changes (the counter's total, the loop's `cell`) lives in an
//! `Rc<Cell>`, as an upvalue would.

use std::cell::Cell;
use std::rc::Rc;

type Function = Box<dyn Fn(i64) -> i64>;

fn make_adder(k: i64) -> Function {
    Box::new(move |x| x + k)
}

fn compose(outer: Function, inner: Function) -> Function {
    Box::new(move |x| outer(inner(x)))
}

fn make_counter(modulus: i64) -> Function {
    let total = Rc::new(Cell::new(0));
    Box::new(move |amount| {
        total.set(total.get() + amount);
        if total.get() >= modulus {
            total.set(total.get() - modulus);
        }
        total.get()
    })
}

/// Adders whose offset reads `base`, captured two levels up.
fn make_shifter(base: i64) -> Box<dyn Fn(i64) -> Function> {
    Box::new(move |step_size| Box::new(move |x| x + base * step_size))
}

pub fn run(n: u64) -> String {
    let count = make_counter(999983);
    let shifter = make_shifter(3);
    let mut result = 0;
    for i in 0..n as i64 {
        let cell = Rc::new(Cell::new(i));
        let read: Box<dyn Fn() -> i64> = {
            let cell = Rc::clone(&cell);
            Box::new(move || cell.get())
        };
        let write: Box<dyn Fn(i64)> = {
            let cell = Rc::clone(&cell);
            Box::new(move |value| cell.set(value))
        };
        write(read() + 2);
        let f = compose(make_adder(cell.get()), make_adder(1));
        let g = shifter(i);
        count(g(f(5)) - cell.get() - 3 * i);
        result = count(read());
    }
    format!("{result}\n")
}
