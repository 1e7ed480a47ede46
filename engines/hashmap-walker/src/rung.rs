//! Where this engine stands on the ladder, in its own words, for reports
//! that walk the ladder rung by rung (`frontend::Rung`).

use crate::value::Value;
use frontend::Rung;

pub const RUNG: Rung = Rung {
    idea: "The program runs by walking its syntax tree, and every scope is a `HashMap` from variable name to \
           value, chained to the scope around it. A variable is found by walking `hops` scopes out and hashing \
           its name, and every call and every block allocates a scope: these are the costs the later rungs \
           remove.",
    below: None,
    value_bytes: std::mem::size_of::<Value>(),
};
