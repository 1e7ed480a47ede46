//! The native standard candle: `programs/native`, a Rust twin of every
//! program, compiled with the workspace's release profile and run as the
//! built-in peer `native` (`native PROGRAM N`). The ladder then ends at
//! native code, and the report says how far each engine stands from it.
//!
//! The harness builds it with cargo before measuring (a no-op when it is up
//! to date), so the candle is never older than the checkout; where cargo
//! cannot be run, it takes the `native` binary beside its own executable,
//! which `cargo build --release` puts there.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(&cargo);
    command
        .args(["build", "--release", "--quiet", "-p", PACKAGE, "--message-format=json-render-diagnostics"])
        .current_dir(root)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    let output = match command.output() {
        Ok(output) => output,
        Err(error) => {
            return beside_this_executable().with_context(|| {
                format!("could not run `{cargo} build --release -p {PACKAGE}` ({error}), and found no built binary")
            });
        }
    };
    if !output.status.success() {
        bail!("`cargo build --release -p {PACKAGE}` failed ({}); its messages are above", output.status);
    }
    built_executable(&String::from_utf8_lossy(&output.stdout))
        .context("cargo built the native twins but did not say where their binary is")
}

/// The binary's path from cargo's JSON messages: the artifact of the
/// `native` binary target.
fn built_executable(messages: &str) -> Option<PathBuf> {
    messages.lines().filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok()).find_map(|message| {
        let is_binary = message["reason"] == "compiler-artifact"
            && message["target"]["name"] == PACKAGE
            && message["target"]["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == "bin"));
        is_binary.then(|| message["executable"].as_str().map(PathBuf::from)).flatten()
    })
}

fn beside_this_executable() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let candidate = exe.with_file_name(format!("{PACKAGE}{}", std::env::consts::EXE_SUFFIX));
    if !candidate.is_file() {
        bail!("no {} either", candidate.display());
    }
    Ok(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_is_found_in_cargos_messages() {
        let messages = concat!(
            r#"{"reason":"compiler-artifact","target":{"name":"native","kind":["lib"]},"executable":null}"#,
            "\n",
            r#"{"reason":"compiler-artifact","target":{"name":"native","kind":["bin"]},"executable":"/t/release/native"}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        assert_eq!(built_executable(messages), Some(PathBuf::from("/t/release/native")));
        assert_eq!(built_executable(r#"{"reason":"build-finished","success":true}"#), None);
    }

    #[test]
    fn every_program_of_the_suite_has_a_twin() {
        let set = crate::programs::ProgramSet::load(&crate::app::workspace_root().join("programs")).unwrap();
        let twins = programs();
        for program in &set.programs {
            assert!(twins.contains(&program.name), "{} has no Rust twin", program.name);
        }
    }
}
