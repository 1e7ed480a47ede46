//! The ablation's records, one JSON line each in `ablation.jsonl` (while it
//! runs, `ablation.partial.jsonl`), appended
//! the moment each exists: a run record first (provenance, the engines and
//! their declared tunings, the programs and the variants), then a
//! verification per variant × program and a count per verified pair.

use crate::results::Provenance;
use crate::variant::TuningInfo;
use serde::{Deserialize, Serialize};

/// The records file of a complete ablation inside an output directory.
pub const RECORDS_FILE: &str = "ablation.jsonl";

/// The records of an ablation that has not finished (or was interrupted),
/// renamed to [`RECORDS_FILE`] when it is complete.
pub const PARTIAL_RECORDS_FILE: &str = "ablation.partial.jsonl";

/// An engine as the ablation saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineTunings {
    pub engine: String,
    /// Its one-line strategy.
    pub strategy: String,
    /// Every tuning it declares, in its order.
    pub tunings: Vec<TuningInfo>,
}

/// A program at the size it was counted at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgramSize {
    pub name: String,
    pub size: u64,
}

/// One variant counted: its name as `__run --engine` takes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VariantSpec {
    pub name: String,
    pub engine: String,
    /// The tunings off, in the engine's declaration order.
    pub disabled: Vec<String>,
}

/// One line of `ablation.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// The first record: what the ablation set out to count, and where.
    Run {
        provenance: Provenance,
        /// `valgrind --version`.
        valgrind: String,
        /// The time limit of one counted run.
        timeout_s: u64,
        engines: Vec<EngineTunings>,
        programs: Vec<ProgramSize>,
        variants: Vec<VariantSpec>,
    },
    /// A native run's output checked before anything is counted.
    Verification {
        variant: String,
        program: String,
        size: u64,
        passed: bool,
        /// The first differing line, the exit code or the time-out.
        detail: Option<String>,
        date: String,
    },
    /// The instructions of one whole run under cachegrind (its output
    /// checked again).
    Count {
        variant: String,
        program: String,
        size: u64,
        passed: bool,
        detail: Option<String>,
        instructions: u64,
        /// How long the counted run took under valgrind.
        seconds: f64,
        date: String,
    },
}
