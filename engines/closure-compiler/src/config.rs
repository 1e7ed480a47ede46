//! The tunings this engine declares, and which of them a session compiles
//! with.
//!
//! The strategy alone compiles every node into one general closure that
//! calls its children's closures. Each tuning lets the compiler build one
//! closure for a whole class of node shapes instead. The techniques a
//! tree-walker uses as well are the shared ones of `frontend::tuning`, with
//! the same names as in `slot-walker`; the ones declared below are this
//! strategy's own: each fuses a statement with the expression it runs, or
//! fixes a call's arguments in a type, which only a compiler that builds a
//! closure per node has a reason to do. Every switch is read once, when the
//! session starts: the compiler then builds one closure or another, so a
//! tuning switched off costs nothing at run time.

use frontend::tuning::{FUSED_CONDITIONS, FX_HASH, GLOBAL_CALLS, GLOBAL_SLOTS, GUARD_RETURNS, LEAF_OPERANDS};
use frontend::{Options, Tuning};

/// Every tuning, in the order reports list them: the shared techniques in
/// `slot-walker`'s order, then this engine's own.
pub const TUNINGS: &[Tuning] = &[
    FX_HASH,
    GLOBAL_SLOTS,
    GLOBAL_CALLS,
    LEAF_OPERANDS,
    FUSED_CONDITIONS,
    GUARD_RETURNS,
    TAIL_RETURNS,
    CALL_STATEMENTS,
    ASSIGNMENT_STATEMENTS,
    FIXED_ARITY_CALLS,
];

// `tail-returns` is this engine's own: the tree-walkers tried the same
// idea (a body's last return handing the call its result) and it cost them
// instructions, because a walker still dispatches on the statement; here the
// end of a body is compiled as an expression once.

/// A function's last statement gives the call its result.
pub const TAIL_RETURNS: Tuning = Tuning {
    name: "tail-returns",
    summary: "The statement that ends a function body, when it returns (`return x;`, or an `if`/`else` or \
              block whose branches end in returns), gives the call its result directly, instead of handing \
              a returned value back through the statements around it.",
    class: "every function or method whose body ends in a return, directly or in the branches of a final if",
};

/// A call statement stores or drops the result itself.
pub const CALL_STATEMENTS: Tuning = Tuning {
    name: "call-statements",
    summary: "A call whose result is dropped (`list.add(x);`) or stored into a local (`var a = f(n);`, \
              `a = f(a);`) is one closure that calls and then drops or stores the result, instead of a \
              statement closure around a call expression that yields the result to it.",
    class: "every call or method call used as a statement, or as the value declared or assigned to a local",
};

/// An assignment whose value nobody uses is only stored.
pub const ASSIGNMENT_STATEMENTS: Tuning = Tuning {
    name: "assignment-statements",
    summary: "An assignment written as a statement (`i = i + 1;`, `this.x = x;`) is one closure that stores the \
              value, instead of an assignment expression that also copies the value out as its result for \
              the statement to drop.",
    class: "every assignment to a variable or a field used as a statement",
};

/// A call's arguments in an array of their number.
pub const FIXED_ARITY_CALLS: Tuning = Tuning {
    name: "fixed-arity-calls",
    summary: "A call with up to three arguments keeps their closures in an array of exactly that length, which \
              the Rust compiler unrolls, instead of looping over a slice of any length.",
    class: "every call with zero to three arguments",
};

/// Which tunings a session compiles with; each field is its tuning. The
/// hash (`fx-hash`) is not here: it is chosen once, when the session's name
/// tables are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub global_slots: bool,
    pub global_calls: bool,
    pub leaf_operands: bool,
    pub fused_conditions: bool,
    pub guard_returns: bool,
    pub tail_returns: bool,
    pub call_statements: bool,
    pub assignment_statements: bool,
    pub fixed_arity_calls: bool,
}

impl Config {
    pub fn new(options: &Options) -> Config {
        Config {
            global_slots: options.tuning(&GLOBAL_SLOTS),
            global_calls: options.tuning(&GLOBAL_CALLS),
            leaf_operands: options.tuning(&LEAF_OPERANDS),
            fused_conditions: options.tuning(&FUSED_CONDITIONS),
            guard_returns: options.tuning(&GUARD_RETURNS),
            tail_returns: options.tuning(&TAIL_RETURNS),
            call_statements: options.tuning(&CALL_STATEMENTS),
            assignment_statements: options.tuning(&ASSIGNMENT_STATEMENTS),
            fixed_arity_calls: options.tuning(&FIXED_ARITY_CALLS),
        }
    }
}
