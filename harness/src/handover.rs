//! Handing a command over to the build of the harness it needs.
//!
//! Timing needs the release build (unoptimised engines say nothing about
//! their strategies) and profiling needs the profiling build (pprof and the
//! counters stay out of timing builds). The command a person types first is
//! `cargo run -p harness`, a debug build; rather than refuse, that build asks
//! cargo to build the right one and runs it with the same arguments, in the
//! same working directory, and exits with its exit code.

use crate::app;
use crate::process;
use anyhow::{Context, Result, bail};
use std::process::{Command, ExitCode};

/// Set in the environment of a harness started by a hand-over, so that a
/// build that is still not the right one fails instead of handing over
/// again without end.
const HANDED_OVER: &str = "LOXBENCH_HANDED_OVER";

/// A build of the harness that cargo can make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    /// `cargo run --release -p harness`: for timing.
    Release,
    /// `cargo run --release -p harness --features profiling --bin
    /// harness-profiling`: the same release build with pprof and the
    /// counters, as a second binary.
    Profiling,
}

impl Build {
    fn name(self) -> &'static str {
        match self {
            Build::Release => "release",
            Build::Profiling => "profiling",
        }
    }

    /// What follows `cargo run` to build and run this build.
    pub fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Build::Release => &["--release", "-p", "harness"],
            Build::Profiling => {
                &["--release", "-p", "harness", "--features", "profiling", "--bin", "harness-profiling"]
            }
        }
    }

    /// The command a person would type to run this build with `args`.
    pub fn command(self, args: &str) -> String {
        format!("cargo run {} -- {args}", self.cargo_args().join(" "))
    }
}

/// Builds `build` with cargo and runs it with this process's arguments;
/// `why` says in a few words why this build will not do.
pub fn run(build: Build, why: &str) -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if std::env::var_os(HANDED_OVER).is_some() {
        bail!("{why}, and this harness was already started by a hand-over to the right build; run it directly");
    }
    let manifest = app::workspace_root().join("Cargo.toml");
    if !manifest.is_file() {
        bail!("{why}; build the right one from a loxbench checkout: cargo run {}", build.cargo_args().join(" "));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    eprintln!(
        "note: {why}, so cargo builds the {} harness and hands over to it: cargo run {} -- {}",
        build.name(),
        build.cargo_args().join(" "),
        args.join(" ")
    );
    let mut command = Command::new(&cargo);
    command
        // Not quiet: the build takes minutes, and cargo's lines are its
        // progress.
        .arg("run")
        .args(build.cargo_args())
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--")
        .args(&args)
        .env(HANDED_OVER, "1");
    let mut child = process::spawn_registered(&mut command).with_context(|| format!("could not run {cargo}"))?;
    let status = process::wait_registered(&mut child)?;
    Ok(match status.code() {
        Some(code) => ExitCode::from(code.clamp(0, 255) as u8),
        None => ExitCode::FAILURE,
    })
}
