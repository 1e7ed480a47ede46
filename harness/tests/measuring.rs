//! The measuring run, end to end, with a mock executor (deterministic: no
//! process is started and no clock is read) and, for the interruption test,
//! with the real binary.

use harness::benchmark::{self, Case, Plan};
use harness::contender::{Contender, Kind};
use harness::measure::{Executor, RunResult};
use harness::progress::Silent;
use harness::results::{self, Record, ResultsWriter, Suite};
use harness::runs::{Adaptive, RunCount};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Answers each command by its first word: `good…` prints the expected
/// output, `bad` prints something else, `noop` prints nothing, `hang` runs
/// past any limit and `slow` takes 30 ms, then past its limit from its
/// second run; `steady` always takes 100 ms and `noisy` 50 and 150 ms in
/// turn. Every call is logged with the limit it was given.
struct Mock {
    calls: Vec<String>,
    limits: Vec<(String, Duration)>,
}

impl Mock {
    fn new() -> Mock {
        Mock { calls: Vec::new(), limits: Vec::new() }
    }
}

impl Executor for Mock {
    fn execute(&mut self, argv: &[String], limit: Duration) -> std::io::Result<RunResult> {
        self.calls.push(argv[0].clone());
        self.limits.push((argv[0].clone(), limit));
        let stdout = match argv[0].as_str() {
            name if name.starts_with("good") || ["slow", "steady", "noisy"].contains(&name) => b"499500\n".to_vec(),
            "bad" => b"499501\n".to_vec(),
            _ => Vec::new(),
        };
        let runs_of_this = self.calls.iter().filter(|c| **c == argv[0]).count();
        let millis = match argv[0].as_str() {
            "noop" => 1,
            "slow" => 30,
            "steady" => 100,
            "noisy" => 50 + 100 * (runs_of_this as u64 % 2),
            _ => 10 + self.calls.len() as u64 % 3,
        };
        let timed_out = argv[0] == "hang" || (argv[0] == "slow" && runs_of_this > 1);
        Ok(RunResult {
            wall: if timed_out { limit } else { Duration::from_millis(millis) },
            user: Duration::from_millis(millis - 1),
            system: Duration::from_millis(0),
            max_rss_bytes: 4 << 20,
            exit_code: if timed_out { None } else { Some(0) },
            timed_out: timed_out.then_some(limit),
            stdout: stdout.into(),
            stderr: Vec::new(),
        })
    }
}

fn contender(name: &str) -> Contender {
    Contender {
        name: name.to_string(),
        kind: Kind::Peer,
        description: format!("the {name} mock"),
        command: vec![name.to_string(), "{lox}".to_string()],
        variant: None,
        twins: None,
    }
}

