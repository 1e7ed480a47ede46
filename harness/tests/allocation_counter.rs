//! The allocation counter on a known allocation pattern. This test binary
//! installs the counting allocator itself, so it runs in every build (the
//! harness installs it only in the profiling build).

use harness::profile::alloc::{self, Allocations};
use stats_alloc::StatsAlloc;
use std::alloc::System;

// The profiling build of the harness installs the same allocator itself.
#[cfg(not(feature = "profiling"))]
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &stats_alloc::INSTRUMENTED_SYSTEM;
#[cfg(feature = "profiling")]
static GLOBAL: &StatsAlloc<System> = harness::profile::alloc::COUNTING_ALLOCATOR;

#[test]
fn counts_a_known_allocation_pattern() {
    // Ten boxes of 1 KiB each, made and dropped inside the region: exactly
    // ten allocations of 1024 bytes.
    let ((), counted) = alloc::count(GLOBAL, || {
        for _ in 0..10 {
            let block = std::hint::black_box(Box::new([0u8; 1024]));
            drop(block);
        }
    });
    assert_eq!(counted, Allocations { count: 10, bytes: 10 * 1024 });

    // Nothing allocated, nothing counted.
    let (sum, counted) = alloc::count(GLOBAL, || std::hint::black_box(2u64) + 2);
    assert_eq!(sum, 4);
    assert_eq!(counted, Allocations::default());
}
