//! Twin of string_equality.lox: comparing strings with == and != in a tight
//! loop.
//!
//! The eight strings are rotated as shared `Rc<str>` values (Lox strings are
//! immutable and shared) and compared by content, as an engine that does not
//! intern must; the comparisons with nil, a number and false go through a
//! small value type, as Lox's `==` across types does.

use std::rc::Rc;

/// The Lox values this program compares.
#[derive(PartialEq)]
enum Value {
    Nil,
    Number(f64),
    Bool(bool),
    Str(Rc<str>),
}

pub fn run(n: u64) -> String {
    let s3: String = ["the quick brown fox jumps over ", "the lazy dog and runs far away"].concat();
    let s5: String = ["lan", "tern"].concat();
    let mut s: [Rc<str>; 8] = [
        Rc::from("the quick brown fox jumps over the lazy dog and runs far away"),
        Rc::from("lantern"),
        Rc::from("the quick brown fox jumps over the lazy dog and runs far awaY"),
        Rc::from(s3),
        Rc::from(""),
        Rc::from(s5),
        Rc::from("The quick brown fox jumps over the lazy dog and runs far away"),
        Rc::from("lanterns"),
    ];

    let mut hits = 0;
    for _ in 0..n {
        s.rotate_left(1);
        if s[0] == s[1] {
            hits += 1;
        }
        if s[0] == s[2] {
            hits += 2;
        }
        if s[0] == s[3] {
            hits += 3;
        }
        if s[0] == s[4] {
            hits += 4;
        }
        if s[0] == s[5] {
            hits += 5;
        }
        if s[0] == s[6] {
            hits += 6;
        }
        if s[0] != s[7] {
            hits += 7;
        }
        let first = Value::Str(Rc::clone(&s[0]));
        if first == Value::Nil {
            hits += 100;
        }
        if first == Value::Number(0.0) {
            hits += 200;
        }
        if first != Value::Bool(false) {
            hits += 1;
        }
        if hits >= 999983 {
            hits -= 999983;
        }
    }
    format!("{hits}\n")
}
