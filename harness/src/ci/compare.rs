//! The CI results and their comparison with a baseline.

use crate::results::Provenance;
use crate::stats;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The results file inside a CI or baseline directory.
pub const CI_FILE: &str = "ci.json";

/// The per-function profiles inside a CI or baseline directory.
pub const PROFILE_DIR: &str = "profiles";

/// One engine on one program, counted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub engine: String,
    pub program: String,
    pub size: u64,
    pub passed: bool,
    /// Why the output was wrong, when it was.
    pub detail: Option<String>,
    /// Instructions of the whole run (process start to exit).
    pub total: u64,
    /// Instructions of a run stopped after the prepare phase.
    pub prepare: u64,
    /// Wall-clock seconds of native runs, when asked for (information only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wall_s: Vec<f64>,
    /// How far the whole run's count moved over the runs of a calibration
    /// (`harness ci --calibrate`): (largest − smallest) ÷ smallest. Only a
    /// calibrated baseline has it; the gate's threshold for the pair grows
    /// with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<f64>,
}

impl Count {
    /// The run phase: the whole run less the prepared-only run.
    pub fn run(&self) -> u64 {
        self.total.saturating_sub(self.prepare)
    }
}

/// Everything one `harness ci` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CiResults {
    pub provenance: Provenance,
    /// `valgrind --version`.
    pub valgrind: String,
    /// The C library the counted processes ran on (`getconf
    /// GNU_LIBC_VERSION`): its functions are counted too. Empty in results
    /// from before it was recorded.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub libc: String,
    /// The binary counted and how it was built. Results from before it was
    /// recorded counted the harness itself (`harness __run`).
    #[serde(default)]
    pub counted: super::counted::CountedBinary,
    pub counts: Vec<Count>,
    /// How the spreads were measured, when this is a calibrated baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    /// Which slice of a sharded run this is (`harness ci --shard K/N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::shard::Slice>,
}

/// How a baseline's spreads were measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// How many times each pair was counted.
    pub runs: usize,
    /// What differed between the runs, one line each.
    pub variations: Vec<String>,
    /// The revision and date of the calibration.
    pub revision: String,
    pub date: String,
}

impl CiResults {
    pub fn load(dir: &Path) -> Result<Option<CiResults>> {
        let path = dir.join(CI_FILE);
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path)?;
        Ok(Some(serde_json::from_str(&text).with_context(|| format!("{} is not a CI results file", path.display()))?))
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(dir.join(CI_FILE), text)?;
        Ok(())
    }

    pub fn find(&self, engine: &str, program: &str) -> Option<&Count> {
        self.counts.iter().find(|c| c.engine == engine && c.program == program)
    }

    /// What makes counts comparable at all: the compiler and profile that
    /// built the engines, the program counted (with fat LTO, the rest of a
    /// binary changes how the engines in it are compiled), the valgrind that
    /// counted and the C library that ran, as (what, version) pairs.
    pub fn toolchain(&self) -> [(&'static str, &str); 5] {
        [
            ("rustc", &self.provenance.rustc),
            ("build profile", &self.provenance.profile),
            ("counted binary", &self.counted.program),
            ("valgrind", &self.valgrind),
            ("C library", &self.libc),
        ]
    }

    /// Those of `engines` this baseline has no count for at all: every pair
    /// of theirs would be *new*, compared with nothing.
    pub fn engines_missing<'a>(&self, engines: &[&'a str]) -> Vec<&'a str> {
        engines.iter().copied().filter(|name| !self.counts.iter().any(|c| c.engine == *name)).collect()
    }
}

/// Where the toolchain of `baseline` and `now` differ: (what, baseline's,
/// now's). A version either side did not record is not a difference.
pub fn toolchain_mismatch(baseline: &CiResults, now: &CiResults) -> Vec<(&'static str, String, String)> {
    baseline
        .toolchain()
        .iter()
        .zip(now.toolchain())
        .filter(|((_, before), (_, after))| !before.is_empty() && !after.is_empty() && before != after)
        .map(|((what, before), (_, after))| (*what, before.to_string(), after.to_string()))
        .collect()
}

/// The gate's threshold for each pair, as fractions (0.02 for 2 %).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// For a pair whose baseline has no measured spread.
    pub fixed: f64,
    /// For a calibrated pair: never below this...
    pub floor: f64,
    /// ...and otherwise this many times its spread.
    pub factor: f64,
}

impl Thresholds {
    /// One threshold for every pair, calibrated or not.
    pub fn fixed(threshold: f64) -> Thresholds {
        Thresholds { fixed: threshold, floor: threshold, factor: 0.0 }
    }

    /// The threshold of a pair whose baseline has `spread`.
    pub fn for_spread(&self, spread: Option<f64>) -> f64 {
        match spread {
            Some(spread) => self.floor.max(self.factor * spread),
            None => self.fixed,
        }
    }
}

