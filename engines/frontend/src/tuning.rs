//! Tunings: the optimisations an engine makes beyond its strategy.
//!
//! Each rung of the ladder is a strategy (look variables up by name, by
//! slot, compile to closures, to bytecode...). Around a strategy, an engine
//! can make many smaller optimisations: a faster hash, a fused instruction, a
//! fast path for a kind of operand. They are worth having, but they are not
//! the lesson of the rung, and if two rungs differ in them as well as in
//! their strategy, the measured step between the rungs teaches something
//! false. So every such optimisation is a [`Tuning`]: declared with a name,
//! a sentence and the class of programs it helps, and switched off through
//! [`Options`] so that the harness can run an engine *plain* (every tuning
//! off) and measure each tuning by ablation.
//!
//! Rules every engine keeps:
//! * A tuning applies to a syntactic or semantic class of programs (every
//!   binary operator, calls of any arity, any global read), never to the
//!   shape of one benchmark program.
//! * A technique that fits two rungs has one name, declared once in this
//!   module, and both rungs have it or neither does; an engine's own
//!   tunings (a technique only its strategy can use) are declared in its
//!   crate.
//! * With every tuning off, the engine still runs the whole language with
//!   identical output: a tuning changes speed, never behaviour.

use crate::engine::Options;

/// One optional optimisation, as an engine declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tuning {
    /// The stable name users switch it off by (`--disable NAME`,
    /// `ENGINE:no-NAME`): lowercase words joined by `-`.
    pub name: &'static str,
    /// One sentence: what the engine does differently when it is on.
    pub summary: &'static str,
    /// The class of programs it helps, in words a Lox programmer knows
    /// ("every call of a global function", "any binary operator").
    pub class: &'static str,
}

/// Name lookups (fields, methods, globals, interned strings) hash with an
/// Fx-style hash instead of SipHash. The same in every engine that hashes
/// names, through [`crate::hash`].
pub const FX_HASH: Tuning = Tuning {
    name: "fx-hash",
    summary: "Names are hashed with the Fx hash (rustc's, from the rustc-hash crate: a multiply or two per word) instead of \
              std's SipHash-1-3, which is built to resist hash flooding and costs several times more.",
    class: "every program that looks up fields, methods or globals by name, or interns strings",
};

/// Globals are found through a slot given to each name once (when the
/// program is prepared, or at the name's first use), instead of by hashing
/// the name at every access.
pub const GLOBAL_SLOTS: Tuning = Tuning {
    name: "global-slots",
    summary: "A global variable is reached through a slot its name was given once, instead of by a hash-table \
              lookup of the name at every read, assignment and call.",
    class: "every read, assignment and call of a global variable",
};

/// Operands that are leaves of the tree, read in place.
pub const LEAF_OPERANDS: Tuning = Tuning {
    name: "leaf-operands",
    summary: "An operand that is a local variable or a literal (of an operator, a comparison, a call's \
              argument, a returned or assigned value) is read in place, without a general evaluation of a \
              child node.",
    class: "every expression whose operands are local variables or literals",
};

/// Compare-and-branch: a condition decides a branch without a boolean.
pub const FUSED_CONDITIONS: Tuning = Tuning {
    name: "fused-conditions",
    summary: "A comparison (or `!`, `and`, `or`) that decides an `if`, `while` or `for` branches on its \
              result directly, without making a boolean value and then testing it.",
    class: "every condition of an if, while or for statement",
};

/// Calls whose callee is a global, with the callee read in place.
pub const GLOBAL_CALLS: Tuning = Tuning {
    name: "global-calls",
    summary: "A call whose callee is a global variable reads that global in place, without a general \
              evaluation of the callee expression.",
    class: "every call of a global function or class",
};

/// Returns straight out of an `if`.
pub const GUARD_RETURNS: Tuning = Tuning {
    name: "guard-returns",
    summary: "An `if` whose branch returns (`return x;`, bare or ending a braced block, in the then or the \
              else branch) returns straight from the `if`, without running the branch as a statement of \
              its own.",
    class: "every if or if/else statement with a branch that returns: guard clauses, base cases, early exits",
};

/// Calls and operators evaluated where they are used.
pub const DIRECT_OPERANDS: Tuning = Tuning {
    name: "direct-operands",
    summary: "A call or an operator used as an operand (a call's argument, an operator's operand, a \
              returned, declared or assigned value) is evaluated where it is used, without a general \
              evaluation of its node: a call is entered directly, and an operator's own operands are read \
              or called the same way.",
    class: "every call, and every arithmetic operator or comparison, nested in another expression or \
            giving a statement its value",
};

/// Fused instructions in the bytecode VMs.
pub const SUPERINSTRUCTIONS: Tuning = Tuning {
    name: "superinstructions",
    summary: "Pairs of instructions that follow each other often in any program (a jump on a condition and \
              the pop after it, a store and the pop after it) are compiled as one instruction, so one \
              dispatch does the work of two.",
    class: "every program: the fused pairs come from statements and conditions, not from one program",
};

