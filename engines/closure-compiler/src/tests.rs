//! Each tuning fires on programs of its class, written in different ways,
//! and switching it off changes nothing they print. The shared tunings are
//! also checked on the example programs the tree-walkers use for them.
//!
//! "Fires" is counted by the compiler: every closure a tuning specialises
//! is recorded in `Compiler::fired` (in test builds only). With the tuning
//! switched off, the count must be zero and the output the same.

use crate::compile::Compiler;
use crate::config::Config;
use crate::globals::Globals;
use crate::{ClosureCompiler, State, TUNINGS};
use frontend::hash::NameHash;
use frontend::tuning::{FX_HASH, Tuning};
use frontend::{Engine, Options};
use std::collections::BTreeMap;

/// How many closures each tuning specialised when `source` was compiled
/// with `options`.
fn all_fired(source: &str, options: &Options) -> BTreeMap<&'static str, usize> {
    let program = frontend::parse(source).expect("the test program compiles");
    let mut globals = Globals::new(NameHash::for_options(options));
    let mut compiler = Compiler::new(&mut globals, Config::new(options));
    compiler.script(&program);
    compiler.fired
}

/// How many closures `tuning` specialised when `source` was compiled with
/// `options`.
fn fired(source: &str, options: &Options, tuning: &Tuning) -> usize {
    all_fired(source, options).get(tuning.name).copied().unwrap_or(0)
}

/// What `source` prints with `options`, or its error.
fn output(source: &str, options: Options) -> String {
    frontend::engine::with_engine_stack(|| {
        let mut session = ClosureCompiler.session(options);
        session.prepare(source).expect("the test program compiles");
        let mut out = Vec::new();
        let ended = match session.run(&mut out) {
            Ok(()) => String::new(),
            Err(error) => format!("error: {error}"),
        };
        String::from_utf8(out).expect("output is text") + &ended
    })
}

fn tuning(name: &str) -> &'static Tuning {
    TUNINGS.iter().find(|tuning| tuning.name == name).expect("a declared tuning")
}

/// `name` fires on each of `programs` when on (also in the otherwise plain
/// engine), never when off, and the output is the same either way.
#[track_caller]
fn check(name: &str, programs: &[&str]) {
    let tuning = tuning(name);
    let mut off = Options::default();
    off.disable(tuning);
    let mut alone = Options::default().plain(TUNINGS);
    alone.enable(tuning);
    for source in programs {
        assert!(fired(source, &Options::default(), tuning) > 0, "{name} does not fire on:\n{source}");
        assert!(fired(source, &alone, tuning) > 0, "{name} alone does not fire on:\n{source}");
        assert_eq!(fired(source, &off, tuning), 0, "{name} fires while off on:\n{source}");
        let plain = all_fired(source, &Options::default().plain(TUNINGS));
        assert!(plain.is_empty(), "the plain engine specialises {plain:?} in:\n{source}");
        let expected = output(source, Options::default());
        assert!(!expected.is_empty(), "the program prints something");
        assert_eq!(output(source, off.clone()), expected, "{name} off changes the output of:\n{source}");
        assert_eq!(output(source, alone.clone()), output(source, Options::default().plain(TUNINGS)));
    }
}

#[test]
fn global_slots() {
    check(
        "global-slots",
        &[
            "var count = 0; while (count < 5) count = count + 1; print count;",
            "fun twice(f, x) { return f(f(x)); } fun inc(x) { return x + 1; } print twice(inc, 1);",
            "var count = 0; fun bump() { count = count + 1; } bump(); bump(); print count;",
            "var greeting = \"hi\"; { var shadow = greeting + \"!\"; print shadow; } print undefined;",
        ],
    );
}

#[test]
fn leaf_operands() {
    check(
        "leaf-operands",
        &[
            "fun f() { var a = 2; var b = 3.5; return a * b - 1; } print f();",
            "{ var i = 0; var s = 0; while (i < 4) { s = s + i; i = i + 1; } print s; }",
            "var s = 0; for (var i = 0; i < 10; i = i + 1) { var twice = i * 2; s = s + twice; } print s;",
            "fun area(w, h) { return w * h; } fun box(x) { return area(x - 1, 2) + area(x, x + 0.5); } print box(3);",
        ],
    );
}

#[test]
fn fused_conditions() {
    check(
        "fused-conditions",
        &[
            "var i = 0; while (i < 3) i = i + 1; print i;",
            "fun f(a, b) { if (!(a and b) or a == nil) return \"yes\"; return \"no\"; } print f(true, false);",
            "var i = 0; var done = false; while (!done and i < 5) { i = i + 1; if (i >= 3) done = true; } print i;",
            "fun same(a, b) { if (a == b or a != a) print \"same\"; else print \"different\"; } same(1, 1); same(\"a\", nil);",
        ],
    );
}

#[test]
fn guard_returns() {
    check(
        "guard-returns",
        &[
            "fun abs(x) { if (x < 0) return -x; return x; } print abs(-3);",
            "fun sign(x) { if (x > 0) { return 1; } else { var m = -1; if (x == 0) { return 0; } return m; } } print sign(-2) + sign(0) + sign(5);",
            "fun root(x) { for (var i = 0; i < 10; i = i + 1) { if (i * i == x) return i; } return nil; } print root(49); print root(50);",
            "class Counter { down(n) { while (true) { if (n > 0) n = n - 1; else { print n; return \"done\"; } } } } \
             print Counter().down(3);",
        ],
    );
}

