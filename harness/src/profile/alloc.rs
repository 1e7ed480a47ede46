//! Counting allocations: how many and how many bytes a piece of work
//! allocates, read from a counting global allocator (`stats_alloc`, a safe
//! wrapper around the system allocator). The profiling build installs it;
//! timing builds never do, so its counters cost them nothing.

use serde::{Deserialize, Serialize};
use stats_alloc::{Region, StatsAlloc};
use std::alloc::System;

/// The counting allocator of the profiling build.
#[cfg(feature = "profiling")]
#[global_allocator]
pub static COUNTING_ALLOCATOR: &StatsAlloc<System> = &stats_alloc::INSTRUMENTED_SYSTEM;

/// What a piece of work allocated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocations {
    /// Calls to `alloc` (and `realloc`, which may move a block).
    pub count: u64,
    /// Bytes requested by those calls.
    pub bytes: u64,
}

/// Runs `work` and counts what the whole process allocated meanwhile (run
/// nothing else at the same time). `allocator` must be the installed global
/// allocator, or every count is 0.
pub fn count<R>(allocator: &'static StatsAlloc<System>, work: impl FnOnce() -> R) -> (R, Allocations) {
    let region = Region::new(allocator);
    let result = work();
    let change = region.change();
    let allocations = Allocations {
        count: (change.allocations + change.reallocations) as u64,
        bytes: (change.bytes_allocated + change.bytes_reallocated.max(0) as usize) as u64,
    };
    (result, allocations)
}
