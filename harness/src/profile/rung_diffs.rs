//! Differential flamegraphs at the level of Lox, one per adjacent pair of
//! rungs (`frontend::Rung::below`) on each program both profiled: where, in
//! the program's own functions, the upper rung spends a larger or smaller
//! share of its time than the rung below. Drawn from the saved Lox folded
//! stacks, so `harness report` (and `harness profile`) can draw them again.

use super::{EngineProfile, FLAMEGRAPH_DIR, file_stem, flamegraph};
use anyhow::Result;
use std::path::Path;

/// One drawn differential flamegraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RungDiff {
    /// The rung below, and the rung above it.
    pub lower: String,
    pub upper: String,
    pub program: String,
    /// The SVG, relative to the output directory.
    pub path: String,
}

/// The file of the differential flamegraph from `lower` to `upper` on
/// `program`, relative to the output directory.
pub fn path_of(lower: &str, upper: &str, program: &str) -> String {
    let stem = file_stem(&format!("{lower}-to-{upper}"), program);
    format!("{FLAMEGRAPH_DIR}/{stem}-lox-diff.svg")
}

/// Every adjacent pair of rungs among `profiles` on the programs both ran
/// correctly with Lox samples, as (lower, upper) profiles, in the order of
/// the upper rung's profiles. Engines are paired by the rung each declares
/// below it; variants (`slot-walker:plain`) are not rungs.
pub fn pairs(profiles: &[EngineProfile]) -> Vec<(&EngineProfile, &EngineProfile)> {
    let usable = |p: &&EngineProfile| p.passed && p.lox.as_ref().is_some_and(|lox| lox.samples > 0);
    profiles
        .iter()
        .filter(usable)
        .filter_map(|upper| {
            let below = lox::find_engine(&upper.engine)?.rung().below?;
            let lower = profiles.iter().filter(usable).find(|p| p.engine == below && p.program == upper.program)?;
            Some((lower, upper))
        })
        .collect()
}

/// Draws the differential flamegraph of every adjacent pair of rungs into
/// `out_dir`'s flamegraphs; returns what it drew.
pub fn render_all(out_dir: &Path, profiles: &[EngineProfile]) -> Result<Vec<RungDiff>> {
    let mut drawn = Vec::new();
    for (lower, upper) in pairs(profiles) {
        let (Some(before), Some(after)) = (&lower.lox, &upper.lox) else { continue };
        let (before, after) = (out_dir.join(&before.folded), out_dir.join(&after.folded));
        if !before.is_file() || !after.is_file() {
            continue;
        }
        let path = path_of(&lower.engine, &upper.engine, &upper.program);
        let title = format!("{} → {} on {}: Lox functions", lower.engine, upper.engine, upper.program);
        let subtitle = format!(
            "red: a larger share of {upper}'s time than of {lower}'s; blue: a smaller one; widths: {upper}'s",
            upper = upper.engine,
            lower = lower.engine,
        );
        flamegraph::render_diff_titled(&before, &after, &title, &subtitle, &out_dir.join(&path), true)?;
        drawn.push(RungDiff {
            lower: lower.engine.clone(),
            upper: upper.engine.clone(),
            program: upper.program.clone(),
            path,
        });
    }
    Ok(drawn)
}
