//! The conformance corpus: every file under `tests/lox/` through every
//! registered engine, normally, with the garbage collector stressed and with
//! every tuning off, checked byte for byte against the expectations in its
//! comments.
//!
//! A skip is a named entry in `SKIPS` with its reason; nothing is ignored
//! silently.

use frontend::{Engine, Options};
use lox::conformance::{self, CaseResult};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// (engine, file relative to `tests/lox/`, why it is skipped).
const SKIPS: &[(&str, &str, &str)] = &[];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lox")
}

/// Every registered engine, or those named in `LOXBENCH_CORPUS_ENGINES`
/// (comma-separated): `.ci/memcheck` runs this test under valgrind for the
/// engines that use unsafe code only.
fn selected_engines() -> Vec<&'static dyn Engine> {
    match std::env::var("LOXBENCH_CORPUS_ENGINES") {
        Err(_) => lox::engines().to_vec(),
        Ok(names) => names
            .split(',')
            .map(|name| lox::find_engine(name.trim()).unwrap_or_else(|| panic!("no engine named {name:?}")))
            .collect(),
    }
}

/// The limit on one file's run: 120 s, or `LOXBENCH_CORPUS_TIMEOUT` seconds
/// (runs under valgrind are many times slower).
fn time_limit() -> Duration {
    let seconds = std::env::var("LOXBENCH_CORPUS_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(120);
    Duration::from_secs(seconds)
}

/// The heap ceiling the corpus runs under: `limit/string_past_the_heap_ceiling.lox`
/// reaches it, and at the default (1 GiB) that file alone would copy half a
/// gigabyte per engine and variant.
const MAX_HEAP: usize = 16 << 20;

fn run(options: Options) {
    let options = Options { max_heap: MAX_HEAP, ..options };
    let dir = corpus_dir();
    let files = conformance::find_tests(&dir).expect("the corpus directory is readable");
    assert!(files.len() >= 200, "the corpus has only {} files", files.len());
    let engines = selected_engines();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let results = conformance::run_all(&engines, &files, options.clone(), time_limit(), threads, &|_| {});

    let skipped = |result: &CaseResult| {
        let relative = result.path.strip_prefix(&dir).unwrap_or(&result.path).to_string_lossy().replace('\\', "/");
        SKIPS.iter().any(|(engine, file, _)| *engine == result.engine && *file == relative)
    };
    let failed: Vec<&CaseResult> = results.iter().filter(|r| !r.failures.is_empty() && !skipped(r)).collect();
    for result in &failed {
        eprintln!("FAIL {} on {}:", result.path.display(), result.engine);
        for failure in &result.failures {
            eprintln!("    {failure}");
        }
    }
    let passed = results.len() - failed.len();
    eprintln!(
        "{passed} passed, {} failed ({} engines x {} files, {options:?})",
        failed.len(),
        engines.len(),
        files.len()
    );
    assert!(failed.is_empty(), "{} corpus cases failed", failed.len());
}

#[test]
fn corpus_passes_on_every_engine() {
    run(Options::default());
}

#[test]
fn corpus_passes_on_every_engine_with_gc_stress() {
    run(Options { gc_stress: true, ..Options::default() });
}

/// Every engine with every tuning off: a tuning changes speed, never
/// behaviour, so the plain variants must pass the same corpus.
#[test]
fn corpus_passes_on_every_engine_plain() {
    let every_tuning: Vec<frontend::Tuning> =
        lox::engines().iter().flat_map(|engine| engine.tunings()).copied().collect();
    run(Options::default().plain(&every_tuning));
}

#[test]
fn skips_name_real_engines_and_files() {
    for (engine, file, reason) in SKIPS {
        assert!(lox::find_engine(engine).is_some(), "skip names unknown engine {engine}");
        assert!(corpus_dir().join(file).is_file(), "skip names missing file {file}");
        assert!(!reason.is_empty());
    }
}
