//! Instructions attributed to what caused them, deterministically: every
//! instruction an engine's run phase executed (counted by callgrind), traced
//! back through the binary's debug information to the source it was compiled
//! from, and counted in a category (dispatch, operands, variables,
//! allocation, collection, calls, operations) and, inside a dispatch loop or
//! a walker's `evaluate`, in the arm of the opcode or node kind that ran it.
//!
//! `harness explain` compares two engines by category, and `harness
//! explain --opcodes` divides each arm's instructions by the executions of
//! its opcodes (see [`crate::opcode_costs`]). METHODOLOGY.md says how the attribution is made and what it cannot
//! see.

pub mod callgrind;
pub mod debuginfo;
pub mod rules;
pub mod source;
pub mod workdir;

use anyhow::Result;
use callgrind::Counts;
use debuginfo::{Frame, Symbolizer};
use rules::Category;
use serde::{Deserialize, Serialize};
use source::{SourceIndex, Unit};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Counts engines' runs under callgrind and attributes them: the binary
/// counted (`lox` with the engine on the main thread, as `harness ci`
/// counts it), its debug information, and the engines' sources.
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
        let argv = self.argv(engine, file_name);
        let (counts, stdout) = callgrind::count(&self.valgrind, &argv, work_dir, raw)?;
        let binary = self.binary.display().to_string();
        Ok((attribute(&counts, &binary, &mut self.symbols, &mut self.sources), stdout))
    }

    /// [`Attributor::count`] stopped after `limit`: the attribution (none
    /// when the run timed out) and the run, its output and exit code.
    pub fn count_within(
        &mut self,
        engine: &str,
        file_name: &str,
        work_dir: &Path,
        raw: &Path,
        limit: std::time::Duration,
    ) -> Result<(Option<Attribution>, crate::measure::RunResult)> {
        let (attributed, run) = self.count_raw_within(engine, file_name, work_dir, raw, limit)?;
        Ok((attributed.map(|(attribution, _)| attribution), run))
    }

    /// [`Attributor::count_within`], keeping callgrind's counts too (for
    /// what the attribution leaves out, such as a jit's generated code).
    pub fn count_raw_within(
        &mut self,
        engine: &str,
        file_name: &str,
        work_dir: &Path,
        raw: &Path,
        limit: std::time::Duration,
    ) -> Result<(Option<(Attribution, Counts)>, crate::measure::RunResult)> {
        let argv = self.argv(engine, file_name);
        let (counts, run) = callgrind::count_within(&self.valgrind, &argv, work_dir, raw, limit)?;
        let binary = self.binary.display().to_string();
        let attributed =
            counts.map(|counts| (attribute(&counts, &binary, &mut self.symbols, &mut self.sources), counts));
        Ok((attributed, run))
    }

    /// The counted binary, as callgrind names its object.
    pub fn binary(&self) -> &Path {
        &self.binary
    }

    fn argv(&self, engine: &str, file_name: &str) -> [String; 5] {
        [
            self.binary.display().to_string(),
            "--main-thread".to_string(),
            "--engine".to_string(),
            engine.to_string(),
            file_name.to_string(),
        ]
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
    /// Where each category's instructions came from, largest first: the
    /// source file and function whose rule claimed them, or the dispatch
    /// unit they were compiled into (so a reader can check the rules).
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// One place that contributed instructions to a category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub category: Category,
    /// `table.rs: find_entry`, `arm Add`, `malloc`...
    pub place: String,
    pub instructions: u64,
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
    /// The arm's share of the instructions of functions that are in no
    /// unit (helpers that were not inlined, and what they call, down to the
    /// next dispatch function): each such function's own instructions split
    /// among the units whose code called it, directly or through other such
    /// functions, in proportion to what each call cost. Unlike `called`,
    /// this leaves out what a call spends back in dispatch code (a walker's
    /// children, a called function's body), so it suits a walker's arms.
    #[serde(default)]
    pub helpers: u64,
}