/// What a row of the comparison says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// More instructions than the baseline, past the pair's threshold.
    Regression,
    /// Within the threshold of the baseline, but past the cumulative
    /// threshold against the reference: small steps that added up.
    Creep,
    /// Counted with another toolchain than the baseline, so the counts say
    /// nothing about the code: not a regression, and not a pass either.
    NotComparable,
    /// Fewer instructions, past the threshold.
    Improvement,
    Unchanged,
    /// No baseline for this pair (a new engine or program, or a new size).
    New,
    /// The output was wrong: fails whatever the counts say.
    Failed,
}

/// Wall-clock figures against the baseline's, for information only.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WallComparison {
    /// Median now ÷ median in the baseline, with its bootstrap 95 % interval.
    pub ratio: f64,
    pub low: f64,
    pub high: f64,
    /// Mann-Whitney p-value.
    pub p: f64,
}

/// One engine × program of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub engine: String,
    pub program: String,
    pub size: u64,
    pub baseline: Option<Count>,
    pub now: Count,
    /// (now − baseline) ÷ baseline, of the whole run.
    pub change: Option<f64>,
    /// The threshold this pair was judged by (a fraction).
    pub threshold: f64,
    /// (now − reference) ÷ reference, of the whole run, when a reference
    /// baseline was given and has the pair.
    pub cumulative: Option<f64>,
    pub verdict: Verdict,
    pub wall: Option<WallComparison>,
}

impl Row {
    /// The relative change of one phase, when there is a baseline.
    pub fn phase_change(&self, phase: impl Fn(&Count) -> u64) -> Option<f64> {
        let baseline = phase(self.baseline.as_ref()?);
        (baseline > 0).then(|| (phase(&self.now) as f64 - baseline as f64) / baseline as f64)
    }
}

/// Compares `now` with `baseline`: a regression is a whole-run count more
/// than the pair's threshold (see [`Thresholds`]) above the baseline's. When
/// the toolchains differ, every pair with a baseline is *not comparable*.
pub fn compare(baseline: Option<&CiResults>, now: &CiResults, thresholds: &Thresholds) -> Vec<Row> {
    let comparable = baseline.is_none_or(|b| toolchain_mismatch(b, now).is_empty());
    now.counts
        .iter()
        .map(|count| {
            let base = baseline
                .and_then(|b| b.find(&count.engine, &count.program))
                .filter(|b| b.size == count.size && b.passed);
            let change = relative_change(base, count);
            let threshold = thresholds.for_spread(base.and_then(|b| b.spread));
            let verdict = if !count.passed {
                Verdict::Failed
            } else {
                match change {
                    None => Verdict::New,
                    Some(_) if !comparable => Verdict::NotComparable,
                    Some(change) if change > threshold => Verdict::Regression,
                    Some(change) if change < -threshold => Verdict::Improvement,
                    Some(_) => Verdict::Unchanged,
                }
            };
            let wall = base.and_then(|b| {
                if b.wall_s.is_empty() || count.wall_s.is_empty() {
                    return None;
                }
                let (ratio, low, high) = stats::median_ratio_interval(&b.wall_s, &count.wall_s, 2000)?;
                Some(WallComparison { ratio, low, high, p: stats::mann_whitney_p(&b.wall_s, &count.wall_s)? })
            });
            Row {
                engine: count.engine.clone(),
                program: count.program.clone(),
                size: count.size,
                baseline: base.cloned(),
                now: count.clone(),
                change,
                threshold,
                cumulative: None,
                verdict,
                wall,
            }
        })
        .collect()
}

/// (now − before) ÷ before of the whole run's count.
fn relative_change(before: Option<&Count>, now: &Count) -> Option<f64> {
    before.filter(|b| b.total > 0).map(|b| (now.total as f64 - b.total as f64) / b.total as f64)
}

/// Adds the change since `reference` (the baseline of the last reference
/// run) to every row; with `limit`, a pair within its threshold of the
/// baseline but past `limit` since the reference becomes a [`Verdict::Creep`].
/// A reference counted with another toolchain is left out whole: its counts
/// would say nothing.
pub fn add_reference(rows: &mut [Row], reference: &CiResults, now: &CiResults, limit: Option<f64>) {
    if !toolchain_mismatch(reference, now).is_empty() {
        return;
    }
    for row in rows {
        let before = reference.find(&row.engine, &row.program).filter(|r| r.size == row.size && r.passed);
        row.cumulative = relative_change(before, &row.now);
        if let (Some(limit), Some(cumulative)) = (limit, row.cumulative)
            && matches!(row.verdict, Verdict::Unchanged | Verdict::New)
            && cumulative > limit
        {
            row.verdict = Verdict::Creep;
        }
    }
}

/// Whether the comparison fails the build.
pub fn fails(rows: &[Row]) -> bool {
    rows.iter().any(|row| {
        matches!(row.verdict, Verdict::Regression | Verdict::Creep | Verdict::NotComparable | Verdict::Failed)
    })
}
