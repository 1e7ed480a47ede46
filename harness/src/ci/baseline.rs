//! Where a baseline comes from, and how it moves.
//!
//! The gate compares with a baseline directory (`reports/baseline/` by
//! default), or with that directory as committed at a git revision
//! (`--against REV`; `merge-base` for where the branch left main), read
//! straight from git so that a branch which moves the baseline is still
//! shown its change against the one it started from. A second baseline, the
//! *reference* (by default the baseline as committed with the last reference
//! run, `reports/reference/`), gives every pair its cumulative change, so
//! that steps each under the threshold cannot add up unseen.

use super::compare::{CI_FILE, CiResults, Count, PROFILE_DIR};
use crate::cli::GateArgs;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The committed baseline, relative to the checkout.
pub const BASELINE_DIR: &str = "reports/baseline";

/// The committed reference run, relative to the checkout.
pub const REFERENCE_DIR: &str = "reports/reference";

/// A baseline's location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A directory holding `ci.json` and `profiles/`.
    Dir(PathBuf),
    /// A directory of the checkout (`path`, relative to it) as committed at
    /// `revision` (a full commit hash); `label` says how it was asked for.
    Revision { revision: String, path: String, label: String },
}

impl Source {
    /// The gate's baseline, as `gate` asks for it.
    pub fn gate(gate: &GateArgs, root: &Path) -> Result<Source> {
        let dir = gate.baseline.clone().unwrap_or_else(|| root.join(BASELINE_DIR));
        let Some(spec) = &gate.against else { return Ok(Source::Dir(dir)) };
        let path = in_checkout(root, &dir)?;
        let (revision, label) = if spec == "merge-base" {
            let (revision, branch) = merge_base(root)?;
            let label = format!("merge-base with {branch}, {}", short(&revision));
            (revision, label)
        } else {
            let revision = resolve(root, spec)?;
            let label = format!("{spec}, {}", short(&revision));
            (revision, label)
        };
        Ok(Source::Revision { revision, path, label })
    }

    /// The reference baseline, as `gate` asks for it: `None` for `none`, and
    /// by default (when the gate uses the committed baseline, at any revision)
    /// the baseline as of the last commit of `reports/reference/`.
    pub fn reference(gate: &GateArgs, root: &Path) -> Result<Option<Source>> {
        let path = BASELINE_DIR.to_string();
        match gate.reference.as_deref() {
            Some("none") => Ok(None),
            Some(spec) => {
                let revision = resolve(root, spec)?;
                Ok(Some(Source::Revision { label: format!("{spec}, {}", short(&revision)), revision, path }))
            }
            // Another baseline directory has another history: no default.
            None if gate.baseline.is_some() => Ok(None),
            None => {
                let revision = git(root, &["log", "-1", "--format=%H", "--", REFERENCE_DIR]).unwrap_or_default();
                if revision.is_empty() {
                    return Ok(None);
                }
                let label = format!("the last reference run, {}", short(&revision));
                Ok(Some(Source::Revision { revision, path, label }))
            }
        }
    }

    /// The directory's `ci.json`, if there is one.
    pub fn load(&self, root: &Path) -> Result<Option<CiResults>> {
        match self {
            Source::Dir(dir) => CiResults::load(dir),
            Source::Revision { revision, path, label } => {
                let Some(text) = git(root, &["show", &format!("{revision}:{path}/{CI_FILE}")]) else {
                    return Ok(None);
                };
                let results = serde_json::from_str(&text)
                    .with_context(|| format!("{path}/{CI_FILE} at {label} is not a CI results file"))?;
                Ok(Some(results))
            }
        }
    }

    /// The saved per-function profile `name` of this baseline, as a file:
    /// read from git into `scratch` when the baseline lives there.
    pub fn profile(&self, root: &Path, name: &str, scratch: &Path) -> Result<Option<PathBuf>> {
        match self {
            Source::Dir(dir) => {
                let path = dir.join(PROFILE_DIR).join(name);
                Ok(path.is_file().then_some(path))
            }
            Source::Revision { revision, path, .. } => {
                let Some(text) = git(root, &["show", &format!("{revision}:{path}/{PROFILE_DIR}/{name}")]) else {
                    return Ok(None);
                };
                std::fs::create_dir_all(scratch)?;
                let file = scratch.join(name);
                std::fs::write(&file, text)?;
                Ok(Some(file))
            }
        }
    }

    /// How the report names it.
    pub fn describe(&self) -> String {
        match self {
            Source::Dir(dir) => dir.display().to_string(),
            Source::Revision { path, label, .. } => format!("{path} at {label}"),
        }
    }

    /// The directory a baseline update writes, which only a directory
    /// source has.
    pub fn dir(&self) -> Option<&Path> {
        match self {
            Source::Dir(dir) => Some(dir),
            Source::Revision { .. } => None,
        }
    }
}

/// `dir` relative to the checkout, for reading it from git.
fn in_checkout(root: &Path, dir: &Path) -> Result<String> {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    match absolute.strip_prefix(&root) {
        Ok(relative) => Ok(relative.display().to_string()),
        Err(_) => bail!(
            "--against reads the baseline from git, but {} is outside the checkout {}",
            dir.display(),
            root.display()
        ),
    }
}

