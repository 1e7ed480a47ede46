//! `--shard K/N`: one deterministic slice of an engine × program matrix, so
//! that N jobs of a CI engine (a GitHub Actions matrix) each count one slice
//! and a final job merges them, rather than one machine counting it all.
//!
//! Every shard computes the same assignment from the same inputs: the pairs
//! in their canonical order and an estimated cost per pair (the pair's
//! instruction count in the committed baseline, which is what a count under
//! cachegrind takes time in proportion to). Pairs go, costliest first, to
//! the shard with the least cost so far (ties to the lower shard, equal
//! costs in canonical order): the slowest engine's pairs are spread over the
//! shards instead of all landing on one, and the shards finish close
//! together. A pair the baseline does not know is costed at the median of
//! those it does.

pub mod records;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Shard `index` (from 1) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("`{text}` is not a shard: write K/N, the K-th of N slices, with 1 ≤ K ≤ N (e.g. 2/4)");
        let (index, count) = text.split_once('/').ok_or_else(usage)?;
        let index: usize = index.trim().parse().map_err(|_| usage())?;
        let count: usize = count.trim().parse().map_err(|_| usage())?;
        if index == 0 || count == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shard (from 1) of each item, given each item's estimated cost
/// (`None` when unknown).
pub fn assign(costs: &[Option<u64>], count: usize) -> Vec<usize> {
    let mut known: Vec<u64> = costs.iter().flatten().copied().collect();
    known.sort_unstable();
    let fallback = known.get(known.len() / 2).copied().unwrap_or(1);
    let costs: Vec<u64> = costs.iter().map(|cost| cost.unwrap_or(fallback).max(1)).collect();
    let mut order: Vec<usize> = (0..costs.len()).collect();
    // Costliest first; the sort is stable, so equal costs keep their order.
    order.sort_by(|&a, &b| costs[b].cmp(&costs[a]));
    let mut loads = vec![0u128; count.max(1)];
    let mut shard_of = vec![0; costs.len()];
    for item in order {
        let (lightest, _) = loads.iter().enumerate().min_by_key(|(index, load)| (**load, *index)).expect("a shard");
        loads[lightest] += u128::from(costs[item]);
        shard_of[item] = lightest + 1;
    }
    shard_of
}

/// The items of `shard`, in their order, by [`assign`]'s rule.
pub fn select<T>(items: Vec<T>, costs: &[Option<u64>], shard: Shard) -> Vec<T> {
    let shard_of = assign(costs, shard.count);
    items.into_iter().zip(shard_of).filter(|(_, of)| *of == shard.index).map(|(item, _)| item).collect()
}

/// One shard's place in its run, recorded with what the shard measured so
/// that a merge can check it has the whole run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slice {
    pub shard: Shard,
    /// Every engine × program of the whole run, in its order: what the
    /// merge must find, each pair in exactly one shard.
    pub pairs: Vec<(String, String)>,
    /// Whether the run covers every engine on every program (no
    /// `--engines` or `--programs`).
    pub everything: bool,
}

/// Joins the shards' items (`shards[i]`: a slice and what that shard
/// measured) into one run: every pair's items, from the one shard that has
/// them, in the run's order. Refuses shards of different runs, a missing or
/// repeated shard, a pair no shard has and a pair two shards have.
pub fn join<T: Clone>(shards: &[(Slice, Vec<T>)], key: impl Fn(&T) -> (&str, &str)) -> Result<Vec<T>> {
    let places: Vec<Shard> = shards.iter().map(|(slice, _)| slice.shard).collect();
    check_complete(&places)?;
    let pairs = &shards[0].0.pairs;
    if let Some((slice, _)) = shards.iter().find(|(slice, _)| slice.pairs != *pairs) {
        bail!(
            "shard {} is a slice of other pairs than shard {}: these are not slices of one run",
            slice.shard,
            places[0]
        );
    }
    let mut joined = Vec::new();
    let mut missing = Vec::new();
    for (engine, program) in pairs {
        let holders: Vec<&(Slice, Vec<T>)> = shards
            .iter()
            .filter(|(_, items)| items.iter().any(|item| key(item) == (engine.as_str(), program.as_str())))
            .collect();
        match holders.as_slice() {
            [(_, items)] => {
                joined.extend(items.iter().filter(|item| key(item) == (engine.as_str(), program.as_str())).cloned())
            }
            [] => missing.push(format!("{engine} on {program}")),
            [(one, _), (other, _), ..] => {
                bail!("{engine} on {program} was measured by shard {} and by shard {}", one.shard, other.shard)
            }
        }
    }
    if !missing.is_empty() {
        bail!("no shard measured {}: was a shard interrupted?", missing.join(", "));
    }
    Ok(joined)
}

