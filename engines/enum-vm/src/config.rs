//! The tunings this engine declares, and one session's choice of them.
//!
//! Everything here is decided when a session starts and holds for all its
//! programs: the compiler reads [`Config`] to choose which instructions to
//! emit, the heap to choose its hash and whether to pool instances. The
//! dispatch loop never tests a tuning; an instruction a tuning does not
//! emit simply never runs.

use frontend::Options;
use frontend::hash::NameHash;
use frontend::tuning::{FUSED_CONDITIONS, FX_HASH, GLOBAL_SLOTS, INSTANCE_POOL, SUPERINSTRUCTIONS, Tuning};

/// The tunings, in the order reports list them. Both bytecode VMs declare
/// the same list, so that the step between them is their representation.
pub const TUNINGS: &[Tuning] = &[SUPERINSTRUCTIONS, FUSED_CONDITIONS, GLOBAL_SLOTS, FX_HASH, INSTANCE_POOL];

/// Which tunings a session uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Emit the fused pairs of `superinstructions`.
    pub superinstructions: bool,
    /// Compile `if`, `while` and `for` conditions as branches (compile/condition.rs).
    pub fused_conditions: bool,
    /// Give each global name a slot at compile time (globals.rs).
    pub global_slots: bool,
    /// The hash every string is interned with.
    pub name_hash: NameHash,
    /// Recycle swept instances' field tables (heap.rs).
    pub instance_pool: bool,
}

impl Config {
    pub fn new(options: &Options) -> Config {
        Config {
            superinstructions: options.tuning(&SUPERINSTRUCTIONS),
            fused_conditions: options.tuning(&FUSED_CONDITIONS),
            global_slots: options.tuning(&GLOBAL_SLOTS),
            name_hash: NameHash::for_options(options),
            instance_pool: options.tuning(&INSTANCE_POOL),
        }
    }
}

