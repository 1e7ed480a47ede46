//! The gate: a run's counts against the baseline (and the reference), the
//! differential flamegraphs of the regressions, the report, and the verdict.
//! `harness ci` and `harness ci merge` both end here, so a merged run is
//! judged and reported exactly as one unsharded run of the same pairs.

use super::baseline::Source;
use super::compare::{self, CiResults, Thresholds, Verdict};
use super::{profile_name, report};
use crate::provenance;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// What the run is judged against, and how.
#[derive(Clone, Debug)]
pub struct Gate {
    pub baseline: Source,
    pub reference: Option<Source>,
    pub thresholds: Thresholds,
    /// `--max-cumulative`, as a fraction.
    pub max_cumulative: Option<f64>,
}

impl Gate {
    /// The gate `args` describe.
    pub fn new(args: &crate::cli::GateArgs, root: &Path) -> Result<Gate> {
        Ok(Gate {
            baseline: Source::gate(args, root)?,
            reference: Source::reference(args, root)?,
            thresholds: Thresholds {
                fixed: args.threshold / 100.0,
                floor: args.floor / 100.0,
                factor: args.spread_factor,
            },
            max_cumulative: args.max_cumulative.map(|percent| percent / 100.0),
        })
    }
}

/// Judges `now` (whose per-function profiles are in `out/profiles`), writes
/// `out/README.md` (and the job summary on GitHub Actions) with `extra`
/// appended, and returns whether the run passed.
pub fn judge(now: &CiResults, gate: &Gate, root: &Path, out: &Path, extra: &str) -> Result<bool> {
    let baseline = gate.baseline.load(root)?;
    let mut notes = Vec::new();
    match &baseline {
        None => notes.push(format!(
            "There is no baseline in {} yet: make one with `harness ci --update-baseline`.",
            gate.baseline.describe()
        )),
        Some(b) => {
            notes.push(format!(
                "Baseline: {} (revision {}, {}{}).",
                gate.baseline.describe(),
                b.provenance.revision,
                b.provenance.date,
                if b.calibration.is_some() { ", calibrated" } else { "" }
            ));
            let mismatch = compare::toolchain_mismatch(b, now);
            if !mismatch.is_empty() {
                let what: Vec<String> =
                    mismatch.iter().map(|(what, before, after)| format!("{what} `{before}` → `{after}`")).collect();
                let note = format!(
                    "**Warning: not comparable.** The baseline was counted with another toolchain ({}), which moves \
                     every count whatever the code does, so no pair is judged against it: this is not a regression. \
                     Count a baseline with this toolchain (`harness ci --update-baseline`, in a commit of its own), \
                     or run the check where the baseline's toolchain is.",
                    what.join("; ")
                );
                eprintln!("warning: {}", note.replace("**", ""));
                notes.push(note);
            }
            let engines: Vec<&str> = engine_names(now);
            let missing = b.engines_missing(&engines);
            if !missing.is_empty() {
                let note = format!(
                    "**Warning:** the baseline has no counts for {}, so this check compares {} with nothing: every \
                     pair of {} is *new*. Add {} with `harness ci --update-baseline --engines {}` and commit the \
                     baseline.",
                    missing.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", "),
                    if missing.len() == 1 { "it" } else { "them" },
                    if missing.len() == 1 { "it" } else { "them" },
                    if missing.len() == 1 { "it" } else { "them" },
                    missing.join(",")
                );
                eprintln!("warning: {}", note.trim_start_matches("**Warning:** "));
                notes.push(note);
            }
        }
    }
    let mut rows = compare::compare(baseline.as_ref(), now, &gate.thresholds);
    if let Some(source) = &gate.reference {
        match source.load(root)? {
            Some(reference) if baseline.as_ref().is_some_and(|b| b.counts == reference.counts) => notes.push(format!(
                "The reference ({}) has the same counts as the baseline, so the change since it is the change.",
                source.describe()
            )),
            Some(reference) if !compare::toolchain_mismatch(&reference, now).is_empty() => notes.push(format!(
                "The reference ({}) was counted with another toolchain, so no change since it is shown.",
                source.describe()
            )),
            Some(reference) => {
                compare::add_reference(&mut rows, &reference, now, gate.max_cumulative);
                notes.push(format!("*Since reference*: against {}.", source.describe()));
            }
            None => notes.push(format!("The reference ({}) holds no baseline.", source.describe())),
        }
    }

    let diffs = draw_diffs(&rows, gate, root, out)?;
    let notice = format!(
        "Generated by `{}` at revision {} on {}, counting {}, with {} (profile `{}`), {} and {}, {}. Do not edit: \
         run `harness ci` again.",
        now.provenance.command,
        now.provenance.revision,
        provenance::machine_line(&now.provenance),
        now.counted.describe(),
        now.provenance.rustc,
        now.provenance.profile,
        now.valgrind,
        if now.libc.is_empty() { "an unknown C library" } else { &now.libc },
        now.provenance.date
    );
    let mut text = report::render(&rows, &diffs, &gate.thresholds, &notice, &notes.join(" "));
    text.push_str(extra);
    let readme = out.join("README.md");
    std::fs::write(&readme, &text)?;
    if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(summary)?;
        file.write_all(text.as_bytes())?;
    }
    for row in rows.iter().filter(|r| r.verdict != Verdict::Unchanged) {
        eprintln!(
            "{:?}: {} on {} ({})",
            row.verdict,
            row.engine,
            row.program,
            row.change.map_or("no baseline".to_string(), |c| format!("{:+.2} %", c * 100.0))
        );
    }
    eprintln!("Report written to {}", readme.display());
    Ok(!compare::fails(&rows))
}

/// The engines of a run, in order, each once.
fn engine_names(results: &CiResults) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for count in &results.counts {
        if !names.contains(&count.engine.as_str()) {
            names.push(&count.engine);
        }
    }
    names
}

/// A differential flamegraph for each regression whose baseline profile
/// exists, as links relative to `out`.
fn draw_diffs(rows: &[compare::Row], gate: &Gate, root: &Path, out: &Path) -> Result<Vec<Option<String>>> {
    let diff_dir = out.join("diffs");
    let scratch: PathBuf = out.join("baseline-profiles");
    let mut diffs = Vec::with_capacity(rows.len());
    for row in rows {
        let name = profile_name(&row.engine, &row.program);
        let before = if matches!(row.verdict, Verdict::Regression | Verdict::Creep) {
            gate.baseline.profile(root, &name, &scratch)?
        } else {
            None
        };
        let Some(before) = before else {
            diffs.push(None);
            continue;
        };
        std::fs::create_dir_all(&diff_dir)?;
        let svg = format!("{}-{}.svg", crate::variant::file_safe(&row.engine), row.program);
        crate::profile::flamegraph::render_diff(
            &before,
            &out.join(compare::PROFILE_DIR).join(&name),
            &format!("Instructions per function: {} on {}, baseline → now", row.engine, row.program),
            &diff_dir.join(&svg),
            false,
        )?;
        diffs.push(Some(format!("diffs/{svg}")));
    }
    Ok(diffs)
}
