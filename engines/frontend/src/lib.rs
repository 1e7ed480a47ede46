//! The Lox front end shared by every engine, and the language's shared meaning.
//!
//! Every engine starts from the same resolved syntax tree, so the engines
//! differ in strategy and never in what a program means:
//!
//! * [`scanner`] and [`parser`] turn source into an [`ast::Program`], with
//!   clox's diagnostics and panic-mode recovery; [`resolve`] gives every
//!   variable its slot, capture index and scope distance as the parser goes.
//! * [`diagnostics`] holds errors as values and their exact printed forms;
//!   [`messages`] every runtime message and limit; [`number`] how numbers print;
//!   [`memory`] the heap ceiling that makes running out of memory a Lox error.
//! * [`globals`] is a table of late-bound globals for engines that find them by
//!   name (with the `global-slots` tuning, found by the name's address).
//! * [`hash`] is the one name hash every engine uses (Fx, or SipHash with the
//!   `fx-hash` tuning off), with fixed keys so instruction counts repeat.
//! * [`engine`] is the trait the harness and the `lox` binary drive engines by;
//!   [`dump`] prints the tree an engine starts from, for `lox --dump`;
//!   [`tuning`] declares the optimisations an engine makes beyond its
//!   strategy, so that each can be switched off and measured.
//! * [`profiling`] is what engines count and mark in the harness's profiling
//!   build (their `work-count` feature): named counters, and a marker of the
//!   Lox function and opcode or node being executed, for the sampler.
//!
//! Architecture invariant: this crate knows no engine. It defines what an
//! engine is and what Lox means, and nothing about how any engine works.

#![forbid(unsafe_code)]

pub mod ast;
pub mod diagnostics;
pub mod dump;
pub mod engine;
pub mod globals;
pub mod hash;
pub mod memory;
pub mod messages;
pub mod natives;
pub mod number;
pub mod parser;
pub mod profiling;
pub mod resolve;
pub mod scanner;
pub mod token;
pub mod tuning;
pub mod work;

pub use diagnostics::{CompileError, CompileErrors, RunError, RuntimeError, TraceLine};
pub use dump::Form;
pub use engine::{Engine, Options, Rung, Session, WorkCount};
pub use parser::parse;
pub use tuning::Tuning;
