//! Building a binary of the workspace with cargo, for the harness to run:
//! the native twins (`native`) and the counted engines (`lox`). Building
//! before running (a no-op when the binary is up to date) means what runs is
//! never older than the checkout.

use anyhow::{Context, Result, anyhow};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A binary target of the workspace and the cargo profile to build it with.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub package: &'a str,
    pub bin: &'a str,
    /// A cargo profile: `release`, `dev` (what cargo calls `debug` in
    /// target/), or a custom one such as `profiling`.
    pub profile: &'a str,
    /// Cargo features of the package to turn on (none for a timing or
    /// counted build).
    pub features: &'a [&'a str],
}

/// Why a build gave no binary.
#[derive(Debug)]
pub enum BuildError {
    /// Cargo could not be started at all (not installed, say).
    NotStarted(anyhow::Error),
    /// Cargo ran and the build failed, or it did not say where the binary is.
    Failed(anyhow::Error),
}

impl From<BuildError> for anyhow::Error {
    fn from(error: BuildError) -> anyhow::Error {
        match error {
            BuildError::NotStarted(error) | BuildError::Failed(error) => error,
        }
    }
}

impl Target<'_> {
    /// The cargo profile of this harness binary's own build, as `--profile`
    /// takes it: a binary built with it lands beside the harness.
    pub fn this_profile() -> &'static str {
        match crate::provenance::BUILD_PROFILE {
            "debug" => "dev",
            other => other,
        }
    }

    /// The arguments after `cargo build`, as a person would type them.
    pub fn args(&self) -> Vec<String> {
        let mut args = match self.profile {
            "release" => vec!["--release".to_string()],
            "dev" => Vec::new(),
            other => vec!["--profile".to_string(), other.to_string()],
        };
        args.extend(["-p", self.package, "--bin", self.bin].map(String::from));
        if !self.features.is_empty() {
            args.extend(["--features".to_string(), self.features.join(",")]);
        }
        args
    }

    /// The build command, for notes and reports.
    pub fn command(&self) -> String {
        format!("cargo build {}", self.args().join(" "))
    }

    /// Builds the binary in the checkout at `root`, in the target directory
    /// of this harness binary (where cargo put it), and returns its path.
    /// Cargo is `$CARGO` when set (cargo sets it for `cargo run` and `cargo
    /// test`), else `cargo` on the PATH.
    pub fn build(&self, root: &Path) -> Result<PathBuf, BuildError> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let mut command = Command::new(&cargo);
        command
            .arg("build")
            .args(self.args())
            .args(["--quiet", "--message-format=json-render-diagnostics", "--manifest-path"])
            .arg(root.join("Cargo.toml"))
            .current_dir(root)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit());
        if let Some(dir) = own_target_dir() {
            command.arg("--target-dir").arg(dir);
        }
        let output = command.output().map_err(|error| {
            BuildError::NotStarted(anyhow!("could not run `{}` ({error})", self.command().replacen("cargo", &cargo, 1)))
        })?;
        if !output.status.success() {
            return Err(BuildError::Failed(anyhow!(
                "`{}` failed ({}); its messages are above",
                self.command(),
                output.status
            )));
        }
        built_executable(&String::from_utf8_lossy(&output.stdout), self.bin)
            .with_context(|| format!("`{}` did not say where it put the `{}` binary", self.command(), self.bin))
            .map_err(BuildError::Failed)
    }
}

/// The target directory this harness binary was built into: the nearest
/// directory above it that cargo marked as one (with `CACHEDIR.TAG`), so
/// that `target/release/harness` and `target/debug/harness` (under `cargo
/// test`) both build into `target/`, whatever `CARGO_TARGET_DIR` was when
/// they were built.
fn own_target_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    exe.ancestors().skip(1).find(|dir| dir.join("CACHEDIR.TAG").is_file()).map(Path::to_path_buf)
}

/// The binary's path from cargo's JSON messages: the artifact of the binary
/// target named `bin`.
fn built_executable(messages: &str, bin: &str) -> Option<PathBuf> {
    messages.lines().filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok()).find_map(|message| {
        let is_binary = message["reason"] == "compiler-artifact"
            && message["target"]["name"] == bin
            && message["target"]["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == "bin"));
        is_binary.then(|| message["executable"].as_str().map(PathBuf::from)).flatten()
    })
}

/// The binary named `bin` beside this executable, where `cargo build` puts
/// the workspace's binaries, if there is one.
pub fn beside_this_executable(bin: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let candidate = exe.with_file_name(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    if !candidate.is_file() {
        anyhow::bail!("no {} either", candidate.display());
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
        assert_eq!(built_executable(messages, "native"), Some(PathBuf::from("/t/release/native")));
        assert_eq!(built_executable(messages, "lox"), None);
        assert_eq!(built_executable(r#"{"reason":"build-finished","success":true}"#, "native"), None);
    }

    #[test]
    fn the_profile_becomes_cargos_flag() {
        let target = |profile| Target { package: "lox", bin: "lox", profile, features: &[] };
        assert_eq!(target("release").command(), "cargo build --release -p lox --bin lox");
        assert_eq!(target("dev").command(), "cargo build -p lox --bin lox");
        assert_eq!(target("counting").command(), "cargo build --profile counting -p lox --bin lox");
        let counting = Target { features: &["work-count"], ..target("counting") };
        assert_eq!(counting.command(), "cargo build --profile counting -p lox --bin lox --features work-count");
    }
}
