//! `harness compare OLD NEW`: two saved runs side by side, as critcmp does
//! for criterion and as hyperfine users ask of an exported run.
//!
//! Each side is a directory holding `results.jsonl` (or the results file
//! itself); with one side given, the other is the committed reference run.
//! Per contender × program of the main suite, the comparison gives the ratio
//! of median wall times (new ÷ old: above 1 is slower) with its bootstrap
//! 95 % interval and a significance label; per contender, the geometric mean
//! of those ratios over the programs both sides timed. Contenders, programs
//! or pairs present on one side only (or failed, or below resolution, on
//! one) are listed, never errors. Both sides' provenance is shown, and a
//! difference of machine or toolchain is said first, since it moves every
//! figure whatever the code did.

pub mod chart;
pub mod markdown;

use crate::report::analysis::Analysis;
use crate::results::{self, Provenance, Suite};
use crate::stats;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// How many bootstrap resamplings each interval is drawn from.
pub const RESAMPLES: usize = 2000;

/// The Mann-Whitney p-value under which a difference whose interval
/// excludes 1 is called significant.
pub const ALPHA: f64 = 0.05;

/// The chart inside the output directory.
pub const CHART: &str = "comparison.svg";

/// One saved run.
#[derive(Clone, Debug)]
pub struct Side {
    /// How the report names it: the path as given.
    pub label: String,
    pub analysis: Analysis,
}

impl Side {
    /// Reads a results file, or the `results.jsonl` inside a directory.
    pub fn load(path: &Path) -> Result<Side> {
        let file = if path.is_dir() { path.join(results::RESULTS_FILE) } else { path.to_path_buf() };
        if !file.is_file() {
            let partial = path.join(results::PARTIAL_RESULTS_FILE);
            let hint = if partial.is_file() {
                format!(
                    " (it holds an unfinished run's {}: name that file to compare it)",
                    results::PARTIAL_RESULTS_FILE
                )
            } else {
                String::new()
            };
            bail!("there are no results at {}{hint}", file.display());
        }
        let records = results::read_records(&file)?;
        let analysis = Analysis::from_records(&records)
            .with_context(|| format!("could not read the run in {}", file.display()))?;
        Ok(Side { label: path.display().to_string(), analysis })
    }
}

/// What a ratio's interval and test say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Significance {
    /// The interval lies above 1 (and the test agrees): the new run is slower.
    Slower,
    /// The interval lies below 1 (and the test agrees).
    Faster,
    /// The interval holds 1, or the test does not reject equality.
    NotSignificant,
}

impl Significance {
    /// From an interval of new ÷ old and, for a single pair, its p-value.
    pub fn of(low: f64, high: f64, p: Option<f64>) -> Significance {
        let tested = p.is_none_or(|p| p < ALPHA);
        if low > 1.0 && tested {
            Significance::Slower
        } else if high < 1.0 && tested {
            Significance::Faster
        } else {
            Significance::NotSignificant
        }
    }
}

/// One contender on one program, timed on both sides.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub contender: String,
    pub program: String,
    pub size: u64,
    /// Median overhead-corrected wall times, in seconds.
    pub old_median: f64,
    pub new_median: f64,
    /// New median ÷ old median, and its bootstrap 95 % interval.
    pub ratio: f64,
    pub low: f64,
    pub high: f64,
    /// Mann-Whitney p-value of the two sets of times.
    pub p: f64,
    pub significance: Significance,
}

/// One contender's geometric mean of ratios.
#[derive(Clone, Debug, PartialEq)]
pub struct Mean {
    pub contender: String,
    /// How many programs the mean covers: those both sides timed.
    pub programs: usize,
    pub ratio: f64,
    pub low: f64,
    pub high: f64,
    pub significance: Significance,
}

/// A contender × program both sides ran but that has no ratio, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotCompared {
    pub contender: String,
    pub program: String,
    pub reason: String,
}

/// One line of provenance, on both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenanceLine {
    pub field: &'static str,
    pub old: String,
    pub new: String,
    /// Whether a difference here moves figures whatever the code does (the
    /// machine, the compiler, the build profile), as opposed to what is
    /// being compared (the revision) or merely recorded (the command).
    pub affects_figures: bool,
}