/// Checks that `shards` are all N slices of one N, each once; returns N.
pub fn check_complete(shards: &[Shard]) -> Result<usize> {
    let Some(first) = shards.first() else { bail!("there are no shards to merge") };
    let count = first.count;
    if let Some(other) = shards.iter().find(|shard| shard.count != count) {
        bail!("shard {other} is not one of {count} like shard {first}: these are slices of different runs");
    }
    let mut seen = vec![false; count];
    for shard in shards {
        if std::mem::replace(&mut seen[shard.index - 1], true) {
            bail!("shard {shard} is given twice");
        }
    }
    let missing: Vec<String> =
        (1..=count).filter(|index| !seen[index - 1]).map(|index| format!("{index}/{count}")).collect();
    if !missing.is_empty() {
        bail!("shard {} of the run is missing: merge every shard", missing.join(", "));
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_print_as_k_of_n() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(Shard { index: 1, count: 1 }.to_string(), "1/1");
        for wrong in ["0/2", "3/2", "2", "a/b", "1/0", ""] {
            assert!(wrong.parse::<Shard>().is_err(), "{wrong}");
        }
    }

    #[test]
    fn every_item_lands_in_exactly_one_shard_and_the_loads_balance() {
        // One expensive engine (100) and five cheap ones (10) on four programs.
        let costs: Vec<Option<u64>> = (0..24).map(|i| Some(if i % 6 == 0 { 100 } else { 10 })).collect();
        let shard_of = assign(&costs, 2);
        let load = |shard: usize| -> u64 {
            costs.iter().zip(&shard_of).filter(|(_, of)| **of == shard).map(|(cost, _)| cost.unwrap()).sum()
        };
        assert_eq!(load(1) + load(2), 600);
        assert_eq!(load(1), 300, "the expensive pairs are split two and two");
        let items: Vec<usize> = (0..24).collect();
        let mut joined = select(items.clone(), &costs, Shard { index: 1, count: 2 });
        joined.extend(select(items.clone(), &costs, Shard { index: 2, count: 2 }));
        joined.sort_unstable();
        assert_eq!(joined, items);
        // The same inputs give the same slices, every time.
        assert_eq!(assign(&costs, 2), shard_of);
    }

    #[test]
    fn unknown_costs_take_the_median_and_more_shards_than_items_leave_some_empty() {
        let shard_of = assign(&[Some(5), None, Some(1), Some(9)], 2);
        // Costs 5, 5 (the median), 1, 9: 9 → shard 1, then 5 and 5 → shard 2, then 1 → shard 1.
        assert_eq!(shard_of, vec![2, 2, 1, 1]);
        assert_eq!(assign(&[Some(3)], 3), vec![1]);
    }

    #[test]
    fn joined_shards_hold_every_pair_once_in_the_runs_order() {
        let pairs: Vec<(String, String)> =
            [("a", "x"), ("b", "x"), ("a", "y")].iter().map(|(e, p)| (e.to_string(), p.to_string())).collect();
        let slice = |index| Slice { shard: Shard { index, count: 2 }, pairs: pairs.clone(), everything: true };
        let item = |engine: &'static str, program: &'static str, n: u32| (engine, program, n);
        fn key<'a>(item: &'a (&'static str, &'static str, u32)) -> (&'a str, &'a str) {
            (item.0, item.1)
        }
        let one = (slice(1), vec![item("a", "y", 1), item("b", "x", 2), item("b", "x", 3)]);
        let two = (slice(2), vec![item("a", "x", 4)]);
        let joined = join(&[two.clone(), one.clone()], key).unwrap();
        assert_eq!(joined, vec![item("a", "x", 4), item("b", "x", 2), item("b", "x", 3), item("a", "y", 1)]);
        let short = (slice(2), Vec::new());
        assert!(join(&[one.clone(), short], key).unwrap_err().to_string().contains("no shard measured a on x"));
        let twice = (slice(2), vec![item("a", "x", 4), item("a", "y", 5)]);
        assert!(join(&[one, twice], key).unwrap_err().to_string().contains("a on y was measured by shard 1/2"));
    }

    #[test]
    fn a_merge_needs_every_shard_once() {
        let s = |index, count| Shard { index, count };
        assert_eq!(check_complete(&[s(2, 2), s(1, 2)]).unwrap(), 2);
        assert!(check_complete(&[s(1, 2)]).unwrap_err().to_string().contains("shard 2/2 of the run is missing"));
        assert!(check_complete(&[s(1, 2), s(1, 2)]).unwrap_err().to_string().contains("given twice"));
        assert!(check_complete(&[s(1, 2), s(2, 3)]).unwrap_err().to_string().contains("different runs"));
        assert!(check_complete(&[]).is_err());
    }
}
