//! A dropped session frees what it made, cycles included. One process can
//! run hundreds of thousands of sessions (`harness fuzz`, the conformance
//! runner, criterion): the Rc-based engines used to keep every cycle formed
//! since their last collection, and the fuzzer grew to 21 GB before the
//! kernel killed it.
//!
//! This file holds one test, so that no other test's allocations are counted.

use frontend::Options;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Cycles of every kind: a closure in the scope it captures (global and
/// local), an instance in its own field and in a bound method it holds, a
/// class whose method refers to it.
const CYCLES: &str = "
fun global() { return global; }
fun outer() { fun inner() { return inner; } return inner; }
var kept = outer();
class A { method() { return A; } }
var a = A();
a.me = a;
a.method = a.method;
{ var local = A(); local.me = local; }
";

fn run(engine: &dyn frontend::Engine) {
    let mut session = engine.session(Options::default());
    session.prepare(CYCLES).expect("compiles");
    session.run(&mut Vec::new()).expect("runs");
}

#[test]
fn dropped_sessions_free_their_cycles() {
    for &engine in lox::engines() {
        // The first sessions may fill lazily made tables that stay.
        for _ in 0..10 {
            run(engine);
        }
        let region = Region::new(GLOBAL);
        for _ in 0..200 {
            run(engine);
        }
        // Blocks, not bytes: stats_alloc counts a reallocated block's bytes
        // in a way that does not balance, but every block freed is counted.
        let change = region.change();
        let kept = change.allocations - change.deallocations;
        assert!(kept < 20, "{} kept {kept} allocations after 200 sessions", engine.name());
    }
}
