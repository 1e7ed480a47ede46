//! Instructions attributed to what caused them, deterministically: every
//! instruction an engine's run phase executed (counted by callgrind), traced
//! back through the binary's debug information to the source it was compiled
//! from, and counted in a category (dispatch, operands, variables,
//! allocation, collection, calls, operations) and, inside a dispatch loop or
//! a walker's `evaluate`, in the arm of the opcode or node kind that ran it.
//!
//! `harness explain` compares two engines by category, and `harness
//! profile` reports each VM's instructions per opcode execution from the
//! arms. METHODOLOGY.md says how the attribution is made and what it cannot
//! see.

pub mod callgrind;
pub mod debuginfo;
pub mod rules;
pub mod source;

use anyhow::Result;
use callgrind::Counts;
use debuginfo::{Frame, Symbolizer};
use rules::Category;
use serde::{Deserialize, Serialize};
use source::{SourceIndex, Unit};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Counts engines' runs under callgrind and attributes them: the binary
/// counted (a release build of the harness, running `__run` as `harness ci`
/// does), its debug information, and the engines' sources.
pub struct Attributor {
    binary: PathBuf,
    valgrind: PathBuf,
    symbols: debuginfo::Dwarf,
    sources: SourceIndex,
}

impl Attributor {
    pub fn new(binary: &Path, valgrind: &Path) -> Result<Attributor> {
        Ok(Attributor {
            binary: binary.to_path_buf(),
            valgrind: valgrind.to_path_buf(),
            symbols: debuginfo::Dwarf::load(binary)?,
            sources: SourceIndex::default(),
        })
    }

    /// Runs `engine` on `file_name` (in `work_dir`, as `harness ci` runs
    /// it: an empty environment, the main thread), keeps callgrind's file
    /// at `raw`, and returns the attribution and what the program printed.
    pub fn count(
        &mut self,
        engine: &str,
        file_name: &str,
        work_dir: &Path,
        raw: &Path,
    ) -> Result<(Attribution, Vec<u8>)> {
        let argv = [
            self.binary.display().to_string(),
            "__run".to_string(),
            "--main-thread".to_string(),
            "--engine".to_string(),
            engine.to_string(),
            file_name.to_string(),
        ];
        let (counts, stdout) = callgrind::count(&self.valgrind, &argv, work_dir, raw)?;
        let binary = self.binary.display().to_string();
        Ok((attribute(&counts, &binary, &mut self.symbols, &mut self.sources), stdout))
    }
}

/// One run's instructions, attributed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// Every instruction the run phase executed (callgrind's summary).
    pub total: u64,
    /// Instructions per category, every category listed.
    pub categories: Vec<(Category, u64)>,
    /// The arms of a dispatch loop or of a walker's `evaluate` and
    /// `execute`, and the code around them, with what each executed.
    pub units: Vec<UnitCost>,
    /// Instructions the compiler gave no line of their own (code merged from
    /// several lines), each attributed as the instruction before it.
    pub without_line: u64,
}

/// What one part of the dispatch code executed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCost {
    /// `Add`, `JumpIfLess | JumpIfGreater`, `(dispatch)`, `(after the match)`,
    /// `(outside the loop)`, or a compiled closure's node kind.
    pub label: String,
    /// The opcodes or node kinds the arm handles (empty for the rest).
    pub names: Vec<String>,
    /// Instructions in the arm itself, inlined helpers included.
    pub own: u64,
    /// Instructions in the functions the arm called (and their callees).
    pub called: u64,
}

impl Attribution {
    /// The sum over categories.
    pub fn categorised(&self) -> u64 {
        self.categories.iter().map(|(_, n)| n).sum()
    }

    pub fn category(&self, category: Category) -> u64 {
        self.categories.iter().find(|(c, _)| *c == category).map_or(0, |(_, n)| *n)
    }
}

