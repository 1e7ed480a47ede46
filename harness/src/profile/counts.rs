//! The engines' counts by kind (see `frontend::profiling::counters`), as the
//! profile records keep them: executions per opcode and per adjacent pair of
//! opcodes for the VMs, evaluations per node kind for the walkers, calls per
//! closure kind for the closure compiler. And what the report reads from
//! them: the kinds that ran most, and the pairs worth fusing.

use serde::{Deserialize, Serialize};

pub use frontend::profiling::counters::{CLOSURE, NODE, OPCODE, OPCODE_PAIR, PAIR_SEPARATOR};

/// One named count of one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub family: String,
    pub name: String,
    pub count: u64,
}

impl From<frontend::profiling::Counter> for Count {
    fn from(counter: frontend::profiling::Counter) -> Count {
        Count { family: counter.family.to_string(), name: counter.name, count: counter.count }
    }
}

/// A kind's count and its share of its family's total.
#[derive(Clone, Debug, PartialEq)]
pub struct Share {
    pub name: String,
    pub count: u64,
    pub share: f64,
}

/// The sum of a family's counts.
pub fn family_total(counts: &[Count], family: &str) -> u64 {
    counts.iter().filter(|c| c.family == family).map(|c| c.count).sum()
}

/// The `limit` largest counts of `family`, each with its share of the
/// family's total, largest first (ties by name, so the order repeats).
pub fn top(counts: &[Count], family: &str, limit: usize) -> Vec<Share> {
    let total = family_total(counts, family);
    let mut members: Vec<&Count> = counts.iter().filter(|c| c.family == family).collect();
    members.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    members
        .into_iter()
        .take(limit)
        .map(|c| Share { name: c.name.clone(), count: c.count, share: c.count as f64 / total.max(1) as f64 })
        .collect()
}

/// The family a profile's main counts are in: opcodes for a VM, node kinds
/// for the others; `None` when the engine counted nothing by kind.
pub fn main_family(counts: &[Count]) -> Option<&'static str> {
    [OPCODE, NODE, CLOSURE].into_iter().find(|family| family_total(counts, family) > 0)
}

/// A pair of adjacent opcodes that a superinstruction could replace.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// `First → Second`.
    pub pair: String,
    /// How often the second ran straight after the first.
    pub count: u64,
    /// The pair's executions as a share of every dispatch: fusing it into
    /// one instruction would save that share of the dispatches (one
    /// dispatch per execution of the pair), if every occurrence fused.
    pub dispatches_saved: f64,
}

/// The `limit` pairs with the largest share of dispatches.
pub fn candidates(counts: &[Count], limit: usize) -> Vec<Candidate> {
    let dispatches = family_total(counts, OPCODE);
    top(counts, OPCODE_PAIR, limit)
        .into_iter()
        .map(|pair| Candidate {
            pair: pair.name,
            count: pair.count,
            dispatches_saved: pair.count as f64 / dispatches.max(1) as f64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(family: &str, name: &str, count: u64) -> Count {
        Count { family: family.into(), name: name.into(), count }
    }

    fn vm_run() -> Vec<Count> {
        vec![
            count(OPCODE, "GetLocal", 50),
            count(OPCODE, "Constant", 30),
            count(OPCODE, "Add", 20),
            count(OPCODE_PAIR, "GetLocal → Constant", 25),
            count(OPCODE_PAIR, "Constant → Add", 20),
            count(OPCODE_PAIR, "GetLocal → GetLocal", 5),
        ]
    }

    #[test]
    fn the_top_kinds_come_with_their_shares() {
        let top = top(&vm_run(), OPCODE, 2);
        assert_eq!(top.len(), 2);
        assert_eq!((top[0].name.as_str(), top[0].count), ("GetLocal", 50));
        assert!((top[0].share - 0.5).abs() < 1e-12);
        assert_eq!(top[1].name, "Constant");
        assert_eq!(main_family(&vm_run()), Some(OPCODE));
        assert_eq!(main_family(&[count(NODE, "Call", 3)]), Some(NODE));
        assert_eq!(main_family(&[]), None);
    }

    #[test]
    fn candidates_are_the_pairs_with_most_dispatches() {
        let candidates = candidates(&vm_run(), 2);
        assert_eq!(candidates.len(), 2);
        assert_eq!(candidates[0].pair, "GetLocal → Constant");
        // 25 of the 100 dispatches would go.
        assert!((candidates[0].dispatches_saved - 0.25).abs() < 1e-12);
        assert!((candidates[1].dispatches_saved - 0.20).abs() < 1e-12);
    }
}
