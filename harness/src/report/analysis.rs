//! From raw records to what the report shows: per contender and program the
//! summary of overhead-corrected wall times, CPU times and peak RSS; the
//! verification verdicts; relative speeds; the ladder of speed-ups; and the
//! warnings that tell the reader what to do about doubtful figures.

use super::format::plural;
use crate::contender::{Contender, Kind};
use crate::programs::{Group, Program};
use crate::results::{Provenance, Record, Suite};
use crate::runs::Adaptive;
use crate::stats::{self, Summary};
use anyhow::{Result, bail};
use std::collections::BTreeMap;

/// The engine every speed-up is measured against.
pub const LADDER_BASE: &str = "hashmap-walker";

/// The peer the table compares with, when it took part.
pub const PYTHON: &str = "python3";

/// A median below this (after the spawn overhead is subtracted) is mostly
/// process start-up, as hyperfine warns for commands under 5 ms.
pub const SHORT_RUN_S: f64 = 0.005;

/// One contender on one program at one size.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    /// `Some(detail)` once any verification of this cell failed.
    pub failure: Option<String>,
    pub verified: bool,
    /// Wall times with the spawn overhead subtracted (never below 0), in
    /// the order they were taken.
    pub wall_s: Vec<f64>,
    pub user_s: Vec<f64>,
    pub system_s: Vec<f64>,
    pub max_rss_bytes: Vec<u64>,
}

impl Cell {
    /// The wall-time summary of a cell that passed and has samples.
    pub fn summary(&self) -> Option<Summary> {
        if self.failure.is_some() { None } else { stats::summarize(&self.wall_s) }
    }

    pub fn mean_user_s(&self) -> f64 {
        mean(&self.user_s)
    }

    pub fn mean_system_s(&self) -> f64 {
        mean(&self.system_s)
    }

    pub fn peak_rss_bytes(&self) -> u64 {
        self.max_rss_bytes.iter().copied().max().unwrap_or(0)
    }

    pub fn outliers(&self) -> Vec<usize> {
        stats::outliers(&self.wall_s)
    }

    /// Whether the cell passed but its median is at or under the cost of
    /// starting a process: what remains after subtracting that cost is
    /// noise, so the cell has no time to rank or compare.
    pub fn below_resolution(&self) -> bool {
        self.summary().is_some_and(|s| s.median <= 0.0)
    }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}

/// Identifies a cell.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub suite: Suite,
    pub program: String,
    pub size: u64,
    pub contender: String,
}

/// Everything the report needs, computed from the records alone.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub provenance: Provenance,
    pub quick: bool,
    /// The fixed count of timed runs, or with `adaptive` the fewest.
    pub runs: usize,
    pub adaptive: Option<Adaptive>,
    pub warmup: usize,
    pub contenders: Vec<Contender>,
    pub programs: Vec<Program>,
    pub scaling_program: Option<String>,
    /// The median cost of starting a process that does nothing, from the
    /// calibration before the first case.
    pub overhead_s: f64,
    /// The same cost measured again in each case's rounds (median per case),
    /// when the results have it; that case's samples subtract it instead.
    pub case_overhead_s: BTreeMap<(Suite, String, u64), f64>,
    pub calibration_runs: usize,
    /// The peak RSS of that do-nothing process: a floor under every RSS
    /// figure (see METHODOLOGY.md).
    pub rss_floor_bytes: u64,
    pub cells: BTreeMap<Key, Cell>,
}

