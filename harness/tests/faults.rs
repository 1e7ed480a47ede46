//! The harness under bad input and faulty contenders, end to end with the
//! real binary: what it must never do is lose a result, hang, or pass a
//! broken run. Faults are injected by peer scripts and program directories
//! made for each test.

use harness::results::{self, Record};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/programs")
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("faults").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The harness on the fixture programs' `loop`, with one engine, one timed
/// run and no warm-up: the smallest real run.
fn harness(out: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_harness"));
    command
        .args([
            "--allow-debug-build",
            "--quick",
            "--no-python",
            "--no-native",
            "--no-scaling",
            "--engines",
            "hashmap-walker",
        ])
        .args(["--programs", "loop", "--runs", "1", "--warmup", "0"])
        .arg("--out")
        .arg(out)
        .args(extra)
        .stdin(Stdio::null());
    if !extra.contains(&"--programs-dir") {
        command.arg("--programs-dir").arg(fixtures());
    }
    command
}

fn run(mut command: Command) -> Output {
    command.output().expect("the harness runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A shell-script peer in `dir` with the given body; returns its `--peer`.
fn peer(dir: &Path, name: &str, body: &str) -> String {
    let script = dir.join(format!("{name}.sh"));
    std::fs::write(&script, body).unwrap();
    format!("{name}=sh {} {{lox}}", script.display())
}

fn records(out: &Path) -> Vec<Record> {
    results::read_records(&out.join(results::RESULTS_FILE)).unwrap()
}

fn failures(records: &[Record]) -> Vec<(String, String)> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Verification { contender, passed: false, detail, .. } => {
                Some((contender.clone(), detail.clone().unwrap_or_default()))
            }
            _ => None,
        })
        .collect()
}

