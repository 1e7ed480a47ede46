//! The JSON export: one object with the schema's name and version, the
//! run's provenance, and one record per contender × program × size, each
//! repeating the provenance. The fields follow hyperfine's JSON export where
//! they mean the same (`command`, `mean`, `stddev`, `median`, `min`, `max`,
//! `user`, `system`, `times`, all in seconds); the rest says what loxbench
//! adds (verification, the spawn cost subtracted, peak memory, the suite).
//!
//! Version 1 is described field by field in
//! `harness/schema/results-v1.schema.json`. A change that removes or renames
//! a field, or changes its meaning or unit, raises [`SCHEMA_VERSION`]; adding
//! a field does not.

use crate::contender::Kind;
use crate::report::analysis::Analysis;
use crate::results::{Provenance, Suite};
use serde::{Deserialize, Serialize};

/// The schema's name, in every export's `schema` field.
pub const SCHEMA: &str = "loxbench-results";

/// The schema's version, in every export's `schema_version` field.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole export file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub schema: String,
    pub schema_version: u32,
    /// The generated-file notice: which command made the results, where.
    pub generated: String,
    /// The run's provenance (each record repeats it).
    pub provenance: Provenance,
    pub results: Vec<Record>,
}

impl Export {
    pub fn new(analysis: &Analysis, notice: &str, results: Vec<Record>) -> Export {
        Export {
            schema: SCHEMA.to_string(),
            schema_version: SCHEMA_VERSION,
            generated: notice.to_string(),
            provenance: analysis.provenance.clone(),
            results,
        }
    }
}

/// One contender on one program at one size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub contender: String,
    /// `engine` or `peer`.
    pub kind: Kind,
    /// The command template the contender ran (placeholders as in `--peer`).
    pub command: Vec<String>,
    pub program: String,
    pub size: u64,
    pub suite: Suite,
    /// Whether every run's output was right.
    pub passed: bool,
    /// Why not, when it was not.
    pub failure: Option<String>,
    /// Passed, but its median was no longer than starting a process: no time
    /// to report (the time fields are then about noise).
    pub below_resolution: bool,
    /// Timed runs.
    pub runs: usize,
    /// Seconds of wall time, the spawn cost subtracted; `None` without runs.
    pub mean: Option<f64>,
    pub stddev: Option<f64>,
    pub median: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Mean user and system CPU seconds of a run; `None` without runs.
    pub user: Option<f64>,
    pub system: Option<f64>,
    /// The largest peak resident set of any run, in bytes.
    pub peak_rss_bytes: Option<u64>,
    /// The seconds subtracted from each run's wall time: the median cost of
    /// starting a do-nothing process in this case's rounds.
    pub spawn_overhead: f64,
    /// Every timed run's wall seconds, spawn cost subtracted, in order.
    pub times: Vec<f64>,
    pub provenance: Provenance,
}

/// Every cell of the run, main suite first, as export records.
pub fn records(analysis: &Analysis) -> Vec<Record> {
    analysis
        .cells
        .iter()
        .map(|(key, cell)| {
            let contender = analysis.contenders.iter().find(|c| c.name == key.contender);
            let summary = crate::stats::summarize(&cell.wall_s);
            let timed = !cell.wall_s.is_empty();
            Record {
                contender: key.contender.clone(),
                kind: contender.map_or(Kind::Engine, |c| c.kind),
                command: contender.map_or_else(Vec::new, |c| c.command.clone()),
                program: key.program.clone(),
                size: key.size,
                suite: key.suite,
                passed: cell.failure.is_none(),
                failure: cell.failure.clone(),
                below_resolution: cell.below_resolution(),
                runs: cell.wall_s.len(),
                mean: summary.map(|s| s.mean),
                stddev: summary.map(|s| s.stddev),
                median: summary.map(|s| s.median),
                min: summary.map(|s| s.min),
                max: summary.map(|s| s.max),
                user: timed.then(|| cell.mean_user_s()),
                system: timed.then(|| cell.mean_system_s()),
                peak_rss_bytes: timed.then(|| cell.peak_rss_bytes()),
                spawn_overhead: analysis.overhead_for(key.suite, &key.program, key.size),
                times: cell.wall_s.clone(),
                provenance: analysis.provenance.clone(),
            }
        })
        .collect()
}