fn plan() -> Plan {
    Plan {
        contenders: vec![contender("good"), contender("bad")],
        cases: vec![Case {
            suite: Suite::Main,
            program: "loop".to_string(),
            size: 1000,
            expected: b"499500\n".to_vec(),
            lox_path: PathBuf::from("loop-1000.lox"),
            python_path: PathBuf::from("loop.py"),
            weight: 1.0,
        }],
        runs: RunCount::Fixed(4),
        scaling_runs: 1,
        warmup: 1,
        calibration_argv: vec!["noop".to_string()],
        calibration_runs: 5,
        timeout: None,
    }
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn an_engine_with_wrong_output_is_refused_and_never_timed() {
    let dir = scratch_dir("wrong-output");
    let mut writer = ResultsWriter::create(&dir).unwrap();
    let mut mock = Mock::new();
    benchmark::measure(&plan(), &mut mock, &mut writer, &Silent).unwrap();

    // `bad` ran once, to be verified, and never again.
    assert_eq!(mock.calls.iter().filter(|c| *c == "bad").count(), 1);
    // `good`: verification, one warm-up, four timed runs.
    assert_eq!(mock.calls.iter().filter(|c| *c == "good").count(), 6);
    // The do-nothing process: three untimed and five timed calibration runs,
    // then once in each of the four rounds.
    assert_eq!(mock.calls.iter().filter(|c| *c == "noop").count(), 3 + 5 + 4);

    let records = results::read_records(writer.path()).unwrap();
    let verdicts: Vec<(&str, bool, Option<&str>)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Verification { contender, passed, detail, .. } => {
                Some((contender.as_str(), *passed, detail.as_deref()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        verdicts,
        vec![("good", true, None), ("bad", false, Some("line 1: expected \"499500\", got \"499501\""))]
    );
    let timed: Vec<&str> = records
        .iter()
        .filter_map(|r| match r {
            Record::Sample { contender, .. } => Some(contender.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(timed, vec!["good"; 4]);
}

#[test]
fn contenders_are_interleaved_round_by_round() {
    let dir = scratch_dir("interleaved");
    let mut writer = ResultsWriter::create(&dir).unwrap();
    let mut mock = Mock::new();
    let mut plan = plan();
    plan.contenders = vec![contender("good"), contender("good2")];
    plan.warmup = 0;
    plan.calibration_runs = 0;
    benchmark::measure(&plan, &mut mock, &mut writer, &Silent).unwrap();
    // Verification of each, which with no warm-up is round 0, then rounds
    // whose order rotates.
    assert_eq!(mock.calls, vec!["good", "good2", "good2", "good", "good", "good2", "good2", "good"]);
    let records = results::read_records(writer.path()).unwrap();
    let rounds: Vec<(&str, usize)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Sample { contender, round, .. } => Some((contender.as_str(), *round)),
            _ => None,
        })
        .collect();
    assert_eq!(rounds[..3], [("good", 0), ("good2", 0), ("good2", 1)]);
    assert_eq!(rounds.len(), 8, "four timed runs each, the verifying run the first");
}

/// The adaptive count: `steady` stops once six runs (the fewest with a 95 %
/// interval of the median) agree within 2 %; `noisy` never gets there and
/// stops when its runs have taken the budget (0.99 s).
#[test]
fn adaptive_counts_stop_on_precision_or_on_the_budget() {
    let dir = scratch_dir("adaptive");
    let mut writer = ResultsWriter::create(&dir).unwrap();
    let mut mock = Mock::new();
    let mut plan = plan();
    plan.contenders = vec![contender("steady"), contender("noisy")];
    plan.warmup = 0;
    plan.calibration_runs = 0;
    plan.runs = RunCount::Adaptive(Adaptive { min_runs: 3, max_runs: 30, precision: 0.02, budget_s: 0.99 });
    benchmark::measure(&plan, &mut mock, &mut writer, &Silent).unwrap();
    let records = results::read_records(writer.path()).unwrap();
    let samples = |who: &str| {
        records.iter().filter(|r| matches!(r, Record::Sample { contender, .. } if contender == who)).count()
    };
    assert_eq!(samples("steady"), 6);
    // 150 + 50 + ... passes 0.99 s at the tenth run.
    assert_eq!(samples("noisy"), 10);
    assert_eq!(mock.calls.len(), 16, "no run beyond the samples: the verifying run is the first");
    assert_eq!(plan.total_executions(), (6, 60));
}

#[test]
fn the_spawn_cost_is_measured_in_every_round_and_subtracted_per_case() {
    let dir = scratch_dir("spawn-cost");
    let mut writer = ResultsWriter::create(&dir).unwrap();
    let mut mock = Mock::new();
    let mut plan = plan();
    plan.contenders = vec![contender("good")];
    plan.warmup = 0;
    benchmark::measure(&plan, &mut mock, &mut writer, &Silent).unwrap();
    // After calibration (3 + 5 runs of noop), the verifying run is round 0
    // with its do-nothing process; then each round runs `good` and the
    // do-nothing process, the order rotating.
    assert_eq!(&mock.calls[8..], ["good", "noop", "noop", "good", "good", "noop", "noop", "good"]);
    let records = results::read_records(writer.path()).unwrap();
    let rounds: Vec<usize> = records
        .iter()
        .filter_map(|r| match r {
            Record::SpawnCost { round, program, .. } if program == "loop" => Some(*round),
            _ => None,
        })
        .collect();
    assert_eq!(rounds, vec![0, 1, 2, 3]);
}

#[test]
fn a_contender_past_its_time_limit_fails_and_the_others_go_on() {
    let dir = scratch_dir("time-limit");
    let mut writer = ResultsWriter::create(&dir).unwrap();
    let mut mock = Mock::new();
    let mut plan = plan();
    plan.contenders = vec![contender("hang"), contender("slow"), contender("good")];
    plan.calibration_runs = 0;
    benchmark::measure(&plan, &mut mock, &mut writer, &Silent).unwrap();

    let records = results::read_records(writer.path()).unwrap();
    let failures: Vec<(&str, &str)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Verification { contender, passed: false, detail, .. } => {
                Some((contender.as_str(), detail.as_deref().unwrap_or("")))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        failures,
        vec![
            ("hang", "timed out: stopped after 300 s (raise --timeout if it needs longer)"),
            ("slow", "timed run 1: timed out: stopped after 10 s (raise --timeout if it needs longer)"),
        ]
    );
    let samples = |who: &str| {
        records.iter().filter(|r| matches!(r, Record::Sample { contender, .. } if contender == who)).count()
    };
    assert_eq!((samples("good"), samples("slow"), samples("hang")), (4, 0, 0));
    // Verification gets the fixed limit; the warm-up and timed runs ten times
    // the verified run's time, at least 10 s.
    let limits = |who: &str| mock.limits.iter().filter(|(c, _)| c == who).map(|(_, l)| *l).collect::<Vec<_>>();
    assert_eq!(limits("slow"), vec![Duration::from_secs(300), Duration::from_secs(10), Duration::from_secs(10)]);
    assert_eq!(limits("good")[0], Duration::from_secs(300));

    // `--timeout` sets every limit.
    let mut mock = Mock::new();
    plan.timeout = Some(Duration::from_secs(2));
    benchmark::measure(&plan, &mut mock, &mut ResultsWriter::create(&dir).unwrap(), &Silent).unwrap();
    assert!(mock.limits.iter().all(|(_, limit)| *limit == Duration::from_secs(2)));
}

#[test]
fn records_survive_a_json_round_trip() {
    let dir = scratch_dir("round-trip");
    let mut writer = ResultsWriter::create(&dir).unwrap();
    let mut mock = Mock::new();
    benchmark::measure(&plan(), &mut mock, &mut writer, &Silent).unwrap();
    let records = results::read_records(writer.path()).unwrap();
    assert!(!records.is_empty());
    for record in &records {
        let text = serde_json::to_string(record).unwrap();
        let back: Record = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, record);
    }
}

#[test]
fn a_line_cut_short_by_a_kill_is_skipped_and_the_rest_kept() {
    let dir = scratch_dir("cut-short");
    let mut writer = ResultsWriter::create(&dir).unwrap();
    let mut mock = Mock::new();
    benchmark::measure(&plan(), &mut mock, &mut writer, &Silent).unwrap();
    let complete = results::read_records(writer.path()).unwrap();
    let mut text = std::fs::read_to_string(writer.path()).unwrap();
    text.push_str("{\"kind\":\"sample\",\"contender\":\"go");
    std::fs::write(writer.path(), text).unwrap();
    assert_eq!(results::read_records(writer.path()).unwrap(), complete);
}

/// The real binary, killed in the middle of its timed runs by the command
/// it is timing, keeps every record it wrote before.
#[test]
fn killing_the_harness_mid_run_loses_nothing_already_measured() {
    let dir = scratch_dir("killed");
    let counter = dir.join("count");
    let script = dir.join("peer.sh");
    // The peer counts its runs; on its fourth (verification, which with no
    // warm-up is the first timed run, then 2 and 3) it kills its parent, the
    // harness, outright.
    std::fs::write(
        &script,
        format!(
            "n=$(cat {c} 2>/dev/null || echo 0); n=$((n + 1)); echo $n > {c}\n\
             if [ $n -eq 4 ]; then kill -9 $PPID; sleep 1; fi\necho 499500\n",
            c = counter.display()
        ),
    )
    .unwrap();
    let out = dir.join("report");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/programs");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["--allow-debug-build", "--no-python", "--no-native", "--no-scaling", "--engines", "hashmap-walker"])
        .args(["--programs", "loop", "--runs", "5", "--warmup", "0"])
        .arg("--programs-dir")
        .arg(&fixtures)
        .arg("--out")
        .arg(&out)
        .arg("--peer")
        .arg(format!("sh-peer=sh {} {{lox}}", script.display()))
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the harness was killed");

    // The run never finished, so its records are in the partial file.
    assert!(!out.join(results::RESULTS_FILE).exists());
    let records = results::read_records(&out.join(results::PARTIAL_RESULTS_FILE)).unwrap();
    let samples = |who: &str| {
        records.iter().filter(|r| matches!(r, Record::Sample { contender, .. } if contender == who)).count()
    };
    // Round 0 verifies hashmap-walker then the peer; then the order rotates
    // over the two and the do-nothing process: round 1 the peer, round 2
    // hashmap-walker then the peer, round 3 hashmap-walker then the peer,
    // which kills the harness on its fourth run.
    assert_eq!(samples("hashmap-walker"), 4);
    assert_eq!(samples("sh-peer"), 3);
    assert!(matches!(records[0], Record::Run { .. }));

    // The report renders from what was saved.
    let readme = harness::report::render_dir_from(&out, results::PARTIAL_RESULTS_FILE).unwrap();
    let text = std::fs::read_to_string(readme).unwrap();
    assert!(text.contains("| `sh-peer` |"), "{text}");
}

#[test]
fn variants_run_the_main_suite_and_leave_the_scaling_suite_to_the_tuned_engine() {
    let dir = scratch_dir("variants-scaling");
    let mut writer = ResultsWriter::create(&dir).unwrap();
    let mut mock = Mock::new();
    let variant = |name: &str, disabled: &[&str]| Contender {
        kind: Kind::Engine,
        variant: Some(harness::variant::VariantInfo {
            engine: "good".to_string(),
            strategy: "a mock".to_string(),
            disabled: disabled.iter().map(|d| d.to_string()).collect(),
            tunings: vec![harness::variant::TuningInfo {
                name: "fuse".to_string(),
                summary: "s".to_string(),
                class: "c".to_string(),
            }],
        }),
        ..contender(name)
    };
    let mut plan = plan();
    plan.contenders = vec![variant("good", &[]), variant("good:plain", &["fuse"])];
    let mut scaling = plan.cases[0].clone();
    scaling.suite = Suite::Scaling;
    plan.cases.push(scaling);
    plan.calibration_runs = 0;
    benchmark::measure(&plan, &mut mock, &mut writer, &Silent).unwrap();
    // Main: verification, warm-up and 4 runs each; scaling: the tuned
    // engine alone, verification, warm-up and 1 run.
    assert_eq!(mock.calls.iter().filter(|c| *c == "good").count(), 6 + 3);
    assert_eq!(mock.calls.iter().filter(|c| *c == "good:plain").count(), 6);
    assert_eq!(plan.total_executions(), (6 + 3 + 6, 6 + 3 + 6));
}

/// `__run` takes the variants `lox --engine` takes, and refuses a bad one
/// with the message `lox` gives and its usage exit code.
#[test]
fn the_measured_child_runs_variants_and_refuses_bad_ones() {
    let engine = lox::engines().iter().copied().find(|e| !e.tunings().is_empty()).expect("an engine with tunings");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/programs/loop.lox");
    let run = |spec: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_harness"))
            .args(["__run", "--engine", spec])
            .arg(&file)
            .output()
            .unwrap()
    };
    let expected =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/programs/expected/loop-1000.out"))
            .unwrap();
    for spec in [format!("{}:plain", engine.name()), format!("{}:no-{}", engine.name(), engine.tunings()[0].name)] {
        let output = run(&spec);
        assert!(output.status.success(), "{spec}: {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.stdout, expected, "{spec}");
    }
    let bad = run(&format!("{}:no-such-tuning", engine.name()));
    assert_eq!(bad.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-tuning"));
}
