//! String literals, each made into a heap string once per program.
//!
//! In `slot-walker` evaluating a string literal clones the syntax tree's
//! `Rc<str>`: one count increment. Here a string value must be an object of
//! this session's heap, and allocating one at every evaluation would put an
//! allocation (and later a free) in every loop that mentions a string. So
//! each literal becomes a heap string the first time it runs and is found
//! again by the address of its text, as globals are with `global-slots`: the
//! parser interns names, so every mention of one literal in a program
//! shares one `Rc<str>`. The strings are roots for the rest of the session,
//! as clox's string constants live as long as their chunk. Strings are
//! immutable, so sharing one between evaluations changes nothing a program
//! can see.

#![forbid(unsafe_code)]

use crate::heap::{Gc, LoxString};
use frontend::ast::Name;
use frontend::hash::{NameHash, NameMap};
use std::rc::Rc;

pub struct Literals {
    /// Text address to string; the `Name` is held only to keep the address
    /// taken, so that no other text can reuse it.
    by_address: NameMap<usize, (Gc<LoxString>, Name)>,
}

impl Literals {
    /// An empty table whose addresses hash with the session's name hash.
    pub fn new(hash: NameHash) -> Literals {
        Literals { by_address: NameMap::with_hasher(hash) }
    }

    #[inline]
    pub fn get(&self, text: &Name) -> Option<Gc<LoxString>> {
        self.by_address.get(&address(text)).map(|&(string, _)| string)
    }

    pub fn insert(&mut self, text: &Name, string: Gc<LoxString>) {
        self.by_address.insert(address(text), (string, text.clone()));
    }

    /// Every literal's string, for the collector.
    pub fn strings(&self) -> impl Iterator<Item = Gc<LoxString>> + '_ {
        self.by_address.values().map(|&(string, _)| string)
    }
}

fn address(text: &Name) -> usize {
    Rc::as_ptr(text) as *const u8 as usize
}
