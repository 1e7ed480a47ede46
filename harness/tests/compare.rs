//! `harness compare` on fixed records: the ratios and their labels, the
//! geometric means, what only one side has, the note on a different
//! machine, the rendered README and chart, and the command end to end.

mod common;

use harness::compare::{Comparison, Side, Significance, markdown};
use harness::contender::{Contender, Kind};
use harness::programs::{Group, Program};
use harness::report::analysis::Analysis;
use harness::results::{Provenance, Record, Suite};
use std::path::{Path, PathBuf};
use std::process::Command;

const DATE: &str = "2025-01-01T00:00:00Z";

fn provenance(revision: &str, cpu: &str) -> Provenance {
    Provenance { revision: revision.into(), cpu: cpu.into(), ..common::provenance("harness --runs 10") }
}

fn program(name: &str) -> Program {
    Program {
        name: name.into(),
        stresses: "calls".into(),
        description: String::new(),
        small: 5,
        medium: 9,
        full: 9,
        sizes: vec![5, 9],
        group: Group::Micro,
        twin_of: None,
    }
}

/// A contender's runs on a program: verified, then timed `times` (seconds,
/// before the 1 ms spawn cost is subtracted), or failed with `failure`.
struct Cell<'a> {
    contender: &'a str,
    program: &'a str,
    times: Vec<f64>,
    failure: Option<&'a str>,
}

fn timed<'a>(contender: &'a str, program: &'a str, center: f64, step: f64) -> Cell<'a> {
    let times = (0..10).map(|i| center + step * (i as f64 - 4.5)).collect();
    Cell { contender, program, times, failure: None }
}

