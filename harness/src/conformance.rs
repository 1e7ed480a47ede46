//! `harness conformance`: the corpus runner of the `lox` crate over any
//! directory, through any engines, with a closing line CI can read.

use crate::app;
use anyhow::{Result, bail};
use frontend::Options;
use lox::conformance;
use std::path::Path;
use std::time::Duration;

/// How long one test may run before it counts as failed.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Runs every test under `dir` on `engines` (all when empty); prints each
/// failure and `N passed, M failed`. Returns whether everything passed.
pub fn run(engines: &[String], dir: &Path, gc_stress: bool) -> Result<bool> {
    let engines = app::select_engines(engines)?;
    let files = conformance::find_tests(dir)
        .map_err(|error| anyhow::anyhow!("could not read the tests in {}: {error}", dir.display()))?;
    if files.is_empty() {
        bail!("there are no .lox files under {}", dir.display());
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let results = conformance::run_all(
        &engines,
        &files,
        Options { gc_stress, ..Options::default() },
        TIME_LIMIT,
        threads,
        &|_| {},
    );
    let mut failed = 0;
    for result in &results {
        if result.failures.is_empty() {
            continue;
        }
        failed += 1;
        let path = result.path.strip_prefix(dir).unwrap_or(&result.path);
        println!("FAIL {} on {}:", path.display(), result.engine);
        for failure in &result.failures {
            println!("    {failure}");
        }
    }
    println!("{} passed, {failed} failed", results.len() - failed);
    Ok(failed == 0)
}