/// Swept instances recycled by a VM's collector.
pub const INSTANCE_POOL: Tuning = Tuning {
    name: "instance-pool",
    summary: "The collector keeps the instances it sweeps, each with its emptied field table, and a new \
              instance reuses one, instead of allocating memory for the object and, at its first field, for \
              its table.",
    class: "every program that makes instances and drops them",
};

/// Two programs of a shared tuning's class, written differently, for the
/// test by which an engine shows that the tuning applies to its class and
/// not to one shape: run with the tuning on, each must take the tuning's
/// path; run with it off, each must print the same. `None` for a tuning
/// this module does not declare.
pub fn examples(tuning: &Tuning) -> Option<[&'static str; 2]> {
    let examples = match tuning.name {
        "fx-hash" => [
            "class P { init(x) { this.x = x; } } var p = P(3); p.y = p.x + 1; print p.y;",
            "class C { get() { return this.n; } } var c = C(); c.n = \"v\"; var total = 0;
             for (var i = 0; i < 3; i = i + 1) total = total + i; print c.get() + \"!\"; print total;",
        ],
        "global-slots" => [
            "var count = 0; while (count < 5) count = count + 1; print count;",
            "fun twice(f, x) { return f(f(x)); } fun inc(x) { return x + 1; } print twice(inc, 1);",
        ],
        "global-calls" => [
            "fun square(x) { return x * x; } print square(4);",
            "class Box {} var b = Box(); fun show(v) { print v; } show(b);",
        ],
        "leaf-operands" => [
            "fun f() { var a = 2; var b = 3.5; return a * b - 1; } print f();",
            "{ var i = 0; var s = 0; while (i < 4) { s = s + i; i = i + 1; } print s; }",
        ],
        "fused-conditions" => [
            "var i = 0; while (i < 3) i = i + 1; print i;",
            "fun f(a, b) { if (!(a and b) or a == nil) return \"yes\"; return \"no\"; } print f(true, false);",
        ],
        "guard-returns" => [
            "fun abs(x) { if (x < 0) return -x; return x; } print abs(-3);",
            "fun sign(x) { if (x > 0) { return 1; } else { var m = -1; if (x == 0) { return 0; } return m; } }
             print sign(-2) + sign(0) + sign(5);",
        ],
        "direct-operands" => [
            "fun f(x) { return x + 1; } fun g() { return f(1) * f(2); } print g();",
            "fun id(x) { return x; } var a = id(3) - id(1); var s = \"n=\" + id(\"4\"); print a; print s;",
        ],
        "superinstructions" => [
            "var i = 0; while (i < 3) { i = i + 1; } print i;",
            "fun f(a) { var b = a; b = b * 2; if (b > 2) print b; } f(2);",
        ],
        "instance-pool" => [
            "class P { init(x) { this.x = x; } } var t = 0; for (var i = 0; i < 300; i = i + 1) t = t + P(i).x; print t;",
            "class Node {} fun chain(n) { var h = nil; while (n > 0) { var k = Node(); k.next = h; h = k; n = n - 1; } return h; }
             var c = 0; for (var r = 0; r < 20; r = r + 1) { var l = chain(20); while (l != nil) { c = c + 1; l = l.next; } } print c;",
        ],
        _ => return None,
    };
    Some(examples)
}

/// Checks every one of an engine's tunings against its [`examples`]: with
/// the tuning on, each example must take the tuning's path; with it off,
/// it must not, and must print exactly what it printed with it on. `run`
/// runs a program with the options given and answers what it printed and
/// whether `tuning`'s path was taken (engines count that in their unit
/// tests). Engines call it from a unit test.
pub fn check_examples(
    tunings: &[Tuning],
    mut run: impl FnMut(&str, Options, &Tuning) -> (String, bool),
) -> Result<(), String> {
    for tuning in tunings {
        let Some(examples) = examples(tuning) else {
            return Err(format!("tuning `{}` has no examples in `frontend::tuning`", tuning.name));
        };
        for source in examples {
            let (tuned, taken) = run(source, Options::default(), tuning);
            let (without, taken_without) = run(source, Options::default().plain(&[*tuning]), tuning);
            if !taken {
                return Err(format!("tuning `{}` was not used by its example:\n{source}", tuning.name));
            }
            if taken_without {
                return Err(format!("tuning `{}` was used while it was off, by:\n{source}", tuning.name));
            }
            if tuned != without {
                return Err(format!(
                    "tuning `{}` changed the output of:\n{source}\nwith it: {tuned:?}\nwithout: {without:?}",
                    tuning.name
                ));
            }
        }
    }
    Ok(())
}

