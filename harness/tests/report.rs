//! Rendering a report from fixed records: no measuring, no clock.

use harness::contender::{Contender, Kind};
use harness::programs::{Group, Program};
use harness::report::format;
use harness::results::{Provenance, Record, Suite};
use harness::stats;
use harness::variant::{TuningInfo, VariantInfo};
use std::path::Path;

fn tuning(name: &str) -> TuningInfo {
    TuningInfo { name: name.to_string(), summary: format!("Does {name}."), class: format!("every {name}") }
}

/// An engine contender: `spec` is `ENGINE` or `ENGINE:WORDS`, `tunings` what
/// the engine declares and `disabled` which of them are off.
fn engine(spec: &str, tunings: &[&str], disabled: &[&str]) -> Contender {
    let engine = spec.split(':').next().unwrap();
    Contender {
        name: spec.to_string(),
        kind: Kind::Engine,
        description: format!("{spec} strategy"),
        command: vec![spec.to_string()],
        variant: Some(VariantInfo {
            engine: engine.to_string(),
            strategy: format!("{engine} strategy"),
            disabled: disabled.iter().map(|d| d.to_string()).collect(),
            tunings: tunings.iter().map(|t| tuning(t)).collect(),
        }),
        twins: None,
    }
}

fn peer(name: &str) -> Contender {
    Contender {
        name: name.to_string(),
        kind: Kind::Peer,
        description: format!("{name} strategy"),
        command: vec![name.to_string()],
        variant: None,
        twins: None,
    }
}

fn program(name: &str) -> Program {
    Program {
        name: name.to_string(),
        group: Group::Micro,
        twin_of: None,
        stresses: "calls".to_string(),
        description: format!("The {name} program."),
        small: 5,
        medium: 7,
        full: 9,
        sizes: vec![5, 7, 9],
    }
}

fn sample(contender: &str, program: &str, size: u64, suite: Suite, round: usize, wall_s: f64) -> Record {
    Record::Sample {
        contender: contender.to_string(),
        program: program.to_string(),
        size,
        suite,
        round,
        wall_s,
        user_s: wall_s * 0.9,
        system_s: 0.001,
        max_rss_bytes: 8 << 20,
        date: "2025-01-01T00:00:00Z".to_string(),
    }
}

fn verification(contender: &str, program: &str, size: u64, suite: Suite, detail: Option<&str>) -> Record {
    Record::Verification {
        contender: contender.to_string(),
        program: program.to_string(),
        size,
        suite,
        passed: detail.is_none(),
        detail: detail.map(str::to_string),
        argv: vec![contender.to_string()],
        date: "2025-01-01T00:00:00Z".to_string(),
    }
}

/// Wall times of the five rounds, before the 1 ms spawn overhead is taken
/// off: `hashmap-walker:plain` 0.801-0.805 s, `hashmap-walker` 0.401-0.405 s,
/// `fast-vm:plain` 0.201-0.205 s, `fast-vm:no-fuse` 0.151-0.155 s, `fast-vm`
/// 0.101-0.105 s; `wrong` fails verification. Only the engines as tuned run
/// the scaling suite.
const TIMED: [(&str, f64); 5] = [
    ("hashmap-walker:plain", 0.801),
    ("hashmap-walker", 0.401),
    ("fast-vm:plain", 0.201),
    ("fast-vm:no-fuse", 0.151),
    ("fast-vm", 0.101),
];

fn records() -> Vec<Record> {
    let mut records = vec![
        Record::Run {
            provenance: Provenance {
                command: "harness --quick".to_string(),
                revision: "0123456789abcdef".to_string(),
                rustc: "rustc 1.95.0".to_string(),
                profile: "release".to_string(),
                cpu: "Test CPU".to_string(),
                cores: 2,
                os: "linux".to_string(),
                date: "2025-01-01T00:00:00Z".to_string(),
            },
            quick: false,
            runs: 5,
            adaptive: None,
            warmup: 1,
            contenders: vec![
                engine("hashmap-walker", &["fx-hash"], &[]),
                engine("hashmap-walker:plain", &["fx-hash"], &["fx-hash"]),
                engine("fast-vm", &["fx-hash", "fuse"], &[]),
                engine("fast-vm:plain", &["fx-hash", "fuse"], &["fx-hash", "fuse"]),
                engine("fast-vm:no-fuse", &["fx-hash", "fuse"], &["fuse"]),
                peer("wrong"),
            ],
            programs: vec![program("fib"), program("loop")],
            scaling_program: Some("fib".to_string()),
        },
        Record::Calibration { wall_s: vec![0.001; 5], overhead_s: 0.001, max_rss_bytes: 2 << 20, date: String::new() },
    ];
    for (program, size, suite) in
        [("fib", 9, Suite::Main), ("loop", 9, Suite::Main), ("fib", 5, Suite::Scaling), ("fib", 7, Suite::Scaling)]
    {
        let scale = if suite == Suite::Scaling { size as f64 / 10.0 } else { 1.0 };
        for (name, first) in TIMED {
            if suite == Suite::Scaling && name.contains(':') {
                continue;
            }
            records.push(verification(name, program, size, suite, None));
            for round in 0..5 {
                records.push(sample(name, program, size, suite, round, (first + round as f64 * 0.001) * scale));
            }
        }
        records.push(verification("wrong", program, size, suite, Some("line 1: expected \"34\", got \"35\"")));
    }
    records
}

