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
    fn declarations_are_checked() {
        assert!(check_declarations(&[FX_HASH, LEAVES]).is_ok());
        assert!(check_declarations(&[FX_HASH, FX_HASH]).is_err());
        assert!(check_declarations(&[Tuning { name: "Fast", ..LEAVES }]).is_err());
        assert!(check_declarations(&[Tuning { name: "no-leaves", ..LEAVES }]).is_err());
        assert!(check_declarations(&[Tuning { class: " ", ..LEAVES }]).is_err());
    }
}