impl Analysis {
    /// Builds the analysis from the records of one results file.
    pub fn from_records(records: &[Record]) -> Result<Analysis> {
        let Some(Record::Run { provenance, quick, runs, adaptive, warmup, contenders, programs, scaling_program }) =
            records.first()
        else {
            bail!("the results do not start with a run record; were they written by this harness?");
        };
        let mut analysis = Analysis {
            provenance: provenance.clone(),
            quick: *quick,
            runs: *runs,
            adaptive: *adaptive,
            warmup: *warmup,
            contenders: contenders.clone(),
            programs: programs.clone(),
            scaling_program: scaling_program.clone(),
            overhead_s: 0.0,
            case_overhead_s: BTreeMap::new(),
            calibration_runs: 0,
            rss_floor_bytes: 0,
            cells: BTreeMap::new(),
        };
        // The spawn cost of each case's rounds is recorded beside its samples,
        // so it is gathered first.
        let mut spawn_costs: BTreeMap<(Suite, String, u64), Vec<f64>> = BTreeMap::new();
        for record in &records[1..] {
            if let Record::SpawnCost { program, size, suite, wall_s, .. } = record {
                spawn_costs.entry((*suite, program.clone(), *size)).or_default().push(*wall_s);
            }
        }
        analysis.case_overhead_s = spawn_costs.into_iter().map(|(key, walls)| (key, stats::median(&walls))).collect();
        for record in &records[1..] {
            match record {
                Record::Run { .. } => bail!("the results hold more than one run; measure into a fresh directory"),
                Record::SpawnCost { .. } => {}
                Record::Calibration { wall_s, overhead_s, max_rss_bytes, .. } => {
                    analysis.overhead_s = *overhead_s;
                    analysis.calibration_runs = wall_s.len();
                    analysis.rss_floor_bytes = *max_rss_bytes;
                }
                Record::Verification { contender, program, size, suite, passed, detail, .. } => {
                    let cell = analysis.cell_mut(*suite, program, *size, contender);
                    if *passed {
                        cell.verified = true;
                    } else if cell.failure.is_none() {
                        cell.failure = Some(detail.clone().unwrap_or_else(|| "failed".to_string()));
                    }
                }
                Record::Sample { contender, program, size, suite, wall_s, user_s, system_s, max_rss_bytes, .. } => {
                    let overhead = analysis.overhead_for(*suite, program, *size);
                    let cell = analysis.cell_mut(*suite, program, *size, contender);
                    cell.wall_s.push((wall_s - overhead).max(0.0));
                    cell.user_s.push(*user_s);
                    cell.system_s.push(*system_s);
                    cell.max_rss_bytes.push(*max_rss_bytes);
                }
            }
        }
        Ok(analysis)
    }

    /// The fewest and the most timed runs of any timed cell of the main
    /// suite.
    pub fn run_counts(&self) -> Option<(usize, usize)> {
        let counts = self
            .cells
            .iter()
            .filter(|(key, cell)| key.suite == Suite::Main && cell.summary().is_some())
            .map(|(_, cell)| cell.wall_s.len());
        Some((counts.clone().min()?, counts.max()?))
    }

    /// The spawn cost subtracted from the samples of one case.
    pub fn overhead_for(&self, suite: Suite, program: &str, size: u64) -> f64 {
        self.case_overhead_s.get(&(suite, program.to_string(), size)).copied().unwrap_or(self.overhead_s)
    }

    /// The lowest and highest spawn cost over the cases, when it was
    /// measured in their rounds.
    pub fn overhead_range(&self) -> Option<(f64, f64)> {
        let values = self.case_overhead_s.values().copied();
        let low = values.clone().fold(f64::INFINITY, f64::min);
        let high = values.fold(f64::NEG_INFINITY, f64::max);
        (low <= high).then_some((low, high))
    }

    fn cell_mut(&mut self, suite: Suite, program: &str, size: u64, contender: &str) -> &mut Cell {
        let key = Key { suite, program: program.to_string(), size, contender: contender.to_string() };
        self.cells.entry(key).or_default()
    }

    pub fn cell(&self, suite: Suite, program: &str, size: u64, contender: &str) -> Option<&Cell> {
        let key = Key { suite, program: program.to_string(), size, contender: contender.to_string() };
        self.cells.get(&key)
    }

    /// The size the main suite ran `program` at, if it ran.
    pub fn main_size(&self, program: &str) -> Option<u64> {
        self.cells.keys().find(|key| key.suite == Suite::Main && key.program == program).map(|key| key.size)
    }

    /// The programs of the main suite in manifest order, with their sizes.
    pub fn main_programs(&self) -> Vec<(&Program, u64)> {
        self.programs.iter().filter_map(|program| Some((program, self.main_size(&program.name)?))).collect()
    }

    /// The wall-time summary of a passing cell of the main suite whose
    /// median is above the spawn cost: the only times that are ranked,
    /// compared or averaged.
    pub fn median(&self, program: &str, contender: &str) -> Option<Summary> {
        let size = self.main_size(program)?;
        self.cell(Suite::Main, program, size, contender)?.summary().filter(|s| s.median > 0.0)
    }