#[test]
fn a_report_renders_from_fixed_records() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixed-report");
    let _ = std::fs::remove_dir_all(&dir);
    let readme = harness::report::render(&records(), &dir).unwrap();
    let text = std::fs::read_to_string(readme).unwrap();

    assert!(text.starts_with("<!-- Generated by `harness report"), "{}", &text[..200]);
    assert!(text.contains("`harness \u{2011}\u{2011}quick` at revision 0123456789abcdef on Test CPU, 2 cores"));
    // Medians after subtracting the 1 ms overhead: 402 ms and 102 ms.
    assert!(text.contains("| `hashmap-walker` | 402 ± 1.58 ms | 400 ms … 404 ms |"), "{text}");
    assert!(text.contains("| `fast-vm` | 102 ± 1.58 ms |"), "{text}");
    // The matrix marks the fastest and the failures.
    assert!(text.contains("| [fib](#fib) | 9 | 402 ms | 802 ms | **102 ms** | 202 ms | 152 ms | *failed* |"), "{text}");
    assert!(text.contains("| `wrong` | fib | 9 | main | line 1: expected \"34\", got \"35\" |"), "{text}");
    for chart in ["time-per-program.svg", "ladder.svg", "scaling.svg"] {
        let svg = std::fs::read_to_string(dir.join(chart)).unwrap();
        assert!(svg.starts_with("<!-- Generated by"), "{chart} has no generated header");
        assert!(svg.contains("<svg"), "{chart} is not an SVG");
        assert!(text.contains(&format!("]({chart})")), "the README does not show {chart}");
    }
    assert!(dir.join("summary.json").is_file());
}

#[test]
fn rendering_twice_gives_the_same_files() {
    let first = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-once");
    let second = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-twice");
    harness::report::render(&records(), &first).unwrap();
    harness::report::render(&records(), &second).unwrap();
    for file in ["README.md", "ladder.svg", "summary.json"] {
        let a = std::fs::read_to_string(first.join(file)).unwrap().replace("report-once", "X");
        let b = std::fs::read_to_string(second.join(file)).unwrap().replace("report-twice", "X");
        assert_eq!(a, b, "{file} differs between two renderings of the same records");
    }
}

/// `base ÷ contender` with the spread the ladder shows, from medians and
/// standard deviations computed here as the report must.
fn expected_speed_up(base_first: f64, first: f64) -> String {
    expected_speed_up_over(base_first, first, 2)
}

/// [`expected_speed_up`] with the same ratio on `programs` programs.
fn expected_speed_up_over(base_first: f64, first: f64, programs: usize) -> String {
    let times = |first: f64| -> Vec<f64> { (0..5).map(|round| first + round as f64 * 0.001 - 0.001).collect() };
    let (base, contender) = (stats::summarize(&times(base_first)).unwrap(), stats::summarize(&times(first)).unwrap());
    let one = stats::ratio_with_error(base.median, base.stddev, contender.median, contender.stddev);
    let (mean, spread) = stats::geometric_mean_with_error(&vec![one; programs]).unwrap();
    format!("{}×", format::ratio(mean, spread))
}