impl Attribution {
    /// The places that gave `category` most of its instructions, largest
    /// first, at most `limit`.
    pub fn top_sources(&self, category: Category, limit: usize) -> impl Iterator<Item = &Source> {
        self.sources.iter().filter(move |source| source.category == category).take(limit)
    }

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

/// Where an instruction went: its unit (with the unit's file), its category
/// and the place the report names.
type Placed = (Option<(String, Unit)>, Category, String);

/// Attributes `counts`, whose code in `binary` is resolved by `symbols` and
/// read by `sources`.
pub fn attribute(
    counts: &Counts,
    binary: &str,
    symbols: &mut dyn Symbolizer,
    sources: &mut SourceIndex,
) -> Attribution {
    let mut categories: BTreeMap<Category, u64> = Category::ALL.iter().map(|c| (*c, 0)).collect();
    let mut units: HashMap<UnitKey, (u64, u64, u64)> = HashMap::new();
    let mut without_line = 0;
    let mut places: HashMap<(Category, String), u64> = HashMap::new();
    // What the binary's code spent calling each function outside it, by the
    // category of the call: a C library function no rule names (memcmp,
    // memcpy) counts in its callers' categories, in proportion.
    let mut callers: HashMap<&str, BTreeMap<Category, u64>> = HashMap::new();
    // The binary's functions first, so that their calls are known before the
    // functions outside it are split among their callers.
    // Who called each function, for splitting the instructions of those in
    // no unit among the units that called them, and how many each has.
    let mut incoming: HashMap<&str, Vec<(Caller, u64)>> = HashMap::new();
    let mut unitless: BTreeMap<&str, u64> = BTreeMap::new();
    let (inside, outside): (Vec<_>, Vec<_>) = counts.functions.iter().partition(|f| f.object == binary);
    for function in inside {
        // The unit, category and place of the instruction before, for the
        // next one if it has no line of its own.
        let mut previous: Option<Placed> = None;
        let mut at: HashMap<u64, (Option<(String, Unit)>, Category)> = HashMap::new();
        for &(address, count) in &function.instructions {
            let mut frames = symbols.frames(address);
            if frames.is_empty() {
                frames.push(Frame { function: function.name.clone(), file: String::new(), line: 0 });
            }
            let outer = frames.last().expect("one frame at least");
            // Code the compiler merged from several lines has line 0 in some
            // frame of its chain; it goes where the instruction before went.
            let has_line = frames.iter().all(|frame| frame.file.is_empty() || frame.line != 0);
            if !has_line {
                without_line += count;
            }
            // The unit is the innermost frame's that has one. A frame with no
            // unit is a helper inlined into an arm, and the arm is further
            // out. A dispatch function can itself be inlined: into a caller
            // that is only its call site (nanbox-vm's `execute` into `run`),
            // or into an arm of another dispatch function (a walker's
            // `evaluate` into the `Return` arm of `execute`), where the
            // expression's own arm, not the statement's, did the work.
            let unit = if has_line {
                frames
                    .iter()
                    .filter(|frame| !frame.file.is_empty() && frame.line != 0)
                    .find_map(|frame| sources.unit_at(&frame.file, frame.line).map(|unit| (frame.file.clone(), unit)))
            } else {
                previous.as_ref().and_then(|(unit, _, _)| unit.clone())
            };
            let claimed = frames.iter().find_map(|frame| rules::frame_category(frame).map(|c| (c, place_of(frame))));
            let (category, place) = claimed.unwrap_or_else(|| match &unit {
                Some((file, unit)) => {
                    (unit_category(file, unit), format!("{} {}", file_name(file), unit_label(unit).0))
                }
                None if !has_line => previous
                    .as_ref()
                    .map_or((Category::Other, place_of(outer)), |(_, category, place)| (*category, place.clone())),
                None => (Category::Other, place_of(outer)),
            });
            *categories.entry(category).or_default() += count;
            *places.entry((category, place.clone())).or_default() += count;
            match &unit {
                Some(key) => units.entry(key.clone()).or_default().0 += count,
                None => *unitless.entry(function.name.as_str()).or_default() += count,
            }
            at.insert(address, (unit.clone(), category));
            previous = Some((unit, category, place));
        }
        for (address, callee, inclusive) in &function.calls {
            let Some((unit, category)) = at.get(address) else { continue };
            let caller = match unit {
                Some(key) => {
                    units.entry(key.clone()).or_default().1 += inclusive;
                    Caller::Unit(key.clone())
                }
                None => Caller::Function(function.name.clone()),
            };
            incoming.entry(callee.as_str()).or_default().push((caller, *inclusive));
            *callers.entry(callee.as_str()).or_default().entry(*category).or_default() += inclusive;
        }
    }
    for function in &outside {
        *unitless.entry(function.name.as_str()).or_default() +=
            function.instructions.iter().map(|(_, n)| n).sum::<u64>();
        for (_, callee, inclusive) in &function.calls {
            incoming.entry(callee.as_str()).or_default().push((Caller::Function(function.name.clone()), *inclusive));
        }
    }
    let mut owners = Owners { incoming: &incoming, known: HashMap::new(), visiting: Vec::new() };
    let mut helpers: HashMap<UnitKey, f64> = HashMap::new();
    for (name, own) in &unitless {
        for (key, fraction) in owners.of(name) {
            *helpers.entry(key).or_default() += *own as f64 * fraction;
        }
    }
    for (key, share) in helpers {
        units.entry(key).or_default().2 += share.round() as u64;
    }
    for function in outside {
        let own: u64 = function.instructions.iter().map(|(_, n)| n).sum();
        if let Some(category) = rules::symbol_category(&function.name) {
            *categories.entry(category).or_default() += own;
            *places.entry((category, function.name.clone())).or_default() += own;
            continue;
        }
        let shares = callers.get(function.name.as_str()).cloned().unwrap_or_default();
        for (category, part) in split(own, &shares) {
            *categories.entry(category).or_default() += part;
            *places.entry((category, function.name.clone())).or_default() += part;
        }
    }
    let mut units: Vec<UnitCost> = units
        .into_iter()
        .map(|((_, unit), (own, called, helpers))| {
            let (label, names) = unit_label(&unit);
            UnitCost { label, names, own, called, helpers }
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
            earlier.helpers += later.helpers;
        }
        same
    });
    units.sort_by(|a, b| (b.own + b.called).cmp(&(a.own + a.called)).then_with(|| a.label.cmp(&b.label)));
    let mut sources: Vec<Source> =
        places.into_iter().map(|((category, place), instructions)| Source { category, place, instructions }).collect();
    sources.sort_by(|a, b| b.instructions.cmp(&a.instructions).then_with(|| a.place.cmp(&b.place)));
    Attribution { total: counts.total, categories: categories.into_iter().collect(), units, without_line, sources }
}

