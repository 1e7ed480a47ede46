//! A cycle collector for `Rc`-managed objects, in safe Rust.
//!
//! The safe engines (`hashmap-walker`, `slot-walker`, `closure-compiler`)
//! manage memory with `Rc`: a value's memory is freed when its last strong
//! reference goes. Reference counting cannot free a cycle (a closure stored in
//! the environment it captures, two instances that point at each other), so
//! those engines register every object that can be part of a cycle here, and
//! this collector finds cycles that nothing outside them refers to and breaks
//! them.
//!
//! The algorithm is synchronous trial deletion, after Bacon and Rajan's
//! "Concurrent Cycle Collection in Reference Counted Systems", simplified to
//! scan every tracked object instead of keeping a candidate buffer:
//!
//! 1. Every tracked object reports the tracked objects it holds strong
//!    references to ([`Traceable::trace`]). Counting those edges gives each
//!    object's *internal* reference count.
//! 2. An object whose strong count exceeds its internal count is referenced
//!    from outside the tracked graph: from the interpreter's Rust stack, its
//!    globals, a frame. Those objects are roots, and everything reachable
//!    from them is live.
//! 3. The rest are garbage that only garbage refers to. Each is asked to drop
//!    its references ([`Traceable::clear`]), which breaks every cycle, and
//!    reference counting frees them.
//!
//! No root set has to be maintained: a reference held anywhere the collector
//! cannot see makes its object a root, so a mistake in `trace` can only make
//! the collector keep garbage, never free a live object, as long as `trace`
//! never reports an edge that is not a strong reference. The price is
//! collection time proportional to the tracked heap, paid rarely: the
//! collector runs when the number of registrations since the last run
//! exceeds the number of objects that survived it (and a floor), so its cost
//! per allocation stays constant and memory stays within a constant factor of
//! the live heap.
//!
//! `forbid(unsafe_code)`: objects are identified by address only to match
//! edges to objects; no address is ever dereferenced.

#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher};
use std::rc::{Rc, Weak};

/// An object that may take part in a reference cycle.
pub trait Traceable {
    /// Reports every tracked object this one holds a strong `Rc` to, by the
    /// address `Rc::as_ptr` gives (cast with [`addr`]), once per reference.
    /// Returns false when the object cannot be inspected right now (it is
    /// borrowed mutably): the collector then treats it as live.
    fn trace(&self, edges: &mut dyn FnMut(Address)) -> bool;

    /// Drops every reference this object holds. Called only on garbage.
    fn clear(&self);
}

/// An object's identity: its address, never dereferenced.
pub type Address = usize;

/// The address of the object an `Rc` points to.
pub fn addr<T: ?Sized>(rc: &Rc<T>) -> Address {
    Rc::as_ptr(rc) as *const () as usize
}

/// The smallest number of registrations between two collections.
const MIN_THRESHOLD: usize = 10_000;

/// Statistics of one collection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Collection {
    /// Tracked objects alive before the collection.
    pub scanned: usize,
    /// Objects found to be unreachable garbage and cleared.
    pub freed: usize,
}

pub struct CycleCollector {
    tracked: Vec<Weak<dyn Traceable>>,
    threshold: usize,
    stress: bool,
}

impl Default for CycleCollector {
    fn default() -> Self {
        Self::new(false)
    }
}

impl CycleCollector {
    /// With `stress`, [`CycleCollector::should_collect`] is true at every registration.
    pub fn new(stress: bool) -> Self {
        CycleCollector { tracked: Vec::new(), threshold: MIN_THRESHOLD, stress }
    }

