//! LADDER.md: the page that teaches. Rendered beside the report from the
//! same saved records (timings, and the profiles and the ablation when the
//! directory has them), it walks the ladder one rung at a time: the idea of
//! each rung in the engine's own words, what changed from the rung below
//! (with links to the same-named modules to diff), the measured step with
//! its bootstrap interval, what the step costs, where the rung loses, every
//! engine's form of one function, and the questions a newcomer can answer
//! from the page alone. A figure on the page comes from the records; a
//! record kind that is absent makes its lines say so.

mod charts;
mod costs;
mod forms;
mod page;
mod questions;
mod steps;

use super::Extras;
use super::analysis::Analysis;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The page, and its two charts, relative to the report directory.
pub const LADDER_FILE: &str = "LADDER.md";
pub const STRIP_CHART: &str = "ladder-strip.svg";
pub const WATERFALL_CHART: &str = "ladder-waterfall.svg";

/// Where the page's links lead, from the directory it is written in.
#[derive(Clone, Debug)]
pub struct Links {
    pub methodology: String,
    pub bias: String,
    /// The checkout's root, relative to the report directory.
    pub root: String,
    /// The committed reference run's LADDER.md.
    pub reference: String,
}

impl Links {
    pub fn new(out_dir: &Path) -> Links {
        Links {
            methodology: super::workspace_link(out_dir, "METHODOLOGY.md"),
            bias: super::workspace_link(out_dir, "BIAS.md"),
            root: super::workspace_link(out_dir, ""),
            reference: super::workspace_link(out_dir, &format!("reports/reference/{LADDER_FILE}")),
        }
    }

    /// A link to `module` (relative to `src/`) of `engine`'s crate.
    pub fn source(&self, engine: &str, module: &str) -> String {
        let root = self.root.trim_end_matches('/');
        if root.is_empty() {
            format!("engines/{engine}/src/{module}")
        } else {
            format!("{root}/engines/{engine}/src/{module}")
        }
    }
}

/// Writes LADDER.md and its charts into `out_dir`; returns the page's path.
pub fn render(a: &Analysis, extras: Extras<'_>, notice: &str, out_dir: &Path) -> Result<PathBuf> {
    let rungs = steps::rungs(a);
    let mut written = Vec::new();
    if let Some(strip) = charts::strip(a, &rungs) {
        crate::charts::strip::draw(&out_dir.join(STRIP_CHART), &strip, notice)?;
        written.push(STRIP_CHART);
    }
    if let Some(waterfall) = charts::waterfall(a, &rungs) {
        crate::charts::waterfall::draw(&out_dir.join(WATERFALL_CHART), &waterfall, notice)?;
        written.push(WATERFALL_CHART);
    }
    let text = page::render(a, extras, &rungs, &written, notice, &Links::new(out_dir));
    let path = out_dir.join(LADDER_FILE);
    std::fs::write(&path, text).with_context(|| format!("could not write {}", path.display()))?;
    Ok(path)
}
