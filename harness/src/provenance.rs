//! Where a run happens: the revision of the working tree, the compiler and
//! profile the harness was built with, and the machine.

use crate::results::{Provenance, now_rfc3339};
use std::path::Path;
use std::process::Command;

/// The rustc that built this binary.
pub const RUSTC_VERSION: &str = env!("HARNESS_RUSTC_VERSION");

/// The cargo profile this binary was built with (`release`, `debug`,
/// `profiling`).
pub const BUILD_PROFILE: &str = env!("HARNESS_BUILD_PROFILE");

/// Whether this binary was built without optimisations, so that its timings
/// say nothing about the engines.
pub fn is_debug_build() -> bool {
    cfg!(debug_assertions)
}

/// The provenance of a run started now from `root` with `command`.
pub fn collect(root: &Path, command: String) -> Provenance {
    Provenance {
        command,
        revision: git_revision(root),
        rustc: RUSTC_VERSION.to_string(),
        profile: BUILD_PROFILE.to_string(),
        cpu: cpu_model(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        os: os_description(),
        date: now_rfc3339(),
    }
}

/// `git rev-parse HEAD`, with `-dirty` when tracked files have changed.
pub fn git_revision(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    match git(&["rev-parse", "HEAD"]) {
        Some(revision) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
            if dirty { format!("{revision}-dirty") } else { revision }
        }
        None => "unknown (not a git checkout)".to_string(),
    }
}

/// The CPU's model name from `/proc/cpuinfo`.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_string())
        })
        .unwrap_or_else(|| format!("unknown {} CPU", std::env::consts::ARCH))
}

fn os_description() -> String {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let release = release.trim();
    if release.is_empty() { std::env::consts::OS.to_string() } else { format!("{} {release}", std::env::consts::OS) }
}

/// A one-line description of the machine for generated headers.
pub fn machine_line(provenance: &Provenance) -> String {
    format!("{}, {} cores, {}", provenance.cpu, provenance.cores, provenance.os)
}