impl ProvenanceLine {
    pub fn differs(&self) -> bool {
        self.old != self.new
    }
}

/// Everything the comparison shows.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub old_label: String,
    pub new_label: String,
    pub provenance: Vec<ProvenanceLine>,
    pub entries: Vec<Entry>,
    pub means: Vec<Mean>,
    pub contenders_only_old: Vec<String>,
    pub contenders_only_new: Vec<String>,
    pub programs_only_old: Vec<String>,
    pub programs_only_new: Vec<String>,
    pub not_compared: Vec<NotCompared>,
}

impl Comparison {
    /// Compares two runs.
    pub fn new(old: &Side, new: &Side) -> Comparison {
        let (a, b) = (&old.analysis, &new.analysis);
        let names = |analysis: &Analysis| analysis.contenders.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        let programs =
            |analysis: &Analysis| analysis.main_programs().iter().map(|(p, _)| p.name.clone()).collect::<Vec<_>>();
        let (old_contenders, new_contenders) = (names(a), names(b));
        let (old_programs, new_programs) = (programs(a), programs(b));
        let only = |these: &[String], those: &[String]| -> Vec<String> {
            these.iter().filter(|name| !those.contains(name)).cloned().collect()
        };
        // The new run's order, then whatever only the old run had.
        let shared_contenders: Vec<&String> = new_contenders.iter().filter(|c| old_contenders.contains(c)).collect();
        let shared_programs: Vec<&String> = new_programs.iter().filter(|p| old_programs.contains(p)).collect();

        let mut entries = Vec::new();
        let mut not_compared = Vec::new();
        for contender in &shared_contenders {
            for program in &shared_programs {
                match entry(a, b, contender, program) {
                    Ok(entry) => entries.push(entry),
                    Err(reason) => not_compared.push(NotCompared {
                        contender: contender.to_string(),
                        program: program.to_string(),
                        reason,
                    }),
                }
            }
        }
        let means = shared_contenders.iter().filter_map(|contender| mean(a, b, contender, &entries)).collect();
        Comparison {
            old_label: old.label.clone(),
            new_label: new.label.clone(),
            provenance: provenance_lines(&a.provenance, &b.provenance, a, b),
            entries,
            means,
            contenders_only_old: only(&old_contenders, &new_contenders),
            contenders_only_new: only(&new_contenders, &old_contenders),
            programs_only_old: only(&old_programs, &new_programs),
            programs_only_new: only(&new_programs, &old_programs),
            not_compared,
        }
    }

    /// The provenance lines that differ and move figures on their own.
    pub fn setting_differences(&self) -> Vec<&ProvenanceLine> {
        self.provenance.iter().filter(|line| line.affects_figures && line.differs()).collect()
    }
}

/// The samples of a contender on a program of the main suite, or why there
/// are none to compare.
fn samples<'a>(analysis: &'a Analysis, contender: &str, program: &str) -> Result<(u64, &'a [f64]), String> {
    let size = analysis.main_size(program).ok_or("not run")?;
    let cell = analysis.cell(Suite::Main, program, size, contender).ok_or("not run")?;
    if let Some(failure) = &cell.failure {
        return Err(format!("failed: {failure}"));
    }
    if cell.wall_s.is_empty() {
        return Err("not timed".to_string());
    }
    if cell.below_resolution() {
        return Err("below resolution (no longer than starting a process)".to_string());
    }
    Ok((size, &cell.wall_s))
}

fn entry(old: &Analysis, new: &Analysis, contender: &str, program: &str) -> Result<Entry, String> {
    let before = samples(old, contender, program).map_err(|reason| format!("old run: {reason}"));
    let after = samples(new, contender, program).map_err(|reason| format!("new run: {reason}"));
    let ((old_size, before), (new_size, after)) = match (before, after) {
        (Ok(before), Ok(after)) => (before, after),
        (Err(one), Err(other)) => return Err(format!("{one}; {other}")),
        (Err(reason), _) | (_, Err(reason)) => return Err(reason),
    };
    if old_size != new_size {
        return Err(format!("different sizes (n = {old_size} in the old run, {new_size} in the new)"));
    }
    let (ratio, low, high) =
        stats::median_ratio_interval(before, after, RESAMPLES).ok_or("no ratio: a median of zero")?;
    let p = stats::mann_whitney_p(before, after).unwrap_or(1.0);
    Ok(Entry {
        contender: contender.to_string(),
        program: program.to_string(),
        size: new_size,
        old_median: stats::median(before),
        new_median: stats::median(after),
        ratio,
        low,
        high,
        p,
        significance: Significance::of(low, high, Some(p)),
    })
}

