//! Environments: one HashMap per scope, chained to the enclosing scope.
//!
//! This is the strategy's defining cost. Every scope the resolver counted (a
//! function call, a block, a `for` loop, the `super` scope around a class's
//! methods) gets a fresh heap-allocated map, and every variable access walks
//! the chain `hops` steps and then hashes the name to find the variable.
//! The resolver's `hops` keeps the meaning static (a closure sees the
//! variable that was in scope where it was written, even if a later
//! declaration shadows it in an enclosing block), but the lookup itself is
//! by name, as in jlox.

use crate::value::Value;
use frontend::ast::Name;
use frontend::hash::{NameHash, NameMap};
use std::cell::RefCell;
use std::rc::Rc;

pub struct Env {
    pub values: RefCell<NameMap<Name, Value>>,
    /// The enclosing scope; `None` for the globals, and for a scope the
    /// collector has cleared because it was unreachable garbage.
    pub parent: RefCell<Option<Rc<Env>>>,
}

impl Env {
    pub fn new(parent: Option<Rc<Env>>, hash: NameHash) -> Env {
        Env { values: RefCell::new(NameMap::with_hasher(hash)), parent: RefCell::new(parent) }
    }

    /// The scope `hops` steps out from this one.
    pub fn ancestor(self: &Rc<Env>, hops: u16) -> Rc<Env> {
        let mut env = self.clone();
        for _ in 0..hops {
            let parent = env.parent.borrow().clone().expect("the resolver counted this many enclosing scopes");
            env = parent;
        }
        env
    }

    pub fn define(&self, name: Name, value: Value) {
        self.values.borrow_mut().insert(name, value);
    }

    pub fn get(&self, name: &str) -> Option<Value> {
        self.values.borrow().get(name).cloned()
    }

    /// Assigns an existing variable; false when there is none of that name.
    pub fn assign(&self, name: &str, value: Value) -> bool {
        match self.values.borrow_mut().get_mut(name) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }
}
