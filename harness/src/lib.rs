//! The loxbench harness: verifies every engine's output on every benchmark
//! program, times the engines (as processes, interleaved, with the spawn
//! overhead subtracted, and in-process with criterion), saves every
//! measurement as it is taken, and renders a report with charts.
//!
//! Architecture invariant: the harness is the only crate that times things
//! or writes reports; it reaches the engines only through `lox`'s registry
//! and the `frontend::Engine` trait.
//!
//! The pipeline, one module per step: [`programs`] (what to run),
//! [`contender`] (who runs it: engines, their [`variant`]s and peers), [`verify`] (is the output right),
//! [`measure`] (one timed process), [`benchmark`] (the interleaved schedule),
//! [`results`] (JSON Lines), [`stats`], [`report`] and [`charts`].

// Denied, not forbidden, so that one module may allow it: the profiler's
// signal handler in `profile::tagging`, the only unsafe code of the harness.
#![deny(unsafe_code)]

pub mod ablate;
pub mod app;
pub mod attribution;
pub mod bench;
pub mod benchmark;
pub mod build;
pub mod charts;
pub mod child;
pub mod ci;
pub mod cli;
pub mod compare;
pub mod conformance;
pub mod contender;
pub mod entry;
pub mod explain;
pub mod export;
pub mod fuzz;
pub mod handover;
pub mod interval;
pub mod jsonl;
pub mod measure;
pub mod native;
pub mod opcode_costs;
pub mod outdir;
pub mod process;
pub mod profile;
pub mod programs;
pub mod progress;
pub mod provenance;
pub mod report;
pub mod results;
pub mod rungs_explained;
pub mod runs;
pub mod shard;
pub mod source;
pub mod stats;
pub mod variant;
pub mod verify;
