//! # `tagged-walker`: the tree-walker with 8-byte tagged values
//!
//! The third rung of the ladder, and nederlang's last step (32-byte values
//! to 8). It is `slot-walker`'s evaluator, unchanged in shape: the same
//! modules, the same frames of slots in one value stack, the same
//! captured-variable cells, the same globals table, the same tunings in the
//! same places. What changes is the value. In `slot-walker` a value is a
//! 24-byte enum whose objects are `Rc`s; here every value is one 64-bit word
//! whose low three bits say what the rest is, and objects live in this
//! engine's own heap under a tracing collector. So
//! `diff -r engines/slot-walker/src engines/tagged-walker/src` shows the
//! representation and little else. The lesson is what the size of a value
//! costs.
//!
//! ## Why 8 bytes matter
//! A value that is one word lives in a register. Copying it is one move;
//! `Result<Value, Box<RunError>>`, which every `evaluate` returns, is two
//! words and comes back in two registers instead of three words through
//! memory; a slot of the value stack is 8 bytes, so a cache line holds
//! eight of them instead of two and a half; and a value has no destructor,
//! so nothing is ever counted or dropped when one is copied or
//! overwritten. (`slot-walker` keeps numbers away from its drop glue with
//! `Value::discard` and pops frames without it; here neither is needed,
//! and a frame is popped with `truncate`.) The gain shows in instructions
//! (no counts, results in registers) and more still in memory traffic,
//! fewer reads and far fewer writes per node; what it cannot touch is what
//! both engines still do per node: decode the shared tree's node and make a
//! recursive Rust call.
//!
//! ## How the tag bits are chosen
//! Objects are allocated 8-byte aligned, so a pointer's low three bits are
//! free (the full table is in [`value`]):
//!
//! | tag | the word holds |
//! |---|---|
//! | `000` | a small integer `n` as `n << 11` |
//! | `001` | an inline double, its exponent bits rotated |
//! | `010` | `nil`, `false` or `true` |
//! | `011` | a pointer to a boxed double |
//! | `100` | a pointer to a string |
//! | `101` | a pointer to another object (its header names the kind) |
//! | `110` | a pointer to a captured variable's cell (only in frame slots) |
//!
//! Small integers get `000` so that the tagged words themselves add,
//! subtract and compare, with the CPU's overflow flag as the range check;
//! pointers pay a subtraction that folds into the load. Strings, cells and
//! boxed doubles have tags of their own because the evaluator asks "is this
//! a string?", "is this slot a cell?" and "is this a number?" often, and a
//! tag answers without loading a header.
//!
//! ## What numbers cost
//! Lox's numbers are doubles, and every engine must print and compare
//! exactly what doubles would (`-0`, `0/0` as `-nan`, `2^53 + 1` rounding
//! to `2^53`, `0.1 + 0.2`). Three encodings share the work, and each number
//! has exactly one:
//! * **small integers**, `-2^52 <= n < 2^52`, shifted by 11 rather than 3:
//!   53 bits is exactly the range where integer arithmetic equals double
//!   arithmetic, so the overflow flag on the tagged add, subtract or
//!   multiply is the whole check. (A 61-bit integer would compute
//!   `2^53 + 1` exactly, which no double does.) `0 * -1` and `-(0)` are
//!   `-0`, which is not an integer: they leave the fast path.
//! * **inline doubles**: any double whose exponent is in `[-127, 128]`
//!   (magnitudes from 5.9e-39 to 6.8e38) has three redundant exponent bits;
//!   rotating them to the bottom makes room for the tag, losslessly.
//! * **boxed doubles**: `-0`, NaN, the infinities, subnormals and the far
//!   magnitudes are heap objects, one allocation each.
//!
//! The cost is in the conversions. A number literal is encoded on every
//! read (the shared tree holds an `f64`, and this engine has nowhere to keep
//! the word), and a double result is decoded, computed and re-encoded,
//! with a test for whether it became an integer. So floating-point
//! programs (`loop_arith`) are where this rung can lose to `slot-walker`,
//! which keeps an `f64` in its enum; without inline doubles (every
//! non-integer boxed) they would allocate at nearly every operation.
//!
//! ## How this differs from NaN boxing
//! `nanbox-vm` is the other 8-byte design: a double is stored as itself and
//! everything else hides in the payload of quiet NaNs, which arithmetic
//! never produces. There, numbers are free: no tag test before an add,
//! never a box, no conversion of literals. Pointers pay instead (masked out
//! of 48 bits) and so does every "is this a number?" (a comparison against
//! the NaN space). Tagged pointers make the opposite trade: integers and
//! objects are cheapest, and doubles pay an encoding, or an allocation when
//! they are far from 1. NaN boxing suits a language of doubles; this
//! design suits one whose numbers are mostly integers, which is what the
//! benchmark programs' numbers are, and what nederlang's and Ruby's are.
//!
//! ## Memory: a tracing collector
//! A tagged word is invisible to `Rc`, so objects live in [`heap`], each a
//! box with a header (kind, mark bit) and, for strings, their bytes in the
//! same allocation. [`gc`] marks from the roots and the heap sweeps the
//! rest, when the heap has doubled since the last collection or, with
//! `Options::gc_stress`, before every allocation. The roots are the value
//! stack, the globals, the string literals, a short list of values held
//! across a call, and the object being allocated; `gc.rs` states the rules
//! by which the evaluator keeps everything it still needs reachable (a left
//! operand is pushed while the right one is evaluated, a callee stays in
//! its frame's slot 0, ...). Cycles need nothing special.
//!
//! Two consequences of owning the heap: a string is one allocation (its
//! header and bytes together), not `slot-walker`'s two (`Rc<str>` and the
//! `String` it was built in), and a string literal is made once per
//! program ([`literals`]) instead of at every evaluation, which would put
//! an allocation in every loop that mentions a string.
//!
//! ## Unsafe, fenced
//! Only [`value`] and [`heap`] may contain unsafe code (the crate denies it
//! and every other module forbids it). In `value`: turning a tagged word
//! back into an object pointer, and one SSE2 intrinsic. In `heap`: the
//! casts from an object's header to its type, dereferencing object
//! pointers, building a string's header and bytes in one allocation, and
//! freeing. Each block names its invariant; the one the types cannot
//! express is lifetime, which the rooting rules of `gc.rs` provide. They
//! are checked three ways: the corpus runs with `gc_stress` (a collection
//! at every allocation), a debug build's stressed heap quarantines what it
//! sweeps so that touching it panics with its kind, and `.ci/memcheck
//! tagged-walker` runs every corpus file through the release `lox` under
//! `valgrind --tool=memcheck`, normally and with `--gc-stress`.
//!
//! ## What changed from `slot-walker`, module by module
//! * [`value`]: the tagged word and its small API (`inline_number`,
//!   `as_number`, the integer fast paths, `equals`, `is_truthy`, printing
//!   through `frontend::number`). The objects moved to [`object`]; [`heap`]
//!   is new.
//! * [`env`]: a slot is one word, a cell told from a value by its tag.
//! * [`eval`], [`operand`], [`call`]: the same functions. Leaves are read
//!   as words; operators try the small-integer paths, then a function made
//!   for the one operator; a value that must outlive another evaluation is
//!   pushed on the stack; a callee stays in slot 0 instead of `nil`.
//! * [`gc`]: the collector and the rooting rules, instead of the cycle
//!   collector's `Traceable` impls. [`literals`] is new. The globals are the
//!   same `frontend::globals::Globals`, holding words.
//! * [`config`] is the same: the same tunings, switched the same way.
//!
//! ## Tunings
//! The seven tunings of `slot-walker` (its crate documentation explains
//! each, with why it pays and its class of programs), declared in
//! [`TUNINGS`] with the same names and switched off the same way
//! (`tagged-walker:no-NAME`, `tagged-walker:plain`): `fx-hash`,
//! `global-slots`, `global-calls`, `leaf-operands`, `direct-operands`,
//! `fused-conditions` and `guard-returns`. So `slot-walker:plain` against
//! `tagged-walker:plain` compares the two values alone, and the tuned pair
//! compares them with the same optimisations on both sides. Two differ in
//! what they save, because the value does: a leaf is read as a word of any
//! kind (there is no 24-byte value to avoid making, only a recursive call),
//! and a condition's boolean is a word, so fusing it saves less.
//!
//! What each tuning buys, per program, and where this rung stands against
//! the others, plain and tuned, is measured by the harness (`harness
//! ablate`, and the reference run in `reports/reference/README.md`), not
//! recorded here.