    /// Registers an object that may become part of a cycle.
    pub fn track<T: Traceable + 'static>(&mut self, object: &Rc<T>) {
        let weak: Weak<dyn Traceable> = Rc::downgrade(object) as Weak<dyn Traceable>;
        self.tracked.push(weak);
    }

    /// Whether enough has been registered since the last collection that the
    /// owner should call [`CycleCollector::collect`] at its next safe point.
    pub fn should_collect(&self) -> bool {
        self.stress || self.tracked.len() >= self.threshold
    }

    /// Finds unreachable cycles among the tracked objects and breaks them.
    pub fn collect(&mut self) -> Collection {
        // Holding a strong reference to every live object keeps them all in
        // place while we look; it adds exactly one to every strong count.
        let live: Vec<Rc<dyn Traceable>> = self.tracked.iter().filter_map(Weak::upgrade).collect();
        // Fixed hash keys, so that a collection costs the same instructions
        // in every run (`harness ci` compares instruction counts).
        let index: HashMap<Address, usize, BuildHasherDefault<DefaultHasher>> =
            live.iter().enumerate().map(|(i, object)| (Rc::as_ptr(object) as *const () as usize, i)).collect();

        // Edges between tracked objects, and each object's internal count.
        let mut internal = vec![0usize; live.len()];
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); live.len()];
        let mut inspectable = vec![true; live.len()];
        for (i, object) in live.iter().enumerate() {
            let out = &mut children[i];
            inspectable[i] = object.trace(&mut |address| {
                if let Some(&j) = index.get(&address) {
                    out.push(j);
                }
            });
            if !inspectable[i] {
                out.clear();
            }
            for &j in out.iter() {
                internal[j] += 1;
            }
        }

        // Roots: referenced from outside the graph (the `- 1` is `live`'s own
        // reference), or not inspectable right now.
        let mut marked = vec![false; live.len()];
        let mut pending: Vec<usize> =
            (0..live.len()).filter(|&i| !inspectable[i] || Rc::strong_count(&live[i]) - 1 > internal[i]).collect();
        while let Some(i) = pending.pop() {
            if marked[i] {
                continue;
            }
            marked[i] = true;
            pending.extend(children[i].iter().copied().filter(|&j| !marked[j]));
        }

        let mut freed = 0;
        for (object, &is_live) in live.iter().zip(&marked) {
            if !is_live {
                object.clear();
                freed += 1;
            }
        }
        let scanned = live.len();
        drop(live);

        self.tracked.retain(|weak| weak.strong_count() > 0);
        self.threshold = (self.tracked.len() * 2).max(MIN_THRESHOLD);
        Collection { scanned, freed }
    }

    /// Clears every tracked object that is still alive. For the end of a
    /// session, when everything it made is garbage: the cycles formed since
    /// the last collection would otherwise outlive it, and a process that
    /// runs session after session (the fuzzer, the conformance runner)
    /// would keep every one of them.
    pub fn clear_all(&mut self) {
        let live: Vec<Rc<dyn Traceable>> = self.tracked.drain(..).filter_map(|weak| weak.upgrade()).collect();
        for object in &live {
            object.clear();
        }
    }

    /// The number of registered objects (live or not yet compacted away).
    pub fn tracked(&self) -> usize {
        self.tracked.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// A node holding strong references to other nodes.
    struct Node {
        next: RefCell<Vec<Rc<Node>>>,
    }

    impl Traceable for Node {
        fn trace(&self, edges: &mut dyn FnMut(Address)) -> bool {
            let Ok(next) = self.next.try_borrow() else { return false };
            next.iter().for_each(|n| edges(addr(n)));
            true
        }
        fn clear(&self) {
            self.next.borrow_mut().clear();
        }
    }

    fn node(collector: &mut CycleCollector) -> Rc<Node> {
        let node = Rc::new(Node { next: RefCell::new(Vec::new()) });
        collector.track(&node);
        node
    }

    #[test]
    fn frees_an_unreachable_cycle_and_keeps_a_reachable_one() {
        let mut collector = CycleCollector::default();
        let (a, b) = (node(&mut collector), node(&mut collector));
        a.next.borrow_mut().push(b.clone());
        b.next.borrow_mut().push(a.clone());
        let weak_a = Rc::downgrade(&a);
        drop((a, b));

        let (c, d) = (node(&mut collector), node(&mut collector));
        c.next.borrow_mut().push(d.clone());
        d.next.borrow_mut().push(c.clone());
        drop(d);

        let stats = collector.collect();
        assert_eq!(stats, Collection { scanned: 4, freed: 2 });
        assert!(weak_a.upgrade().is_none(), "the unreachable cycle is freed");
        assert_eq!(c.next.borrow().len(), 1, "the cycle held from outside is untouched");
        assert_eq!(collector.tracked(), 2);
    }

    #[test]
    fn an_object_borrowed_mutably_is_treated_as_live() {
        let mut collector = CycleCollector::default();
        let a = node(&mut collector);
        a.next.borrow_mut().push(a.clone());
        let weak = Rc::downgrade(&a);
        let guard = a.next.borrow_mut();
        let stats = collector.collect();
        assert_eq!(stats.freed, 0);
        drop(guard);
        drop(a);
        assert_eq!(collector.collect().freed, 1);
        assert!(weak.upgrade().is_none());
    }

    #[test]
    fn memory_stays_bounded_while_cycles_are_made() {
        let mut collector = CycleCollector::default();
        let mut peak = 0;
        for _ in 0..200_000 {
            let a = node(&mut collector);
            a.next.borrow_mut().push(a.clone());
            if collector.should_collect() {
                collector.collect();
            }
            peak = peak.max(collector.tracked());
        }
        assert!(peak <= 2 * MIN_THRESHOLD, "tracked objects peaked at {peak}");
    }
}
