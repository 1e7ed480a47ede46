//! From the records of `harness explain --rungs` to what the report shows:
//! for each pair of rungs, the ratio of their measured totals (geometric
//! mean over programs) and the difference by category summed over programs.
//! Nothing here measures.

use super::records::{PARTIAL_RECORDS_FILE, RECORDS_FILE, Record, RungPair, Side};
use crate::ablate::records::ProgramSize;
use crate::attribution::rules::Category;
use crate::jsonl;
use crate::results::Provenance;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// One pair on one program, as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub program: String,
    pub size: u64,
    pub upper: Side,
    pub lower: Side,
}

impl Entry {
    /// Why this entry is left out of the sums, or `None` when it counts:
    /// both outputs right and both breakdowns adding up.
    pub fn excluded_because(&self) -> Option<String> {
        for side in [&self.upper, &self.lower] {
            if !side.passed {
                return Some(format!("{} failed: {}", side.engine, side.detail.as_deref().unwrap_or("no detail")));
            }
        }
        for side in [&self.upper, &self.lower] {
            if !side.adds_up() {
                return Some(format!(
                    "{}'s categories add up to {:.1} % of its measured total, outside the {:.0} % the check allows",
                    side.engine,
                    100.0 * side.categorised() as f64 / side.total.max(1) as f64,
                    crate::explain::TOLERANCE * 100.0
                ));
            }
        }
        None
    }
}

/// Everything the report needs, from the records alone.
#[derive(Clone, Debug)]
pub struct Breakdowns {
    pub provenance: Provenance,
    pub valgrind: String,
    pub timeout_s: u64,
    pub pairs: Vec<RungPair>,
    pub programs: Vec<ProgramSize>,
    pub entries: Vec<Entry>,
}

/// One category's instructions summed over a pair's programs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CategorySum {
    pub category: Category,
    pub lower: u64,
    pub upper: u64,
}

impl CategorySum {
    /// The upper rung's instructions less the lower's: negative where it
    /// saves.
    pub fn difference(&self) -> i128 {
        self.upper as i128 - self.lower as i128
    }
}

/// A pair of rungs over the programs whose records count.
#[derive(Clone, Debug, PartialEq)]
pub struct PairSummary {
    pub upper: String,
    pub lower: String,
    /// The programs summed, in the run's order.
    pub programs: Vec<String>,
    /// The programs left out, with why.
    pub excluded: Vec<(String, String)>,
    /// The upper rung's total over the lower's, geometric mean over
    /// [`PairSummary::programs`].
    pub ratio: Option<f64>,
    /// The measured totals summed over the programs.
    pub lower_total: u64,
    pub upper_total: u64,
    /// Every category, the largest difference (either way) first.
    pub categories: Vec<CategorySum>,
}

impl PairSummary {
    /// The upper rung's measured total less the lower's.
    pub fn difference(&self) -> i128 {
        self.upper_total as i128 - self.lower_total as i128
    }

    /// A category's part of the difference between the totals.
    pub fn share(&self, sum: &CategorySum) -> Option<f64> {
        let total = self.difference();
        (total != 0).then(|| sum.difference() as f64 / total as f64)
    }

    /// The category with the largest part of what the upper rung saves
    /// over the lower (or, when it executes more, of what it adds), with its
    /// difference and share.
    pub fn top(&self) -> Option<(CategorySum, f64)> {
        let total = self.difference();
        if total == 0 || self.programs.is_empty() {
            return None;
        }
        let top = self.categories.iter().max_by_key(|sum| sum.difference() * total.signum())?;
        Some((*top, self.share(top)?))
    }
}

impl Breakdowns {
    pub fn from_records(records: &[Record]) -> Result<Breakdowns> {
        let Some(Record::Run { provenance, valgrind, timeout_s, pairs, programs }) = records.first() else {
            bail!(
                "the explain records do not start with a run record; were they written by `harness explain --rungs`?"
            );
        };
        let mut entries = Vec::new();
        for record in &records[1..] {
            match record {
                Record::Run { .. } => bail!("the explain records hold more than one run"),
                Record::Pair { program, size, upper, lower, .. } => entries.push(Entry {
                    program: program.clone(),
                    size: *size,
                    upper: upper.clone(),
                    lower: lower.clone(),
                }),
            }
        }
        Ok(Breakdowns {
            provenance: provenance.clone(),
            valgrind: valgrind.clone(),
            timeout_s: *timeout_s,
            pairs: pairs.clone(),
            programs: programs.clone(),
            entries,
        })
    }

    /// Reads `dir/explain.jsonl`, if there is one; with `partial`, an
    /// interrupted run's `explain.partial.jsonl` when there is one (else
    /// the complete file).
    pub fn load(dir: &Path, partial: bool) -> Result<Option<Breakdowns>> {
        let partial_path = dir.join(PARTIAL_RECORDS_FILE);
        let path = if partial && partial_path.is_file() { partial_path } else { dir.join(RECORDS_FILE) };
        if !path.is_file() {
            return Ok(None);
        }
        let records: Vec<Record> = jsonl::read(&path)?;
        Ok(Some(Breakdowns::from_records(&records).with_context(|| format!("in {}", path.display()))?))
    }

