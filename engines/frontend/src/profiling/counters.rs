//! Named counters: what a run did, counted by kind, exported the same way by
//! every engine so the harness needs no engine-specific code.
//!
//! The tallies here are what the engines count with: plain arrays indexed
//! by a small number (an opcode, a node kind, a name id), so counting is an
//! increment and the names are attached only when the counters are read.

use super::names;
use super::node::NodeKind;
use std::sync::atomic::{AtomicU32, Ordering};

/// Executions of each opcode (bytecode VMs).
pub const OPCODE: &str = "opcode";
/// Executions of each pair of opcodes that follow each other in the code
/// and ran one after the other (bytecode VMs); named `A → B`.
pub const OPCODE_PAIR: &str = "opcode pair";
/// Evaluations of each kind of AST node (tree-walkers, closure compiler).
pub const NODE: &str = "node";
/// Calls of each kind of compiled closure (closure compiler).
pub const CLOSURE: &str = "closure";

/// How a pair's name joins its two opcodes.
pub const PAIR_SEPARATOR: &str = " → ";

/// One named count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counter {
    /// What is counted: [`OPCODE`], [`OPCODE_PAIR`], [`NODE`], [`CLOSURE`],
    /// or another family an engine defines.
    pub family: &'static str,
    pub name: String,
    pub count: u64,
}

/// Executions per opcode and per adjacent pair, indexed by opcode number.
#[derive(Clone, Debug)]
pub struct OpTally {
    names: &'static [&'static str],
    executions: Vec<u64>,
    /// `pairs[first * n + second]`.
    pairs: Vec<u64>,
    previous: usize,
}

impl OpTally {
    /// A tally for the opcodes `names`, where opcode `i` is `names[i]`.
    pub fn new(names: &'static [&'static str]) -> OpTally {
        let n = names.len();
        OpTally { names, executions: vec![0; n], pairs: vec![0; n * n], previous: 0 }
    }

    /// Counts one execution of `op`; with `follows_previous`, also the pair
    /// of the opcode counted before it and `op` (the caller says whether
    /// `op` came straight after it in the code, with no jump or call between).
    #[inline(always)]
    pub fn count(&mut self, op: usize, follows_previous: bool) {
        self.executions[op] += 1;
        if follows_previous {
            self.pairs[self.previous * self.names.len() + op] += 1;
        }
        self.previous = op;
    }

    /// Forgets every count, for the next run.
    pub fn clear(&mut self) {
        self.executions.fill(0);
        self.pairs.fill(0);
    }

    /// The counts that are not zero, opcodes first, then pairs.
    pub fn counters(&self) -> Vec<Counter> {
        let n = self.names.len();
        let ops = self.executions.iter().enumerate().filter(|(_, count)| **count > 0).map(|(op, &count)| Counter {
            family: OPCODE,
            name: self.names[op].to_string(),
            count,
        });
        let pairs = self.pairs.iter().enumerate().filter(|(_, count)| **count > 0).map(|(index, &count)| Counter {
            family: OPCODE_PAIR,
            name: format!("{}{PAIR_SEPARATOR}{}", self.names[index / n], self.names[index % n]),
            count,
        });
        ops.chain(pairs).collect()
    }
}

/// Counts by a small index that grows as needed (node kinds, name ids).
#[derive(Clone, Debug, Default)]
pub struct KindTally {
    counts: Vec<u64>,
}

impl KindTally {
    #[inline(always)]
    pub fn count(&mut self, index: usize) {
        if index >= self.counts.len() {
            self.grow(index);
        }
        self.counts[index] += 1;
    }

    #[cold]
    fn grow(&mut self, index: usize) {
        self.counts.resize(index + 1, 0);
    }

    pub fn clear(&mut self) {
        self.counts.fill(0);
    }

    /// The counts that are not zero, named by `name(index)`.
    pub fn counters(&self, family: &'static str, name: impl Fn(usize) -> String) -> Vec<Counter> {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(index, &count)| Counter { family, name: name(index), count })
            .collect()
    }

    /// Node-kind counts as [`NODE`] counters.
    pub fn node_counters(&self) -> Vec<Counter> {
        self.counters(NODE, |index| NodeKind::ALL[index].name().to_string())
    }

