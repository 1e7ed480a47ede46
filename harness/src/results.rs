//! Results as JSON Lines: one record per line, appended and flushed the
//! moment it is taken, so an interrupted run keeps everything it measured.
//!
//! A run writes `results.partial.jsonl` and renames it to `results.jsonl`
//! only when it has finished, so the results of the last complete run are
//! never truncated by a new one: not by a run stopped half-way (whose
//! records stay in the partial file, for `harness report --partial`), and not
//! by one that fails before measuring anything.
//!
//! A results file starts with a [`Record::Run`] carrying the provenance that
//! every later record in the file shares (git revision, rustc, build profile,
//! CPU, command, date, the programs and contenders); each later record names
//! its own contender, program and size and carries the time it was taken.
//! The report is rendered from these records alone.

use crate::contender::Contender;
use crate::jsonl;
use crate::programs::Program;
use crate::runs::Adaptive;
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file name of the results inside an output directory.
pub const RESULTS_FILE: &str = "results.jsonl";

/// The results of a run that has not finished (or was interrupted).
pub const PARTIAL_RESULTS_FILE: &str = "results.partial.jsonl";

/// Where and with what a run was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The command line, as typed after `harness`.
    pub command: String,
    /// `git rev-parse HEAD` of the working tree, with `-dirty` when it had
    /// uncommitted changes.
    pub revision: String,
    pub rustc: String,
    /// The cargo profile the harness (and so every engine) was built with.
    pub profile: String,
    pub cpu: String,
    pub cores: usize,
    pub os: String,
    /// When the run started, RFC 3339 in UTC.
    pub date: String,
}

/// Which part of a run a measurement belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suite {
    /// Every program at one size: the results table and the first two charts.
    Main,
    /// One program at many sizes: the scaling chart.
    Scaling,
}

/// One line of a results file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// The first record: provenance and what the run set out to do.
    Run {
        provenance: Provenance,
        quick: bool,
        /// Timed runs per contender and program: the fixed count, or with
        /// `adaptive` the fewest.
        runs: usize,
        /// The adaptive rule, when the run counts were adaptive.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        adaptive: Option<Adaptive>,
        warmup: usize,
        contenders: Vec<Contender>,
        programs: Vec<Program>,
        /// The program of the scaling suite, if any.
        scaling_program: Option<String>,
    },
    /// The cost of starting a process that does nothing, subtracted from
    /// every wall time.
    Calibration { wall_s: Vec<f64>, overhead_s: f64, max_rss_bytes: u64, date: String },
    /// The check that comes before any timing.
    Verification {
        contender: String,
        program: String,
        size: u64,
        suite: Suite,
        passed: bool,
        /// Why it failed: the first differing line, or the exit code.
        detail: Option<String>,
        argv: Vec<String>,
        date: String,
    },
    /// One run of the do-nothing process inside a round of a case: the cost
    /// of starting a process, measured again beside the contenders.
    SpawnCost { program: String, size: u64, suite: Suite, round: usize, wall_s: f64, date: String },
    /// One timed run: raw wall time (overhead not yet subtracted), CPU time
    /// and peak RSS of the child.
    Sample {
        contender: String,
        program: String,
        size: u64,
        suite: Suite,
        /// The round within the interleaved schedule, from 0.
        round: usize,
        wall_s: f64,
        user_s: f64,
        system_s: f64,
        max_rss_bytes: u64,
        date: String,
    },
}

/// Appends records to a results file, flushing each one.
#[derive(Debug)]
pub struct ResultsWriter(jsonl::Writer);

impl ResultsWriter {
    /// Starts a new partial results file in `dir` (replacing an earlier
    /// partial one); the complete results there stay untouched until
    /// [`ResultsWriter::finish`].
    pub fn create(dir: &Path) -> Result<ResultsWriter> {
        Ok(ResultsWriter(jsonl::Writer::create(&dir.join(PARTIAL_RESULTS_FILE))?))
    }

    /// The run is complete: its results replace the earlier ones, in one
    /// rename. Returns the results file's path.
    pub fn finish(self) -> Result<PathBuf> {
        self.0.finish_as(RESULTS_FILE)
    }

    /// Writes one record as one line and hands it to the operating system
    /// at once, so that it survives the harness being killed.
    pub fn append(&mut self, record: &Record) -> Result<()> {
        self.0.append(record)
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

/// Reads every record of a results file. A last line cut short (the run was
/// killed while writing it) is skipped; any other bad line is an error.
pub fn read_records(path: &Path) -> Result<Vec<Record>> {
    if !path.is_file() {
        bail!("there is no {}; run `harness` (or `harness --quick`) first to measure", path.display());
    }
    jsonl::read(path)
}

/// The current time as RFC 3339 in UTC, e.g. `2025-01-31T12:00:00Z`.
pub fn now_rfc3339() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format_utc(seconds)
}

/// Formats seconds since the Unix epoch as RFC 3339 in UTC.
pub fn format_utc(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_format_as_rfc3339() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_735_689_599), "2024-12-31T23:59:59Z");
    }
}