#[test]
fn the_ladder_shows_each_rung_plain_and_tuned_with_its_tunings() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ladder-report");
    let _ = std::fs::remove_dir_all(&dir);
    let text = std::fs::read_to_string(harness::report::render(&records(), &dir).unwrap()).unwrap();

    // The base is the naive rung's plain form; hashmap-walker as tuned is
    // 802 ms / 402 ms faster, fast-vm plain 802 / 202 and tuned 802 / 102,
    // and fast-vm's tunings buy 202 / 102.
    assert!(text.contains("speed-up over `hashmap-walker:plain`"), "{text}");
    let hashmap_row = format!(
        "| `hashmap-walker` | hashmap-walker strategy | 1 (the base) | {0} | {0} | `fx-hash` | 2 |",
        expected_speed_up(0.801, 0.401)
    );
    assert!(text.contains(&hashmap_row), "{hashmap_row}\n{text}");
    let fast_row = format!(
        "| `fast-vm` | fast-vm strategy | {} | {} | {} | `fx-hash`, `fuse` | 2 |",
        expected_speed_up(0.801, 0.201),
        expected_speed_up(0.801, 0.101),
        expected_speed_up(0.201, 0.101),
    );
    assert!(text.contains(&fast_row), "{fast_row}\n{text}");
    // A variant that is neither plain nor tuned, and the peer, are on the
    // same scale below; the peer failed everywhere.
    let partial = format!("| `fast-vm:no-fuse` | fast-vm:no-fuse strategy | {} | 2 |", expected_speed_up(0.801, 0.151));
    assert!(text.contains(&partial), "{partial}\n{text}");
    assert!(text.contains("| `wrong` | wrong strategy | – | 0 |"), "{text}");
    // Every rung's tunings are listed with their summary and class; with no
    // ablation in the directory, the report says how to count them.
    assert!(text.contains("| tunings ([what each does](#the-tunings-of-each-rung)) |"), "{text}");
    assert!(text.contains("### The tunings of each rung"));
    assert!(text.contains("  - `fuse`: Does fuse. *Helps:* every fuse."), "{text}");
    assert!(text.contains("`harness ablate --out DIR` counts what each tuning saves"), "{text}");
}

/// Results saved before the harness kept tunings with its contenders still
/// render: the ladder says what they do not record instead of guessing.
#[test]
fn results_without_tunings_say_so_in_the_ladder() {
    let mut records = records();
    if let Some(Record::Run { contenders, .. }) = records.first_mut() {
        contenders.retain(|c| !c.name.contains(':'));
        for contender in contenders.iter_mut() {
            contender.variant = None;
        }
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ladder-before-tunings");
    let _ = std::fs::remove_dir_all(&dir);
    let text = std::fs::read_to_string(harness::report::render(&records, &dir).unwrap()).unwrap();
    assert!(text.contains("speed-up over `hashmap-walker`:"), "{text}");
    let row = format!(
        "| `fast-vm` | fast-vm strategy | not recorded | {} | – | not recorded | 2 |",
        expected_speed_up(0.401, 0.101)
    );
    assert!(text.contains(&row), "{row}\n{text}");
    assert!(text.contains("- `fast-vm`: not recorded with these results."), "{text}");
}

fn render_to(name: &str, records: &[Record]) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let readme = harness::report::render(records, &dir).unwrap();
    std::fs::read_to_string(readme).unwrap()
}

/// `instant` takes no longer than starting a process (0.001 s, the spawn
/// cost) on `loop`: it has no time there, only a warning.
#[test]
fn a_time_at_or_under_the_spawn_cost_is_below_resolution_and_never_fastest() {
    let mut records = records();
    records.retain(
        |r| !matches!(r, Record::Sample { contender, program, .. } if contender == "fast-vm" && program == "loop"),
    );
    for round in 0..5 {
        records.push(sample("fast-vm", "loop", 9, Suite::Main, round, 0.0007 + round as f64 * 0.0001));
    }
    let text = render_to("below-resolution", &records);
    assert!(
        text.contains("| [loop](#loop) | 9 | 402 ms | 802 ms | *below resolution* | 202 ms | **152 ms** | *failed* |"),
        "{text}"
    );
    assert!(!text.contains("**0**") && !text.contains("≈ 0"), "{text}");
    assert!(text.contains("| `fast-vm` | below resolution (no longer than starting a process) |"), "{text}");
    assert!(text.contains("Fastest here: `fast-vm:no-fuse`."), "{text}");
    assert!(text.contains("1 timing is below resolution"), "{text}");
    assert!(text.contains("fast-vm on loop (n = 9)"), "{text}");
    assert!(text.contains("Raise the program's size (N)"), "{text}");
}