fn unit_label(unit: &Unit) -> (String, Vec<String>) {
    match unit {
        Unit::Arm(names) => (names.join(" | "), names.clone()),
        Unit::Dispatch => ("(dispatch)".to_string(), Vec::new()),
        Unit::AfterMatch => ("(after the match)".to_string(), Vec::new()),
        Unit::OutsideLoop => ("(outside the loop)".to_string(), Vec::new()),
        Unit::Closure(node) if node.is_empty() => ("(closure)".to_string(), Vec::new()),
        Unit::Closure(node) => (node.clone(), vec![node.clone()]),
    }
}

/// The category a unit's code counts in when no function claims it.
fn unit_category(file: &str, unit: &Unit) -> Category {
    match unit {
        Unit::Arm(names) => names.first().map_or(Category::Other, |name| rules::for_name(name)),
        Unit::Dispatch => Category::Dispatch,
        Unit::AfterMatch => Category::Calls,
        Unit::OutsideLoop => Category::Other,
        Unit::Closure(node) if node.is_empty() => {
            if file.ends_with("/binary.rs") || file.ends_with("/condition.rs") {
                Category::Operations
            } else if file.ends_with("/body.rs") {
                Category::Calls
            } else {
                Category::Other
            }
        }
        Unit::Closure(node) => rules::for_name(node),
    }
}

/// Attributes `counts`, whose code in `binary` is resolved by `symbols` and
/// read by `sources`.
pub fn attribute(
    counts: &Counts,
    binary: &str,
    symbols: &mut dyn Symbolizer,
    sources: &mut SourceIndex,
) -> Attribution {
    let mut categories: BTreeMap<Category, u64> = Category::ALL.iter().map(|c| (*c, 0)).collect();
    let mut units: HashMap<(String, Unit), (u64, u64)> = HashMap::new();
    let mut without_line = 0;
    for function in &counts.functions {
        let in_binary = function.object == binary;
        // The unit and category of the instruction before, for the next one
        // if it has no line of its own.
        let mut previous: Option<(Option<(String, Unit)>, Category)> = None;
        let mut unit_at: HashMap<u64, (String, Unit)> = HashMap::new();
        for &(address, count) in &function.instructions {
            let mut frames = if in_binary { symbols.frames(address) } else { Vec::new() };
            if frames.is_empty() {
                frames.push(Frame { function: function.name.clone(), file: String::new(), line: 0 });
            }
            let outer = frames.last().expect("one frame at least");
            let has_line = outer.file.is_empty() || outer.line != 0;
            if !has_line {
                without_line += count;
            }
            let unit = if has_line {
                (!outer.file.is_empty())
                    .then(|| sources.unit_at(&outer.file, outer.line).map(|unit| (outer.file.clone(), unit)))
                    .flatten()
            } else {
                previous.as_ref().and_then(|(unit, _)| unit.clone())
            };
            let category = frames.iter().find_map(rules::frame_category).unwrap_or_else(|| match &unit {
                Some((file, unit)) => unit_category(file, unit),
                None if !has_line => previous.as_ref().map_or(Category::Other, |(_, category)| *category),
                None => Category::Other,
            });
            *categories.entry(category).or_default() += count;
            if let Some(key) = &unit {
                units.entry(key.clone()).or_default().0 += count;
                unit_at.insert(address, key.clone());
            }
            previous = Some((unit, category));
        }
        for (address, _callee, inclusive) in &function.calls {
            if let Some(key) = unit_at.get(address) {
                units.entry(key.clone()).or_default().1 += inclusive;
            }
        }
    }
    let mut units: Vec<UnitCost> = units
        .into_iter()
        .map(|((_, unit), (own, called))| {
            let (label, names) = unit_label(&unit);
            UnitCost { label, names, own, called }
        })
        .collect();
    // The same label can come from two files (a walker's `execute` and
    // `evaluate` both have dispatch code): one row each.
    units.sort_by(|a, b| a.label.cmp(&b.label));
    units.dedup_by(|later, earlier| {
        let same = later.label == earlier.label;
        if same {
            earlier.own += later.own;
            earlier.called += later.called;
        }
        same
    });
    units.sort_by(|a, b| (b.own + b.called).cmp(&(a.own + a.called)).then_with(|| a.label.cmp(&b.label)));
    Attribution { total: counts.total, categories: categories.into_iter().collect(), units, without_line }
}

