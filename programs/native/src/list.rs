//! Twin of list.lox: AWFY's List, the Takeuchi-like `tail` over linked lists.

use crate::awfy::inner_benchmark_loop;

struct Element {
    next: Option<Box<Element>>,
}

impl Element {
    fn length(&self) -> u64 {
        match &self.next {
            None => 1,
            Some(next) => 1 + next.length(),
        }
    }
}

fn make_list(length: u64) -> Option<Box<Element>> {
    if length == 0 {
        return None;
    }
    Some(Box::new(Element { next: make_list(length - 1) }))
}

/// Whether list x is shorter than list y.
fn is_shorter_than(x: Option<&Element>, y: Option<&Element>) -> bool {
    let mut x_tail = x;
    let mut y_tail = y;
    while let Some(y_element) = y_tail {
        let Some(x_element) = x_tail else {
            return true;
        };
        x_tail = x_element.next.as_deref();
        y_tail = y_element.next.as_deref();
    }
    false
}

fn tail<'a>(x: Option<&'a Element>, y: Option<&'a Element>, z: Option<&'a Element>) -> Option<&'a Element> {
    if is_shorter_than(y, x) {
        // As in AWFY, none of the three is empty here.
        let (x, y, z) = (x.expect("x is not empty"), y.expect("y is not empty"), z.expect("z is not empty"));
        return tail(
            tail(x.next.as_deref(), Some(y), Some(z)),
            tail(y.next.as_deref(), Some(z), Some(x)),
            tail(z.next.as_deref(), Some(x), Some(y)),
        );
    }
    z
}

fn benchmark() -> u64 {
    let (a, b, c) = (make_list(15), make_list(10), make_list(6));
    let result = tail(a.as_deref(), b.as_deref(), c.as_deref());
    result.map_or(0, Element::length)
}

pub fn run(n: u64) -> String {
    inner_benchmark_loop(n, benchmark, |&result| result == 10)
}
