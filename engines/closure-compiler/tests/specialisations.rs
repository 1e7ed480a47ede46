//! Every specialised closure is an optimisation, never a change of meaning:
//! each corpus program prints the same bytes, reports the same errors and
//! ends the same way whichever specialisations the compiler may use. (The
//! corpus test in `lox` checks the engine as registered, with all of them,
//! against the files' expectations; this test checks every other
//! combination against that one.)

use closure_compiler::{Specialisations, session_with};
use frontend::Options;
use std::path::{Path, PathBuf};

/// What a program printed and how it ended.
#[derive(Debug, PartialEq)]
struct Outcome {
    stdout: Vec<u8>,
    diagnostics: String,
}

fn run(source: &str, specialisations: Specialisations, options: Options) -> Outcome {
    frontend::engine::with_engine_stack(|| {
        let mut session = session_with(options, specialisations);
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

/// The engine's specialisations, and each one turned off alone.
fn variants() -> Vec<(&'static str, Specialisations)> {
    let all = Specialisations::ALL;
    vec![
        ("none", Specialisations::NONE),
        ("no operand shapes", Specialisations { operand_shapes: false, ..all }),
        ("no conditions", Specialisations { conditions: false, ..all }),
        ("no fixed-arity calls", Specialisations { fixed_arity_calls: false, ..all }),
        ("no global calls", Specialisations { global_calls: false, ..all }),
        ("no assignment statements", Specialisations { assignment_statements: false, ..all }),
        ("no guard returns", Specialisations { guard_returns: false, ..all }),
        ("no tail returns", Specialisations { tail_returns: false, ..all }),
        ("no inline conditions", Specialisations { inline_conditions: false, ..all }),
        ("no global slots", Specialisations { global_slots: false, ..all }),
    ]
}

#[test]
fn every_combination_behaves_as_the_registered_engine() {
    let mut files = Vec::new();
    corpus_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lox"), &mut files);
    files.sort();
    assert!(files.len() >= 200, "the corpus has only {} files", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("a corpus file is readable");
        let expected = run(&source, Specialisations::ALL, Options::default());
        for (name, specialisations) in variants() {
            if run(&source, specialisations, Options::default()) != expected {
                failures.push(format!("{} with {name}", file.display()));
            }
        }
    }
    assert!(failures.is_empty(), "outcomes differ:\n{}", failures.join("\n"));
}

#[test]
fn work_is_counted_only_when_built_to_count_it() {
    let count = |n: u32| {
        let source = format!("fun f(n) {{ if (n < 2) return n; return f(n - 1) + 1; }} print f({n});");
        frontend::engine::with_engine_stack(|| {
            let mut session = session_with(Options::default(), Specialisations::ALL);
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