fn records(provenance: Provenance, contenders: &[&str], programs: &[&str], cells: &[Cell<'_>]) -> Vec<Record> {
    let mut records = vec![
        Record::Run {
            provenance,
            quick: false,
            runs: 10,
            warmup: 1,
            contenders: contenders
                .iter()
                .map(|name| Contender {
                    name: name.to_string(),
                    kind: Kind::Engine,
                    description: String::new(),
                    command: vec![name.to_string()],
                    variant: None,
                    twins: None,
                })
                .collect(),
            programs: programs.iter().map(|name| program(name)).collect(),
            scaling_program: None,
            adaptive: None,
        },
        Record::Calibration { wall_s: vec![0.001; 3], overhead_s: 0.001, max_rss_bytes: 1 << 20, date: DATE.into() },
    ];
    for cell in cells {
        records.push(Record::Verification {
            contender: cell.contender.into(),
            program: cell.program.into(),
            size: 9,
            suite: Suite::Main,
            passed: cell.failure.is_none(),
            detail: cell.failure.map(str::to_string),
            argv: Vec::new(),
            date: DATE.into(),
        });
        for (round, wall_s) in cell.times.iter().enumerate() {
            records.push(Record::Sample {
                contender: cell.contender.into(),
                program: cell.program.into(),
                size: 9,
                suite: Suite::Main,
                round,
                wall_s: *wall_s,
                user_s: *wall_s,
                system_s: 0.0,
                max_rss_bytes: 1 << 20,
                date: DATE.into(),
            });
        }
    }
    records
}

/// The old run: `a` and `b` (and `gone`) on fib, loop (and `retired`).
fn old_records() -> Vec<Record> {
    records(
        provenance("1111111", "CPU One"),
        &["a", "b", "gone"],
        &["fib", "loop", "retired"],
        &[
            timed("a", "fib", 0.101, 0.001),
            timed("a", "loop", 0.201, 0.004),
            timed("b", "fib", 0.101, 0.001),
            timed("b", "loop", 0.101, 0.001),
            timed("gone", "fib", 0.301, 0.001),
            timed("a", "retired", 0.101, 0.001),
        ],
    )
}

/// The new run, on another CPU: `a` half as fast again on fib, the same on
/// loop within the noise; `b` twice as fast on fib and wrong on loop; `newbie`
/// and the program `added` are new.
fn new_records() -> Vec<Record> {
    records(
        provenance("2222222", "CPU Two"),
        &["a", "b", "newbie"],
        &["fib", "loop", "added"],
        &[
            timed("a", "fib", 0.151, 0.0015),
            timed("a", "loop", 0.202, 0.004),
            timed("b", "fib", 0.051, 0.0005),
            Cell { contender: "b", program: "loop", times: Vec::new(), failure: Some("line 1: expected 1, got 2") },
            timed("newbie", "fib", 0.051, 0.001),
            timed("a", "added", 0.101, 0.001),
        ],
    )
}

fn side(label: &str, records: &[Record]) -> Side {
    Side { label: label.into(), analysis: Analysis::from_records(records).unwrap() }
}

#[test]
fn every_shared_pair_has_a_ratio_an_interval_and_a_label() {
    let comparison = Comparison::new(&side("old", &old_records()), &side("new", &new_records()));
    let labels: Vec<(&str, &str, Significance)> =
        comparison.entries.iter().map(|e| (e.contender.as_str(), e.program.as_str(), e.significance)).collect();
    assert_eq!(
        labels,
        vec![
            ("a", "fib", Significance::Slower),
            ("a", "loop", Significance::NotSignificant),
            ("b", "fib", Significance::Faster),
        ]
    );
    let a_fib = &comparison.entries[0];
    assert!((a_fib.ratio - 1.5).abs() < 1e-9, "{}", a_fib.ratio);
    assert!(a_fib.low > 1.4 && a_fib.high < 1.6 && a_fib.low <= a_fib.ratio && a_fib.ratio <= a_fib.high);
    assert!(a_fib.p < 0.01);
    let a_loop = &comparison.entries[1];
    assert!(a_loop.low < 1.0 && a_loop.high > 1.0, "[{}, {}]", a_loop.low, a_loop.high);

    // `a`'s mean covers fib and loop: √(1.5 × 1.005) or so, and its interval
    // holds it; `b`'s covers fib alone, since loop failed in the new run.
    let means: Vec<(&str, usize)> = comparison.means.iter().map(|m| (m.contender.as_str(), m.programs)).collect();
    assert_eq!(means, vec![("a", 2), ("b", 1)]);
    let a = &comparison.means[0];
    assert!((a.ratio - (1.5f64 * (0.201 / 0.200)).sqrt()).abs() < 0.01, "{}", a.ratio);
    assert!(a.low <= a.ratio && a.ratio <= a.high);
    assert!((comparison.means[1].ratio - 0.5).abs() < 1e-9);
}

#[test]
fn what_only_one_run_has_is_listed_not_an_error() {
    let comparison = Comparison::new(&side("old", &old_records()), &side("new", &new_records()));
    assert_eq!(comparison.contenders_only_old, vec!["gone"]);
    assert_eq!(comparison.contenders_only_new, vec!["newbie"]);
    assert_eq!(comparison.programs_only_old, vec!["retired"]);
    assert_eq!(comparison.programs_only_new, vec!["added"]);
    assert_eq!(comparison.not_compared.len(), 1);
    let failed = &comparison.not_compared[0];
    assert_eq!((failed.contender.as_str(), failed.program.as_str()), ("b", "loop"));
    assert!(failed.reason.starts_with("new run: failed: line 1"), "{}", failed.reason);
}

#[test]
fn the_readme_says_first_that_the_machines_differ() {
    let comparison = Comparison::new(&side("old", &old_records()), &side("new", &new_records()));
    let text = markdown::render(&comparison, "Generated by `harness compare old new`.", Some("comparison.svg"));
    assert!(text.starts_with("<!-- Generated by `harness compare old new`. -->"));
    let warning = text.find("⚠️ **The two runs were not made in the same setting**: CPU (`CPU One` → `CPU Two`)");
    let first_figure = text.find("## Geometric means").unwrap();
    assert!(warning.is_some_and(|at| at < first_figure), "{text}");
    assert!(text.contains("Revisions compared: `1111111` → `2222222`."));
    assert!(text.contains("| **CPU** (differs) | **CPU One** | **CPU Two** |"), "{text}");
    assert!(text.contains("| `a` | fib | 9 | 100 ms | 150 ms | 1.50 | ["), "{text}");
    assert!(text.contains("| 🔴 slower |") && text.contains("| 🟢 faster |"), "{text}");
    assert!(text.contains("| `a` | loop | 9 | 200 ms | 201 ms | 1.00 | ["), "{text}");
    assert!(text.contains("| not significant |"), "{text}");
    assert!(text.contains("| `a` | 2 | 1.23 | ["), "{text}");
    assert!(text.contains("- Contenders only in the old run: `gone`."));
    assert!(text.contains("- Contenders only in the new run: `newbie`."));
    assert!(text.contains("- Programs only in the old run: `retired`."));
    assert!(text.contains("- Programs only in the new run: `added`."));
    assert!(text.contains("- `b` on loop: new run: failed: line 1: expected 1, got 2."), "{text}");
    assert!(text.contains("![new ÷ old per program, with 95 % intervals](comparison.svg)"));
}

#[test]
fn the_same_revision_on_the_same_machine_has_no_warning() {
    let old = old_records();
    let comparison = Comparison::new(&side("old", &old), &side("again", &old));
    let text = markdown::render(&comparison, "Generated.", None);
    assert!(!text.contains("⚠️"), "{text}");
    assert!(text.contains("Both runs are of revision `1111111`"));
    assert!(comparison.entries.iter().all(|e| e.significance == Significance::NotSignificant && e.ratio == 1.0));
}

fn write_results(dir: &Path, records: &[Record]) {
    std::fs::create_dir_all(dir).unwrap();
    let lines: String = records.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
    std::fs::write(dir.join("results.jsonl"), lines).unwrap();
}

#[test]
fn harness_compare_writes_the_readme_and_the_chart() {
    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compare-end-to-end");
    let _ = std::fs::remove_dir_all(&dir);
    write_results(&dir.join("old"), &old_records());
    write_results(&dir.join("new"), &new_records());
    let output = Command::new(env!("CARGO_BIN_EXE_harness"))
        .arg("compare")
        .arg(dir.join("old"))
        .arg(dir.join("new").join("results.jsonl"))
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("warning: the runs differ in CPU: CPU One → CPU Two"), "{stderr}");
    let readme = std::fs::read_to_string(dir.join("out/README.md")).unwrap();
    assert!(readme.contains("## Per program"), "{readme}");
    let svg = std::fs::read_to_string(dir.join("out/comparison.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("geometric mean") && !svg.contains("newbie"));

    // A directory without results is an error that says so.
    let missing = Command::new(env!("CARGO_BIN_EXE_harness"))
        .arg("compare")
        .arg(dir.join("old"))
        .arg(dir.join("nowhere"))
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there are no results at"));
}