/// The full hash of `spec`, or an error that says what git could not find.
pub fn resolve(root: &Path, spec: &str) -> Result<String> {
    match git(root, &["rev-parse", "--verify", "--quiet", &format!("{spec}^{{commit}}")]) {
        Some(revision) if !revision.is_empty() => Ok(revision),
        _ => bail!("git knows no revision `{spec}` in {} (a shallow clone? fetch the history)", root.display()),
    }
}

/// Where HEAD left the main branch: `git merge-base HEAD origin/main`, or
/// `main` where there is no remote branch. Returns the revision and the
/// branch.
fn merge_base(root: &Path) -> Result<(String, &'static str)> {
    for branch in ["origin/main", "main"] {
        if let Some(revision) = git(root, &["merge-base", "HEAD", branch]).filter(|r| !r.is_empty()) {
            return Ok((revision, branch));
        }
    }
    bail!(
        "found no merge-base of HEAD with origin/main or main in {} (in CI, fetch the whole history: \
         `fetch-depth: 0`)",
        root.display()
    )
}

/// The first 10 characters of a hash.
fn short(revision: &str) -> &str {
    &revision[..revision.len().min(10)]
}

/// What `git ARGS` printed (trimmed), when it succeeded.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// Writes `now` into the baseline. When the run counted every engine on
/// every program, the baseline becomes exactly `now`; when `--engines` or
/// `--programs` chose some, only the pairs counted are replaced and every
/// other pair (and its profile) is kept from `earlier`.
pub fn update(
    baseline_dir: &Path,
    earlier: Option<&CiResults>,
    now: &CiResults,
    profile_dir: &Path,
    everything: bool,
    program_order: &[&str],
) -> Result<()> {
    let mut merged = now.clone();
    merged.shard = None;
    let mut kept = 0;
    if let Some(earlier) = earlier.filter(|_| !everything) {
        let counted = |c: &Count| now.find(&c.engine, &c.program).is_some();
        let others: Vec<Count> = earlier.counts.iter().filter(|c| !counted(c)).cloned().collect();
        kept = others.len();
        merged.counts.extend(others);
        merged.counts.sort_by_key(|count| pair_order(count, program_order));
    }
    merged.save(baseline_dir)?;
    let baseline_profiles = baseline_dir.join(PROFILE_DIR);
    if everything {
        let _ = std::fs::remove_dir_all(&baseline_profiles);
    }
    std::fs::create_dir_all(&baseline_profiles)?;
    for count in &now.counts {
        let name = super::profile_name(&count.engine, &count.program);
        std::fs::copy(profile_dir.join(&name), baseline_profiles.join(&name))?;
    }
    eprintln!(
        "Baseline updated in {}: {} counted now{}",
        baseline_dir.display(),
        crate::report::format::plural(now.counts.len(), "pair", "pairs"),
        if kept > 0 { format!(", {kept} kept from the earlier baseline") } else { String::new() }
    );
    Ok(())
}

/// Writes the spreads a calibration measured into the baseline's pairs of
/// the same size, keeping its counts; returns how many pairs got one.
pub fn store_spreads(baseline_dir: &Path, baseline: &CiResults, now: &CiResults) -> Result<usize> {
    let mut updated = baseline.clone();
    let mut stored = 0;
    for count in &mut updated.counts {
        if let Some(measured) = now.find(&count.engine, &count.program).filter(|m| m.size == count.size)
            && measured.spread.is_some()
        {
            count.spread = measured.spread;
            stored += 1;
        }
    }
    updated.calibration = now.calibration.clone();
    updated.save(baseline_dir)?;
    Ok(stored)
}

/// What measuring each pair will take, for balancing shards: the pair's
/// instructions (both counts) in `baseline`, an engine's variant costed as
/// the engine, `None` where the baseline lacks the pair. `harness profile`
/// and `harness ablate` balance by the committed baseline too: their runs
/// take longer for the same pairs in about the same proportions.
pub fn pair_costs(baseline: Option<&CiResults>, pairs: &[(String, String)]) -> Vec<Option<u64>> {
    pairs
        .iter()
        .map(|(engine, program)| {
            let baseline = baseline?;
            let count =
                baseline.find(engine, program).or_else(|| baseline.find(crate::variant::engine_of(engine), program))?;
            Some(count.total + count.prepare)
        })
        .collect()
}

/// The committed baseline of the checkout at `root`, for balancing shards
/// (`None` when there is none, or it cannot be read: then every pair costs
/// alike).
pub fn committed(root: &Path) -> Option<CiResults> {
    CiResults::load(&root.join(BASELINE_DIR)).ok().flatten()
}

/// The order of a full baseline: programs in manifest order, each with the
/// engines in ladder order, a variant right after its engine (names the
/// manifest or registry lacks go last).
pub fn pair_order(count: &Count, program_order: &[&str]) -> (usize, String, usize, String) {
    let program = program_order.iter().position(|p| *p == count.program).unwrap_or(usize::MAX);
    let base = count.engine.split(':').next().unwrap_or_default();
    let engine = lox::engines().iter().position(|e| e.name() == base).unwrap_or(usize::MAX);
    (program, count.program.clone(), engine, count.engine.clone())
}
