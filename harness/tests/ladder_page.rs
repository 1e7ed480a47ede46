//! LADDER.md rendered from fixed records: two real rungs (`hashmap-walker`
//! and the `slot-walker` that is a step from it), each plain and tuned, and
//! native code, on three programs chosen so that one step is clearly
//! faster, one clearly slower and one within noise.

mod common;

use harness::contender::{Contender, Kind};
use harness::programs::{Group, Program};
use harness::results::{Record, Suite};
use harness::variant::{TuningInfo, VariantInfo};
use std::path::Path;

fn engine(spec: &str, tunings: &[&str], plain: bool) -> Contender {
    let engine = spec.split(':').next().unwrap();
    let tuning = |name: &&str| TuningInfo {
        name: name.to_string(),
        summary: format!("Does {name}."),
        class: format!("every {name}"),
    };
    Contender {
        name: spec.to_string(),
        kind: Kind::Engine,
        description: format!("{engine} strategy"),
        command: vec![spec.to_string()],
        twins: None,
        variant: Some(VariantInfo {
            engine: engine.to_string(),
            strategy: format!("{engine} strategy"),
            disabled: if plain { tunings.iter().map(|t| t.to_string()).collect() } else { Vec::new() },
            tunings: tunings.iter().map(tuning).collect(),
        }),
    }
}

fn program(name: &str, group: Group, stresses: &str) -> Program {
    Program {
        name: name.to_string(),
        group,
        twin_of: None,
        stresses: stresses.to_string(),
        description: format!("The {name} program."),
        small: 5,
        full: 9,
        sizes: vec![5, 9],
    }
}

/// The wall times of the five rounds of each contender on each program,
/// before the 1 ms spawn cost is taken off. On fib every step is clearly
/// faster; on strings `slot-walker`'s times interleave with
/// `hashmap-walker`'s (not significant, plain or tuned); on loop
/// `slot-walker` as tuned is clearly slower than `hashmap-walker` as tuned.
const TIMES: [(&str, &str, [f64; 5]); 15] = [
    ("hashmap-walker:plain", "fib", [0.801, 0.803, 0.802, 0.805, 0.804]),
    ("hashmap-walker", "fib", [0.401, 0.403, 0.402, 0.405, 0.404]),
    ("slot-walker:plain", "fib", [0.201, 0.203, 0.202, 0.205, 0.204]),
    ("slot-walker", "fib", [0.101, 0.103, 0.102, 0.105, 0.104]),
    ("native", "fib", [0.011, 0.013, 0.012, 0.015, 0.014]),
    ("hashmap-walker:plain", "strings", [0.300, 0.320, 0.290, 0.310, 0.280]),
    ("hashmap-walker", "strings", [0.300, 0.320, 0.290, 0.310, 0.280]),
    ("slot-walker:plain", "strings", [0.305, 0.285, 0.315, 0.295, 0.300]),
    ("slot-walker", "strings", [0.305, 0.285, 0.315, 0.295, 0.300]),
    ("native", "strings", [0.031, 0.033, 0.032, 0.035, 0.034]),
    ("hashmap-walker:plain", "loop", [0.401, 0.403, 0.402, 0.405, 0.404]),
    ("hashmap-walker", "loop", [0.201, 0.203, 0.202, 0.205, 0.204]),
    ("slot-walker:plain", "loop", [0.101, 0.103, 0.102, 0.105, 0.104]),
    ("slot-walker", "loop", [0.301, 0.303, 0.302, 0.305, 0.304]),
    ("native", "loop", [0.011, 0.013, 0.012, 0.015, 0.014]),
];

fn records() -> Vec<Record> {
    let peer = Contender {
        name: "native".to_string(),
        kind: Kind::Peer,
        description: "the programs in Rust".to_string(),
        command: vec!["native".to_string()],
        twins: None,
        variant: None,
    };
    let mut records = vec![
        Record::Run {
            provenance: common::provenance("harness --quick"),
            quick: true,
            runs: 5,
            adaptive: None,
            warmup: 1,
            contenders: vec![
                engine("hashmap-walker", &["fx-hash"], false),
                engine("hashmap-walker:plain", &["fx-hash"], true),
                engine("slot-walker", &["fx-hash", "leaf-operands"], false),
                engine("slot-walker:plain", &["fx-hash", "leaf-operands"], true),
                peer,
            ],
            programs: vec![
                program("fib", Group::Micro, "calls"),
                program("strings", Group::Micro, "strings"),
                program("loop", Group::Macro, "loops"),
            ],
            scaling_program: None,
        },
        Record::Calibration { wall_s: vec![0.001; 5], overhead_s: 0.001, max_rss_bytes: 2 << 20, date: String::new() },
    ];
    for (contender, program, times) in TIMES {
        records.push(Record::Verification {
            contender: contender.to_string(),
            program: program.to_string(),
            size: 9,
            suite: Suite::Main,
            passed: true,
            detail: None,
            argv: vec![contender.to_string()],
            date: String::new(),
        });
        for (round, wall_s) in times.into_iter().enumerate() {
            records.push(Record::Sample {
                contender: contender.to_string(),
                program: program.to_string(),
                size: 9,
                suite: Suite::Main,
                round,
                wall_s,
                user_s: wall_s,
                system_s: 0.0,
                max_rss_bytes: 8 << 20,
                date: String::new(),
            });
        }
    }
    records
}

