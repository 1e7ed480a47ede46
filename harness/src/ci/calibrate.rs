//! `harness ci --calibrate`: how far each pair's count moves when only the
//! setting changes, measured rather than assumed.
//!
//! A count repeats exactly for the same binary, input, arguments,
//! environment and working directory. What differs between one checkout and
//! another, or one CI runner and the next, is where the counted binary lies
//! (the clone path: the counted process's first argument and the kernel's
//! record of its executable, both on the initial stack) and what the process
//! starts with; both shift where the stack begins, and with it the alignment
//! of everything on it, which moves some counts by a few hundred
//! instructions. So the first run counts as the gate always does, and each
//! further run counts every pair with the counted `lox` copied to a directory with
//! a path of another length, working in another directory, and with an
//! environment of another size (the gate clears the counted environment, but
//! a larger one moves the stack just as a longer path does, so it stands for
//! any start the stack can have). A pair's *spread* is then (largest −
//! smallest) ÷ smallest over the runs, and its threshold in the gate the
//! larger of a floor and a multiple of that spread.

use super::compare::Count;
use super::counter::Counter;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// One run's setting, after the first.
#[derive(Clone, Debug)]
pub struct Variation {
    /// What is different, for the baseline's record.
    pub description: String,
    /// The counter with that setting.
    pub counter: Counter,
}

/// The settings of runs 2 to `runs` of a calibration: for each, the counted
/// binary copied into `dir` at a path of another length and the programs of
/// `counter`'s working directory copied beside it, and an environment of
/// another size.
pub fn variations(counter: &Counter, dir: &Path, runs: usize) -> Result<Vec<Variation>> {
    if runs < 2 {
        bail!("--calibrate-runs must be at least 2, to have a spread to measure");
    }
    let mut variations = Vec::with_capacity(runs - 1);
    for run in 1..runs {
        // Path lengths that differ by other than a multiple of 16, so that
        // the stack starts at another alignment each time.
        let padding = "p".repeat(5 + 11 * run);
        let clone = dir.join(format!("clone-{run}-{padding}"));
        let work_dir = clone.join("programs");
        std::fs::create_dir_all(&work_dir).with_context(|| format!("could not create {}", work_dir.display()))?;
        let original = Path::new(&counter.exe);
        let exe = clone.join(original.file_name().context("the counted binary's path names no file")?);
        std::fs::copy(original, &exe)
            .with_context(|| format!("could not copy the counted binary to {}", exe.display()))?;
        for entry in std::fs::read_dir(&counter.work_dir)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                std::fs::copy(entry.path(), work_dir.join(entry.file_name()))?;
            }
        }
        let env_bytes = 700 * run;
        let mut varied = counter.clone();
        varied.exe = exe.display().to_string();
        varied.work_dir = work_dir;
        varied.raw_dir = clone.join("cachegrind");
        varied.keep_raw = false;
        varied.env = vec![("LOXBENCH_CALIBRATION_PADDING".to_string(), "x".repeat(env_bytes))];
        std::fs::create_dir_all(&varied.raw_dir)?;
        variations.push(Variation {
            description: format!(
                "the counted binary at a path {} characters longer, in another working directory, with {env_bytes} bytes \
                 of environment",
                exe.display().to_string().len().saturating_sub(counter.exe.len())
            ),
            counter: varied,
        });
    }
    Ok(variations)
}

/// The spread of each pair over the runs: `totals[run][pair]` is the whole
/// run's count, `None` where that run's output was wrong (then the pair has
/// no spread).
pub fn spreads(totals: &[Vec<Option<u64>>]) -> Vec<Option<f64>> {
    let pairs = totals.first().map_or(0, Vec::len);
    (0..pairs)
        .map(|pair| {
            let counts: Option<Vec<u64>> = totals.iter().map(|run| run.get(pair).copied().flatten()).collect();
            let counts = counts?;
            let (low, high) = (*counts.iter().min()?, *counts.iter().max()?);
            (low > 0).then(|| (high - low) as f64 / low as f64)
        })
        .collect()
}

/// Per engine, the largest and the median spread of its pairs, in the
/// order the engines first appear: what a calibration prints.
pub fn per_engine(counts: &[Count]) -> Vec<(String, f64, f64, usize)> {
    let mut engines: Vec<(String, Vec<f64>)> = Vec::new();
    for count in counts {
        let Some(spread) = count.spread else { continue };
        match engines.iter_mut().find(|(engine, _)| *engine == count.engine) {
            Some((_, spreads)) => spreads.push(spread),
            None => engines.push((count.engine.clone(), vec![spread])),
        }
    }
    engines
        .into_iter()
        .map(|(engine, spreads)| {
            let largest = spreads.iter().copied().fold(0.0, f64::max);
            (engine, largest, crate::stats::median(&spreads), spreads.len())
        })
        .collect()
}

/// The report's calibration section: how the spreads were measured, and
/// per engine the largest and the median spread.
pub fn section(now: &super::compare::CiResults) -> String {
    use std::fmt::Write;
    let Some(calibration) = &now.calibration else { return String::new() };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Calibration\n\nEvery pair was counted {} times: as the gate counts, then {}. A pair's spread is \
         (largest − smallest) ÷ smallest of its counts.\n",
        calibration.runs,
        calibration.variations.iter().map(|v| format!("with {v}")).collect::<Vec<_>>().join("; then ")
    );
    let _ = writeln!(out, "| engine | pairs | largest spread | median spread |\n|---|---:|---:|---:|");
    for (engine, largest, median, pairs) in per_engine(&now.counts) {
        let _ = writeln!(out, "| `{engine}` | {pairs} | {} | {} |", scientific(largest), scientific(median));
    }
    out.push('\n');
    out
}

/// A small fraction readably: `0`, `3.2e-6`, `0.0012`.
pub fn scientific(fraction: f64) -> String {
    if fraction == 0.0 {
        "0".to_string()
    } else if fraction < 1e-3 {
        format!("{fraction:.1e}")
    } else {
        format!("{fraction:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spread_is_the_range_over_the_smallest_count_and_a_wrong_run_has_none() {
        let totals = vec![
            vec![Some(1000), Some(500), Some(7)],
            vec![Some(1010), None, Some(7)],
            vec![Some(1005), Some(500), Some(7)],
        ];
        assert_eq!(spreads(&totals), vec![Some(0.01), None, Some(0.0)]);
        assert!(spreads(&[]).is_empty());
    }
}
