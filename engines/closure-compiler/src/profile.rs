//! What the profiling build (the `work-count` feature) counts and marks:
//! calls of each kind of compiled closure, the node kinds they were compiled
//! from, and for the sampler, the closure running now. None of this is
//! compiled into timing builds.

use frontend::profiling::counters::{CLOSURE, KindTally};
use frontend::profiling::{Counter, Site, marker};

#[derive(Default)]
pub struct Profile {
    /// Calls per node kind.
    nodes: KindTally,
    /// Calls per closure kind, by the kind's name id.
    closures: KindTally,
}

impl Profile {
    /// Forgets the last run and empties the marker, as a run starts.
    pub fn start(&mut self) {
        self.nodes.clear();
        self.closures.clear();
        marker::clear();
    }

    #[inline(always)]
    pub fn enter(&mut self, site: &'static Site) -> marker::WhatGuard {
        let id = site.id();
        self.nodes.count(site.node as usize);
        self.closures.count(id as usize);
        marker::mark_what(id)
    }

    pub fn counters(&self) -> Vec<Counter> {
        let mut counters = self.nodes.node_counters();
        counters.extend(self.closures.named_counters(CLOSURE));
        counters
    }
}

/// A short name for an operand shape type (`LocalOperand` → `local`), for
/// closure-kind names.
pub fn shape<T>() -> String {
    let name = std::any::type_name::<T>();
    let name = name.rsplit("::").next().unwrap_or(name);
    name.trim_end_matches("Operand").to_lowercase()
}