// Unsafe code is denied everywhere but in the two modules that define the
// representation; every other module also forbids it itself.
#![deny(unsafe_code)]

mod call;
mod config;
mod env;
mod eval;
mod gc;
#[allow(unsafe_code)]
mod heap;
mod literals;
mod object;
mod operand;
mod rung;
#[allow(unsafe_code)]
mod value;

pub use config::TUNINGS;

use config::Config;
use env::{Env, Slot};
use eval::{Evaluator, Unwind};
use frontend::ast::Program;
use frontend::diagnostics::RunError;
use frontend::globals::Globals;
use frontend::hash::NameHash;
use frontend::profiling::NodeKind;
use frontend::{CompileErrors, Engine, Form, Options, Rung, Session, Tuning, WorkCount};
use heap::Heap;
use literals::Literals;
use object::{Closure, Native};
use std::io::Write;
use value::Value;

/// The engine, as registered.
pub struct TaggedWalker;

impl Engine for TaggedWalker {
    fn name(&self) -> &'static str {
        "tagged-walker"
    }

    fn description(&self) -> &'static str {
        "tree-walker with slots; every value one 8-byte tagged word, objects under a mark-sweep collector"
    }

    fn session(&self, options: Options) -> Box<dyn Session> {
        Box::new(TaggedSession { state: State::new(options), program: None })
    }

    fn tunings(&self) -> &'static [Tuning] {
        TUNINGS
    }

    fn rung(&self) -> Rung {
        rung::RUNG
    }

    fn forms(&self) -> &'static [Form] {
        rung::FORMS
    }

    fn dump(&self, form: Form, source: &str, _: &Options) -> Option<Result<String, CompileErrors>> {
        frontend::dump::parsed(form, source)
    }
}

