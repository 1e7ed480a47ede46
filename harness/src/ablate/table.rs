//! From the ablation's records to its tables: per engine and program, the
//! instructions of each variant, and what each tuning saves, as ratios of
//! counts. Nothing here measures; `harness report` renders from this.

use super::records::{EngineTunings, ProgramSize, Record, VariantSpec};
use crate::results::Provenance;
use crate::stats;
use anyhow::{Result, bail};
use serde::Serialize;
use std::collections::BTreeMap;

/// What became of one variant on one program.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Counted(u64),
    /// Wrong output, a time-out or a failed count: not counted.
    Failed(String),
}

/// Everything the ablation's tables need, from the records alone.
#[derive(Clone, Debug)]
pub struct Ablation {
    pub provenance: Provenance,
    pub valgrind: String,
    pub timeout_s: u64,
    pub engines: Vec<EngineTunings>,
    pub programs: Vec<ProgramSize>,
    pub variants: Vec<VariantSpec>,
    /// (variant, program) → outcome; a pair with no entry was not reached
    /// (an interrupted run).
    pub outcomes: BTreeMap<(String, String), Outcome>,
}

impl Ablation {
    pub fn from_records(records: &[Record]) -> Result<Ablation> {
        let Some(Record::Run { provenance, valgrind, timeout_s, engines, programs, variants }) = records.first() else {
            bail!("the ablation records do not start with a run record; were they written by `harness ablate`?");
        };
        let mut ablation = Ablation {
            provenance: provenance.clone(),
            valgrind: valgrind.clone(),
            timeout_s: *timeout_s,
            engines: engines.clone(),
            programs: programs.clone(),
            variants: variants.clone(),
            outcomes: BTreeMap::new(),
        };
        for record in &records[1..] {
            match record {
                Record::Run { .. } => bail!("the ablation records hold more than one run"),
                Record::Verification { variant, program, passed: false, detail, .. }
                | Record::Count { variant, program, passed: false, detail, .. } => {
                    let detail = detail.clone().unwrap_or_else(|| "failed".to_string());
                    ablation.outcomes.insert((variant.clone(), program.clone()), Outcome::Failed(detail));
                }
                Record::Verification { .. } => {}
                Record::Count { variant, program, instructions, .. } => {
                    ablation.outcomes.insert((variant.clone(), program.clone()), Outcome::Counted(*instructions));
                }
            }
        }
        Ok(ablation)
    }

    /// The variant of `engine` with exactly `disabled` off, whatever it was
    /// named.
    pub fn variant_with(&self, engine: &str, disabled: &[&str]) -> Option<&VariantSpec> {
        self.variants.iter().find(|v| {
            v.engine == engine
                && v.disabled.len() == disabled.len()
                && disabled.iter().all(|d| v.disabled.contains(&d.to_string()))
        })
    }

