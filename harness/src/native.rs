//! The native standard candle: `programs/native`, a Rust twin of every
//! program, compiled with the workspace's release profile and run as the
//! built-in peer `native` (`native PROGRAM N`). The ladder then ends at
//! native code, and the report says how far each engine stands from it.
//!
//! The harness builds it with cargo before measuring (a no-op when it is up
//! to date), so the candle is never older than the checkout; where cargo
//! cannot be run, it takes the `native` binary beside its own executable,
//! which `cargo build --release` puts there.

use crate::build::{self, BuildError};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The peer's name in reports.
pub const PEER_NAME: &str = "native";

/// The cargo package (and binary) of the twins.
const PACKAGE: &str = "native";

/// The programs that have a Rust twin; the peer sits the others out.
pub fn programs() -> Vec<String> {
    native::PROGRAMS.iter().map(|program| program.name.to_string()).collect()
}

/// Builds the twins with the release profile in the checkout at `root` and
/// returns the binary's path; when cargo cannot be started at all, the
/// binary beside this executable, if there is one.
pub fn find_or_build(root: &Path) -> Result<PathBuf> {
    let target = build::Target { package: PACKAGE, bin: PACKAGE, profile: "release", features: &[] };
    match target.build(root) {
        Ok(exe) => Ok(exe),
        Err(BuildError::NotStarted(error)) => {
            build::beside_this_executable(PACKAGE).with_context(|| format!("{error:#}, and found no built binary"))
        }
        Err(BuildError::Failed(error)) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_program_of_the_suite_has_a_twin() {
        let set = crate::programs::ProgramSet::load(&crate::app::workspace_root().join("programs")).unwrap();
        let twins = programs();
        for program in &set.programs {
            assert!(twins.contains(&program.name), "{} has no Rust twin", program.name);
        }
    }
}
