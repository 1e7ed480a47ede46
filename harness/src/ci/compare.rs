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
    pub counts: Vec<Count>,
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

    /// Those of `engines` this baseline has no count for at all: every pair
    /// of theirs would be *new*, compared with nothing.
    pub fn engines_missing<'a>(&self, engines: &[&'a str]) -> Vec<&'a str> {
        engines.iter().copied().filter(|name| !self.counts.iter().any(|c| c.engine == *name)).collect()
    }
}

/// What a row of the comparison says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// More instructions than the baseline, past the threshold.
    Regression,
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
/// than `threshold` (a fraction, 0.02 for 2 %) above the baseline's.
pub fn compare(baseline: Option<&CiResults>, now: &CiResults, threshold: f64) -> Vec<Row> {
    now.counts
        .iter()
        .map(|count| {
            let base = baseline
                .and_then(|b| b.find(&count.engine, &count.program))
                .filter(|b| b.size == count.size && b.passed);
            let change = base.filter(|b| b.total > 0).map(|b| (count.total as f64 - b.total as f64) / b.total as f64);
            let verdict = if !count.passed {
                Verdict::Failed
            } else {
                match change {
                    None => Verdict::New,
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
                verdict,
                wall,
            }
        })
        .collect()
}

/// Whether the comparison fails the build.
pub fn fails(rows: &[Row]) -> bool {
    rows.iter().any(|row| matches!(row.verdict, Verdict::Regression | Verdict::Failed))
}
