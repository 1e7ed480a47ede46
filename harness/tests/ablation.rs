//! `harness ablate`: its tables rendered from fixed records (no valgrind, no
//! clock), and the real command on the test fixtures (valgrind must be
//! installed; `.ci/run` installs it).

mod common;

use harness::ablate::markdown;
use harness::ablate::records::{EngineTunings, PARTIAL_RECORDS_FILE, ProgramSize, RECORDS_FILE, Record, VariantSpec};
use harness::ablate::table::Ablation;
use harness::jsonl;
use harness::variant::TuningInfo;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tuning(name: &str) -> TuningInfo {
    TuningInfo { name: name.into(), summary: format!("Does {name}."), class: format!("every {name}") }
}

fn variant(name: &str, disabled: &[&str]) -> VariantSpec {
    VariantSpec { name: name.into(), engine: "vm".into(), disabled: disabled.iter().map(|d| d.to_string()).collect() }
}

fn count(variant: &str, program: &str, instructions: u64) -> Record {
    Record::Count {
        variant: variant.into(),
        program: program.into(),
        size: 10,
        passed: true,
        detail: None,
        instructions,
        seconds: 1.0,
        date: String::new(),
    }
}

/// An engine `vm` with tunings `a` and `b`, counted on two programs. With
/// two tunings, `a` alone on plain is `b` off: `vm:no-b` serves both tables.
/// On `one`: tuned 1000, plain 1500, without `a` 1100 (`a` saves 10 %),
/// without `b` 1300 (30 %). On `two`: tuned 2000, plain 2420, without `b` 2420
/// (21 %), and `vm:no-a` is wrong.
fn records() -> Vec<Record> {
    let mut records = vec![Record::Run {
        provenance: common::provenance("harness ablate"),
        valgrind: "valgrind-3.19.0".into(),
        timeout_s: 300,
        engines: vec![
            EngineTunings {
                engine: "vm".into(),
                strategy: "a bytecode VM".into(),
                tunings: vec![tuning("a"), tuning("b")],
            },
            EngineTunings { engine: "walker".into(), strategy: "a tree-walker".into(), tunings: Vec::new() },
        ],
        programs: vec![ProgramSize { name: "one".into(), size: 10 }, ProgramSize { name: "two".into(), size: 20 }],
        variants: vec![
            variant("vm", &[]),
            variant("vm:plain", &["a", "b"]),
            variant("vm:no-a", &["a"]),
            variant("vm:no-b", &["b"]),
        ],
    }];
    for (name, one, two) in [("vm", 1000, 2000), ("vm:plain", 1500, 2420), ("vm:no-b", 1300, 2420)] {
        records.push(count(name, "one", one));
        records.push(count(name, "two", two));
    }
    records.push(count("vm:no-a", "one", 1100));
    records.push(Record::Verification {
        variant: "vm:no-a".into(),
        program: "two".into(),
        size: 20,
        passed: false,
        detail: Some("line 1: expected \"1\", got \"2\"".into()),
        date: String::new(),
    });
    records
}