    /// The fastest passing contender on `program` and its summary.
    pub fn fastest(&self, program: &str) -> Option<(&Contender, Summary)> {
        self.contenders
            .iter()
            .filter_map(|contender| Some((contender, self.median(program, &contender.name)?)))
            .min_by(|a, b| a.1.median.total_cmp(&b.1.median))
    }

    /// How many times slower `contender` is than `reference` on `program`
    /// (by medians), with the propagated spread.
    pub fn relative(&self, program: &str, contender: &str, reference: &str) -> Option<(f64, f64)> {
        let a = self.median(program, contender)?;
        let b = self.median(program, reference)?;
        if b.median <= 0.0 || a.median <= 0.0 {
            return None;
        }
        Some(stats::ratio_with_error(a.median, a.stddev, b.median, b.stddev))
    }

    /// The contender speed-ups are measured against: the naive rung's
    /// strategy alone (`hashmap-walker:plain`, every tuning off), else
    /// `hashmap-walker` as tuned, else the first engine that took part.
    pub fn ladder_base(&self) -> Option<&str> {
        let engines = || self.contenders.iter().filter(|c| c.kind == Kind::Engine);
        let naive = || engines().filter(|c| c.engine_name() == Some(LADDER_BASE));
        naive()
            .find(|c| c.variant.as_ref().is_some_and(|v| v.is_plain()))
            .or_else(|| naive().find(|c| c.is_tuned_engine()))
            .or_else(|| engines().next())
            .map(|c| c.name.as_str())
    }

    /// `base time / contender time` on `program`, with its spread.
    pub fn speed_up(&self, program: &str, contender: &str) -> Option<(f64, f64)> {
        let base = self.ladder_base()?;
        self.relative(program, base, contender)
    }

    /// The contenders with a time on at least one program of the main suite.
    pub fn timed_contenders(&self) -> Vec<&Contender> {
        self.contenders
            .iter()
            .filter(|c| self.main_programs().iter().any(|(p, _)| self.median(&p.name, &c.name).is_some()))
            .collect()
    }

    /// The engine contenders (engines and their variants) among
    /// [`Analysis::timed_contenders`]: those the means must compare alike.
    pub fn timed_engines(&self) -> Vec<&Contender> {
        self.timed_contenders().into_iter().filter(|c| c.kind == Kind::Engine).collect()
    }

    /// The programs every timed engine contender has a time on: the one set
    /// every geometric mean covers, so that no engine's mean leaves out a
    /// program another's includes (as rebar compares). Peers do not narrow
    /// it: the native candle's fastest runs can be shorter than starting a
    /// process, and a peer's mean covers those of these programs it has a
    /// time on (the tables say how many).
    pub fn common_programs(&self) -> Vec<&Program> {
        self.common_programs_in(None)
    }

    /// [`Analysis::common_programs`] of one group (`None`: of them all).
    pub fn common_programs_in(&self, group: Option<Group>) -> Vec<&Program> {
        let contenders = self.timed_engines();
        self.main_programs()
            .into_iter()
            .map(|(program, _)| program)
            .filter(|program| group.is_none_or(|group| program.group == group))
            .filter(|program| contenders.iter().all(|c| self.median(&program.name, &c.name).is_some()))
            .collect()
    }

    /// The groups that have programs in the main suite, in the report's order.
    pub fn groups(&self) -> Vec<Group> {
        Group::ALL.into_iter().filter(|group| self.main_programs().iter().any(|(p, _)| p.group == *group)).collect()
    }

    /// The geometric mean of `per_program` (a ratio and its spread) over
    /// `programs`, with its propagated spread and how many programs had one.
    pub fn mean_over(
        &self,
        programs: &[&Program],
        per_program: impl Fn(&str) -> Option<(f64, f64)>,
    ) -> Option<(f64, f64, usize)> {
        let ratios: Vec<(f64, f64)> = programs.iter().filter_map(|program| per_program(&program.name)).collect();
        let (mean, spread) = stats::geometric_mean_with_error(&ratios)?;
        Some((mean, spread, ratios.len()))
    }

    /// The programs left out of the geometric means, each with the timed
    /// engine contenders that have no time there.
    pub fn left_out_of_means(&self) -> Vec<(&Program, Vec<&str>)> {
        let contenders = self.timed_engines();
        self.main_programs()
            .into_iter()
            .filter_map(|(program, _)| {
                let missing: Vec<&str> = contenders
                    .iter()
                    .filter(|c| self.median(&program.name, &c.name).is_none())
                    .map(|c| c.name.as_str())
                    .collect();
                (!missing.is_empty()).then_some((program, missing))
            })
            .collect()
    }

