//! What an engine built with its `work-count` feature counts and marks, for
//! the harness's profiling build; timing builds never call any of it.
//!
//! * [`counters`]: named counts a run made, in families (executions per
//!   opcode and per adjacent opcode pair, evaluations per AST node kind, calls
//!   per kind of compiled closure), returned by
//!   [`Session::counters`](crate::Session::counters), so the harness reads
//!   every engine the same way.
//! * [`names`]: one registry of names (opcodes, node kinds, closure kinds,
//!   Lox functions) and their small numeric ids, so the hot path stores a
//!   number and never a string.
//! * [`marker`]: what the engine is executing right now (the Lox call stack
//!   and the current opcode or node), kept in lock-free atomics that a
//!   sampling profiler's signal handler may read.
//! * [`node`]: the kinds of AST node the walkers count.

pub mod counters;
pub mod marker;
pub mod names;
pub mod node;

pub use counters::{Counter, KindTally, OpTally, Site};
pub use node::{NodeKind, NodeProfile};