/// What a session keeps between programs: its globals, its heap and its
/// tunings.
pub struct State {
    globals: Globals<Value>,
    literals: Literals,
    heap: Heap,
    tracer: gc::Tracer,
    config: Config,
    /// The hash of every field and method table.
    name_hash: NameHash,
    /// The heap ceiling (`Options::max_heap`) a new string is checked against.
    max_heap: usize,
    work: u64,
    /// Evaluations per node kind, and the profiling marker.
    #[cfg(feature = "work-count")]
    nodes: frontend::profiling::NodeProfile,
    /// How often each tuning's fast path was taken, by name: kept only in
    /// unit tests, which check that every tuning fires where it should.
    #[cfg(test)]
    fired: std::collections::BTreeMap<&'static str, u64>,
}

impl State {
    fn new(options: Options) -> State {
        let mut heap = Heap::new(options.gc_stress);
        let clock = heap.alloc(Native { function: |_| frontend::natives::clock() });
        let mut globals = Globals::new(&options);
        globals.define(&frontend::natives::CLOCK.into(), Value::object(clock));
        let name_hash = NameHash::for_options(&options);
        State {
            globals,
            literals: Literals::new(name_hash),
            heap,
            tracer: gc::Tracer::default(),
            config: Config::new(&options),
            name_hash,
            max_heap: options.max_heap,
            work: 0,
            #[cfg(feature = "work-count")]
            nodes: frontend::profiling::NodeProfile::default(),
            #[cfg(test)]
            fired: Default::default(),
        }
    }

    /// Counts a node of `kind` evaluated, and marks it for the sampler
    /// until the returned guard drops, when the engine is built with the
    /// `work-count` feature; nothing at all otherwise.
    #[inline(always)]
    fn count_node(&mut self, kind: NodeKind) -> NodeMark {
        #[cfg(feature = "work-count")]
        {
            self.work += 1;
            self.nodes.enter(kind)
        }
        #[cfg(not(feature = "work-count"))]
        {
            let _ = kind;
            frontend::profiling::marker::NoMark
        }
    }

    /// Notes that `tuning`'s fast path was taken (in unit tests only).
    #[inline(always)]
    fn fired(&mut self, tuning: &Tuning) {
        self.fired_if(|_| true, tuning);
    }

    /// Notes that `tuning` was used if `used` says so of this state; the
    /// question is asked in unit tests only, and costs nothing otherwise.
    #[inline(always)]
    fn fired_if(&mut self, used: impl FnOnce(&State) -> bool, tuning: &Tuning) {
        #[cfg(test)]
        if used(self) {
            *self.fired.entry(tuning.name).or_default() += 1;
        }
        #[cfg(not(test))]
        let _ = (used, tuning);
    }
}

/// What [`State::count_node`] returns: the marker's guard in the profiling
/// build, nothing otherwise.
#[cfg(feature = "work-count")]
type NodeMark = frontend::profiling::marker::WhatGuard;
#[cfg(not(feature = "work-count"))]
type NodeMark = frontend::profiling::marker::NoMark;