#[cfg(test)]
mod tests {
    use super::*;
    use debuginfo::FixedFrames;

    const VM: &str = "\
fn execute() {
    loop {
        let op = fetch();
        match op {
            Op::GetGlobal => get_global(),
            Op::Add => add(),
        }
    }
}
";

    fn frame(function: &str, file: &str, line: u32) -> Frame {
        Frame { function: function.into(), file: file.into(), line }
    }

    /// A run of a made-up VM: fetch, a `GetGlobal` arm with a hash-table
    /// probe inlined into it, an `Add` arm with merged code of no line and a
    /// call to malloc, and malloc itself in the C library.
    fn fixture() -> (Counts, FixedFrames, SourceIndex) {
        let counts = callgrind::parse(
            "positions: instr line\nevents: Ir\nsummary: 105\n\
             ob=(1) /bin/harness\nfn=(1) vm::execute\n\
             0x10 3 20\n+1 5 10\n+1 5 15\n+1 6 25\n+1 0 5\n+1 6 5\n\
             cfn=(2) malloc\ncalls=1 0x90 0\n* 6 20\n\
             ob=(2) /lib/libc.so.6\nfn=(2)\n0x90 0 20\n+1 0 5\n",
        )
        .unwrap();
        let vm = "/w/engines/x-vm/src/vm.rs";
        let frames = FixedFrames(
            [
                (0x10, vec![frame("execute", vm, 3)]),
                (0x11, vec![frame("execute", vm, 5)]),
                (0x12, vec![frame("find", "/w/engines/x-vm/src/table.rs", 40), frame("execute", vm, 5)]),
                (0x13, vec![frame("execute", vm, 6)]),
                (0x14, vec![frame("execute", vm, 0)]),
                (0x15, vec![frame("execute", vm, 6)]),
            ]
            .into_iter()
            .collect(),
        );
        (counts, frames, SourceIndex::from_texts(&[(vm, VM)]))
    }

    #[test]
    fn instructions_go_to_categories_and_arms() {
        let (counts, mut frames, mut sources) = fixture();
        let attribution = attribute(&counts, "/bin/harness", &mut frames, &mut sources);
        assert_eq!(attribution.total, 105);
        assert_eq!(attribution.category(Category::Dispatch), 20);
        // The arm's own 10, and the probe inlined into it, are both lookup.
        assert_eq!(attribution.category(Category::Variables), 25);
        // The `Add` arm, with the merged instruction after it and its call.
        assert_eq!(attribution.category(Category::Operations), 35);
        assert_eq!(attribution.category(Category::Allocation), 25);
        assert_eq!(attribution.without_line, 5);
        let unit = |label: &str| attribution.units.iter().find(|u| u.label == label).cloned().unwrap_or_default();
        assert_eq!((unit("GetGlobal").own, unit("GetGlobal").called), (25, 0));
        assert_eq!((unit("Add").own, unit("Add").called), (35, 20));
        assert_eq!(unit("(dispatch)").own, 20);
    }

    /// The check `harness explain` makes on every breakdown: the categories
    /// add up to the measured total within 5 %.
    #[test]
    fn the_categories_add_up_to_the_measured_total() {
        let (counts, mut frames, mut sources) = fixture();
        let attribution = attribute(&counts, "/bin/harness", &mut frames, &mut sources);
        assert_eq!(attribution.categorised(), 105);
        assert!(crate::explain::adds_up(&attribution));
    }
}