    /// The pair whose upper rung is `upper`, summed over its programs.
    pub fn summary(&self, upper: &str) -> Option<PairSummary> {
        let pair = self.pairs.iter().find(|p| p.upper == upper)?;
        let mut summary = PairSummary {
            upper: pair.upper.clone(),
            lower: pair.lower.clone(),
            programs: Vec::new(),
            excluded: Vec::new(),
            ratio: None,
            lower_total: 0,
            upper_total: 0,
            categories: Category::ALL.iter().map(|&category| CategorySum { category, lower: 0, upper: 0 }).collect(),
        };
        let mut logs = Vec::new();
        for entry in self.entries.iter().filter(|e| e.upper.engine == pair.upper && e.lower.engine == pair.lower) {
            if let Some(reason) = entry.excluded_because() {
                summary.excluded.push((entry.program.clone(), reason));
                continue;
            }
            summary.programs.push(entry.program.clone());
            summary.lower_total += entry.lower.total;
            summary.upper_total += entry.upper.total;
            logs.push((entry.upper.total as f64 / entry.lower.total as f64).ln());
            for sum in &mut summary.categories {
                sum.lower += entry.lower.category(sum.category);
                sum.upper += entry.upper.category(sum.category);
            }
        }
        if !logs.is_empty() {
            summary.ratio = Some((logs.iter().sum::<f64>() / logs.len() as f64).exp());
        }
        summary.categories.sort_by_key(|sum| std::cmp::Reverse(sum.difference().abs()));
        Some(summary)
    }

    /// Every pair, in ladder order.
    pub fn summaries(&self) -> Vec<PairSummary> {
        self.pairs.iter().filter_map(|pair| self.summary(&pair.upper)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(engine: &str, total: u64, categories: &[(Category, u64)]) -> Side {
        Side { engine: engine.into(), total, categories: categories.to_vec(), passed: true, detail: None }
    }

    fn breakdowns(entries: Vec<Entry>) -> Breakdowns {
        Breakdowns {
            provenance: crate::results::Provenance {
                command: "harness explain --rungs".into(),
                revision: "abc".into(),
                rustc: String::new(),
                profile: "release".into(),
                cpu: String::new(),
                cores: 2,
                os: String::new(),
                date: String::new(),
            },
            valgrind: String::new(),
            timeout_s: 1,
            pairs: vec![RungPair { upper: "fast".into(), lower: "slow".into() }],
            programs: Vec::new(),
            entries,
        }
    }

    #[test]
    fn a_pair_sums_its_programs_and_names_what_saves_most() {
        let entry = |program: &str, upper: Side, lower: Side| Entry { program: program.into(), size: 1, upper, lower };
        let summary = breakdowns(vec![
            entry(
                "a",
                side("fast", 100, &[(Category::Dispatch, 50), (Category::Variables, 50)]),
                side("slow", 400, &[(Category::Dispatch, 100), (Category::Variables, 300)]),
            ),
            entry(
                "b",
                side("fast", 100, &[(Category::Dispatch, 100)]),
                side("slow", 100, &[(Category::Dispatch, 60), (Category::Calls, 40)]),
            ),
        ])
        .summary("fast")
        .unwrap();
        assert_eq!(summary.programs, ["a", "b"]);
        // The geometric mean of 1/4 and 1.
        assert!((summary.ratio.unwrap() - 0.5).abs() < 1e-12);
        assert_eq!((summary.lower_total, summary.upper_total), (500, 200));
        let (top, share) = summary.top().unwrap();
        assert_eq!((top.category, top.difference()), (Category::Variables, -250));
        assert!((share - 250.0 / 300.0).abs() < 1e-12);
        assert_eq!(summary.categories[0].category, Category::Variables);
    }

    #[test]
    fn a_record_that_does_not_add_up_or_failed_is_left_out() {
        let bad = Entry {
            program: "odd".into(),
            size: 1,
            upper: side("fast", 100, &[(Category::Dispatch, 80)]),
            lower: side("slow", 100, &[(Category::Dispatch, 100)]),
        };
        let mut failed = bad.clone();
        failed.program = "wrong".into();
        failed.upper = Side { passed: false, detail: Some("line 1 differs".into()), ..side("fast", 100, &[]) };
        let summary = breakdowns(vec![bad, failed]).summary("fast").unwrap();
        assert!(summary.programs.is_empty() && summary.ratio.is_none() && summary.top().is_none());
        assert!(summary.excluded[0].1.contains("add up to 80.0 %"), "{:?}", summary.excluded);
        assert_eq!(summary.excluded[1].1, "fast failed: line 1 differs");
    }
}
