//! The tunings the bytecode engines declare, and one session's choice of them.
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
/// the same list, so that the step between them is their representation;
/// the JIT, which compiles the same bytecode, declares them too.
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
    /// Recycle swept instances (heap.rs).
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
