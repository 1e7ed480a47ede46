//! Twin of closures_nested.lox: closures.lox's closures nested in `run`,
//! capturing its locals (boxed closures and `Rc<Cell>` upvalues, as in
//! closures.rs).

use std::cell::Cell;
use std::rc::Rc;

type Function = Box<dyn Fn(i64) -> i64>;

pub fn run(n: u64) -> String {
    let total = Rc::new(Cell::new(0));
    let modulus = 999983;
    let count = {
        let total = Rc::clone(&total);
        move |amount: i64| {
            total.set(total.get() + amount);
            if total.get() >= modulus {
                total.set(total.get() - modulus);
            }
            total.get()
        }
    };

    let make_adder = |k: i64| -> Function { Box::new(move |x| x + k) };

    // `shift` reads `base` two levels up, from run's frame.
    let base = 3;
    let shifter = |step_size: i64| -> Function { Box::new(move |x| x + base * step_size) };

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
        let outer = make_adder(cell.get());
        let inner = make_adder(1);
        let both: Function = Box::new(move |x| outer(inner(x)));
        let g = shifter(i);
        count(g(both(5)) - cell.get() - 3 * i);
        result = count(read());
    }
    format!("{result}\n")
}