    /// The geometric mean of a contender's speed-ups over
    /// [`Analysis::common_programs`], with how many programs that is.
    pub fn geometric_mean_speed_up(&self, contender: &str) -> Option<(f64, usize)> {
        let speed_ups: Vec<f64> = self
            .common_programs()
            .iter()
            .filter_map(|program| self.speed_up(&program.name, contender).map(|(s, _)| s))
            .collect();
        Some((stats::geometric_mean(&speed_ups)?, speed_ups.len()))
    }

    /// For the scaling chart: per contender, (size, median seconds) points.
    pub fn scaling_series(&self) -> Vec<(&Contender, Vec<(u64, f64)>)> {
        let Some(program) = &self.scaling_program else { return Vec::new() };
        self.contenders
            .iter()
            .map(|contender| {
                let points = self
                    .cells
                    .iter()
                    .filter(|(key, _)| {
                        key.suite == Suite::Scaling && &key.program == program && key.contender == contender.name
                    })
                    .filter_map(|(key, cell)| Some((key.size, cell.summary()?.median)))
                    .filter(|(_, median)| *median > 0.0)
                    .collect::<Vec<_>>();
                (contender, points)
            })
            .filter(|(_, points)| !points.is_empty())
            .collect()
    }

    /// Every failed verification: (suite, program, size, contender, detail).
    pub fn failures(&self) -> Vec<(&Key, &str)> {
        self.cells.iter().filter_map(|(key, cell)| Some((key, cell.failure.as_deref()?))).collect()
    }

    /// How many verifications passed.
    pub fn passed_count(&self) -> usize {
        self.cells.values().filter(|cell| cell.verified && cell.failure.is_none()).count()
    }

    /// Warnings about the figures, each saying what to do.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.provenance.profile == "debug" || self.provenance.profile == "unknown" {
            warnings.push(format!(
                "These figures come from a `{}` build and say nothing about the engines' speed. Measure with \
                 `cargo run --release -p harness`.",
                self.provenance.profile
            ));
        }
        let mut short = Vec::new();
        let mut unresolved = Vec::new();
        for (key, cell) in &self.cells {
            let Some(summary) = cell.summary() else { continue };
            if key.suite == Suite::Main && cell.below_resolution() {
                unresolved.push(format!("{} on {} (n = {})", key.contender, key.program, key.size));
                continue;
            }
            let outliers = cell.outliers();
            if key.suite == Suite::Main && !outliers.is_empty() {
                warnings.push(format!(
                    "{} on {} (n = {}): {} of {} runs are statistical outliers (more than ten robust standard \
                     deviations from the median). Another program was probably competing for the CPU: close it, \
                     or raise `--warmup` and `--runs`, and measure again.",
                    key.contender,
                    key.program,
                    key.size,
                    outliers.len(),
                    cell.wall_s.len()
                ));
                if outliers.contains(&0) && self.warmup == 0 {
                    warnings.push(format!(
                        "{} on {} (n = {}): the first timed run was much slower than the rest, probably because \
                         caches were cold. Use `--warmup 1` or more.",
                        key.contender, key.program, key.size
                    ));
                }
            }
            if key.suite == Suite::Main && summary.median < SHORT_RUN_S {
                short.push(format!("{} on {}", key.contender, key.program));
            }
        }
        if !unresolved.is_empty() {
            warnings.push(format!(
                "{} below resolution: the median run took no longer than starting a process that does nothing \
                 (measured beside it), so no time is left to report, and these are left out of every ranking \
                 and mean: {}. Raise the program's size (N), or measure at a larger size (drop `--quick`, or add `--full`).",
                plural(unresolved.len(), "timing is", "timings are"),
                unresolved.join(", ")
            ));
        }
        if !short.is_empty() {
            warnings.push(format!(
                "{} under {} ms, so process start-up ({:.2} ms, subtracted) weighs heavily in them: {}. For \
                 figures about the engines themselves, measure at a larger size (drop `--quick`, or add `--full`) or use \
                 `harness bench`, which times in-process.",
                plural(short.len(), "timing is", "timings are"),
                SHORT_RUN_S * 1e3,
                self.overhead_s * 1e3,
                short.join(", ")
            ));
        }
        warnings
    }
}