fn ladder(name: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let readme = harness::report::render(&records(), &dir).unwrap();
    let text = std::fs::read_to_string(dir.join("LADDER.md")).unwrap();
    assert!(std::fs::read_to_string(readme).unwrap().contains("](LADDER.md)"), "the report links to LADDER.md");
    text
}

/// The lines of the section that starts with `heading`, up to the next
/// section.
fn section<'t>(text: &'t str, heading: &str) -> &'t str {
    let start = text.find(heading).unwrap_or_else(|| panic!("no {heading:?} in\n{text}"));
    let rest = &text[start + heading.len()..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

#[test]
fn a_difference_whose_interval_includes_one_is_labelled_not_significant() {
    let text = ladder("ladder-not-significant");
    assert!(text.starts_with("<!-- Generated by `harness report"), "{}", &text[..200]);
    let slot = section(&text, "## Rung: slot-walker");

    // The step's table counts strings as not significant, plain and tuned.
    assert!(
        slot.contains(
            "| programs | 2 faster, 0 slower, 1 not significant, of 3 | 1 faster, 1 slower, 1 not significant, of 3 |"
        ),
        "{slot}"
    );
    // Every interval of strings says so where it is shown, and no sentence
    // calls it faster or slower.
    let strings: Vec<&str> =
        text.lines().filter(|line| line.contains("strings 1.0") || line.contains("strings 0.9")).collect();
    assert!(!strings.is_empty(), "{text}");
    for line in &strings {
        let at = line.find("strings ").unwrap();
        let shown = &line[at..line[at..].find(']').map_or(line.len(), |end| at + end + 1 + ", not significant".len())];
        assert!(shown.ends_with(", not significant"), "{shown:?} in {line}");
    }
    let answer = text.lines().find(|l| l.contains("Why is `hashmap-walker` slow on fib but not on strings?")).unwrap();
    assert!(answer.contains("no faster and no slower (") && answer.contains("not significant) on strings"), "{answer}");
    assert!(!answer.contains("faster by 1.0") && !answer.contains("faster by 0.9"), "{answer}");

    // loop is where the tuned rung loses, and the page says so.
    assert!(slot.contains("- Slower than `hashmap-walker` (tuned): loop (it stresses loops) 0.67×"), "{slot}");
    assert!(!slot.contains("(plain): loop"), "{slot}");
}

#[test]
fn the_page_answers_what_its_figures_allow_and_says_what_they_do_not() {
    let text = ladder("ladder-questions");
    let questions = section(&text, "## Questions this page answers");
    // Seven questions, numbered.
    for n in 1..=7 {
        assert!(questions.contains(&format!("\n{n}. **")), "question {n} in {questions}");
    }
    // Resolved slots: the geometric mean of 4×, 1× and 4× plain over three programs.
    assert!(questions.contains("over 3 programs, `slot-walker` (strategy alone) is faster by 2.5"), "{questions}");
    // This run has no tagged-walker: the page says it cannot answer.
    let values = questions.lines().find(|l| l.contains("What do 8-byte values save")).unwrap();
    assert!(values.contains("This run does not have the figures"), "{values}");
    // Native code is the reference of the strip chart and the last question.
    let native = questions.lines().find(|l| l.contains("How far is the best engine from native code?")).unwrap();
    assert!(native.contains("The fastest engine of this run, `slot-walker`"), "{native}");
    assert!(text.contains("![") && text.contains("](ladder-strip.svg)") && text.contains("](ladder-waterfall.svg)"));
}

#[test]
fn the_charts_name_every_row_and_column() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ladder-charts");
    let _ = std::fs::remove_dir_all(&dir);
    harness::report::render(&records(), &dir).unwrap();
    let strip = std::fs::read_to_string(dir.join("ladder-strip.svg")).unwrap();
    for row in ["hashmap-walker:plain", "hashmap-walker", "slot-walker:plain", "slot-walker"] {
        assert!(strip.contains(&format!("\n{row}\n</text>")), "the strip chart has no row {row}");
    }
    assert!(strip.contains("native"), "the strip chart names its reference");
    let waterfall = std::fs::read_to_string(dir.join("ladder-waterfall.svg")).unwrap();
    assert!(waterfall.starts_with("<!-- Generated by") && waterfall.contains("<svg"));
    // Long names wrap at their hyphen.
    for column in ["hashmap-", "slot-", "native"] {
        assert!(waterfall.contains(&format!("\n{column}\n</text>")), "the waterfall has no column {column}");
    }
}