    fn tuning_names<'a>(&self, engine: &'a EngineTunings) -> Vec<&'a str> {
        engine.tunings.iter().map(|t| t.name.as_str()).collect()
    }

    /// Every tuning on.
    pub fn tuned(&self, engine: &EngineTunings) -> Option<&VariantSpec> {
        self.variant_with(&engine.engine, &[])
    }

    /// Every tuning off.
    pub fn plain(&self, engine: &EngineTunings) -> Option<&VariantSpec> {
        self.variant_with(&engine.engine, &self.tuning_names(engine))
    }

    /// Every tuning on but `tuning`.
    pub fn without(&self, engine: &EngineTunings, tuning: &str) -> Option<&VariantSpec> {
        self.variant_with(&engine.engine, &[tuning])
    }

    /// Every tuning off but `tuning`.
    pub fn alone(&self, engine: &EngineTunings, tuning: &str) -> Option<&VariantSpec> {
        let others: Vec<&str> = self.tuning_names(engine).into_iter().filter(|t| *t != tuning).collect();
        self.variant_with(&engine.engine, &others)
    }

    /// The instructions `variant` executed on `program`, when it was counted
    /// and right.
    pub fn instructions(&self, variant: &VariantSpec, program: &str) -> Option<u64> {
        match self.outcomes.get(&(variant.name.clone(), program.to_string()))? {
            Outcome::Counted(count) => Some(*count),
            Outcome::Failed(_) => None,
        }
    }

    /// `more`'s count over `less`'s on `program`.
    pub fn ratio(&self, more: Option<&VariantSpec>, less: Option<&VariantSpec>, program: &str) -> Option<f64> {
        let more = self.instructions(more?, program)? as f64;
        let less = self.instructions(less?, program)? as f64;
        (less > 0.0).then(|| more / less)
    }

    /// The geometric mean of [`Ablation::ratio`] over the programs where
    /// both were counted, and how many programs that is.
    pub fn mean_ratio(&self, more: Option<&VariantSpec>, less: Option<&VariantSpec>) -> Option<(f64, usize)> {
        let ratios: Vec<f64> = self.programs.iter().filter_map(|p| self.ratio(more, less, &p.name)).collect();
        Some((stats::geometric_mean(&ratios)?, ratios.len()))
    }

    /// Every pair that failed, with why: (variant, program, detail).
    pub fn failures(&self) -> Vec<(&str, &str, &str)> {
        self.outcomes
            .iter()
            .filter_map(|((variant, program), outcome)| match outcome {
                Outcome::Failed(detail) => Some((variant.as_str(), program.as_str(), detail.as_str())),
                Outcome::Counted(_) => None,
            })
            .collect()
    }

    /// How many pairs were counted, and how many the run set out to count.
    pub fn progress(&self) -> (usize, usize) {
        (self.outcomes.len(), self.variants.len() * self.programs.len())
    }

    /// The summary written to `ablation.json`: per engine and program the
    /// count of every variant and the ratios the report shows.
    pub fn summary(&self, generated: &str) -> Summary {
        let engines = self
            .engines
            .iter()
            .map(|engine| {
                let (tuned, plain) = (self.tuned(engine), self.plain(engine));
                let row = |more: Option<&VariantSpec>, less: Option<&VariantSpec>| RatioRow {
                    per_program: self
                        .programs
                        .iter()
                        .filter_map(|p| Some((p.name.clone(), self.ratio(more, less, &p.name)?)))
                        .collect(),
                    geometric_mean: self.mean_ratio(more, less).map(|(g, _)| g),
                };
                EngineSummary {
                    engine: engine.engine.clone(),
                    strategy: engine.strategy.clone(),
                    plain_over_tuned: row(plain, tuned),
                    tunings: engine
                        .tunings
                        .iter()
                        .map(|tuning| TuningSummary {
                            name: tuning.name.clone(),
                            summary: tuning.summary.clone(),
                            class: tuning.class.clone(),
                            off_over_tuned: row(self.without(engine, &tuning.name), tuned),
                            plain_over_alone: row(plain, self.alone(engine, &tuning.name)),
                        })
                        .collect(),
                    instructions: self
                        .variants
                        .iter()
                        .filter(|v| v.engine == engine.engine)
                        .map(|v| {
                            let counts = self
                                .programs
                                .iter()
                                .filter_map(|p| Some((p.name.clone(), self.instructions(v, &p.name)?)))
                                .collect();
                            (v.name.clone(), counts)
                        })
                        .collect(),
                }
            })
            .collect();
        Summary {
            generated: generated.to_string(),
            provenance: self.provenance.clone(),
            valgrind: self.valgrind.clone(),
            programs: self.programs.clone(),
            engines,
        }
    }
}

/// `ablation.json`.
#[derive(Serialize)]
pub struct Summary {
    pub generated: String,
    pub provenance: Provenance,
    pub valgrind: String,
    pub programs: Vec<ProgramSize>,
    pub engines: Vec<EngineSummary>,
}

#[derive(Serialize)]
pub struct EngineSummary {
    pub engine: String,
    pub strategy: String,
    /// Instructions with every tuning off over instructions with every one
    /// on.
    pub plain_over_tuned: RatioRow,
    pub tunings: Vec<TuningSummary>,
    /// variant → program → instructions of the whole run.
    pub instructions: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Serialize)]
pub struct TuningSummary {
    pub name: String,
    pub summary: String,
    pub class: String,
    /// Instructions with this tuning off (the rest on) over the tuned
    /// count: 1.05 means the tuning saves 5 %.
    pub off_over_tuned: RatioRow,
    /// Instructions of plain over plain with this tuning alone on.
    pub plain_over_alone: RatioRow,
}

#[derive(Serialize)]
pub struct RatioRow {
    pub per_program: BTreeMap<String, f64>,
    pub geometric_mean: Option<f64>,
}
