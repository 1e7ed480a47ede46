//! The records of `harness explain --opcodes`, one JSON line each in
//! `opcodes.jsonl` (while it runs, `opcodes.partial.jsonl`), appended the
//! moment each exists: a run record first (provenance, the engines, the
//! programs and the two builds), then one record per engine × program with
//! the instructions of each dispatch arm and the executions counted.

use crate::ablate::records::ProgramSize;
use crate::attribution::UnitCost;
use crate::profile::counts::Count;
use crate::results::Provenance;
use serde::{Deserialize, Serialize};

/// The records file of a complete run inside an output directory.
pub const RECORDS_FILE: &str = "opcodes.jsonl";

/// The records of a run that has not finished (or was interrupted), renamed
/// to [`RECORDS_FILE`] when it is complete.
pub const PARTIAL_RECORDS_FILE: &str = "opcodes.partial.jsonl";

/// What the jit's run executed outside any dispatch arm: its generated
/// machine code, which has no debug information, and the functions of the
/// binary it called.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineCode {
    /// Instructions executed in code that no object file holds (what the
    /// jit generated at run time).
    pub generated: u64,
    /// The binary's functions by their own instructions (what was inlined
    /// into them included, their callees not), largest first: the helpers
    /// that generated code calls, and what those call in turn. Short names
    /// (`helpers::get_property`).
    pub functions: Vec<(String, u64)>,
}

/// One engine's counted run of one program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub engine: String,
    pub program: String,
    pub size: u64,
    /// Every instruction of the run phase (callgrind's summary); 0 when the
    /// run could not be counted.
    pub total: u64,
    /// Each dispatch arm's instructions, and the dispatch code around the
    /// arms (see [`crate::attribution::UnitCost`]).
    pub units: Vec<UnitCost>,
    /// The executions of each opcode or evaluations of each node kind in the
    /// same program at the same size, from a `work-count` build
    /// (`Session::counters`, the opcode and node families only).
    pub executions: Vec<Count>,
    /// The engine whose `work-count` build counted [`Measured::executions`]:
    /// the engine itself, or for the jit, nanbox-vm, which runs the same
    /// bytecode (the jit counts nothing itself).
    pub executions_from: String,
    /// The jit's generated code and the functions it called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_code: Option<MachineCode>,
    /// Whether both outputs (the counted and the work-count run) were right.
    pub passed: bool,
    /// What was wrong: the first differing line, the exit code, the time-out
    /// or why it could not be counted.
    pub detail: Option<String>,
    pub date: String,
}

/// One line of `opcodes.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// The first record: what the run set out to count, and how.
    Run {
        provenance: Provenance,
        /// `valgrind --version`.
        valgrind: String,
        /// The time limit of one counted run.
        timeout_s: u64,
        engines: Vec<String>,
        programs: Vec<ProgramSize>,
        /// The cargo command that built the counted binary (no counters).
        counted_build: String,
        /// The cargo command that built the binary that counted executions.
        work_count_build: String,
    },
    Measured(Measured),
}

/// What a directory's `opcodes.jsonl` holds, for the report.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub provenance: Provenance,
    pub valgrind: String,
    pub counted_build: String,
    pub work_count_build: String,
    /// In the order they were counted: by program, then in ladder order.
    pub measured: Vec<Measured>,
}

impl Saved {
    /// The records in `dir` (the partial ones when `partial` and there are
    /// any), or `None` when it has none.
    pub fn load(dir: &std::path::Path, partial: bool) -> anyhow::Result<Option<Saved>> {
        let partial_path = dir.join(PARTIAL_RECORDS_FILE);
        let path = if partial && partial_path.is_file() { partial_path } else { dir.join(RECORDS_FILE) };
        if !path.is_file() {
            return Ok(None);
        }
        let records: Vec<Record> = crate::jsonl::read(&path)?;
        Saved::from_records(records).map(Some).map_err(|error| anyhow::anyhow!("in {}: {error}", path.display()))
    }

    pub fn from_records(records: Vec<Record>) -> Result<Saved, String> {
        let mut records = records.into_iter();
        let Some(Record::Run { provenance, valgrind, counted_build, work_count_build, .. }) = records.next() else {
            return Err("the first record is not the run's".to_string());
        };
        let measured = records
            .map(|record| match record {
                Record::Measured(measured) => Ok(measured),
                Record::Run { .. } => Err("a second run record".to_string()),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Saved { provenance, valgrind, counted_build, work_count_build, measured })
    }
}