#[test]
fn the_ablation_table_renders_from_fixed_records() {
    let ablation = Ablation::from_records(&records()).unwrap();
    let mut text = String::new();
    markdown::render(&mut text, &ablation);

    assert!(text.starts_with(&format!("## {}\n", markdown::HEADING)), "{text}");
    assert!(text.contains("- `a`: Does a. *Helps:* every a."), "{text}");
    // Off in turn: the columns follow the declared order, a then b.
    assert!(text.contains("| program | n | tuned (instructions) | plain ÷ tuned | `a` off | `b` off |"), "{text}");
    assert!(text.contains("| one | 10 | 1,000 | 1.50× | +10.0 % | +30.0 % |"), "{text}");
    assert!(text.contains("| two | 20 | 2,000 | 1.21× | – | +21.0 % |"), "{text}");
    // Geometric means: √(1.5 × 1.21) = 1.347, √(1.3 × 1.21) = 1.254, and
    // `a` off on one program only.
    assert!(text.contains("| **geometric mean** | | | **1.35×** | **+10.0 %** | **+25.4 %** |"), "{text}");
    // Alone on plain: plain over `b` off for `a`, over `a` off for `b`:
    // 1500 / 1300, 1500 / 1100; 2420 / 2420 and the wrong pair left out.
    assert!(text.contains("| `a` alone | `b` alone |"), "{text}");
    assert!(text.contains("| one | 10 | 1,500 | +15.4 % | +36.4 % |"), "{text}");
    assert!(text.contains("| two | 20 | 2,420 | 0.00 % | – |"), "{text}");
    assert!(text.contains("| **geometric mean** | | | **+7.4 %** | **+36.4 %** |"), "{text}");
    // Together 1.35×; off in turn, multiplied, 1.10 × 1.254 = 1.38: the
    // tunings compound.
    assert!(text.contains("multiplied, come to 1.38×. The whole is less than that product"), "{text}");
    assert!(text.contains("| `vm:no-a` | two | line 1: expected \"1\", got \"2\" |"), "{text}");
    assert!(text.contains("### `walker`\n\n*Strategy:* a tree-walker.\n\nIt declares no tunings"), "{text}");
    assert!(!text.contains("Incomplete"), "{text}");
}

#[test]
fn an_interrupted_ablation_says_how_far_it_got() {
    let mut records = records();
    records.truncate(5);
    let ablation = Ablation::from_records(&records).unwrap();
    let mut text = String::new();
    markdown::render(&mut text, &ablation);
    assert!(text.contains("**Incomplete:** 4 of 8 variant × program pairs were counted"), "{text}");
    assert!(text.contains("| one | 10 | 1,000 | 1.50× | – | – |"), "{text}");
}

#[test]
fn ablation_json_carries_the_ratios_and_the_counts() {
    let ablation = Ablation::from_records(&records()).unwrap();
    let summary = serde_json::to_value(ablation.summary("generated")).unwrap();
    let vm = &summary["engines"][0];
    assert_eq!(summary["provenance"]["revision"], "abc");
    assert_eq!(vm["plain_over_tuned"]["per_program"]["one"], 1.5);
    assert_eq!(vm["tunings"][1]["name"], "b");
    assert_eq!(vm["tunings"][1]["off_over_tuned"]["per_program"]["one"], 1.3);
    assert_eq!(vm["tunings"][0]["plain_over_alone"]["per_program"]["two"], 1.0);
    assert_eq!(vm["instructions"]["vm:no-b"]["two"], 2420);
    assert!(vm["instructions"]["vm:no-a"].get("two").is_none());
}

#[test]
fn a_directory_with_only_an_ablation_gets_a_report_of_it() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ablation-alone");
    let _ = std::fs::remove_dir_all(&dir);
    let mut writer = jsonl::Writer::create(&dir.join(RECORDS_FILE)).unwrap();
    for record in records() {
        writer.append(&record).unwrap();
    }
    let readme = harness::report::render_dir(&dir).unwrap();
    let text = std::fs::read_to_string(readme).unwrap();
    assert!(text.starts_with("<!-- Generated by `harness report"), "{text}");
    assert!(text.contains("| one | 10 | 1,000 | 1.50× | +10.0 % | +30.0 % |"), "{text}");
    assert!(dir.join("ablation.json").is_file());
}

/// An interrupted ablation left only its partial records: `report
/// --partial` renders them, and a plain `report` does not take them for a
/// complete ablation.
#[test]
fn an_interrupted_ablation_renders_from_its_partial_records() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ablation-partial");
    let _ = std::fs::remove_dir_all(&dir);
    let mut writer = jsonl::Writer::create(&dir.join(PARTIAL_RECORDS_FILE)).unwrap();
    for record in records() {
        writer.append(&record).unwrap();
    }
    assert!(harness::report::render_dir(&dir).is_err(), "no complete results of any kind");
    let readme = harness::report::render_dir_from(&dir, harness::results::PARTIAL_RESULTS_FILE).unwrap();
    let text = std::fs::read_to_string(readme).unwrap();
    assert!(text.contains("| one | 10 | 1,000 | 1.50× | +10.0 % | +30.0 % |"), "{text}");
}

