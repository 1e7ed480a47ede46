//! Every tuning is an optimisation, never a change of meaning: each corpus
//! program prints the same bytes, reports the same errors and ends the same
//! way with any of the engine's tunings switched off. (The corpus test in
//! `lox` checks the engine tuned and plain against the files'
//! expectations; this test checks each tuning off alone, and each alone on
//! the plain engine, against the tuned engine.)

use closure_compiler::{ClosureCompiler, TUNINGS};
use frontend::{Engine, Options};
use std::path::{Path, PathBuf};

/// What a program printed and how it ended.
#[derive(Debug, PartialEq)]
struct Outcome {
    stdout: Vec<u8>,
    diagnostics: String,
}

fn run(source: &str, options: Options) -> Outcome {
    frontend::engine::with_engine_stack(|| {
        let mut session = ClosureCompiler.session(options);
        let mut stdout = Vec::new();
        let diagnostics = match session.prepare(source) {
            Err(errors) => format!("compile error\n{errors}"),
            Ok(()) => match session.run(&mut stdout) {
                Ok(()) => String::new(),
                Err(error) => format!("runtime error\n{error}"),
            },
        };
        Outcome { stdout, diagnostics }
    })
}

fn corpus_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the corpus directory is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            corpus_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "lox") {
            files.push(path);
        }
    }
}

/// Each tuning switched off alone, and each switched on alone in the plain
/// engine, with a name for failure messages.
fn variants() -> Vec<(String, Options)> {
    let mut variants = vec![("plain".to_string(), Options::default().plain(TUNINGS))];
    for tuning in TUNINGS {
        let mut off = Options::default();
        off.disable(tuning);
        variants.push((format!("no-{}", tuning.name), off));
        let mut alone = Options::default().plain(TUNINGS);
        alone.enable(tuning);
        variants.push((format!("plain:{}", tuning.name), alone));
    }
    variants
}

#[test]
fn every_variant_behaves_as_the_tuned_engine() {
    let mut files = Vec::new();
    corpus_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lox"), &mut files);
    files.sort();
    assert!(files.len() >= 200, "the corpus has only {} files", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("a corpus file is readable");
        let expected = run(&source, Options::default());
        for (name, options) in variants() {
            if run(&source, options) != expected {
                failures.push(format!("{} with {name}", file.display()));
            }
        }
    }
    assert!(failures.is_empty(), "outcomes differ:\n{}", failures.join("\n"));
}

#[test]
fn the_declared_tunings_are_well_formed() {
    frontend::tuning::check_declarations(TUNINGS).expect("well-formed tunings");
    assert_eq!(ClosureCompiler.tunings(), TUNINGS);
}

#[test]
fn work_is_counted_only_when_built_to_count_it() {
    let count = |n: u32| {
        let source = format!("fun f(n) {{ if (n < 2) return n; return f(n - 1) + 1; }} print f({n});");
        frontend::engine::with_engine_stack(|| {
            let mut session = ClosureCompiler.session(Options::default());
            session.prepare(&source).expect("compiles");
            session.run(&mut Vec::new()).expect("runs");
            session.work_count()
        })
    };
    if cfg!(feature = "work-count") {
        let (small, large) = (count(10).expect("counted"), count(20).expect("counted"));
        assert_eq!(small.unit, "closures called");
        // Ten more calls, each calling at least its call and its body.
        assert!(large.count >= small.count + 20, "{} then {} closures counted", small.count, large.count);
    } else {
        assert_eq!(count(10), None);
    }
}