/// `fast-vm` fails `loop`: every contender's mean then covers `fib` alone,
/// and the report says so.
#[test]
fn geometric_means_cover_the_same_programs_for_every_contender() {
    let mut records = records();
    records.retain(|r| match r {
        Record::Sample { contender, program, .. } | Record::Verification { contender, program, .. } => {
            !(contender == "fast-vm" && program == "loop")
        }
        _ => true,
    });
    records.push(verification("fast-vm", "loop", 9, Suite::Main, Some("exited with code 70")));
    let text = render_to("intersection", &records);
    assert!(
        text.contains(
            "over the same 1 program for every engine (those on which every timed engine contender has a time: fib;"
        ),
        "{text}"
    );
    assert!(text.contains("Left out of the means: loop (no time for fast-vm)."), "{text}");
    let fast_row = format!(
        "| `fast-vm` | fast-vm strategy | {} | {} | {} | `fx-hash`, `fuse` | 1 |",
        expected_speed_up_over(0.801, 0.201, 1),
        expected_speed_up_over(0.801, 0.101, 1),
        expected_speed_up_over(0.201, 0.101, 1),
    );
    assert!(text.contains(&fast_row), "{fast_row}\n{text}");
}

#[test]
fn the_fastest_has_no_spread_against_itself_and_counts_agree_with_nouns() {
    let text = render_to("self-spread", &records());
    assert!(text.contains("| `fast-vm` | 102 ± 1.58 ms | 100 ms … 104 ms | 1.00× |"), "{text}");
    assert!(
        text.contains(
            "2 engines as 5 contenders (with their variants) and 1 peer on 2 programs; 5 timed runs per \
             contender and program after 1 warm-up run"
        ),
        "{text}"
    );
    assert!(text.contains("2 cores"), "{text}");
}

/// Results measured with the spawn cost taken in every round subtract each
/// case's own median.
#[test]
fn each_case_subtracts_the_spawn_cost_of_its_own_rounds() {
    let mut records = records();
    for round in 0..5 {
        records.push(Record::SpawnCost {
            program: "fib".to_string(),
            size: 9,
            suite: Suite::Main,
            round,
            wall_s: 0.011,
            date: String::new(),
        });
    }
    let text = render_to("spawn-cost-per-case", &records);
    // fib subtracts 11 ms (392 ms), loop the calibration's 1 ms (402 ms).
    assert!(
        text.contains("| [fib](#fib) | 9 | 392 ms | 792 ms | **92.0 ms** | 192 ms | 142 ms | *failed* |"),
        "{text}"
    );
    assert!(
        text.contains("| [loop](#loop) | 9 | 402 ms | 802 ms | **102 ms** | 202 ms | 152 ms | *failed* |"),
        "{text}"
    );
    assert!(
        text.contains("measured again in every round beside the contenders (11.0 ms to 11.0 ms across programs)"),
        "{text}"
    );
}

/// Adds `program` to the run with five samples of each contender in
/// `times` (first wall time, growing by 1 ms a round, as in [`records`]).
fn add_program(records: &mut Vec<Record>, program: Program, times: &[(&str, f64)]) {
    if let Some(Record::Run { programs, .. }) = records.first_mut() {
        programs.push(program.clone());
    }
    for (name, first) in times {
        records.push(verification(name, &program.name, 9, Suite::Main, None));
        for round in 0..5 {
            records.push(sample(name, &program.name, 9, Suite::Main, round, first + round as f64 * 0.001));
        }
    }
}

/// A speed-up (or any ratio of two contenders' medians) on one program with
/// its spread, for contenders whose five runs start at these wall times.
fn one(numerator_first: f64, denominator_first: f64) -> (f64, f64) {
    let times = |first: f64| -> Vec<f64> { (0..5).map(|round| first + round as f64 * 0.001 - 0.001).collect() };
    let (a, b) =
        (stats::summarize(&times(numerator_first)).unwrap(), stats::summarize(&times(denominator_first)).unwrap());
    stats::ratio_with_error(a.median, a.stddev, b.median, b.stddev)
}

fn mean_cell(ratios: &[(f64, f64)]) -> String {
    let (mean, spread) = stats::geometric_mean_with_error(ratios).unwrap();
    format!("{}×", format::ratio(mean, spread))
}