/// `harness ablate` writes only where the harness may write: not into a
/// directory of someone else's files.
#[test]
fn ablate_refuses_a_directory_that_is_not_its_own() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ablate-foreign");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "mine").unwrap();
    let run = harness(&["ablate", "--engines", "hashmap-walker", "--programs", "loop"], &fixtures(), &out);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("--force"), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(!out.join(PARTIAL_RECORDS_FILE).exists() && !out.join("programs").exists(), "nothing is written");
}

fn harness(args: &[&str], programs: &Path, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .arg("--programs-dir")
        .arg(programs)
        .arg("--out")
        .arg(out)
        .output()
        .expect("the harness runs")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/programs")
}

#[test]
fn harness_ablate_counts_every_variant_and_renders_its_table() {
    assert!(
        Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success()),
        "valgrind is not installed: `harness ablate` needs it (apt-get install valgrind)"
    );
    let engine = lox::engines().iter().copied().find(|e| !e.tunings().is_empty()).expect("an engine with tunings");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ablate-end-to-end");
    let _ = std::fs::remove_dir_all(&out);
    let run = harness(&["ablate", "--engines", engine.name(), "--programs", "loop"], &fixtures(), &out);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    // The complete ablation's records were renamed into place.
    assert!(!out.join(PARTIAL_RECORDS_FILE).exists());
    let records: Vec<Record> = jsonl::read(&out.join(RECORDS_FILE)).unwrap();
    let Record::Run { variants, .. } = &records[0] else { panic!("no run record first") };
    let counted: Vec<&str> = records
        .iter()
        .filter_map(|r| match r {
            Record::Count { variant, passed: true, instructions, .. } if *instructions > 0 => Some(variant.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(counted.len(), variants.len(), "every variant counted once: {counted:?}");
    assert!(counted.contains(&format!("{}:plain", engine.name()).as_str()));
    let text = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(text.contains(&format!("### `{}`", engine.name())), "{text}");
    assert!(text.contains(&format!("| `{}` off |", engine.tunings()[0].name)), "{text}");
    assert!(out.join("ablation.json").is_file());
}

#[test]
fn a_wrong_output_is_caught_before_anything_is_counted() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ablate-wrong");
    let _ = std::fs::remove_dir_all(&dir);
    // The fixtures, with loop's expected output at its small size broken.
    let programs = dir.join("programs-src");
    std::fs::create_dir_all(programs.join("expected")).unwrap();
    for file in ["programs.toml", "loop.lox", "fib.lox"] {
        std::fs::copy(fixtures().join(file), programs.join(file)).unwrap();
    }
    for entry in std::fs::read_dir(fixtures().join("expected")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), programs.join("expected").join(entry.file_name())).unwrap();
    }
    std::fs::write(programs.join("expected/loop-100.out"), "-1\n").unwrap();

    let out = dir.join("out");
    let run = harness(&["ablate", "--engines", "hashmap-walker", "--programs", "loop"], &programs, &out);
    // A wrong output fails the command, after the report is written.
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("hashmap-walker on loop: line 1: expected"), "{stderr}");
    let records: Vec<Record> = jsonl::read(&out.join(RECORDS_FILE)).unwrap();
    assert!(records.iter().all(|r| !matches!(r, Record::Count { .. })), "nothing wrong is counted");
    assert!(records.iter().any(|r| matches!(r, Record::Verification { passed: false, .. })));
    let text = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(text.contains("| `hashmap-walker` | loop | line 1: expected \"-1\""), "{text}");
}

#[test]
fn ablate_takes_engines_not_variants() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ablate-variant");
    let run = harness(&["ablate", "--engines", "hashmap-walker:plain"], &fixtures(), &out);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("`hashmap-walker:plain` is a variant"), "{stderr}");
    assert!(!out.join(RECORDS_FILE).exists(), "a refused run writes nothing");
}
