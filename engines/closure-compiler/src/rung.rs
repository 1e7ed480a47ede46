//! Where this engine stands on the ladder, in its own words, for reports
//! that walk the ladder rung by rung (`frontend::Rung`).

use crate::value::Value;
use frontend::Rung;

pub const RUNG: Rung = Rung {
    idea: "It keeps the tree but stops walking it: `prepare` turns every node, once, into a boxed Rust closure \
           that captures what the tree says ahead of time (a slot, a constant, the operator), and running is \
           calling the root closure. Nothing at run time matches on a node's kind; in exchange every node, \
           leaves included, is an indirect call returning its 24-byte value through memory.",
    below: Some("slot-walker"),
    value_bytes: std::mem::size_of::<Value>(),
};
