//! Every engine, registered under its stable name; running a source the way
//! the `lox` command does (with its output buffering and signals); and the conformance runner that checks engines
//! against `// expect:` comments.
//!
//! Architecture invariant: this is the only crate that depends on every
//! engine. Engines never depend on each other.

#![forbid(unsafe_code)]

pub mod conformance;
pub mod dump;
pub mod output;
pub mod registry;
pub mod run;

pub use registry::{Variant, engines, find_engine, parse_variant};