struct TaggedSession {
    state: State,
    program: Option<Program>,
}

impl Session for TaggedSession {
    fn prepare(&mut self, source: &str) -> Result<(), CompileErrors> {
        self.program = Some(frontend::parse(source)?);
        Ok(())
    }

    fn run(&mut self, out: &mut dyn Write) -> Result<(), RunError> {
        let program = self.program.as_ref().expect("run follows a successful prepare");
        // Allocated without a collection (`Heap::alloc`), and rooted at
        // once in slot 0 below.
        let script = self.state.heap.alloc(Closure::new(program.script.clone(), Box::new([])));
        self.state.work = 0;
        #[cfg(feature = "work-count")]
        self.state.nodes.start();
        #[cfg(feature = "work-count")]
        let _script = frontend::profiling::marker::frame(0, program.script.marker);
        let mut stack = Vec::with_capacity(1024);
        stack.resize(script.function.n_slots, Slot::NIL);
        // The script's closure in its slot 0, as a function's callee is in
        // its own: that keeps it alive (rule 2 in `gc.rs`).
        stack[0] = Slot::value(Value::object(script));
        let config = self.state.config;
        let mut evaluator = Evaluator { state: &mut self.state, config, out, stack, depth: 1, held: Vec::new() };
        match evaluator.execute_block(&script.function.body, &Env { base: 0, closure: script }) {
            Ok(()) => Ok(()),
            Err(Unwind::Error(error)) => Err(*error),
            Err(Unwind::Return(_)) => unreachable!("the parser rejects `return` at top level"),
        }
    }

    fn work_count(&self) -> Option<WorkCount> {
        cfg!(feature = "work-count").then_some(WorkCount { count: self.state.work, unit: "AST nodes" })
    }

