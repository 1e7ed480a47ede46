//! The hash table keyed by interned strings: open addressing with linear
//! probing, as clox's `table.c`.
//!
//! Keys are interned, so two keys are equal exactly when they are the same
//! string, and a probe compares pointers, never text. Each string carries its
//! hash, computed once when it was interned; the table probes from it. The
//! capacity is a power of two (an entry's index is `hash & (capacity - 1)`)
//! and the load, tombstones included, stays at most 3/4. A deleted entry
//! becomes a tombstone (no key, value `true`) so that probes walk past it.
//!
//! A key is a pointer to its string, so the table reads the hash through
//! the key, and indexes its entries unchecked: every index is masked.
//!
//! One table type serves class methods, instance fields, globals looked up
//! by name, and the heap's interned strings.

use crate::object::{Gc, ObjString};
use crate::value::Value;

#[derive(Clone, Copy)]
struct Entry {
    key: Option<Gc<ObjString>>,
    /// `nil` in an empty entry, `true` in a tombstone.
    value: Value,
}

const EMPTY: Entry = Entry { key: None, value: Value::NIL };

pub struct Table {
    entries: Box<[Entry]>,
    /// Live entries plus tombstones: what the load factor counts.
    count: usize,
}

impl Default for Table {
    fn default() -> Self {
        Table { entries: Box::new([]), count: 0 }
    }
}

impl Table {
    /// The bytes the entry array occupies, for the collector's accounting.
    pub fn allocated_bytes(&self) -> usize {
        self.entries.len() * size_of::<Entry>()
    }

    #[inline(always)]
    fn entry(&self, index: usize) -> &Entry {
        // SAFETY: every index is masked with `capacity - 1` (or is one the
        // probe returned, which was masked), and the capacity is a power of
        // two equal to `entries.len()`, so it is in bounds.
        unsafe { self.entries.get_unchecked(index) }
    }

    /// Where `key` is, or the entry a new `key` should go in (the first
    /// tombstone on its probe, else the empty entry that ended it). The table
    /// must have a nonzero capacity, and always has an empty entry because
    /// the load stays below 1.
    #[inline(always)]
    fn find(&self, key: Gc<ObjString>) -> usize {
        let mask = self.entries.len() - 1;
        let mut index = key.hash as usize & mask;
        let mut tombstone = None;
        loop {
            let entry = self.entry(index);
            match entry.key {
                Some(k) if k == key => return index,
                Some(_) => {}
                None if entry.value.is_nil() => return tombstone.unwrap_or(index),
                None => {
                    tombstone.get_or_insert(index);
                }
            }
            index = (index + 1) & mask;
        }
    }

    /// Where `key` is, if it is in the table. A lookup needs no tombstone
    /// bookkeeping: it walks the probe until the key or an empty entry (a
    /// tombstone has no key and a `true` value, so the walk passes it).
    #[inline(always)]
    fn position(&self, key: Gc<ObjString>) -> Option<usize> {
        if self.count == 0 {
            return None;
        }
        let mask = self.entries.len() - 1;
        let mut index = key.hash as usize & mask;
        loop {
            let entry = self.entry(index);
            if entry.key == Some(key) {
                return Some(index);
            }
            if entry.key.is_none() && entry.value.is_nil() {
                return None;
            }
            index = (index + 1) & mask;
        }
    }

    /// The value of `key`.
    #[inline]
    pub fn get(&self, key: Gc<ObjString>) -> Option<Value> {
        self.position(key).map(|index| self.entry(index).value)
    }

    /// The value of `key`, to overwrite in place.
    #[inline]
    pub fn get_mut(&mut self, key: Gc<ObjString>) -> Option<&mut Value> {
        // SAFETY: `position` returns a masked, in-bounds index (see `entry`).
        self.position(key).map(|index| unsafe { &mut self.entries.get_unchecked_mut(index).value })
    }

    /// Sets `key` to `value`; true when the key is new.
    pub fn set(&mut self, key: Gc<ObjString>, value: Value) -> bool {
        if (self.count + 1) * 4 > self.entries.len() * 3 {
            self.grow();
        }
        let index = self.find(key);
        // SAFETY: `find` returns a masked, in-bounds index (see `entry`).
        let entry = unsafe { self.entries.get_unchecked_mut(index) };
        let is_new = entry.key.is_none();
        // A tombstone reused is already counted.
        if is_new && entry.value.is_nil() {
            self.count += 1;
        }
        *entry = Entry { key: Some(key), value };
        is_new
    }

    /// Empties the table, keeping its capacity (a recycled instance's fields).
    pub fn clear(&mut self) {
        self.entries.fill(EMPTY);
        self.count = 0;
    }

    /// Copies every entry of `from` into this table (inheritance).
    pub fn add_all(&mut self, from: &Table) {
        for entry in from.entries.iter() {
            if let Some(key) = entry.key {
                self.set(key, entry.value);
            }
        }
    }

    fn grow(&mut self) {
        let capacity = if self.entries.is_empty() { 8 } else { self.entries.len() * 2 };
        let old = std::mem::replace(&mut self.entries, vec![EMPTY; capacity].into_boxed_slice());
        self.count = 0;
        for entry in old.iter() {
            if let Some(key) = entry.key {
                let index = self.find(key);
                self.entries[index] = *entry;
                self.count += 1;
            }
        }
    }

    /// The interned string with this text, if there is one (the heap's
    /// interning table only: it compares contents, not pointers).
    pub fn find_string(&self, text: &str, hash: u32) -> Option<Gc<ObjString>> {
        if self.count == 0 {
            return None;
        }
        let mask = self.entries.len() - 1;
        let mut index = hash as usize & mask;
        loop {
            let entry = self.entry(index);
            match entry.key {
                Some(key) if key.hash == hash && *key.text == *text => return Some(key),
                Some(_) => {}
                None if entry.value.is_nil() => return None,
                None => {}
            }
            index = (index + 1) & mask;
        }
    }

    /// Every live key and value.
    pub fn iter(&self) -> impl Iterator<Item = (Gc<ObjString>, Value)> + '_ {
        self.entries.iter().filter_map(|entry| entry.key.map(|key| (key, entry.value)))
    }

    /// Deletes every entry whose key fails `keep` (the collector drops
    /// interned strings nothing else reaches).
    pub fn retain_keys(&mut self, keep: impl Fn(Gc<ObjString>) -> bool) {
        for entry in self.entries.iter_mut() {
            if let Some(key) = entry.key
                && !keep(key)
            {
                *entry = Entry { key: None, value: Value::TRUE };
            }
        }
    }
}
