//! Exports of a measuring run to files of the user's choosing, with
//! hyperfine's option names: `--export-json`, `--export-csv` and
//! `--export-markdown`. They are written besides the report directory (its
//! README, charts and `summary.json` stay where they are), from the same
//! records, by `harness` after measuring and by `harness report`.
//!
//! The JSON export has a versioned schema ([`json::SCHEMA`],
//! [`json::SCHEMA_VERSION`], described field by field in
//! `harness/schema/results-v1.schema.json`), and every record in every format
//! carries its provenance (revision, rustc, profile, CPU, OS, date), so a
//! record copied out of its file still says where it was measured.

pub mod csv;
pub mod json;
pub mod markdown;

use crate::cli::ExportArgs;
use crate::report::analysis::Analysis;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

impl ExportArgs {
    /// Whether any export was asked for.
    pub fn any(&self) -> bool {
        self.export_json.is_some() || self.export_csv.is_some() || self.export_markdown.is_some()
    }
}

/// Writes every export `args` asks for; returns the files written.
pub fn write(analysis: &Analysis, args: &ExportArgs, notice: &str) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let records = json::records(analysis);
    if let Some(path) = &args.export_json {
        let mut text = serde_json::to_string_pretty(&json::Export::new(analysis, notice, records.clone()))?;
        text.push('\n');
        write_file(path, &text)?;
        written.push(path.clone());
    }
    if let Some(path) = &args.export_csv {
        write_file(path, &csv::render(&records))?;
        written.push(path.clone());
    }
    if let Some(path) = &args.export_markdown {
        write_file(path, &markdown::render(analysis, &records, notice))?;
        written.push(path.clone());
    }
    Ok(written)
}

/// Reads the results file in `out_dir` and writes the exports of that run.
pub fn write_from(results_file: &Path, args: &ExportArgs) -> Result<Vec<PathBuf>> {
    if !args.any() {
        return Ok(Vec::new());
    }
    let records = crate::results::read_records(results_file)?;
    let analysis = Analysis::from_records(&records)?;
    let out_dir = results_file.parent().unwrap_or(Path::new("."));
    let notice = crate::report::generated_notice(&analysis, out_dir);
    write(&analysis, args, &notice)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("could not write {}", path.display()))
}
