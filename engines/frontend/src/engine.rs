//! The boundary between the harness and the engines.
//!
//! An engine is a strategy for running Lox. The harness and the `lox` binary
//! hold engines as `&dyn Engine`; everything inside an engine (its values, its
//! dispatch loop) stays concrete and monomorphic.
//!
//! Running a program has two phases, timed apart by the harness:
//! [`Session::prepare`] parses and resolves the source and does whatever the
//! engine does ahead of time (compile to bytecode, to closures), and
//! [`Session::run`] executes the prepared program. A session keeps its
//! globals between programs, which is what the prompt needs: each line is
//! prepared and run in the same session.

use crate::diagnostics::{CompileErrors, RunError};
use crate::dump::Form;
use crate::profiling::Counter;
use crate::tuning::Tuning;
use std::io::Write;

/// The native stack size engines run with. Engines that recurse on the
/// native stack (the tree-walkers, the closure compiler) need room for 1024
/// Lox frames, each as deep as the most deeply nested code the parser allows
/// (`messages::MAX_NESTING`); the memory is reserved, not committed, so
/// only what a program really uses is ever touched.
pub const STACK_SIZE: usize = 1 << 30;

/// Runs `work` on a thread with a [`STACK_SIZE`] stack and returns its result.
/// Everything an engine does (prepare and run) should happen inside.
pub fn with_engine_stack<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("lox-engine".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, work)
            .expect("the operating system can reserve an engine thread's stack");
        match thread.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Settings an engine honours when it can; an engine ignores what does not
/// apply to its strategy (a tree-walker built on `Rc` has no collector to
/// stress).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Collect garbage at every allocation, to flush out missing GC roots.
    pub gc_stress: bool,
    /// The names of the tunings switched off (see [`crate::tuning`]); empty
    /// means every tuning the engine declares is on. Ask with
    /// [`Options::tuning`].
    pub disabled: Vec<&'static str>,
    /// The heap ceiling in bytes (see [`crate::memory`]): a string that would
    /// pass it raises `Out of memory.`.
    pub max_heap: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { gc_stress: false, disabled: Vec::new(), max_heap: crate::memory::DEFAULT_MAX_HEAP }
    }
}

/// An implementation strategy, registered under a stable name.
pub trait Engine: Sync {
    /// The stable name the command line, the reports and scripts use.
    fn name(&self) -> &'static str;

    /// One line saying what the strategy is.
    fn description(&self) -> &'static str;

    /// Starts a session with empty globals (and the native functions defined).
    fn session(&self, options: Options) -> Box<dyn Session>;

    /// The optimisations this engine makes beyond its strategy, each of which
    /// a session's [`Options`] can switch off (see [`crate::tuning`]). The
    /// order is the order reports list them in.
    fn tunings(&self) -> &'static [Tuning] {
        &[]
    }

    /// Where the engine stands on the ladder: its idea, the rung it is a
    /// step from, and what its values cost.
    fn rung(&self) -> Rung;

    /// The forms a program passes through in this engine on its way to
    /// running (see [`crate::dump`]), the last being what it runs. Every
    /// engine starts from the shared tree, so the least an engine has is
    /// [`Form::Ast`].
    fn forms(&self) -> &'static [Form] {
        &[Form::Ast]
    }

    /// Compiles `source` as a session with `options` would and prints it in
    /// `form` (`lox --dump`), or `None` when `form` is not among
    /// [`Engine::forms`].
    fn dump(&self, form: Form, source: &str, options: &Options) -> Option<Result<String, CompileErrors>> {
        let _ = options;
        if form == Form::Ast { crate::dump::parsed(form, source) } else { None }
    }
}

/// An engine's place on the ladder, as the engine itself describes it, for
/// reports that walk the ladder rung by rung.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rung {
    /// The strategy in two or three sentences, in the words of the crate's
    /// documentation: what it does, and what that saves or costs.
    pub idea: &'static str,
    /// The engine this one is a step from, whose same-named modules a
    /// reader diffs against this one's (`None` for the first rung).
    pub below: Option<&'static str>,
    /// The size of one Lox value in bytes (`size_of` of the engine's value
    /// type).
    pub value_bytes: usize,
}

/// A running interpreter: globals, heap and everything prepared so far.
pub trait Session {
    /// Parses `source` and does this engine's ahead-of-time work. On success
    /// the program is ready for [`Session::run`]; on failure nothing runs.
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors>;

    /// Runs the most recently prepared program, writing what it prints to
    /// `out`. Output already written stays written when an error stops it.
    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError>;

    /// How much work the last run did, in the engine's own unit (AST nodes
    /// evaluated, instructions dispatched), when the engine was built to count
    /// it; `None` otherwise.
    fn work_count(&self) -> Option<WorkCount> {
        None
    }

    /// What the last run did, counted by kind (executions per opcode and
    /// per adjacent pair of opcodes, evaluations per node kind, calls per
    /// closure kind: see [`crate::profiling::counters`]), when the engine was
    /// built with its `work-count` feature; empty otherwise.
    fn counters(&self) -> Vec<Counter> {
        Vec::new()
    }

    /// What the last run did in the language's own terms (calls, objects
    /// made, property and global accesses: see [`crate::work`]), by name,
    /// when the engine was built to count it (its `work-count` feature);
    /// empty otherwise, and from engines that leave the counting to another.
    fn work_counters(&self) -> Vec<(&'static str, u64)> {
        Vec::new()
    }
}

/// A count of the work a run did, and what was counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkCount {
    pub count: u64,
    /// What one unit is, e.g. "AST nodes" or "instructions".
    pub unit: &'static str,
}
