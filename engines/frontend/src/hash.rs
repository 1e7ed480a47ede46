//! The hash tables every engine may share: std's `HashMap` with fixed keys.
//!
//! std's default `RandomState` draws new SipHash keys in every process, so the
//! same program probes its tables in a different order from one run to the
//! next. That costs nothing in time, but it moves instruction counts by a few
//! hundred in a million, and `harness ci` compares instruction counts against
//! a baseline: a count must be a property of the code, not of the run.
//! [`FixedState`] keeps std's hash function (SipHash-1-3, so the cost of a
//! lookup is what the naive engines are meant to show) with constant keys.
//! Lox programs are the user's own code, not hostile input, so predictable
//! hashing gives away no protection worth having here.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher};

/// Builds SipHash-1-3 hashers with the same (zero) keys in every process.
pub type FixedState = BuildHasherDefault<DefaultHasher>;

/// A `HashMap` whose probe sequences are the same in every run.
/// Create one with `FixedMap::default()`.
pub type FixedMap<K, V> = HashMap<K, V, FixedState>;