/// A unit of dispatch code, with the file it is in.
type UnitKey = (String, Unit);

/// Where a call was made: in a unit, or in a function's code that is in none.
#[derive(Clone, Debug)]
enum Caller {
    Unit(UnitKey),
    Function(String),
}

/// The units that own each function in no unit: the units that called it,
/// directly or through other functions in none, each with its fraction.
struct Owners<'a> {
    incoming: &'a HashMap<&'a str, Vec<(Caller, u64)>>,
    known: HashMap<String, Vec<(UnitKey, f64)>>,
    /// The functions being resolved, so that a recursive helper does not
    /// go round forever (a call from itself adds nothing).
    visiting: Vec<String>,
}

impl Owners<'_> {
    fn of(&mut self, function: &str) -> Vec<(UnitKey, f64)> {
        if let Some(known) = self.known.get(function) {
            return known.clone();
        }
        if self.visiting.iter().any(|name| name == function) {
            return Vec::new();
        }
        self.visiting.push(function.to_string());
        let mut weights: BTreeMap<UnitKey, f64> = BTreeMap::new();
        let incoming = self.incoming;
        for (caller, inclusive) in incoming.get(function).map(Vec::as_slice).unwrap_or_default() {
            match caller {
                Caller::Unit(key) => *weights.entry(key.clone()).or_default() += *inclusive as f64,
                Caller::Function(name) => {
                    for (key, fraction) in self.of(name) {
                        *weights.entry(key).or_default() += *inclusive as f64 * fraction;
                    }
                }
            }
        }
        self.visiting.pop();
        let sum: f64 = weights.values().sum();
        let owners: Vec<(UnitKey, f64)> =
            if sum > 0.0 { weights.into_iter().map(|(key, weight)| (key, weight / sum)).collect() } else { Vec::new() };
        self.known.insert(function.to_string(), owners.clone());
        owners
    }
}