impl Options {
    /// Whether `tuning` is on in this session. An engine asks once, when a
    /// session starts, and keeps the answer in its own configuration.
    pub fn tuning(&self, tuning: &Tuning) -> bool {
        !self.disabled.contains(&tuning.name)
    }

    /// These options with every one of `tunings` switched off: the engine
    /// running its strategy alone.
    pub fn plain(mut self, tunings: &[Tuning]) -> Options {
        for tuning in tunings {
            self.disable(tuning);
        }
        self
    }

    /// Switches one tuning off.
    pub fn disable(&mut self, tuning: &Tuning) {
        if !self.disabled.contains(&tuning.name) {
            self.disabled.push(tuning.name);
        }
    }

    /// Switches one tuning back on.
    pub fn enable(&mut self, tuning: &Tuning) {
        self.disabled.retain(|name| *name != tuning.name);
    }
}

/// Checks an engine's declared tunings: unique, well-formed names, and a
/// summary and class for each. Engines call it from a unit test.
pub fn check_declarations(tunings: &[Tuning]) -> Result<(), String> {
    for (i, tuning) in tunings.iter().enumerate() {
        let well_formed = !tuning.name.is_empty()
            && tuning
                .name
                .split('-')
                .all(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        if !well_formed {
            return Err(format!("tuning name `{}` is not lowercase words joined by `-`", tuning.name));
        }
        if tuning.name == "plain" || tuning.name.starts_with("no-") {
            return Err(format!("tuning name `{}` would read as a variant keyword", tuning.name));
        }
        if tunings[..i].iter().any(|earlier| earlier.name == tuning.name) {
            return Err(format!("tuning `{}` is declared twice", tuning.name));
        }
        if tuning.summary.trim().is_empty() || tuning.class.trim().is_empty() {
            return Err(format!("tuning `{}` needs a summary and a class", tuning.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAVES: Tuning = Tuning { name: "leaf-operands", summary: "s", class: "c" };

    #[test]
    fn options_start_with_every_tuning_on() {
        let options = Options::default();
        assert!(options.tuning(&FX_HASH));
        assert!(options.tuning(&LEAVES));
    }

    #[test]
    fn plain_switches_off_exactly_the_declared_tunings() {
        let options = Options::default().plain(&[FX_HASH]);
        assert!(!options.tuning(&FX_HASH));
        assert!(options.tuning(&LEAVES));
        let mut options = options.plain(&[FX_HASH, LEAVES]);
        assert_eq!(options.disabled, vec!["fx-hash", "leaf-operands"]);
        options.enable(&FX_HASH);
        assert!(options.tuning(&FX_HASH) && !options.tuning(&LEAVES));
    }

    #[test]
    fn every_shared_tuning_has_two_different_examples() {
        for tuning in [
            FX_HASH,
            GLOBAL_SLOTS,
            GLOBAL_CALLS,
            LEAF_OPERANDS,
            FUSED_CONDITIONS,
            GUARD_RETURNS,
            DIRECT_OPERANDS,
            SUPERINSTRUCTIONS,
        ] {
            let [first, second] = examples(&tuning).expect("a shared tuning has examples");
            assert_ne!(first, second, "{}", tuning.name);
            crate::parse(first).expect("an example compiles");
            crate::parse(second).expect("an example compiles");
        }
        assert!(examples(&LEAVES).is_some());
        assert!(examples(&Tuning { name: "private", ..LEAVES }).is_none());
    }

    #[test]
    fn examples_are_checked_on_and_off() {
        // A fake engine whose path is taken when the tuning is on, and
        // whose output does not depend on it: the check passes.
        let honest = |source: &str, options: Options, tuning: &Tuning| (source.to_string(), options.tuning(tuning));
        assert!(check_examples(&[LEAVES], honest).is_ok());
        // A path never taken, one taken while off, an output that changes.
        assert!(check_examples(&[LEAVES], |s: &str, _: Options, _: &Tuning| (s.to_string(), false)).is_err());
        assert!(check_examples(&[LEAVES], |s: &str, _: Options, _: &Tuning| (s.to_string(), true)).is_err());
        let changes = |_: &str, options: Options, tuning: &Tuning| {
            (format!("{}", options.tuning(tuning)), options.tuning(tuning))
        };
        assert!(check_examples(&[LEAVES], changes).is_err());
        assert!(check_examples(&[Tuning { name: "private", ..LEAVES }], honest).is_err());
    }

    #[test]
    fn declarations_are_checked() {
        assert!(check_declarations(&[FX_HASH, LEAVES]).is_ok());
        assert!(check_declarations(&[FX_HASH, FX_HASH]).is_err());
        assert!(check_declarations(&[Tuning { name: "Fast", ..LEAVES }]).is_err());
        assert!(check_declarations(&[Tuning { name: "no-leaves", ..LEAVES }]).is_err());
        assert!(check_declarations(&[Tuning { class: " ", ..LEAVES }]).is_err());
    }
}