    #[cfg(feature = "work-count")]
    fn counters(&self) -> Vec<frontend::profiling::Counter> {
        self.state.nodes.counters()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `source` in a new session and returns what it printed.
    fn run(source: &str, options: Options) -> String {
        let mut session = TaggedWalker.session(options);
        session.prepare(source).expect("the test program compiles");
        let mut out = Vec::new();
        session.run(&mut out).expect("the test program runs");
        String::from_utf8(out).expect("Lox prints UTF-8")
    }

    /// Each program reaches a closure, or keeps a value, only through a
    /// path the rooting rules of `gc.rs` name; under stress every
    /// allocation collects, and a debug build's quarantine turns a missed
    /// root into a panic.
    #[test]
    fn the_rooting_rules_hold_under_stress() {
        let cases: &[(&str, &str)] = &[
            // A bound method made by `super`, called after the method that
            // made it has returned.
            (
                "class A { m() { return \"A\" + \".m\"; } }
                 class B < A { m() { return \"B.m\"; } sup() { return super.m; } }
                 var f = B().sup(); print f();",
                "A.m\n",
            ),
            // A closure, reachable only through a field, that overwrites the
            // field and then reads its captured variable.
            (
                "class Holder {} var h = Holder();
                 fun make() { var tail = \"!\"; fun f() { h.f = nil; var junk = \"x\" + \"y\"; return junk + tail; } return f; }
                 h.f = make(); print h.f();",
                "xy!\n",
            ),
            // A temporary bound method called at once.
            ("class C { init(x) { this.x = x; } get() { return this.x + \"?\"; } } print (C(\"a\").get)();", "a?\n"),
            // Left operands held while the right one allocates.
            ("fun s(x) { return x + \"-\"; } print s(\"a\") + s(\"b\") + s(\"c\");", "a-b-c-\n"),
            // `this` captured by two closures, boxed once in slot 0.
            (
                "class P { init() { this.n = \"p\"; } pair() { fun a() { return this.n; } fun b() { return this.n + \"!\"; } return a() + b(); } }
                 print P().pair();",
                "pp!\n",
            ),
        ];
        for &(source, expected) in cases {
            for gc_stress in [false, true] {
                assert_eq!(run(source, Options { gc_stress, ..Options::default() }), expected, "{source}");
            }
        }
    }

    /// Conditions comparing integers with fractional literals agree with
    /// doubles, whichever encodings the two sides have.
    #[test]
    fn integers_compared_with_fractional_literals() {
        let source = "var r = \"\"; fun f() {
            var i = 3; var big = 4503599627370495; var neg = -2;
            if (i < 3.5) r = r + \"a\"; if (i <= 3) r = r + \"b\"; if (i > 2.99) r = r + \"c\";
            if (i >= 3.01) r = r + \"X\"; if (i == 3) r = r + \"d\"; if (i != 3) r = r + \"X\";
            if (big < 4503599627370495.5) r = r + \"e\"; if (big > 4503599627370494.5) r = r + \"f\";
            if (neg < 0) r = r + \"g\"; if (neg > 0.5) r = r + \"X\";
            var n = 0; while (n < 2.5) n = n + 1; if (n == 3) r = r + \"h\";
        } f(); print r;";
        assert_eq!(run(source, Options::default()), "abcdefgh\n");
    }

    #[test]
    fn globals_and_literals_survive_between_programs_of_a_stressed_session() {
        let mut session = TaggedWalker.session(Options { gc_stress: true, ..Options::default() });
        let mut out = Vec::new();
        session.prepare("var greeting = \"hel\" + \"lo\"; fun f() { return \"lit\"; }").expect("compiles");
        session.run(&mut out).expect("runs");
        session.prepare("var junk = \"a\" + \"b\"; print greeting + f();").expect("compiles");
        session.run(&mut out).expect("runs");
        assert_eq!(out, b"hellolit\n");
    }

    /// Runs each source in turn in one session, as the prompt does, and
    /// returns everything printed.
    fn run_all(sources: &[&str]) -> String {
        let mut session = TaggedWalker.session(Options::default());
        let mut out = Vec::new();
        for source in sources {
            session.prepare(source).expect("the test program compiles");
            session.run(&mut out).expect("the test program runs");
        }
        String::from_utf8(out).expect("Lox prints UTF-8")
    }

    #[test]
    fn globals_persist_across_programs_of_a_session() {
        // Each program is parsed on its own, so the same name is a different
        // `Rc<str>` in each: the address cache must fall back to the text.
        let printed =
            run_all(&["var a = 1; fun f() { return a; }", "a = a + 1; print f();", "var a = 10; print f(); print a;"]);
        assert_eq!(printed, "2\n10\n10\n");
    }

    #[test]
    fn an_undefined_global_is_an_error_until_it_is_defined() {
        let mut session = TaggedWalker.session(Options::default());
        session.prepare("print later;").expect("compiles");
        let error = session.run(&mut Vec::new()).expect_err("`later` is not defined yet");
        assert_eq!(error.to_string(), "Undefined variable 'later'.\n[line 1] in script\n");
        session.prepare("var later = 3; print later;").expect("compiles");
        let mut out = Vec::new();
        session.run(&mut out).expect("runs");
        assert_eq!(out, b"3\n");
    }

    /// Runs `source` in a new session with `options`, and answers what it
    /// printed and whether `tuning`'s path was taken.
    fn run_noting(source: &str, options: Options, tuning: &Tuning) -> (String, bool) {
        let mut session = TaggedSession { state: State::new(options), program: None };
        session.prepare(source).expect("the example compiles");
        let mut out = Vec::new();
        session.run(&mut out).expect("the example runs");
        let taken = session.state.fired.get(tuning.name).is_some_and(|&count| count > 0);
        (String::from_utf8(out).expect("Lox prints UTF-8"), taken)
    }

    #[test]
    fn each_tuning_is_used_by_two_programs_of_its_class_and_changes_no_output() {
        if let Err(problem) = frontend::tuning::check_examples(TUNINGS, run_noting) {
            panic!("{problem}");
        }
    }

    #[test]
    fn plain_takes_no_tuned_path() {
        for tuning in TUNINGS {
            for source in frontend::tuning::examples(tuning).expect("shared tunings have examples") {
                for any in TUNINGS {
                    let (_, taken) = run_noting(source, Options::default().plain(TUNINGS), any);
                    assert!(!taken, "`{}` was used by a plain session running:\n{source}", any.name);
                }
            }
        }
    }

    #[test]
    fn work_is_counted_only_when_built_to_count_it() {
        let mut session = TaggedWalker.session(Options::default());
        session.prepare("var x = 1 + 2;").expect("compiles");
        session.run(&mut Vec::new()).expect("runs");
        let counted = session.work_count().map(|work| work.count);
        // The statement, the binary node and its two leaves, as `slot-walker`
        // counts them.
        let expected = cfg!(feature = "work-count").then_some(4);
        assert_eq!(counted, expected);
    }

    #[test]
    fn a_slot_is_one_word() {
        assert_eq!(std::mem::size_of::<Slot>(), 8);
        assert_eq!(std::mem::size_of::<Value>(), 8);
    }
}
