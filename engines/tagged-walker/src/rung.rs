//! Where this engine stands on the ladder, in its own words, for reports
//! that walk the ladder rung by rung (`frontend::Rung`), and the forms it
//! can show a program in (`lox --dump`).

#![forbid(unsafe_code)]

use crate::value::Value;
use frontend::{Form, Rung};

pub const RUNG: Rung = Rung {
    idea: "`slot-walker`'s evaluator, unchanged in shape, with another value: one 64-bit word whose low three \
           bits say what the rest is, instead of a 24-byte enum whose objects are `Rc`s, and objects in the \
           engine's own heap under a tracing collector. A one-word value lives in a register, has no destructor \
           and no count to keep, and a cache line holds eight of them. The lesson is what the size of a value \
           costs.",
    below: Some("slot-walker"),
    value_bytes: std::mem::size_of::<Value>(),
};

/// The shared tree, and the slots this engine reads from it.
pub const FORMS: &[Form] = &[Form::Ast, Form::Resolved];