/// The run of [`records`] with a macro program on which `fast-vm` as tuned
/// is three times slower than on the micro ones, a twin of fib on which it
/// is twice as slow as on fib (the others as on fib), and the native peer.
fn grouped_records() -> Vec<Record> {
    let mut records = records();
    if let Some(Record::Run { contenders, .. }) = records.first_mut() {
        contenders.push(Contender::native(Path::new("native"), vec!["fib".into(), "loop".into(), "rich".into()]));
    }
    for program in ["fib", "loop"] {
        add_program_samples(&mut records, program, &[("native", 0.011)]);
    }
    let mut rich = program("rich");
    rich.group = Group::Macro;
    let mut times: Vec<(&str, f64)> = TIMED.to_vec();
    times.iter_mut().filter(|(name, _)| *name == "fast-vm").for_each(|(_, first)| *first = 0.301);
    times.push(("native", 0.011));
    add_program(&mut records, rich, &times);
    let mut twin = program("fib_twin");
    twin.group = Group::Twin;
    twin.twin_of = Some("fib".to_string());
    let mut times: Vec<(&str, f64)> = TIMED.to_vec();
    times.iter_mut().filter(|(name, _)| *name == "fast-vm").for_each(|(_, first)| *first = 0.201);
    add_program(&mut records, twin, &times);
    records
}

/// Samples of more contenders on a program already in the run.
fn add_program_samples(records: &mut Vec<Record>, program: &str, times: &[(&str, f64)]) {
    for (name, first) in times {
        records.push(verification(name, program, 9, Suite::Main, None));
        for round in 0..5 {
            records.push(sample(name, program, 9, Suite::Main, round, first + round as f64 * 0.001));
        }
    }
}

/// The part of a report from `heading` to the next heading of its level.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text.find(heading).unwrap_or_else(|| panic!("no {heading} in {text}"));
    let rest = &text[start + heading.len()..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

#[test]
fn each_group_has_its_geometric_mean_and_native_code_ends_the_ladder() {
    let text = render_to("groups", &grouped_records());
    assert!(text.contains("| contender | micro (2) | macro (1) | twin (1) | all (4) |"), "{text}");
    // fast-vm: 8× on the micro programs, under 3× on the macro one.
    let fast = [one(0.801, 0.101), one(0.801, 0.101), one(0.801, 0.301), one(0.801, 0.201)];
    let row = format!(
        "| `fast-vm` | {} | {} | {} | {} |",
        mean_cell(&fast[..2]),
        mean_cell(&fast[2..3]),
        mean_cell(&fast[3..]),
        mean_cell(&fast)
    );
    assert!(text.contains(&row), "{row}\n{text}");
    // The native peer has no time on the twin: its mean over all programs
    // says it covers three of the four, and its twin column is empty.
    let groups = section(&text, "## By group of programs");
    let native = groups.lines().find(|line| line.starts_with("| `native` |")).unwrap();
    assert!(native.ends_with(" (on 3) |") && native.contains("| – |"), "{native}");
    // The twin has no native time, so the native table leaves it out.
    assert!(text.contains("### How far from native code"), "{text}");
    assert!(text.contains("| contender | micro (2) | macro (1) | twin (0) | all (3) |"), "{text}");
    let over_native = [one(0.101, 0.011), one(0.101, 0.011), one(0.301, 0.011)];
    let row = format!(
        "| `fast-vm` | {} | {} | – | {} |",
        mean_cell(&over_native[..2]),
        mean_cell(&over_native[2..]),
        mean_cell(&over_native)
    );
    assert!(text.contains(&row), "{row}\n{text}");
}

#[test]
fn the_twin_table_divides_each_twin_by_its_original_and_marks_the_shape_bound() {
    let text = render_to("twins", &grouped_records());
    assert!(text.contains("| contender | fib_twin / fib | geometric mean |"), "{text}");
    // The same times on both: exactly 1 with the spread of both.
    let same = one(0.401, 0.401);
    let cell = format!("{}×", format::ratio(same.0, same.1));
    assert!(text.contains(&format!("| `hashmap-walker` | {cell} | {cell} |")), "{text}");
    // fast-vm takes twice as long on the twin: marked, since the median
    // contender's ratio is 1.
    let twice = one(0.201, 0.101);
    let cell = format!("{}×", format::ratio(twice.0, twice.1));
    assert!(text.contains(&format!("| `fast-vm` | **{cell}** | {cell} |")), "{text}");
    // The native peer has no twin of fib_twin: no ratio, so no row.
    assert!(!section(&text, "## Shape twins").contains("| `native` |"), "{text}");
}
