//! JSON Lines files of records: each record one line, written with one call
//! and flushed at once, so a killed run loses at most the line it was
//! writing; reading skips such a cut-short last line and refuses any other
//! bad line.

use anyhow::{Context, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// Appends records to a file, one flushed line each.
#[derive(Debug)]
pub struct Writer {
    file: File,
    path: PathBuf,
}

impl Writer {
    /// Starts a new file at `path`, replacing any earlier one.
    pub fn create(path: &Path) -> Result<Writer> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
        }
        let file = File::create(path).with_context(|| format!("could not create {}", path.display()))?;
        Ok(Writer { file, path: path.to_path_buf() })
    }

    /// Writes one record as one line and hands it to the operating system
    /// at once, so that it survives the harness being killed.
    pub fn append(&mut self, record: &impl Serialize) -> Result<()> {
        let mut line = serde_json::to_string(record)?;
        line.push('\n');
        // One write call per record: a kill can only lose a whole line.
        self.file.write_all(line.as_bytes()).with_context(|| format!("could not write to {}", self.path.display()))?;
        self.file.flush()?;
        Ok(())
    }

    /// The file is complete: it replaces the file `name` beside it, in one
    /// rename, so a reader finds either the earlier complete file or this
    /// one, never a mix. Returns the new path.
    pub fn finish_as(self, name: &str) -> Result<PathBuf> {
        self.file.sync_all().with_context(|| format!("could not write {}", self.path.display()))?;
        let complete = self.path.with_file_name(name);
        std::fs::rename(&self.path, &complete)
            .with_context(|| format!("could not rename {} to {}", self.path.display(), complete.display()))?;
        Ok(complete)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Reads every record of a file written by [`Writer`]. A last line cut
/// short (the run was killed while writing it) is skipped with a warning;
/// any other bad line is an error.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let file = File::open(path).with_context(|| format!("could not open {}", path.display()))?;
    let lines: Vec<String> = BufReader::new(file).lines().collect::<std::io::Result<_>>()?;
    let mut records = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(record) => records.push(record),
            Err(_) if index + 1 == lines.len() => {
                eprintln!(
                    "warning: the last line of {} is incomplete (an interrupted run?); skipping it",
                    path.display()
                );
            }
            Err(error) => {
                return Err(error).with_context(|| format!("{}:{}: not a record", path.display(), index + 1));
            }
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_a_cut_last_line_is_skipped() {
        let path = std::env::temp_dir().join(format!("harness-jsonl-{}.jsonl", std::process::id()));
        let mut writer = Writer::create(&path).unwrap();
        writer.append(&vec![1, 2]).unwrap();
        writer.append(&vec![3]).unwrap();
        assert_eq!(read::<Vec<u32>>(&path).unwrap(), vec![vec![1, 2], vec![3]]);
        std::fs::write(&path, "[1]\n[2\n").unwrap();
        assert_eq!(read::<Vec<u32>>(&path).unwrap(), vec![vec![1]]);
        std::fs::write(&path, "[1\n[2]\n").unwrap();
        assert!(read::<Vec<u32>>(&path).unwrap_err().to_string().contains(":1: not a record"));
        let _ = std::fs::remove_file(&path);
    }
}
