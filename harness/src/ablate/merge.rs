//! `harness ablate merge DIR…`: the output directories of `harness ablate
//! --shard K/N` joined into one `ablation.jsonl` (every variant × program's
//! verification and count, in the run's order), whose report is then
//! rendered as one unsharded ablation's would be.

use super::Ablated;
use super::records::{RECORDS_FILE, Record};
use super::table::Ablation;
use crate::cli::MergeArgs;
use crate::results::Provenance;
use crate::shard::Slice;
use crate::shard::records::{self, ShardedRecord};
use crate::{app, outdir};
use anyhow::{Context, Result};

impl ShardedRecord for Record {
    fn run(&self) -> Option<(&Provenance, Option<&Slice>)> {
        match self {
            Record::Run { provenance, shard, .. } => Some((provenance, shard.as_deref())),
            _ => None,
        }
    }

    fn pair(&self) -> (&str, &str) {
        match self {
            Record::Verification { variant, program, .. } | Record::Count { variant, program, .. } => {
                (variant, program)
            }
            Record::Run { .. } => ("", ""),
        }
    }

    fn merged_run(&self, command_line: &str) -> Record {
        let mut run = self.clone();
        if let Record::Run { provenance, shard, .. } = &mut run {
            provenance.command = command_line.to_string();
            *shard = None;
        }
        run
    }
}

/// Joins the shards into `args.out` and renders the report there, as
/// `harness ablate` does at the end of an unsharded run.
pub fn run(args: &MergeArgs, command_line: &str) -> Result<Ablated> {
    let out = args.out.clone().unwrap_or_else(app::default_out);
    outdir::claim(&out, args.force)?;
    let merged: Vec<(usize, Record)> = records::merge(&args.dirs, RECORDS_FILE, &out, command_line)?;
    eprintln!("Joined {} records into {}", merged.len(), out.join(RECORDS_FILE).display());
    let ablation = Ablation::load(&out, false)?.context("the merged ablation records are missing")?;
    super::finish(&out, &ablation)
}
