//! Differential fuzzing of the engines.
//!
//! [`generate`] makes random Lox programs that always terminate, covering the
//! whole language and its runtime errors; [`differential`] runs one program
//! on every engine (and on external peers such as clox) and compares what
//! they print and how they exit, byte for byte; [`shrink`] cuts a program on
//! which they disagree down to a small one that still shows it; and
//! [`regression`] writes that as a corpus test with `// expect:` comments.
//! [`syntax`] feeds random bytes, random token streams and mutated programs
//! to the front end and every engine, which must answer with Lox diagnostics
//! only: no panic, no hang.
//!
//! The harness's `fuzz` command drives all of this; a fixed-seed run of each
//! is part of `cargo test`.

#![forbid(unsafe_code)]

pub mod campaign;
pub mod differential;
pub mod generate;
pub mod limits;
pub mod peer;
pub mod print;
pub mod program;
pub mod regression;
pub mod shrink;
pub mod syntax;