#[test]
fn tail_returns() {
    check(
        "tail-returns",
        &[
            "fun half(x) { var h = x / 2; return h; } print half(5);",
            "class Max { of(a, b) { if (a > b) { return a; } else { return b; } } } print Max().of(3, 7);",
            "fun fib(n) { if (n < 2) return n; return fib(n - 2) + fib(n - 1); } print fib(15);",
            "class Circle { init(r) { this.r = r; } area() { var r = this.r; return 3 * r * r; } } \
             print Circle(2).area();",
        ],
    );
}

/// With `guard-returns` too, an `if` with one returning branch, followed by
/// the rest of the body (here locals and a call), is a conditional: both
/// fire.
#[test]
fn tail_returns_with_guard_returns() {
    let source = "fun sum(n) { if (n == 0) return 0; var rest = sum(n - 1); return n + rest; } print sum(20);";
    let both = Options::default().plain(TUNINGS);
    let mut both_on = both.clone();
    both_on.enable(tuning("tail-returns"));
    both_on.enable(tuning("guard-returns"));
    assert!(fired(source, &both_on, tuning("tail-returns")) > 0);
    assert!(fired(source, &both_on, tuning("guard-returns")) > 0);
    assert_eq!(output(source, both_on), output(source, both));
}

#[test]
fn global_calls() {
    check(
        "global-calls",
        &[
            "fun square(x) { return x * x; } print square(4);",
            "class Box {} var b = Box(); fun show(v) { print v; } show(b);",
            "fun twice(x) { return x * 2; } print twice(twice(3));",
            "class Point { init(x) { this.x = x; } } var make = Point; print make(4).x; print clock() > 0;",
        ],
    );
}

#[test]
fn fixed_arity_calls() {
    check(
        "fixed-arity-calls",
        &[
            "fun add3(a, b, c) { return a + b + c; } print add3(1, 2, 3);",
            "class Pair { init(a, b) { this.a = a; this.b = b; } sum() { return this.a + this.b; } } print Pair(1, 2).sum();",
        ],
    );
}

#[test]
fn assignment_statements() {
    check(
        "assignment-statements",
        &[
            "var total = 0; for (var i = 1; i <= 4; i = i + 1) total = total + i; print total;",
            "class Box { fill(x) { this.item = x; return this; } } var b = Box(); b.fill(\"toy\"); print b.item;",
        ],
    );
}

#[test]
fn call_statements() {
    check(
        "call-statements",
        &[
            "fun show(x) { print x; } show(1); var shown = show(2); print shown;",
            "class Stack { init() { this.n = 0; } push(x) { this.n = this.n + x; return this.n; } } \
             fun fill(s) { var top = 0; for (var i = 0; i < 3; i = i + 1) top = s.push(i); s.push(10); return top; } \
             print fill(Stack());",
        ],
    );
}

/// The hash is chosen once for the session, not per closure: it shows in
/// the session's state, and the two hashes give the same results.
#[test]
fn fx_hash() {
    let mut off = Options::default();
    off.disable(&FX_HASH);
    assert_eq!(State::new(&Options::default()).name_hash, NameHash::Fx);
    assert_eq!(State::new(&off).name_hash, NameHash::Sip);
    for source in [
        "class A { init() { this.x = 1; this.y = 2; } sum() { return this.x + this.y; } } print A().sum();",
        "var alpha = 1; var beta = 2; fun gamma() { return alpha + beta; } print gamma();",
    ] {
        assert_eq!(output(source, off.clone()), output(source, Options::default()));
    }
}

/// Every declared tuning has a test above.
#[test]
fn every_tuning_is_tested() {
    let tested = [
        "fx-hash",
        "global-slots",
        "global-calls",
        "leaf-operands",
        "fused-conditions",
        "guard-returns",
        "tail-returns",
        "call-statements",
        "assignment-statements",
        "fixed-arity-calls",
    ];
    let declared: Vec<&str> = TUNINGS.iter().map(|tuning| tuning.name).collect();
    assert_eq!(declared, tested);
}

/// Bodies whose ends take every path of the tail compilation: a branch that
/// falls through to the rest of the body, nested returning `if`s, a
/// `return` inside a loop, blocks inside blocks, a bare `return`, and
/// closures over locals of a block that the tail splices in.
#[test]
fn tails_return_what_the_statements_return() {
    let source = r#"
        fun fall(x) { if (x) { print "then"; } else { return 1; } print "after"; return 2; }
        print fall(true); print fall(false);
        fun size(x) { if (x > 0) { if (x > 5) return "big"; return "small"; } else if (x == 0) return "zero"; return "neg"; }
        print size(9); print size(1); print size(0); print size(-1);
        fun first(n) { var i = 0; while (true) { if (i * i >= n) return i; i = i + 1; } }
        print first(10);
        fun nested() { { var a = 1; { return a + 1; } } }
        print nested();
        fun bare(x) { if (x) return; print "not returned"; }
        print bare(true); print bare(false);
        fun counter() { var f; { var n = 0; fun inc() { n = n + 1; return n; } f = inc; } return f; }
        var c = counter(); c(); print c();
        fun shadow() { var a = 1; { var a = 2; print a; } return a; }
        print shadow();
        fun dead(x) { return x; print "never"; }
        print dead(3);
        fun both(x) { if (x) return "yes"; else return "no"; print "never"; }
        print both(nil);
    "#;
    let expected = "then\nafter\n2\n1\nbig\nsmall\nzero\nneg\n4\n2\nnil\nnot returned\nnil\n2\n2\n1\n3\nno\n";
    assert_eq!(output(source, Options::default()), expected);
    assert_eq!(output(source, Options::default().plain(TUNINGS)), expected);
}