fn mean(old: &Analysis, new: &Analysis, contender: &str, entries: &[Entry]) -> Option<Mean> {
    let pairs: Vec<(&[f64], &[f64])> = entries
        .iter()
        .filter(|entry| entry.contender == contender)
        .filter_map(|entry| {
            let before = samples(old, contender, &entry.program).ok()?.1;
            let after = samples(new, contender, &entry.program).ok()?.1;
            Some((before, after))
        })
        .collect();
    let (ratio, low, high) = stats::geometric_mean_ratio_interval(&pairs, RESAMPLES)?;
    Some(Mean {
        contender: contender.to_string(),
        programs: pairs.len(),
        ratio,
        low,
        high,
        significance: Significance::of(low, high, None),
    })
}

fn provenance_lines(old: &Provenance, new: &Provenance, a: &Analysis, b: &Analysis) -> Vec<ProvenanceLine> {
    let line = |field, old: &str, new: &str, affects_figures| ProvenanceLine {
        field,
        old: old.to_string(),
        new: new.to_string(),
        affects_figures,
    };
    let runs = |analysis: &Analysis| {
        format!("{} runs, {} warm-up{}", analysis.runs, analysis.warmup, if analysis.quick { ", --quick" } else { "" })
    };
    vec![
        line("revision", &old.revision, &new.revision, false),
        line("CPU", &old.cpu, &new.cpu, true),
        line("cores", &old.cores.to_string(), &new.cores.to_string(), true),
        line("OS", &old.os, &new.os, true),
        line("rustc", &old.rustc, &new.rustc, true),
        line("build profile", &old.profile, &new.profile, true),
        line("runs", &runs(a), &runs(b), false),
        line("date", &old.date, &new.date, false),
        line("command", &old.command, &new.command, false),
    ]
}

/// Runs `harness compare`: writes the comparison's README and chart into
/// `out`, and returns the README's path.
pub fn run(args: &crate::cli::CompareArgs, command_line: &str) -> Result<PathBuf> {
    let root = crate::app::workspace_root();
    let (old_path, new_path) = match &args.new {
        Some(new) => (args.old.clone(), new.clone()),
        None => (root.join("reports").join("reference"), args.old.clone()),
    };
    let mut old = Side::load(&old_path)?;
    if args.new.is_none() {
        old.label = "reports/reference".to_string();
    }
    let new = Side::load(&new_path)?;
    let comparison = Comparison::new(&old, &new);
    let out = args.out.clone().unwrap_or_else(|| root.join("reports").join("compare"));
    crate::outdir::claim(&out, args.force)?;
    let notice = format!(
        "Generated by `{command_line}` from {} (revision {}, {}) and {} (revision {}, {}). Do not edit: run that \
         command again.",
        comparison.old_label,
        old.analysis.provenance.revision,
        old.analysis.provenance.date,
        comparison.new_label,
        new.analysis.provenance.revision,
        new.analysis.provenance.date
    );
    let chart = chart::draw(&comparison, &out.join(CHART), &notice)?;
    let readme = out.join("README.md");
    std::fs::write(&readme, markdown::render(&comparison, &notice, chart.then_some(CHART)))
        .with_context(|| format!("could not write {}", readme.display()))?;
    for line in comparison.setting_differences() {
        eprintln!("warning: the runs differ in {}: {} → {}", line.field, line.old, line.new);
    }
    for mean in &comparison.means {
        eprintln!(
            "{}: new ÷ old {} [{}, {}] over {} ({})",
            mean.contender,
            crate::report::format::digits(mean.ratio),
            crate::report::format::digits(mean.low),
            crate::report::format::digits(mean.high),
            crate::report::format::plural(mean.programs, "program", "programs"),
            markdown::label(mean.significance)
        );
    }
    Ok(readme)
}
