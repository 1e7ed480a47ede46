//! `harness conformance`: the corpus checks of the `lox` crate over any
//! directory, through any engines, with a closing line CI can read.
//!
//! Each test runs in a child process (`harness __run`, exactly as `lox`
//! runs a file), not on a thread of the runner: a test that never ends is
//! killed at its time limit, with everything it started, instead of
//! spinning on a core for the rest of the run, and a test that crashes its
//! process costs its own result, not every result.

use crate::app;
use crate::measure::{Captured, Executor, ProcessExecutor};
use anyhow::{Result, bail};
use frontend::Engine;
use lox::conformance::{self, CaseResult};
use lox::run::Outcome;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How much of a test's standard output is read back to check it: far more
/// than any test prints, and a bound on a test that prints without end.
const STDOUT_KEPT: u64 = 16 << 20;

/// Options of one conformance run.
#[derive(Clone, Debug)]
pub struct Settings {
    pub gc_stress: bool,
    /// How long one test may run before it is stopped and counted as failed.
    pub timeout: Duration,
    /// The engines' heap ceiling, in bytes.
    pub max_heap: usize,
}

/// Runs every test under `dir` on `engines` (all when empty); prints each
/// failure and `N passed, M failed`. Returns whether everything passed.
pub fn run(engines: &[String], dir: &Path, settings: &Settings) -> Result<bool> {
    let engines = app::select_engines(engines)?;
    let files = conformance::find_tests(dir)
        .map_err(|error| anyhow::anyhow!("could not read the tests in {}: {error}", dir.display()))?;
    if files.is_empty() {
        bail!("there are no .lox files under {}", dir.display());
    }
    let exe = std::env::current_exe()?;
    let cases: Vec<(&'static dyn Engine, &PathBuf)> =
        engines.iter().flat_map(|&engine| files.iter().map(move |file| (engine, file))).collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(cases.len()));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(&(engine, file)) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = run_case(&exe, engine, file, settings);
                    results.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(result);
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    results.sort_by(|a, b| (engine_rank(a.engine), &a.path).cmp(&(engine_rank(b.engine), &b.path)));

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

fn engine_rank(name: &str) -> usize {
    lox::engines().iter().position(|e| e.name() == name).unwrap_or(usize::MAX)
}

/// Runs one test file in a child process and checks what it did.
fn run_case(exe: &Path, engine: &'static dyn Engine, path: &Path, settings: &Settings) -> CaseResult {
    let failures = match std::fs::read_to_string(path) {
        Err(error) => vec![format!("could not read the file: {error}")],
        Ok(source) => {
            let expected = conformance::parse_expectations(&source);
            if expected.skip { Vec::new() } else { run_and_check(exe, engine, path, settings, &expected) }
        }
    };
    CaseResult { path: path.to_path_buf(), engine: engine.name(), failures }
}

fn run_and_check(
    exe: &Path,
    engine: &dyn Engine,
    path: &Path,
    settings: &Settings,
    expected: &conformance::Expectations,
) -> Vec<String> {
    let mut argv = vec![exe.display().to_string(), "__run".into(), "--engine".into(), engine.name().into()];
    if settings.gc_stress {
        argv.push("--gc-stress".into());
    }
    argv.push(format!("--max-heap={}", settings.max_heap));
    argv.push(path.display().to_string());
    let run = match ProcessExecutor.execute(&argv, settings.timeout) {
        Ok(run) => run,
        Err(error) => return vec![format!("could not start the test's process: {error}")],
    };
    if let Some(limit) = run.timed_out {
        return vec![format!("timed out: stopped after {} s", limit.as_secs_f64())];
    }
    let Some(exit_code) = run.exit_code else {
        let stderr = String::from_utf8_lossy(&run.stderr);
        let first = stderr.lines().find(|line| !line.trim().is_empty()).unwrap_or("nothing on stderr");
        return vec![format!("the engine's process was killed by a signal ({first})")];
    };
    let stdout = match read_captured(&run.stdout) {
        Ok(stdout) => stdout,
        Err(error) => return vec![format!("could not read the test's output back: {error}")],
    };
    conformance::check(expected, &Outcome { stdout, stderr: run.stderr, exit_code })
}

fn read_captured(captured: &Captured) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    captured.reader()?.take(STDOUT_KEPT).read_to_end(&mut bytes)?;
    Ok(bytes)
}