    /// Counts indexed by name id (see [`names`]) as counters of `family`.
    pub fn named_counters(&self, family: &'static str) -> Vec<Counter> {
        let names = names::all();
        self.counters(family, |index| names.get(index).cloned().unwrap_or_default())
    }
}

/// One place in an engine's code that counts a kind of work it names (the
/// closure compiler: one per kind of closure it builds), declared as a
/// `static` there so that its name is registered once, the first time it
/// counts.
#[derive(Debug)]
pub struct Site {
    pub node: NodeKind,
    pub name: &'static str,
    id: AtomicU32,
}

impl Site {
    pub const fn new(node: NodeKind, name: &'static str) -> Site {
        Site { node, name, id: AtomicU32::new(0) }
    }

    /// The site's name id.
    #[inline(always)]
    pub fn id(&self) -> u32 {
        match self.id.load(Ordering::Relaxed) {
            0 => self.register(),
            id => id,
        }
    }

    #[cold]
    fn register(&self) -> u32 {
        let id = names::id(self.name);
        self.id.store(id, Ordering::Relaxed);
        id
    }
}

/// The site named `name` for a node of kind `node`, made the first time it
/// is asked for: for code that builds its kinds' names when it compiles
/// (a kind per operator and operand shape, say) rather than writing them
/// down as statics. Each distinct name is made once and kept for the rest
/// of the process.
pub fn site(node: NodeKind, name: &str) -> &'static Site {
    static SITES: std::sync::Mutex<Option<std::collections::HashMap<String, &'static Site>>> =
        std::sync::Mutex::new(None);
    let mut sites = SITES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let sites = sites.get_or_insert_with(Default::default);
    if let Some(site) = sites.get(name) {
        return site;
    }
    let site: &'static Site = Box::leak(Box::new(Site::new(node, Box::leak(name.to_string().into_boxed_str()))));
    sites.insert(name.to_string(), site);
    site
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_tallies_count_opcodes_and_adjacent_pairs() {
        static NAMES: [&str; 3] = ["Push", "Add", "Jump"];
        let mut tally = OpTally::new(&NAMES);
        tally.count(0, false);
        tally.count(0, true);
        tally.count(1, true);
        tally.count(2, true);
        // After a jump the next opcode does not follow it in the code.
        tally.count(0, false);
        let counters = tally.counters();
        let get = |family, name: &str| counters.iter().find(|c| c.family == family && c.name == name).map(|c| c.count);
        assert_eq!(get(OPCODE, "Push"), Some(3));
        assert_eq!(get(OPCODE, "Add"), Some(1));
        assert_eq!(get(OPCODE_PAIR, "Push → Push"), Some(1));
        assert_eq!(get(OPCODE_PAIR, "Push → Add"), Some(1));
        assert_eq!(get(OPCODE_PAIR, "Add → Jump"), Some(1));
        assert_eq!(get(OPCODE_PAIR, "Jump → Push"), None);
        assert_eq!(counters.len(), 6);
        tally.clear();
        assert!(tally.counters().is_empty());
    }

    #[test]
    fn kind_tallies_grow_and_name_their_counts() {
        let mut tally = KindTally::default();
        tally.count(NodeKind::Call as usize);
        tally.count(NodeKind::Call as usize);
        tally.count(NodeKind::Add as usize);
        let counters = tally.node_counters();
        assert_eq!(
            counters,
            vec![
                Counter { family: NODE, name: "Add".into(), count: 1 },
                Counter { family: NODE, name: "Call".into(), count: 2 },
            ]
        );
    }

    #[test]
    fn a_site_registers_its_name_once() {
        static SITE: Site = Site::new(NodeKind::Add, "counters-test: Add of two locals");
        let id = SITE.id();
        assert_eq!(SITE.id(), id);
        assert_eq!(names::name(id).as_deref(), Some("counters-test: Add of two locals"));
        let made = site(NodeKind::Less, "counters-test: Less (local, constant)");
        assert!(std::ptr::eq(made, site(NodeKind::Less, "counters-test: Less (local, constant)")));
        assert_eq!(made.node, NodeKind::Less);
        assert_eq!(names::name(made.id()).as_deref(), Some("counters-test: Less (local, constant)"));
    }
}
