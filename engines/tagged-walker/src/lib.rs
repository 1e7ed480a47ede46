//! # `tagged-walker`
//!
//! (Work in progress: the value, heap and collector come first; the
//! evaluator follows `slot-walker`'s once that one is committed.)

// Until the evaluator uses them, most of these items have no caller.
#![allow(dead_code)]

mod env;
mod gc;
mod heap;
mod object;
mod value;
