//! The records of `harness explain --rungs`, one JSON line each in
//! `explain.jsonl` (while it runs, `explain.partial.jsonl`), appended the
//! moment each exists: a run record first (provenance, the pairs of rungs
//! and the programs), then one record per pair × program with both engines'
//! measured totals and their instructions by category.

use crate::ablate::records::ProgramSize;
use crate::attribution::rules::Category;
use crate::results::Provenance;
use serde::{Deserialize, Serialize};

/// The records file of a complete run inside an output directory.
pub const RECORDS_FILE: &str = "explain.jsonl";

/// The records of a run that has not finished (or was interrupted), renamed
/// to [`RECORDS_FILE`] when it is complete.
pub const PARTIAL_RECORDS_FILE: &str = "explain.partial.jsonl";

/// A rung and the rung it is a step from, by its own account
/// (`frontend::Rung::below`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RungPair {
    pub upper: String,
    pub lower: String,
}

/// One engine's counted run of one program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub engine: String,
    /// Every instruction of the run phase (callgrind's summary); 0 when the
    /// run could not be counted.
    pub total: u64,
    /// Instructions per category, every category listed.
    pub categories: Vec<(Category, u64)>,
    /// Whether its output was right and it exited 0 within the time limit.
    pub passed: bool,
    /// What was wrong: the first differing line, the exit code, the
    /// time-out or why it could not be counted.
    pub detail: Option<String>,
}

impl Side {
    pub fn category(&self, category: Category) -> u64 {
        self.categories.iter().find(|(c, _)| *c == category).map_or(0, |(_, n)| *n)
    }

    /// The sum over categories.
    pub fn categorised(&self) -> u64 {
        self.categories.iter().map(|(_, n)| n).sum()
    }

    /// Whether the categories add up to the measured total within
    /// `explain`'s tolerance.
    pub fn adds_up(&self) -> bool {
        crate::explain::within_tolerance(self.total, self.categorised())
    }
}

/// One line of `explain.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// The first record: what the run set out to count, and where.
    Run {
        provenance: Provenance,
        /// `valgrind --version`.
        valgrind: String,
        /// The time limit of one counted run.
        timeout_s: u64,
        /// In ladder order.
        pairs: Vec<RungPair>,
        programs: Vec<ProgramSize>,
    },
    /// A pair of rungs on one program, each engine counted once per program
    /// however many pairs it is part of.
    Pair { program: String, size: u64, upper: Side, lower: Side, date: String },
}