/// Copies the fixture programs into `dir`, for a test to break.
fn copy_fixtures(dir: &Path) -> PathBuf {
    let programs = dir.join("programs");
    for sub in ["", "expected", "python"] {
        std::fs::create_dir_all(programs.join(sub)).unwrap();
        for entry in std::fs::read_dir(fixtures().join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, programs.join(sub).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    programs
}

#[test]
fn programs_that_fail_validation_leave_the_earlier_results_untouched() {
    let dir = scratch_dir("validation");
    let out = dir.join("report");
    let first = run(harness(&out, &[]));
    assert!(first.status.success(), "{}", stderr(&first));
    let before = std::fs::read(out.join(results::RESULTS_FILE)).unwrap();
    assert!(!before.is_empty());

    // A program without its size line, then a size without expected output.
    let programs = copy_fixtures(&dir);
    std::fs::write(programs.join("loop.lox"), "print 499500;\n").unwrap();
    let programs_dir = programs.display().to_string();
    let broken = run(harness(&out, &["--programs-dir", &programs_dir]));
    assert!(!broken.status.success());
    assert!(stderr(&broken).contains("no line of the form `var N = 123;`"), "{}", stderr(&broken));
    assert_eq!(std::fs::read(out.join(results::RESULTS_FILE)).unwrap(), before);

    std::fs::copy(fixtures().join("loop.lox"), programs.join("loop.lox")).unwrap();
    std::fs::remove_file(programs.join("expected/loop-100.out")).unwrap();
    let missing = run(harness(&out, &["--programs-dir", &programs_dir]));
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("no expected output for loop at size 100"), "{}", stderr(&missing));
    assert_eq!(std::fs::read(out.join(results::RESULTS_FILE)).unwrap(), before);
    assert!(!out.join(results::PARTIAL_RESULTS_FILE).exists(), "nothing was measured, so nothing was started");
}

#[test]
fn a_directory_the_harness_did_not_make_is_refused_unless_forced() {
    let dir = scratch_dir("foreign-out");
    std::fs::write(dir.join("README.md"), "# My own notes\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "keep me\n").unwrap();
    let refused = run(harness(&dir, &[]));
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("holds files the harness did not write (README.md, notes.txt)"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(std::fs::read_to_string(dir.join("README.md")).unwrap(), "# My own notes\n");
    assert!(!dir.join(results::PARTIAL_RESULTS_FILE).exists() && !dir.join("programs").exists());

    let forced = run(harness(&dir, &["--force"]));
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(std::fs::read_to_string(dir.join("README.md")).unwrap().starts_with("<!-- Generated by"));
    // From now on the directory is the harness's own.
    let again = run(harness(&dir, &[]));
    assert!(again.status.success(), "{}", stderr(&again));
}

#[test]
fn any_failed_contender_makes_the_exit_code_1_unless_failures_are_ignored() {
    let dir = scratch_dir("failures");
    let out = dir.join("report");
    let wrong = peer(&dir, "wrong", "echo 42\n");
    let missing = "ghost=/no/such/command {lox}".to_string();
    for (peer, detail) in [(&wrong, "line 1: expected \"4950\", got \"42\""), (&missing, "could not start")] {
        let failed = run(harness(&out, &["--peer", peer]));
        assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
        assert!(stderr(&failed).contains("--ignore-failure"), "{}", stderr(&failed));
        let found = failures(&records(&out));
        assert_eq!(found.len(), 1);
        assert!(found[0].1.contains(detail), "{found:?}");
        // The report is written all the same.
        assert!(out.join("README.md").is_file());

        let ignored = run(harness(&out, &["--peer", peer, "--ignore-failure"]));
        assert_eq!(ignored.status.code(), Some(0), "{}", stderr(&ignored));
    }
}

#[test]
fn a_hanging_peer_times_out_with_everything_it_started_and_the_engines_go_on() {
    let dir = scratch_dir("hang");
    let out = dir.join("report");
    let marker = dir.join("grandchild-ran");
    // The peer leaves a child that would write a file after 4 s, then hangs.
    let hang = peer(&dir, "hang", &format!("(sleep 4; touch {}) &\nsleep 1000\n", marker.display()));
    let started = Instant::now();
    let output = run(harness(&out, &["--peer", &hang, "--timeout", "2"]));
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let records = records(&out);
    assert_eq!(
        failures(&records),
        vec![("hang".to_string(), "timed out: stopped after 2 s (raise --timeout if it needs longer)".to_string())]
    );
    assert!(records.iter().any(|r| matches!(r, Record::Sample { contender, .. } if contender == "hashmap-walker")));
    std::thread::sleep(Duration::from_secs(4));
    assert!(!marker.exists(), "the peer's own child was stopped with it");
}

#[test]
fn sigterm_stops_the_harness_and_its_child_and_keeps_what_was_measured() {
    let dir = scratch_dir("sigterm");
    let out = dir.join("report");
    let pid_file = dir.join("peer.pid");
    let hang = peer(&dir, "hang", &format!("echo $$ > {}\nsleep 1000\n", pid_file.display()));
    let harness = harness(&out, &["--peer", &hang]).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !pid_file.is_file() || std::fs::read_to_string(&pid_file).unwrap().trim().is_empty() {
        assert!(Instant::now() < deadline, "the peer never started");
        std::thread::sleep(Duration::from_millis(100));
    }
    let peer_pid = std::fs::read_to_string(&pid_file).unwrap().trim().to_string();
    assert!(Command::new("kill").args(["-TERM", &harness.id().to_string()]).status().unwrap().success());
    let output = harness.wait_with_output().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(output.status.signal(), Some(15), "{}", stderr(&output));
    assert!(stderr(&output).contains("Interrupted: the records measured so far are kept in"), "{}", stderr(&output));
    // The stuck peer went with the harness.
    std::thread::sleep(Duration::from_millis(500));
    // Gone, or a zombie waiting for whichever process inherited it.
    let state = std::fs::read_to_string(format!("/proc/{peer_pid}/stat")).unwrap_or_default();
    let alive = state.rsplit(')').next().is_some_and(|rest| !rest.trim_start().starts_with('Z') && !rest.is_empty());
    assert!(!alive, "the peer (pid {peer_pid}) outlived the harness: {state}");
    let partial = results::read_records(&out.join(results::PARTIAL_RESULTS_FILE)).unwrap();
    assert!(
        partial.iter().any(
            |r| matches!(r, Record::Verification { contender, passed: true, .. } if contender == "hashmap-walker")
        )
    );
}

#[test]
fn a_peer_that_prints_hundreds_of_megabytes_does_not_inflate_later_peak_rss() {
    let dir = scratch_dir("large-output");
    let out = dir.join("report");
    // Verified before the engine's timed run, in the same case.
    let flood = peer(&dir, "flood", "head -c 300000000 /dev/zero\n");
    let output = run(harness(&out, &["--peer", &flood, "--ignore-failure"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let records = records(&out);
    assert!(failures(&records)[0].1.starts_with("line 1: expected \"4950\", got"), "{:?}", failures(&records));
    let peak = records
        .iter()
        .filter_map(|r| match r {
            Record::Sample { contender, max_rss_bytes, .. } if contender == "hashmap-walker" => Some(*max_rss_bytes),
            _ => None,
        })
        .max()
        .unwrap();
    assert!(peak < 100 << 20, "hashmap-walker's peak RSS is {} MiB", peak >> 20);
}

#[test]
fn report_links_work_from_any_output_directory() {
    let dir = scratch_dir("links");
    let out = dir.join("deeper").join("report");
    let output = run(harness(&out, &[]));
    assert!(output.status.success(), "{}", stderr(&output));
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    let link = readme.split("[METHODOLOGY.md](").nth(1).unwrap().split(')').next().unwrap();
    assert!(out.join(link).is_file(), "the link {link} leads nowhere from {}", out.display());
}

/// A stand-in for cargo that records its arguments and exits with 7.
fn fake_cargo(dir: &Path) -> (PathBuf, PathBuf) {
    let log = dir.join("cargo-args");
    let script = dir.join("cargo");
    std::fs::write(&script, format!("#!/bin/sh\necho \"$@\" > {}\nexit 7\n", log.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, log)
}

#[test]
fn a_debug_build_hands_timing_over_to_the_release_build() {
    let dir = scratch_dir("handover");
    let (cargo, log) = fake_cargo(&dir);
    let output = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["--quick", "--no-python"])
        .env("CARGO", &cargo)
        .env_remove("LOXBENCH_HANDED_OVER")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(7), "the release harness's exit code is passed on: {}", stderr(&output));
    let text = stderr(&output);
    let said: Vec<&str> = text.lines().collect();
    assert_eq!(said.len(), 1, "one line says what happens: {said:?}");
    assert!(
        said[0].contains("debug build") && said[0].contains("cargo run --release -p harness -- --quick --no-python")
    );
    let args = std::fs::read_to_string(&log).unwrap();
    assert!(args.starts_with("run --release -p harness --manifest-path "), "{args}");
    assert!(args.trim_end().ends_with("Cargo.toml -- --quick --no-python"), "{args}");
}

#[test]
fn profile_from_a_timing_build_hands_over_to_the_profiling_build() {
    let dir = scratch_dir("profile-handover");
    let (cargo, log) = fake_cargo(&dir);
    let output = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["profile", "--quick"])
        .env("CARGO", &cargo)
        .env_remove("LOXBENCH_HANDED_OVER")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    let args = std::fs::read_to_string(&log).unwrap();
    assert!(args.starts_with("run --release -p harness --features profiling --bin harness-profiling"), "{args}");
    assert!(args.trim_end().ends_with("-- profile --quick"), "{args}");
}

#[test]
fn the_peer_help_shows_every_placeholder() {
    for flag in ["-h", "--help"] {
        let output = Command::new(env!("CARGO_BIN_EXE_harness")).arg(flag).output().unwrap();
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("`{lox}`, `{py}`, `{n}` and `{name}`") || help.contains("`{n}` (the size)"), "{help}");
    }
}

#[test]
fn conformance_stops_a_test_that_never_ends() {
    let dir = scratch_dir("conformance");
    std::fs::write(dir.join("endless.lox"), "while (true) {}\n").unwrap();
    std::fs::write(dir.join("fine.lox"), "print 1 + 2; // expect: 3\n").unwrap();
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["conformance", "--engine", "hashmap-walker", "--timeout", "2"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout.contains("FAIL endless.lox on hashmap-walker:\n    timed out: stopped after 2 s"), "{stdout}");
    assert!(stdout.ends_with("1 passed, 1 failed\n"), "{stdout}");
}

/// A test that runs out of memory fails alone: the runner and the other
/// results survive it, and with the ceiling it is a Lox runtime error.
#[test]
fn conformance_survives_a_test_that_runs_out_of_memory() {
    let dir = scratch_dir("conformance-memory");
    let doubling = "print \"before\"; // expect: before\nvar s = \"x\";\n\
                    for (var i = 0; i < 40; i = i + 1) s = s + s; // expect runtime error: Out of memory.\n";
    std::fs::write(dir.join("doubling.lox"), doubling).unwrap();
    std::fs::write(dir.join("fine.lox"), "print 1 + 2; // expect: 3\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["conformance", "--max-heap", "8M"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.ends_with(&format!("{} passed, 0 failed\n", 2 * lox::engines().len())), "{stdout}");
}
