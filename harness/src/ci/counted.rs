//! The counted binary: `lox`, which holds the engines and the front end and
//! nothing of the harness. The release profile links with fat LTO, so the
//! inlining of shared generic code (hash tables, formatting) inside an engine
//! depends on everything else in the binary; counting the harness's own
//! `__run` made a change to the harness alone (a report's wording) move
//! engine counts by several percent. Counting `lox` keeps those changes out.
//!
//! The harness builds `lox` with cargo before counting, in its own build
//! profile and target directory (so the binary lands beside the harness), so
//! that the counts are of the checkout's engines and never of a stale
//! binary; `--counted-exe` names a binary to count instead, where cargo
//! cannot run.

use crate::build::Target;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The package and binary counted.
pub const PACKAGE: &str = "lox";

/// What was counted, for the results' provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CountedBinary {
    /// Which program's binary: `lox`. Results from before this was recorded
    /// counted the harness (`harness __run`), whose counts are not
    /// comparable with `lox`'s.
    pub program: String,
    /// Its path, relative to the checkout when it lies inside it.
    pub path: String,
    /// How it was built: the cargo command the harness ran, or that it was
    /// given with `--counted-exe`.
    pub build: String,
}

impl Default for CountedBinary {
    fn default() -> CountedBinary {
        CountedBinary { program: "harness".to_string(), path: String::new(), build: String::new() }
    }
}

impl CountedBinary {
    /// One line for a report: what was counted and how it was built.
    pub fn describe(&self) -> String {
        if self.path.is_empty() {
            return format!("`{} __run`", self.program);
        }
        format!("`{}` ({})", self.path, self.build)
    }
}

/// The `lox` binary to count: `given` (after checking that it is a `lox`),
/// or else the one cargo builds now from the checkout at `root`.
pub fn find(given: Option<&Path>, root: &Path) -> Result<(PathBuf, CountedBinary)> {
    let (exe, build) = match given {
        Some(path) => {
            let exe = std::path::absolute(path).with_context(|| format!("no such file: {}", path.display()))?;
            check_is_lox(&exe)?;
            (exe, "given with --counted-exe".to_string())
        }
        None => {
            let target = Target { package: PACKAGE, bin: PACKAGE, profile: Target::this_profile(), features: &[] };
            eprintln!("note: building the counted binary, the engines without the harness: {}", target.command());
            let exe = target
                .build(root)
                .map_err(anyhow::Error::from)
                .context("could not build the counted binary; build it yourself and pass it with --counted-exe PATH")?;
            (exe, format!("built by the harness with `{}`", target.command()))
        }
    };
    let path = exe.strip_prefix(root).unwrap_or(&exe).display().to_string();
    Ok((exe, CountedBinary { program: PACKAGE.to_string(), path, build }))
}

/// Refuses a binary that is not `lox` (`--version` says `lox VERSION`):
/// its counts would be of something else, or it would not take the flags.
fn check_is_lox(exe: &Path) -> Result<()> {
    if !exe.is_file() {
        bail!("--counted-exe {}: no such file", exe.display());
    }
    let output = std::process::Command::new(exe)
        .arg("--version")
        .output()
        .with_context(|| format!("--counted-exe {}: could not run it", exe.display()))?;
    let version = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !version.starts_with("lox ") {
        bail!(
            "--counted-exe {}: not a `lox` binary (`--version` said {:?}); build one with `cargo build --release -p lox`",
            exe.display(),
            version.trim()
        );
    }
    Ok(())
}