/// Each tuning fires on two programs of its class written differently, and
/// changes nothing the program prints.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::EnumVmSession;
    use frontend::Session;

    /// What `source` prints (or the error it stops with) in a session with
    /// `options`, and the session, to look inside.
    fn run(source: &str, options: &Options) -> (String, EnumVmSession) {
        let mut session = EnumVmSession::new(options);
        let mut out = Vec::new();
        session.prepare(source).expect("the test program compiles");
        let result = session.run(&mut out).map_err(|error| error.to_string());
        let printed = String::from_utf8(out).expect("Lox prints UTF-8");
        (printed + &result.err().unwrap_or_default(), session)
    }

    fn listing(source: &str, options: &Options) -> String {
        crate::dump::listing(source, Config::new(options)).expect("the test program compiles")
    }

    /// Checks that `tuning` emits `marker` in each program's listing, that
    /// without it the listing has no `marker`, and that the program prints
    /// the same either way.
    fn check_instruction(tuning: &Tuning, programs: [(&str, &str); 2]) {
        let tuned = Options::default();
        let mut without = Options::default();
        without.disable(tuning);
        for (source, marker) in programs {
            assert!(listing(source, &tuned).contains(marker), "{} emits {marker} in:\n{source}", tuning.name);
            assert!(!listing(source, &without).contains(marker), "{} off, {marker} in:\n{source}", tuning.name);
            let output = run(source, &tuned).0;
            assert_eq!(output, run(source, &without).0, "{} changed the output of:\n{source}", tuning.name);
            assert_eq!(output, run(source, &tuned.clone().plain(TUNINGS)).0);
        }
    }

    #[test]
    fn superinstructions_fuse_assignment_statements_and_negated_comparisons() {
        check_instruction(
            &SUPERINSTRUCTIONS,
            [
                ("fun count(n) { var i = 0; while (i < n) i = i + 1; return i; } print count(3);", "OP_SET_LOCAL_POP"),
                (
                    "class P { init(x) { this.x = x; } } var p = P(1); p.x = p.x + 1; print p.x >= 2 and p.x != 3;",
                    "OP_SET_PROPERTY_POP",
                ),
            ],
        );
        check_instruction(
            &SUPERINSTRUCTIONS,
            [
                ("var a = 1; print a <= 2;", "OP_LESS_EQUAL"),
                ("var total = 0; total = total + 2; print total;", "OP_SET_GLOBAL_SLOT_POP"),
            ],
        );
    }

    #[test]
    fn fused_conditions_branch_on_comparisons_and_logic() {
        check_instruction(
            &FUSED_CONDITIONS,
            [
                (
                    "fun fib(n) { if (n < 2) return n; return fib(n - 1) + fib(n - 2); } print fib(10);",
                    "OP_JUMP_IF_NOT_LESS",
                ),
                ("var s = 0; for (var i = 10; i >= 0 and !(s == 7); i = i - 1) s = s + 1; print s;", "OP_JUMP_IF_LESS"),
            ],
        );
        check_instruction(
            &FUSED_CONDITIONS,
            [
                ("var seen = nil; if (seen or false) print 1; else print 2;", "OP_JUMP_IF_TRUE_POP"),
                ("var x = \"a\"; while (x != \"aaa\") x = x + \"a\"; print x;", "OP_JUMP_IF_EQUAL"),
            ],
        );
    }

    #[test]
    fn fused_conditions_keep_errors_and_nan() {
        let nan = "var nan = 0 / 0; if (nan <= 1) print \"le\"; if (nan >= 1) print \"ge\"; \
                   if (!(nan < 1)) print \"nlt\"; if (nan > 1) print \"gt\";";
        for source in [nan, "fun f(a) { if (a < 1) print a; } f(0); f(\"s\");"] {
            let plain = run(source, &Options::default().plain(TUNINGS)).0;
            assert_eq!(run(source, &Options::default()).0, plain);
        }
        assert_eq!(run(nan, &Options::default()).0, "le\nge\nnlt\n");
    }

    #[test]
    fn global_slots_replace_lookups_by_name() {
        check_instruction(
            &GLOBAL_SLOTS,
            [
                ("var count = 0; fun bump() { count = count + 1; } bump(); bump(); print count;", "OP_GET_GLOBAL_SLOT"),
                ("class A {} print A; print undefined;", "OP_DEFINE_GLOBAL_SLOT"),
            ],
        );
    }

    #[test]
    fn fx_hash_hashes_every_interned_name() {
        let programs = [
            "class P { init() { this.field = 1; } get() { return this.field; } } print P().get();",
            "var s = \"\"; for (var i = 0; i < 3; i = i + 1) s = s + \"ab\"; print s;",
        ];
        let mut sip = Options::default();
        sip.disable(&FX_HASH);
        for source in programs {
            let (tuned, session) = run(source, &Options::default());
            let (untuned, untuned_session) = run(source, &sip);
            assert_eq!(tuned, untuned);
            // The strings the program made carry the session's hash.
            let heap = &session.vm.heap;
            let field = heap.intern_existing("field").or(heap.intern_existing("ababab")).expect("made by the program");
            let text = heap.string(field).text.clone();
            assert_eq!(heap.string(field).hash, NameHash::Fx.hash_bytes(&text) as u32);
            let field = untuned_session.vm.heap.intern_existing(&text).expect("made by the program");
            assert_eq!(untuned_session.vm.heap.string(field).hash, NameHash::Sip.hash_bytes(&text) as u32);
        }
    }

    #[test]
    fn instance_pool_recycles_swept_instances() {
        let programs = [
            "class Node { init(l, r) { this.l = l; this.r = r; } } \
             for (var i = 0; i < 50; i = i + 1) Node(nil, Node(nil, nil)); print \"done\";",
            "class Box {} fun make(n) { var b = Box(); b.n = n; return b; } \
             var sum = 0; for (var i = 0; i < 50; i = i + 1) sum = sum + make(i).n; print sum;",
        ];
        let mut without = Options::default();
        without.disable(&INSTANCE_POOL);
        for source in programs {
            // The program's instances are garbage once it has run: a
            // collection pools them, and running it again reuses them.
            let (output, mut session) = run(source, &Options::default());
            session.vm.collect_garbage();
            let pool = |session: &EnumVmSession| session.vm.heap.instance_pool.as_ref().map_or(0, Vec::len);
            let pooled = pool(&session);
            assert!(pooled >= 50, "the swept instances are pooled, from:\n{source}");
            session.prepare(source).expect("compiles");
            session.run(&mut Vec::new()).expect("runs");
            assert!(pool(&session) < pooled, "new instances reuse pooled ones in:\n{source}");
            let (untuned, mut session) = run(source, &without);
            session.vm.collect_garbage();
            assert!(session.vm.heap.instance_pool.is_none());
            assert_eq!(output, untuned);
        }
    }

    #[cfg(feature = "work-count")]
    #[test]
    fn fused_instructions_dispatch_less() {
        let programs = [
            "var i = 0; while (i < 100) { i = i + 1; } print i;",
            "fun down(n) { var steps = 0; for (; n > 0; n = n - 1) steps = steps + 1; return steps; } print down(50);",
        ];
        for tuning in [SUPERINSTRUCTIONS, FUSED_CONDITIONS] {
            let mut without = Options::default();
            without.disable(&tuning);
            for source in programs {
                let dispatched = |options: &Options| run(source, options).1.work_count().expect("counted").count;
                assert!(dispatched(&Options::default()) < dispatched(&without), "{} in:\n{source}", tuning.name);
            }
        }
    }
}
