//! `harness ci merge DIR…`: the output directories of `harness ci --shard
//! K/N`, every K of one N, joined into one run (every pair once, in the
//! unsharded order, with its profile) and judged by the same gate, so that
//! the report and the verdict are those of one unsharded run of the same
//! pairs.

use super::compare::{CI_FILE, CiResults, PROFILE_DIR};
use super::gate::{self, Gate};
use super::{baseline, default_out, profile_name};
use crate::cli::CiMergeArgs;
use crate::shard::Slice;
use crate::{app, outdir, shard};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// Runs `harness ci merge`; returns whether the joined run passed.
pub fn run(args: &CiMergeArgs, command_line: String) -> Result<bool> {
    let root = app::workspace_root();
    let shards: Vec<(PathBuf, CiResults, Slice)> = args
        .dirs
        .iter()
        .map(|dir| load(dir).map(|(results, run)| (dir.clone(), results, run)))
        .collect::<Result<_>>()?;
    let now = join(&shards, command_line)?;
    let gate = Gate::new(&args.gate, &root)?;
    if args.update_baseline && gate.baseline.dir().is_none() {
        bail!("--update-baseline writes a baseline directory, and --against names a git revision: leave one out");
    }
    let out = args.out.clone().unwrap_or_else(default_out);
    outdir::claim(&out, args.force)?;
    let profiles = out.join(PROFILE_DIR);
    std::fs::create_dir_all(&profiles)?;
    for (dir, results, _) in &shards {
        for count in &results.counts {
            let name = profile_name(&count.engine, &count.program);
            std::fs::copy(dir.join(PROFILE_DIR).join(&name), profiles.join(&name))
                .with_context(|| format!("shard {} has no profile {name}", dir.display()))?;
        }
    }
    now.save(&out)?;
    eprintln!("Joined {} shards: {} pairs", shards.len(), now.counts.len());

    if let (true, Some(dir)) = (args.update_baseline, gate.baseline.dir()) {
        if let Some(wrong) = now.counts.iter().find(|c| !c.passed) {
            bail!("{} is wrong on {}; a baseline is only taken from correct engines", wrong.engine, wrong.program);
        }
        outdir::claim(dir, args.force)?;
        let earlier = CiResults::load(dir)?;
        let everything = shards[0].2.everything;
        let mut programs: Vec<&str> = Vec::new();
        for (_, program) in &shards[0].2.pairs {
            if !programs.contains(&program.as_str()) {
                programs.push(program);
            }
        }
        baseline::update(dir, earlier.as_ref(), &now, &profiles, everything, &programs)?;
    }
    let extra = if now.calibration.is_some() { super::calibrate::section(&now) } else { String::new() };
    gate::judge(&now, &gate, &root, &out, &extra)
}

/// A shard's results and its place in the run.
fn load(dir: &Path) -> Result<(CiResults, Slice)> {
    let Some(results) = CiResults::load(dir)? else {
        bail!("{} holds no {CI_FILE}: is it the output directory of `harness ci --shard K/N`?", dir.display())
    };
    let Some(run) = results.shard.clone() else {
        bail!("{} holds the results of an unsharded run (counted without --shard), not a shard", dir.display())
    };
    Ok((results, run))
}

/// The shards as one run: every pair of the run exactly once, in the run's
/// order, after checking that they were counted at one revision with one
/// toolchain.
pub fn join(shards: &[(PathBuf, CiResults, Slice)], command_line: String) -> Result<CiResults> {
    let (first_dir, first, _) = &shards[0];
    for (dir, results, _) in &shards[1..] {
        let mut differences = Vec::new();
        if results.provenance.revision != first.provenance.revision {
            differences.push(format!("revision {} and {}", first.provenance.revision, results.provenance.revision));
        }
        for ((what, mine), (_, theirs)) in first.toolchain().iter().zip(results.toolchain()) {
            if *mine != theirs {
                differences.push(format!("{what} `{mine}` and `{theirs}`"));
            }
        }
        if results.calibration.is_some() != first.calibration.is_some() {
            differences.push("one calibrated and the other not".to_string());
        }
        if !differences.is_empty() {
            bail!(
                "{} and {} were not counted alike ({}): they are not shards of one run",
                first_dir.display(),
                dir.display(),
                differences.join("; ")
            );
        }
    }
    let slices: Vec<(Slice, Vec<_>)> =
        shards.iter().map(|(_, results, slice)| (slice.clone(), results.counts.clone())).collect();
    let counts = shard::join(&slices, |count| (count.engine.as_str(), count.program.as_str()))?;
    let mut provenance = first.provenance.clone();
    provenance.command = command_line;
    Ok(CiResults {
        provenance,
        valgrind: first.valgrind.clone(),
        libc: first.libc.clone(),
        counted: first.counted.clone(),
        counts,
        calibration: first.calibration.clone(),
        shard: None,
    })
}
