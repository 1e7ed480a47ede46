//! The hash table keyed by interned strings: open addressing with linear
//! probing, as clox's `table.c`.
//!
//! Keys are interned, so two keys are equal exactly when they are the same
//! string, and a probe compares handles, never text. Each string carries its
//! hash, computed once when it was interned; the table probes from it. The
//! capacity is a power of two (an entry's index is `hash & (capacity - 1)`)
//! and the load, tombstones included, stays at most 3/4. A deleted entry
//! becomes a tombstone (no key, value `true`) so that probes walk past it.
//!
//! A key is a handle, which cannot reach its string's hash without the heap,
//! so the caller passes the hash to every operation, and each entry keeps its
//! key's hash for the day the table grows.
//!
//! One table type serves class methods, instance fields, globals looked up
//! by name, and the heap's interned strings.

use crate::value::{ObjRef, Value};

#[derive(Clone, Copy)]
struct Entry {
    key: Option<ObjRef>,
    hash: u32,
    /// `nil` in an empty entry, `true` in a tombstone.
    value: Value,
}

const EMPTY: Entry = Entry { key: None, hash: 0, value: Value::Nil };

#[derive(Clone, Default)]
pub struct Table {
    entries: Box<[Entry]>,
    /// Live entries plus tombstones: what the load factor counts.
    count: usize,
}

impl Table {
    /// The bytes the entry array occupies, for the collector's accounting.
    pub fn allocated_bytes(&self) -> usize {
        self.entries.len() * size_of::<Entry>()
    }

    /// Where `key` is, or the entry a new `key` should go in (the first
    /// tombstone on its probe, else the empty entry that ended it). The table
    /// must have a nonzero capacity, and always has an empty entry because
    /// the load stays below 1.
    fn find(&self, key: ObjRef, hash: u32) -> usize {
        let mask = self.entries.len() - 1;
        let mut index = hash as usize & mask;
        let mut tombstone = None;
        loop {
            let entry = &self.entries[index];
            match entry.key {
                Some(k) if k == key => return index,
                Some(_) => {}
                None if matches!(entry.value, Value::Nil) => return tombstone.unwrap_or(index),
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
    #[inline]
    fn position(&self, key: ObjRef, hash: u32) -> Option<usize> {
        if self.count == 0 {
            return None;
        }
        let mask = self.entries.len() - 1;
        let mut index = hash as usize & mask;
        loop {
            let entry = &self.entries[index];
            if entry.key == Some(key) {
                return Some(index);
            }
            if entry.key.is_none() && matches!(entry.value, Value::Nil) {
                return None;
            }
            index = (index + 1) & mask;
        }
    }

    /// The value of `key`, whose hash is `hash`.
    #[inline]
    pub fn get(&self, key: ObjRef, hash: u32) -> Option<Value> {
        self.position(key, hash).map(|index| self.entries[index].value)
    }

    /// The value of `key`, to overwrite in place.
    #[inline]
    pub fn get_mut(&mut self, key: ObjRef, hash: u32) -> Option<&mut Value> {
        self.position(key, hash).map(|index| &mut self.entries[index].value)
    }

    /// Sets `key` to `value`; true when the key is new.
    pub fn set(&mut self, key: ObjRef, hash: u32, value: Value) -> bool {
        if (self.count + 1) * 4 > self.entries.len() * 3 {
            self.grow();
        }
        let index = self.find(key, hash);
        let entry = &mut self.entries[index];
        let is_new = entry.key.is_none();
        // A tombstone reused is already counted.
        if is_new && matches!(entry.value, Value::Nil) {
            self.count += 1;
        }
        *entry = Entry { key: Some(key), hash, value };
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
                self.set(key, entry.hash, entry.value);
            }
        }
    }

    fn grow(&mut self) {
        let capacity = if self.entries.is_empty() { 8 } else { self.entries.len() * 2 };
        let old = std::mem::replace(&mut self.entries, vec![EMPTY; capacity].into_boxed_slice());
        self.count = 0;
        for entry in old.iter() {
            if let Some(key) = entry.key {
                let index = self.find(key, entry.hash);
                self.entries[index] = *entry;
                self.count += 1;
            }
        }
    }

    /// The interned string with this text, if there is one (the heap's
    /// interning table only: it compares contents, which `text_of` reads).
    pub fn find_string<'a>(&self, text: &str, hash: u32, text_of: impl Fn(ObjRef) -> &'a str) -> Option<ObjRef> {
        if self.count == 0 {
            return None;
        }
        let mask = self.entries.len() - 1;
        let mut index = hash as usize & mask;
        loop {
            let entry = &self.entries[index];
            match entry.key {
                Some(key) if entry.hash == hash && text_of(key) == text => return Some(key),
                Some(_) => {}
                None if matches!(entry.value, Value::Nil) => return None,
                None => {}
            }
            index = (index + 1) & mask;
        }
    }

    /// Every live key and value.
    pub fn iter(&self) -> impl Iterator<Item = (ObjRef, Value)> + '_ {
        self.entries.iter().filter_map(|entry| entry.key.map(|key| (key, entry.value)))
    }

    /// Deletes every entry whose key fails `keep` (the collector drops
    /// interned strings nothing else reaches).
    pub fn retain_keys(&mut self, keep: impl Fn(ObjRef) -> bool) {
        for entry in self.entries.iter_mut() {
            if let Some(key) = entry.key
                && !keep(key)
            {
                *entry = Entry { key: None, hash: 0, value: Value::Bool(true) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_after_growth_and_deletion() {
        let mut table = Table::default();
        // Equal hashes put every key on one probe, tombstones included.
        for i in 0..20 {
            assert!(table.set(ObjRef::new(i), 7, Value::Number(i as f64)));
        }
        assert!(!table.set(ObjRef::new(3), 7, Value::Number(-3.0)));
        table.retain_keys(|key| key.index() % 2 == 1);
        for i in 0..20 {
            let expected = match i {
                3 => Some(Value::Number(-3.0)),
                i if i % 2 == 1 => Some(Value::Number(i as f64)),
                _ => None,
            };
            assert_eq!(table.get(ObjRef::new(i), 7), expected);
        }
        *table.get_mut(ObjRef::new(5), 7).expect("5 stayed") = Value::Nil;
        assert_eq!(table.get(ObjRef::new(5), 7), Some(Value::Nil));
        assert_eq!(table.iter().count(), 10);
    }
}
