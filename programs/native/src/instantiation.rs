//! Twin of instantiation.lox: three objects made and dropped per iteration.
//!
//! Each Lox instance is a heap allocation here too (`Box`), kept from being
//! optimised away by `black_box`; the marker's `tag` field, which Lox adds by
//! assignment, is an `Option` set by the pair's constructor.

use std::hint::black_box;

struct Point {
    x: i64,
    y: i64,
}

struct Marker {
    tag: Option<i64>,
}

struct Pair {
    first: Box<Point>,
    second: Box<Marker>,
}

impl Pair {
    fn new(first: Box<Point>, mut second: Box<Marker>) -> Box<Pair> {
        second.tag = Some(1);
        Box::new(Pair { first, second })
    }
}

pub fn run(n: u64) -> String {
    let mut sum = 0;
    for i in 0..n as i64 {
        let point = black_box(Box::new(Point { x: i, y: 2 }));
        let pair = black_box(Pair::new(point, black_box(Box::new(Marker { tag: None }))));
        sum = sum + pair.first.x + pair.first.y + pair.second.tag.unwrap_or(0);
        while sum >= 999983 {
            sum -= 999983;
        }
    }
    format!("{sum}\n")
}
