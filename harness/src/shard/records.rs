//! Merging the records files of sharded runs (`profile.jsonl`,
//! `ablation.jsonl`): each shard's file starts with a run record naming its
//! slice, and every later record belongs to one engine × program. The merged
//! file is the first shard's run record (as the merge's own: no slice, the
//! merge's command) followed by every pair's records in the run's order.

use super::{Slice, join};
use crate::jsonl;
use crate::results::Provenance;
use anyhow::{Result, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// A record of a file a sharded run writes.
pub trait ShardedRecord: Clone + Serialize + DeserializeOwned {
    /// For the run record: its provenance and its slice (`None` for a run
    /// that was not sharded). `None` for every other record.
    fn run(&self) -> Option<(&Provenance, Option<&Slice>)>;

    /// The engine × program a measurement belongs to.
    fn pair(&self) -> (&str, &str);

    /// The run record of the merged run, made from this shard's.
    fn merged_run(&self, command_line: &str) -> Self;
}

/// Reads `file` in each of `dirs` (shards of one run), joins them and
/// writes the merged file into `out`; returns the merged records after the
/// run record, each with the index in `dirs` of the shard that measured it
/// (where its other files are: a reused directory may hold stale ones of
/// other pairs).
pub fn merge<R: ShardedRecord>(
    dirs: &[PathBuf],
    file: &str,
    out: &Path,
    command_line: &str,
) -> Result<Vec<(usize, R)>> {
    let mut slices: Vec<(Slice, Vec<(usize, R)>)> = Vec::with_capacity(dirs.len());
    let mut first_run: Option<(R, String)> = None;
    for (index, dir) in dirs.iter().enumerate() {
        let path = dir.join(file);
        if !path.is_file() {
            bail!("{} holds no {file}: is it the output directory of a `--shard K/N` run?", dir.display());
        }
        let mut records: Vec<R> = jsonl::read(&path)?;
        if records.is_empty() {
            bail!("{} is empty", path.display());
        }
        let run = records.remove(0);
        let Some((provenance, slice)) = run.run() else { bail!("{} does not start with a run record", path.display()) };
        let Some(slice) = slice.cloned() else {
            bail!("{} holds an unsharded run (made without --shard), not a shard", dir.display())
        };
        match &first_run {
            Some((_, revision)) if *revision != provenance.revision => bail!(
                "{} was measured at revision {} and the first shard at {revision}: they are not shards of one run",
                dir.display(),
                provenance.revision
            ),
            Some(_) => {}
            None => first_run = Some((run.clone(), provenance.revision.clone())),
        }
        slices.push((slice, records.into_iter().map(|record| (index, record)).collect()));
    }
    let Some((run, _)) = first_run else { bail!("there are no shards to merge") };
    let joined = join(&slices, |(_, record): &(usize, R)| record.pair())?;
    let mut writer = jsonl::Writer::create(&out.join(format!("{file}.partial")))?;
    writer.append(&run.merged_run(command_line))?;
    for (_, record) in &joined {
        writer.append(record)?;
    }
    writer.finish_as(file)?;
    Ok(joined)
}
