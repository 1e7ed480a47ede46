//! Where this engine stands on the ladder, in its own words, for reports
//! that walk the ladder rung by rung (`frontend::Rung`), and the forms it
//! can show a program in (`lox --dump`).

use crate::value::Value;
use frontend::{Form, Rung};

pub const RUNG: Rung = Rung {
    idea: "It walks the same resolved tree as `hashmap-walker`, but every local variable has a slot in its \
           function's frame, found by index in one value stack instead of by name in a chain of hash maps. \
           Blocks cost nothing and a call allocates nothing: the caller evaluates the arguments straight into \
           the callee's slots. The lesson is what finding a variable by name costs, and what a frame costs when \
           it is a heap object.",
    below: Some("hashmap-walker"),
    value_bytes: std::mem::size_of::<Value>(),
};

/// The shared tree, and the slots this engine reads from it.
pub const FORMS: &[Form] = &[Form::Ast, Form::Resolved];