/// `total` split among categories in proportion to `shares` (all of it to
/// `other` when there are none); the parts add up to `total` exactly.
fn split(total: u64, shares: &BTreeMap<Category, u64>) -> Vec<(Category, u64)> {
    let sum: u64 = shares.values().sum();
    if sum == 0 {
        return vec![(Category::Other, total)];
    }
    let mut parts: Vec<(Category, u64)> = shares
        .iter()
        .map(|(category, share)| (*category, (total as u128 * *share as u128 / sum as u128) as u64))
        .collect();
    // Rounding down loses at most one instruction per category: give the
    // rest to the largest share.
    let rest = total - parts.iter().map(|(_, n)| n).sum::<u64>();
    if let Some(largest) = parts.iter_mut().max_by_key(|(category, _)| shares[category]) {
        largest.1 += rest;
    }
    parts
}

fn file_name(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

/// A frame as a place: its file's name and its function's last path
/// segments, or the symbol alone outside the debug information.
fn place_of(frame: &Frame) -> String {
    let function = short_function(&frame.function);
    if frame.file.is_empty() { function } else { format!("{}: {function}", file_name(&frame.file)) }
}

/// `engine::eval::Evaluator::evaluate` as `Evaluator::evaluate`, generic
/// arguments left out.
pub fn short_function(name: &str) -> String {
    let mut depth = 0;
    let mut plain = String::new();
    for c in name.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let segments: Vec<&str> = plain.split("::").filter(|s| !s.is_empty()).collect();
    segments[segments.len().saturating_sub(2)..].join("::")
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

    /// The same run with `execute` inlined into a `run` elsewhere in the
    /// file: every instruction's outermost frame is `run` at the call, and
    /// the dispatch loop is one frame in. The arms must be found there.
    #[test]
    fn a_dispatch_function_inlined_into_its_caller_keeps_its_arms() {
        let (counts, FixedFrames(frames), mut sources) = fixture();
        let vm = "/w/engines/x-vm/src/vm.rs";
        let mut inlined = FixedFrames(
            frames
                .into_iter()
                .map(|(address, mut chain)| {
                    chain.push(frame("run", vm, 40));
                    (address, chain)
                })
                .collect(),
        );
        let attribution = attribute(&counts, "/bin/harness", &mut inlined, &mut sources);
        assert_eq!(attribution.category(Category::Dispatch), 20);
        assert_eq!(attribution.category(Category::Variables), 25);
        assert_eq!(attribution.category(Category::Operations), 35);
        assert_eq!(attribution.category(Category::Other), 0);
    }

    /// A walker whose `evaluate` is inlined into the `Return` arm of its
    /// `execute`: the instructions of the expression's arms are theirs, and
    /// only what the `Return` arm does itself is the statement's.
    #[test]
    fn a_dispatch_function_inlined_into_another_arm_keeps_its_own_arms() {
        // Both dispatch functions live in a walker's eval.rs.
        let eval = "/w/engines/x-walker/src/eval.rs";
        let text = "fn execute() {\n    match stmt {\n        Stmt::Return(e) => ret(evaluate(e)),\n    }\n}\n\
                    fn evaluate() {\n    match expr {\n        Expr::Binary(a, b) => add(a, b),\n    }\n}\n";
        let mut sources = SourceIndex::from_texts(&[(eval, text)]);
        let counts = callgrind::parse(
            "positions: instr line\nevents: Ir\nsummary: 30\n\
             ob=(1) /bin/harness\nfn=(1) w::execute\n0x10 3 10\n+1 3 20\n",
        )
        .unwrap();
        let mut frames = FixedFrames(
            [
                (0x10, vec![frame("execute", eval, 3)]),
                (0x11, vec![frame("evaluate", eval, 8), frame("execute", eval, 3)]),
            ]
            .into_iter()
            .collect(),
        );
        let attribution = attribute(&counts, "/bin/harness", &mut frames, &mut sources);
        let own = |label: &str| attribution.units.iter().find(|u| u.label == label).map(|u| u.own);
        assert_eq!(own("Return"), Some(10));
        assert_eq!(own("Binary"), Some(20));
    }

    #[test]
    fn a_function_outside_the_binary_is_split_among_its_callers() {
        let shares: BTreeMap<Category, u64> =
            [(Category::Variables, 300), (Category::Calls, 100)].into_iter().collect();
        assert_eq!(split(10, &shares), vec![(Category::Variables, 8), (Category::Calls, 2)]);
        assert_eq!(split(7, &BTreeMap::new()), vec![(Category::Other, 7)]);
        let parts = split(1001, &shares);
        assert_eq!(parts.iter().map(|(_, n)| n).sum::<u64>(), 1001);
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
