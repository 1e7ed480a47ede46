//! Profiles: where each engine spends its time, what it allocates and how
//! much work it does, for every engine on every program.
//!
//! `harness profile` runs each engine in-process under pprof (sampling is
//! per process, so the profile must be taken where the engine runs), with the
//! counting allocator and the engines' work counters on. That needs the
//! profiling build, which the timing build must not be:
//! `cargo run --release -p harness --features profiling --bin harness-profiling -- profile`.
//! Everything is saved (`profile.jsonl`, and `flamegraphs/<engine>-<program>`
//! `.folded` and `.svg`, with `-marked.folded` for the native stacks with the
//! Lox marker as their last frame and `-lox.folded` and `-lox.svg` for the
//! Lox call stacks alone), so the report renders hot spots and the
//! differential flamegraphs of adjacent rungs from saved files.

pub mod alloc;
pub mod counts;
pub mod flamegraph;
pub mod folded;
pub mod lox;
pub mod merge;
pub mod rung_diffs;
#[cfg(feature = "profiling")]
mod sampler;
// The harness's only unsafe code: a signal handler in front of pprof's.
#[cfg(feature = "profiling")]
#[allow(unsafe_code)]
mod tagging;

use crate::results::Provenance;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The profile records inside an output directory.
pub const PROFILE_FILE: &str = "profile.jsonl";

/// The folder of flamegraphs and folded stacks inside an output directory.
pub const FLAMEGRAPH_DIR: &str = "flamegraphs";

/// The sampling rate asked of pprof. The kernel's profiling timer delivers
/// at most about 250 signals a second here (TOOLING.md), so asking for that
/// rate makes the expected sample count, and so the estimate of dropped
/// samples, meaningful.
pub const FREQUENCY_HZ: i32 = 250;

/// Samples taken inside these libraries are dropped: unwinding from inside
/// them can deadlock (pprof's own warning).
pub const BLOCKLIST: [&str; 4] = ["libc", "libgcc", "pthread", "vdso"];

/// One engine on one program, profiled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineProfile {
    pub engine: String,
    pub program: String,
    pub size: u64,
    pub passed: bool,
    /// Why the output was wrong, when it was.
    pub detail: Option<String>,
    /// Samples recorded.
    pub samples: u64,
    /// Samples the CPU time says should have been taken but were not
    /// (mostly those inside blocklisted libraries); an estimate.
    pub dropped_estimate: u64,
    /// Process CPU time while profiling.
    pub cpu_s: f64,
    /// How many runs the samples come from (short runs are repeated).
    #[serde(default = "one")]
    pub repeats: u64,
    pub prepare_s: f64,
    pub run_s: f64,
    pub allocations: alloc::Allocations,
    pub work_count: Option<u64>,
    pub work_unit: Option<String>,
    /// The run's counts by kind (opcodes and adjacent pairs, node kinds,
    /// closure kinds), from the first, unprofiled run.
    #[serde(default)]
    pub counts: Vec<counts::Count>,
    /// What the program did in Lox's own terms (calls, allocations, property
    /// and global accesses: `frontend::work`), from an engine that counts
    /// them; empty from the others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counters: Vec<(String, u64)>,
    /// The folded stacks and the flamegraph, relative to the output
    /// directory; no flamegraph when the run was too short to be sampled.
    pub folded: String,
    pub flamegraph: Option<String>,
    /// The Lox-level profile (the marker's samples), from builds that tag
    /// samples; records from before have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lox: Option<lox::LoxProfile>,
    pub date: String,
}

impl EngineProfile {
    /// Every file the profile names, relative to the output directory.
    pub fn files(&self) -> Vec<&str> {
        let mut files = vec![self.folded.as_str()];
        files.extend(self.flamegraph.as_deref());
        if let Some(lox) = &self.lox {
            files.extend([lox.marked_folded.as_str(), lox.folded.as_str()]);
            files.extend(lox.flamegraph.as_deref());
        }
        files
    }
}

fn one() -> u64 {
    1
}

/// One line of `profile.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProfileRecord {
    Run {
        provenance: Provenance,
        quick: bool,
        frequency_hz: i32,
        /// Which slice of a sharded run this is (`harness profile --shard`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shard: Option<crate::shard::Slice>,
    },
    Profile(EngineProfile),
}

