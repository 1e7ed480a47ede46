//! The tunings this engine declares, and which of them a session runs with.
//!
//! Every optimisation beyond the strategy is one of the shared techniques of
//! `frontend::tuning`, and `slot-walker` declares exactly the same list,
//! so that the two rungs differ in their value alone, tuned or plain. The
//! hash (`fx-hash`) and the globals' cache (`global-slots`) are read once,
//! by the name tables when the session starts; the rest are switches in
//! [`Config`], which the evaluator copies and tests where a fast path is
//! taken (one load and one branch, after the dispatch the path needs
//! anyway).

use frontend::tuning::{
    DIRECT_OPERANDS, FUSED_CONDITIONS, FX_HASH, GLOBAL_CALLS, GLOBAL_SLOTS, GUARD_RETURNS, LEAF_OPERANDS,
};
use frontend::{Options, Tuning};

/// Every tuning, in the order reports list them.
pub const TUNINGS: &[Tuning] =
    &[FX_HASH, GLOBAL_SLOTS, GLOBAL_CALLS, LEAF_OPERANDS, DIRECT_OPERANDS, FUSED_CONDITIONS, GUARD_RETURNS];

/// The switches the evaluator tests; each field is its tuning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub global_calls: bool,
    pub leaf_operands: bool,
    pub direct_operands: bool,
    pub fused_conditions: bool,
    pub guard_returns: bool,
}

impl Config {
    pub fn new(options: &Options) -> Config {
        Config {
            global_calls: options.tuning(&GLOBAL_CALLS),
            leaf_operands: options.tuning(&LEAF_OPERANDS),
            direct_operands: options.tuning(&DIRECT_OPERANDS),
            fused_conditions: options.tuning(&FUSED_CONDITIONS),
            guard_returns: options.tuning(&GUARD_RETURNS),
        }
    }
}
