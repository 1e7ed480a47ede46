//! What a program does, counted in the language's own terms: calls and how
//! deep they go, objects made, property and global accesses. The harness
//! characterises every benchmark program by these counts, so they must not
//! depend on how an engine runs the program: they count what the program
//! asks for (a call, a `.name` read), never an engine's own work (an
//! environment allocated, an instruction dispatched).
//!
//! An engine built with its `work-count` feature keeps a [`Tally`] and
//! reports it through [`Session::work_counters`](crate::Session::work_counters);
//! one counting engine is enough, since every engine runs the same program.
//! Timing builds never count: the engine's increments sit behind its
//! feature and compile to nothing without it.

/// Calls of Lox functions, methods, classes and native functions.
pub const CALLS: &str = "calls";
/// The deepest the call stack went, in Lox calls (the script is depth 0).
pub const MAX_CALL_DEPTH: &str = "max call depth";
/// Objects the program made: instances, closures, bound methods, classes
/// and strings made by concatenation (the sum of the next five).
pub const ALLOCATIONS: &str = "allocations";
pub const INSTANCES: &str = "instances";
/// Function values made: every executed `fun` declaration and every method
/// of every executed class declaration.
pub const CLOSURES: &str = "closures";
/// Methods read as values (`var m = object.method;`), not called at once.
pub const BOUND_METHODS: &str = "bound methods";
pub const CLASSES: &str = "classes";
/// Strings made at run time, by `+`.
pub const STRINGS: &str = "strings";
/// `object.name`, and `object.name(...)`, which reads the property it calls.
pub const PROPERTY_READS: &str = "property reads";
/// `object.name = value`.
pub const PROPERTY_WRITES: &str = "property writes";
/// Reads of a global variable, including a global function's name in a call.
pub const GLOBAL_READS: &str = "global reads";

/// The counts of one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub calls: u64,
    /// The current depth, in Lox calls.
    pub depth: u64,
    pub max_depth: u64,
    pub instances: u64,
    pub closures: u64,
    pub bound_methods: u64,
    pub classes: u64,
    pub strings: u64,
    pub property_reads: u64,
    pub property_writes: u64,
    pub global_reads: u64,
}

impl Tally {
    /// A call that makes a frame: counted, one deeper.
    #[inline(always)]
    pub fn enter_call(&mut self) {
        self.calls += 1;
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
    }

    /// The frame [`Tally::enter_call`] counted has returned (or unwound).
    #[inline(always)]
    pub fn leave_call(&mut self) {
        self.depth -= 1;
    }

    /// Every count by name, in the order reports show them.
    pub fn counters(&self) -> Vec<(&'static str, u64)> {
        let allocations = self.instances + self.closures + self.bound_methods + self.classes + self.strings;
        vec![
            (CALLS, self.calls),
            (MAX_CALL_DEPTH, self.max_depth),
            (ALLOCATIONS, allocations),
            (INSTANCES, self.instances),
            (CLOSURES, self.closures),
            (BOUND_METHODS, self.bound_methods),
            (CLASSES, self.classes),
            (STRINGS, self.strings),
            (PROPERTY_READS, self.property_reads),
            (PROPERTY_WRITES, self.property_writes),
            (GLOBAL_READS, self.global_reads),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_is_the_deepest_nesting_and_allocations_the_sum() {
        let mut tally = Tally::default();
        tally.enter_call();
        tally.enter_call();
        tally.leave_call();
        tally.enter_call();
        tally.leave_call();
        tally.leave_call();
        tally.instances = 2;
        tally.strings = 3;
        let counters = tally.counters();
        let count = |name: &str| counters.iter().find(|(n, _)| *n == name).map(|(_, c)| *c);
        assert_eq!((count(CALLS), count(MAX_CALL_DEPTH), tally.depth), (Some(3), Some(2), 0));
        assert_eq!(count(ALLOCATIONS), Some(5));
    }
}
