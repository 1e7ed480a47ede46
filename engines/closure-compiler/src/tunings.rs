//! The tunings: which closures the compiler may specialise, decided once
//! per session from its [`Options`].
//!
//! The strategy alone compiles every node into one general closure that
//! calls its children's closures. Each tuning lets the compiler build one
//! closure for a whole class of node shapes instead, where a tree-walker
//! would need a hand-written fast path; the techniques a tree-walker can
//! use as well are named once in [`frontend::tuning`] and shared with
//! `slot-walker`, and the ones below are this strategy's own. Each is asked
//! for once, when the session starts: the compiler then simply builds one
//! closure or another, so a tuning switched off costs nothing at run time.

use frontend::Options;
use frontend::tuning::{FUSED_CONDITIONS, FX_HASH, GLOBAL_SLOTS, LEAF_OPERANDS, Tuning};

/// A call whose callee is a global variable reads it in place.
pub const GLOBAL_CALLEES: Tuning = Tuning {
    name: "global-callees",
    summary: "A call whose callee is a global variable reads the global inside the call's own closure, \
              instead of calling a closure compiled for the callee expression.",
    class: "every call of a function stored in a global variable",
};

/// A call's arguments in an array of their number.
pub const FIXED_ARITY_CALLS: Tuning = Tuning {
    name: "fixed-arity-calls",
    summary: "A call with up to three arguments keeps their closures in an array of exactly that length, which \
              the Rust compiler unrolls, instead of looping over a slice of any length.",
    class: "every call with zero to three arguments",
};

/// An assignment whose value nobody uses is only stored.
pub const ASSIGNMENT_STATEMENTS: Tuning = Tuning {
    name: "assignment-statements",
    summary: "An assignment written as a statement (`i = i + 1;`, `this.x = x;`) is one closure that stores the \
              value, instead of an assignment expression that also copies the value out as its result for \
              the statement to drop.",
    class: "every assignment to a variable or a field used as a statement",
};

/// A call statement stores or drops the result itself.
pub const CALL_STATEMENTS: Tuning = Tuning {
    name: "call-statements",
    summary: "A call whose result is dropped (`list.add(x);`) or stored into a local (`var a = f(n);`, \
              `a = f(a);`) is one closure that calls and then drops or stores the result, instead of a \
              statement closure around a call expression that yields the result to it.",
    class: "every call or method call used as a statement, or as the value declared or assigned to a local",
};

/// `return` in the tail of a body yields the call's result directly.
pub const TAIL_RETURNS: Tuning = Tuning {
    name: "tail-returns",
    summary: "A `return` that ends a function body, or ends a branch of an `if` that does (with or without \
              `else`, at any depth), is compiled as the value the call yields, and such an `if` as a \
              conditional expression, instead of a statement that unwinds to the call with the value.",
    class: "every function whose body ends in a return, or in an if whose branches return",
};

/// `if (c) return x;` as one closure.
pub const GUARD_RETURNS: Tuning = Tuning {
    name: "guard-returns",
    summary: "An `if` whose then-branch is a `return` (a guard clause, with or without `else`) is one closure \
              that tests the condition and returns, instead of an `if` calling a separate `return` statement.",
    class: "every if whose then-branch is a return, anywhere in a function (in loops too)",
};

/// Which tunings a session compiles with. Built once from the session's
/// [`Options`]; the registered engine turns them all on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tunings {
    pub fx_hash: bool,
    pub global_slots: bool,
    pub leaf_operands: bool,
    pub fused_conditions: bool,
    pub global_callees: bool,
    pub fixed_arity_calls: bool,
    pub assignment_statements: bool,
    pub call_statements: bool,
    pub tail_returns: bool,
    pub guard_returns: bool,
}

impl Tunings {
    pub fn from_options(options: &Options) -> Tunings {
        Tunings {
            fx_hash: options.tuning(&FX_HASH),
            global_slots: options.tuning(&GLOBAL_SLOTS),
            leaf_operands: options.tuning(&LEAF_OPERANDS),
            fused_conditions: options.tuning(&FUSED_CONDITIONS),
            global_callees: options.tuning(&GLOBAL_CALLEES),
            fixed_arity_calls: options.tuning(&FIXED_ARITY_CALLS),
            assignment_statements: options.tuning(&ASSIGNMENT_STATEMENTS),
            call_statements: options.tuning(&CALL_STATEMENTS),
            tail_returns: options.tuning(&TAIL_RETURNS),
            guard_returns: options.tuning(&GUARD_RETURNS),
        }
    }
}
