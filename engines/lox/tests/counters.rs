//! Every engine's counters: with the `work-count` feature, a VM counts
//! opcodes and pairs, a walker node kinds, the closure compiler node kinds
//! and closure kinds, and each family adds up to the engine's work count;
//! without it (every timing build), no engine counts anything.

use frontend::Options;
use frontend::profiling::Counter;

const PROGRAM: &str = "fun f(n) { return n + 1; } print f(1) + f(2);";

fn run(engine: &dyn frontend::Engine) -> (Vec<Counter>, Option<u64>) {
    let mut session = engine.session(Options::default());
    session.prepare(PROGRAM).expect("compiles");
    let mut out = Vec::new();
    session.run(&mut out).expect("runs");
    assert_eq!(out, b"5\n");
    (session.counters(), session.work_count().map(|work| work.count))
}

#[cfg(feature = "work-count")]
#[test]
fn every_engine_counts_by_kind_and_the_kinds_add_up_to_its_work() {
    use frontend::profiling::counters::{CLOSURE, NODE, OPCODE, OPCODE_PAIR};
    for engine in lox::engines() {
        let (counters, work) = run(*engine);
        let name = engine.name();
        let families: Vec<&str> = counters.iter().map(|c| c.family).collect();
        let count = |family: &str, kind: &str| {
            counters.iter().filter(|c| c.family == family && c.name == kind).map(|c| c.count).sum::<u64>()
        };
        let total = |family: &str| counters.iter().filter(|c| c.family == family).map(|c| c.count).sum::<u64>();
        // Every engine evaluates two calls and three additions, whatever it
        // calls them.
        if families.contains(&OPCODE) {
            assert!(families.contains(&OPCODE_PAIR), "{name} counts no pairs");
            assert_eq!(count(OPCODE, "Call"), 2, "{name}");
            assert_eq!(count(OPCODE, "Add"), 3, "{name}");
            assert_eq!(Some(total(OPCODE)), work, "{name}: opcodes against instructions dispatched");
            // `n + 1` in f, twice; what runs after a call or a return is
            // never its neighbour in the code.
            assert_eq!(count(OPCODE_PAIR, "GetLocal → Constant"), 2, "{name}");
            assert_eq!(count(OPCODE_PAIR, "Constant → Add"), 2, "{name}");
            let pairs = counters.iter().filter(|c| c.family == OPCODE_PAIR);
            assert!(!pairs.clone().any(|c| c.name.starts_with("Call ") || c.name.starts_with("Return ")), "{name}");
        } else {
            assert!(families.contains(&NODE), "{name} counts neither opcodes nor nodes");
            assert_eq!(count(NODE, "Call"), 2, "{name}");
            assert_eq!(count(NODE, "Add"), 3, "{name}");
            let unit = if families.contains(&CLOSURE) { total(CLOSURE) } else { total(NODE) };
            assert_eq!(Some(unit), work, "{name}: counted by kind against the work count");
        }
    }
}

#[cfg(not(feature = "work-count"))]
#[test]
fn no_engine_counts_without_the_work_count_feature() {
    for engine in lox::engines() {
        let (counters, work) = run(*engine);
        assert!(counters.is_empty(), "{} counts without work-count", engine.name());
        assert_eq!(work, None, "{}", engine.name());
    }
}