/// The file names of one engine (or variant) × program profile.
pub fn file_stem(engine: &str, program: &str) -> String {
    format!("{}-{program}", crate::variant::file_safe(engine))
}

/// Reads `out_dir/profile.jsonl`, if there is one.
pub fn read_profiles(out_dir: &Path) -> Result<Option<(Provenance, Vec<EngineProfile>)>> {
    let path = out_dir.join(PROFILE_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)?;
    let mut provenance = None;
    let mut profiles = Vec::new();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    for (index, line) in lines.iter().enumerate() {
        match serde_json::from_str(line) {
            Ok(ProfileRecord::Run { provenance: p, .. }) => provenance = Some(p),
            Ok(ProfileRecord::Profile(profile)) => profiles.push(profile),
            // A last line cut short by an interrupted run is skipped.
            Err(_) if index + 1 == lines.len() => {}
            Err(error) => {
                return Err(error).with_context(|| format!("{}:{}: not a profile record", path.display(), index + 1));
            }
        }
    }
    match provenance {
        Some(provenance) => Ok(Some((provenance, profiles))),
        None => bail!("{} does not start with a run record", path.display()),
    }
}

/// Appends profile records to `profile.jsonl`, one flushed line each.
#[derive(Debug)]
pub struct ProfileWriter {
    file: std::fs::File,
}

impl ProfileWriter {
    pub fn create(out_dir: &Path) -> Result<ProfileWriter> {
        std::fs::create_dir_all(out_dir.join(FLAMEGRAPH_DIR))?;
        let path = out_dir.join(PROFILE_FILE);
        Ok(ProfileWriter {
            file: std::fs::File::create(&path).with_context(|| format!("could not create {}", path.display()))?,
        })
    }

    pub fn append(&mut self, record: &ProfileRecord) -> Result<()> {
        let mut line = serde_json::to_string(record)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.flush()?;
        Ok(())
    }
}

/// `harness profile --diff OLD NEW`: a differential flamegraph between two
/// saved folded profiles; returns the SVG's path.
pub fn diff(before: &Path, after: &Path, output: Option<PathBuf>) -> Result<PathBuf> {
    let output = output.unwrap_or_else(|| {
        let stem = after.file_stem().map_or("profile".into(), |s| s.to_string_lossy().into_owned());
        after.with_file_name(format!("{stem}-diff.svg"))
    });
    let name = after.file_stem().map_or(String::new(), |s| s.to_string_lossy().into_owned());
    flamegraph::render_diff(before, after, &format!("Differential profile: {name}"), &output, true)?;
    Ok(output)
}

/// Profiles as `args` say, in this process; needs the profiling build.
#[cfg(feature = "profiling")]
pub fn run(args: &crate::cli::ProfileArgs, command_line: String) -> Result<()> {
    sampler::profile_all(args, command_line)
}

/// Without the profiling build there is nothing to sample with: say how to
/// get it.
#[cfg(not(feature = "profiling"))]
pub fn run(_args: &crate::cli::ProfileArgs, _command_line: String) -> Result<()> {
    bail!(
        "this harness was built without profiling support (pprof, the counting allocator and the engines' work \
         counters stay out of timing builds). Run it from the profiling build: `{}`",
        crate::handover::Build::Profiling.command("profile")
    )
}

/// Whether this binary can profile in-process.
pub const AVAILABLE: bool = cfg!(feature = "profiling");

/// Why this binary must not time anything, if it must not: the profiling
/// build's engines count their work and its allocator counts every
/// allocation, and a timed child is this same binary (`__run`), so its times
/// would not be the engines'.
pub fn refuse_to_time() -> Option<String> {
    refusal(AVAILABLE)
}

fn refusal(profiling: bool) -> Option<String> {
    profiling.then(|| {
        "this is the profiling build of the harness (its engines count their work and its allocator counts every \
         allocation), so its timings would not be the engines'; time with the timing build: `cargo run --release \
         -p harness`"
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_profiling_build_refuses_to_time_and_the_timing_build_does_not() {
        assert!(super::refusal(true).is_some_and(|why| why.contains("cargo run --release -p harness")));
        assert_eq!(super::refusal(false), None);
        assert_eq!(super::refuse_to_time().is_some(), super::AVAILABLE);
    }
}
