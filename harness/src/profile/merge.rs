//! `harness profile merge DIR…`: the output directories of `harness profile
//! --shard K/N` joined into one: `profile.jsonl` with every pair's profile in
//! the run's order, and every flamegraph and folded-stack file beside it.
//! Needs no profiling build: it only reads and writes files.

use super::{PROFILE_FILE, ProfileRecord};
use crate::cli::MergeArgs;
use crate::results::Provenance;
use crate::shard::Slice;
use crate::shard::records::{self, ShardedRecord};
use crate::{app, outdir};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

impl ShardedRecord for ProfileRecord {
    fn run(&self) -> Option<(&Provenance, Option<&Slice>)> {
        match self {
            ProfileRecord::Run { provenance, shard, .. } => Some((provenance, shard.as_ref())),
            ProfileRecord::Profile(_) => None,
        }
    }

    fn pair(&self) -> (&str, &str) {
        match self {
            ProfileRecord::Profile(profile) => (&profile.engine, &profile.program),
            ProfileRecord::Run { .. } => ("", ""),
        }
    }

    fn merged_run(&self, command_line: &str) -> ProfileRecord {
        let mut run = self.clone();
        if let ProfileRecord::Run { provenance, shard, .. } = &mut run {
            provenance.command = command_line.to_string();
            *shard = None;
        }
        run
    }
}

/// Joins the shards into `args.out`; returns the directory.
pub fn run(args: &MergeArgs, command_line: &str) -> Result<PathBuf> {
    let out = args.out.clone().unwrap_or_else(app::default_out);
    outdir::claim(&out, args.force)?;
    let merged: Vec<(usize, ProfileRecord)> = records::merge(&args.dirs, PROFILE_FILE, &out, command_line)?;
    for (shard, record) in &merged {
        let ProfileRecord::Profile(profile) = record else { continue };
        for file in profile.files() {
            // From the shard that profiled the pair: another shard's
            // directory may hold an older file of the same name.
            let from = args.dirs[*shard].join(file);
            if !from.is_file() {
                bail!(
                    "{} is missing: the shard's profile of {} on {} names it",
                    from.display(),
                    profile.engine,
                    profile.program
                );
            }
            let to = out.join(file);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(&from, &to).with_context(|| format!("could not copy {}", from.display()))?;
        }
    }
    eprintln!("Joined {} profiles into {}", merged.len(), out.join(PROFILE_FILE).display());
    Ok(out)
}
