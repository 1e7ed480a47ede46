//! The conformance runner: `.lox` files whose expected behaviour is written
//! in their own comments (the format of the official Crafting Interpreters
//! suite, described at the end of LOX.md), run through engines and checked
//! byte for byte.
//!
//! The same code drives `cargo test` over `tests/lox/` and the harness's
//! `conformance` command over any directory a user names.

use crate::run::Outcome;
use frontend::diagnostics::exit_code;
use frontend::{Engine, Options};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// What a test file says should happen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectations {
    /// Standard output, line by line.
    pub stdout: Vec<String>,
    /// Compile errors, as full stderr lines (`[line N] Error ...`).
    pub compile_errors: Vec<String>,
    /// A runtime error's message and the line it should be reported on.
    pub runtime_error: Option<(String, u32)>,
    /// The file is marked `// nontest` and should not be run.
    pub skip: bool,
}

/// Reads the expectations out of a test file's comments.
pub fn parse_expectations(source: &str) -> Expectations {
    let mut expected = Expectations::default();
    for (index, line) in source.lines().enumerate() {
        let line_number = index as u32 + 1;
        if line.contains("// nontest") {
            expected.skip = true;
        }
        if let Some(rest) = after(line, "// expect: ") {
            expected.stdout.push(rest.to_string());
        } else if let Some(rest) = after(line, "// expect:") {
            expected.stdout.push(rest.to_string());
        } else if let Some(rest) = after(line, "// expect runtime error: ") {
            expected.runtime_error = Some((rest.to_string(), line_number));
        } else if let Some(rest) = after(line, "// [") {
            // `// [line N] Error ...`, or `// [c line N] Error ...` for
            // clox-specific errors; `[java line N]` is jlox's and not ours.
            let rest = rest.strip_prefix("c ").unwrap_or(rest);
            if let Some(rest) = rest.strip_prefix("line ")
                && let Some((number, error)) = rest.split_once("] ")
                && number.parse::<u32>().is_ok()
                && error.starts_with("Error")
            {
                expected.compile_errors.push(format!("[line {number}] {error}"));
            }
        } else if let Some(rest) = after(line, "// Error") {
            expected.compile_errors.push(format!("[line {line_number}] Error{rest}"));
        }
    }
    expected
}

fn after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    line.find(marker).map(|at| &line[at + marker.len()..])
}

/// Compares an outcome with the expectations; each failure is one sentence.
pub fn check(expected: &Expectations, outcome: &Outcome) -> Vec<String> {
    let mut failures = Vec::new();
    let stdout = String::from_utf8_lossy(&outcome.stdout);
    let stderr = String::from_utf8_lossy(&outcome.stderr);

    let mut actual: Vec<&str> = stdout.split('\n').collect();
    if actual.last() == Some(&"") {
        actual.pop();
    }
    // One trailing empty line is tolerated.
    if actual.len() == expected.stdout.len() + 1 && actual.last() == Some(&"") {
        actual.pop();
    }
    for (index, want) in expected.stdout.iter().enumerate() {
        match actual.get(index) {
            Some(got) if got == want => {}
            Some(got) => {
                failures.push(format!("stdout line {}: expected {want:?}, got {got:?}", index + 1));
                break;
            }
            None => {
                failures.push(format!("stdout ended after {} lines; expected {want:?} next", actual.len()));
                break;
            }
        }
    }
    if actual.len() > expected.stdout.len() && failures.is_empty() {
        failures.push(format!(
            "unexpected stdout line {}: {:?}",
            expected.stdout.len() + 1,
            actual[expected.stdout.len()]
        ));
    }

    let error_lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let want_exit = if let Some((message, line)) = &expected.runtime_error {
        match error_lines.first() {
            Some(first) if first == message => {}
            Some(first) => failures.push(format!("expected runtime error {message:?}, got {first:?}")),
            None => failures.push(format!("expected runtime error {message:?}, got nothing on stderr")),
        }
        let trace = error_lines.iter().skip(1).find(|l| l.contains("[line "));
        let want = format!("[line {line}]");
        match trace {
            Some(trace) if trace.contains(&want) => {}
            Some(trace) => failures.push(format!("expected the error's trace to start at {want}, got {trace:?}")),
            None => failures.push(format!("expected a trace line {want} after the runtime error")),
        }
        exit_code::RUNTIME_ERROR
    } else if !expected.compile_errors.is_empty() {
        for line in &error_lines {
            if !expected.compile_errors.iter().any(|want| want == line) {
                failures.push(format!("unexpected error on stderr: {line:?}"));
            }
        }
        for want in &expected.compile_errors {
            if !error_lines.contains(&want.as_str()) {
                failures.push(format!("missing expected error: {want:?}"));
            }
        }
        exit_code::COMPILE_ERROR
    } else {
        if let Some(first) = error_lines.first() {
            failures.push(format!("expected no stderr, got {first:?}"));
        }
        0
    };
    if outcome.exit_code != want_exit {
        failures.push(format!("expected exit code {want_exit}, got {}", outcome.exit_code));
    }
    failures
}

/// The result of one file on one engine.
#[derive(Clone, Debug)]
pub struct CaseResult {
    pub path: PathBuf,
    pub engine: &'static str,
    pub failures: Vec<String>,
}

/// A thread with the engines' stack size that runs one program after
/// another. Starting a thread with a large stack is cheap natively but costs
/// seconds under valgrind's memcheck (which `.ci/memcheck` runs the corpus
/// under), so a worker keeps one engine thread for as long as its programs
/// finish in time, and starts a new one only after a time-out or a panic.
pub struct EngineThread {
    jobs: mpsc::Sender<Job>,
    outcomes: mpsc::Receiver<Outcome>,
}

struct Job {
    engine: &'static dyn Engine,
    source: String,
    options: Options,
}

impl EngineThread {
    pub fn start() -> Result<EngineThread, String> {
        let (jobs, job_receiver) = mpsc::channel::<Job>();
        let (outcome_sender, outcomes) = mpsc::channel();
        std::thread::Builder::new()
            .name("lox-engine".into())
            .stack_size(frontend::engine::STACK_SIZE)
            .spawn(move || {
                // Ends when the owner drops its sender (done, or gone after a
                // time-out) or stops listening.
                for Job { engine, source, options } in job_receiver {
                    let mut session = engine.session(options);
                    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
                    let exit_code = crate::run::run_in_session(session.as_mut(), &source, &mut stdout, &mut stderr);
                    if outcome_sender.send(Outcome { stdout, stderr, exit_code }).is_err() {
                        break;
                    }
                }
            })
            .map_err(|error| format!("could not start the engine thread: {error}"))?;
        Ok(EngineThread { jobs, outcomes })
    }

    /// Runs `source` on `engine` with a time limit. After an `Err` (a run
    /// past the limit, or a panic) this thread is of no further use: a
    /// running program cannot be stopped, so the thread is abandoned.
    pub fn run(
        &self,
        engine: &'static dyn Engine,
        source: String,
        options: Options,
        limit: Duration,
    ) -> Result<Outcome, String> {
        if self.jobs.send(Job { engine, source, options }).is_err() {
            return Err("the engine thread is gone".to_string());
        }
        match self.outcomes.recv_timeout(limit) {
            Ok(outcome) => Ok(outcome),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("timed out after {} s", limit.as_secs_f64())),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err("the engine panicked".to_string()),
        }
    }
}

/// Runs `source` on `engine` with a time limit, on a thread of its own. A
/// run past the limit is reported as a failure and its thread abandoned.
pub fn run_with_timeout(
    engine: &'static dyn Engine,
    source: String,
    options: Options,
    limit: Duration,
) -> Result<Outcome, String> {
    EngineThread::start()?.run(engine, source, options, limit)
}

/// Runs one test file on one engine and checks it, on `thread` (started
/// when there is none; dropped after a failure that leaves it unusable).
fn run_case_on(
    thread: &mut Option<EngineThread>,
    engine: &'static dyn Engine,
    path: &Path,
    options: Options,
    limit: Duration,
) -> CaseResult {
    let failures = match std::fs::read_to_string(path) {
        Err(error) => vec![format!("could not read the file: {error}")],
        Ok(source) => {
            let expected = parse_expectations(&source);
            if expected.skip {
                Vec::new()
            } else {
                let outcome = match thread.take() {
                    Some(running) => Ok(running),
                    None => EngineThread::start(),
                }
                .and_then(|running| {
                    let outcome = running.run(engine, source, options, limit);
                    if outcome.is_ok() {
                        *thread = Some(running);
                    }
                    outcome
                });
                match outcome {
                    Ok(outcome) => check(&expected, &outcome),
                    Err(failure) => vec![failure],
                }
            }
        }
    };
    CaseResult { path: path.to_path_buf(), engine: engine.name(), failures }
}

/// Runs one test file on one engine and checks it.
pub fn run_case(engine: &'static dyn Engine, path: &Path, options: Options, limit: Duration) -> CaseResult {
    run_case_on(&mut None, engine, path, options, limit)
}

/// Every `.lox` file under `dir`, sorted.
pub fn find_tests(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "lox") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Runs every (engine, file) pair on `threads` worker threads, calling
/// `progress` after each, and returns the results in a stable order.
pub fn run_all(
    engines: &[&'static dyn Engine],
    files: &[PathBuf],
    options: Options,
    limit: Duration,
    threads: usize,
    progress: &(dyn Fn(&CaseResult) + Sync),
) -> Vec<CaseResult> {
    let cases: Vec<(usize, &'static dyn Engine, &PathBuf)> = engines
        .iter()
        .flat_map(|&engine| files.iter().map(move |file| (engine, file)))
        .enumerate()
        .map(|(i, (e, f))| (i, e, f))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::with_capacity(cases.len()));
    let options = &options;
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                let mut thread = None;
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(order, engine, file)) = cases.get(i) else { break };
                    let result = run_case_on(&mut thread, engine, file, options.clone(), limit);
                    progress(&result);
                    results.lock().expect("no worker panics while holding the lock").push((order, result));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("workers are done");
    results.sort_by_key(|(order, _)| *order);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(stdout: &str, stderr: &str, exit_code: i32) -> Outcome {
        Outcome { stdout: stdout.into(), stderr: stderr.into(), exit_code }
    }

    #[test]
    fn parses_every_kind_of_expectation() {
        let source = "print 1; // expect: 1\nprint \"\"; // expect:\nx; // expect runtime error: Boom.\n\
                      1 +; // Error at ';': Expect expression.\n// [line 9] Error at end: Expect '}' after block.\n\
                      // [c line 7] Error: Unexpected character.\n// [java line 8] Error: ignored\n";
        let expected = parse_expectations(source);
        assert_eq!(expected.stdout, vec!["1".to_string(), String::new()]);
        assert_eq!(expected.runtime_error, Some(("Boom.".to_string(), 3)));
        assert_eq!(
            expected.compile_errors,
            vec![
                "[line 4] Error at ';': Expect expression.".to_string(),
                "[line 9] Error at end: Expect '}' after block.".to_string(),
                "[line 7] Error: Unexpected character.".to_string(),
            ]
        );
    }

    #[test]
    fn output_must_match_line_for_line() {
        let expected = parse_expectations("// expect: a\n// expect: b\n");
        assert!(check(&expected, &outcome("a\nb\n", "", 0)).is_empty());
        assert!(check(&expected, &outcome("a\nb\n\n", "", 0)).is_empty(), "one trailing empty line is tolerated");
        assert_eq!(check(&expected, &outcome("a\nc\n", "", 0)).len(), 1);
        assert_eq!(check(&expected, &outcome("a\n", "", 0)).len(), 1);
        assert_eq!(check(&expected, &outcome("a\nb\nc\n", "", 0)).len(), 1);
        assert_eq!(check(&expected, &outcome("a\nb\n", "oops\n", 0)).len(), 1, "stderr must be empty");
        assert_eq!(check(&expected, &outcome("a\nb\n", "", 70)).len(), 1, "exit code must be 0");
    }

    #[test]
    fn runtime_errors_check_message_line_and_exit_code() {
        let expected = parse_expectations("\n\nnil(); // expect runtime error: Can only call functions and classes.\n");
        let good = outcome("", "Can only call functions and classes.\n[line 3] in script\n", 70);
        assert!(check(&expected, &good).is_empty());
        let wrong_line = outcome("", "Can only call functions and classes.\n[line 2] in script\n", 70);
        assert_eq!(check(&expected, &wrong_line).len(), 1);
        let wrong_exit = outcome("", "Can only call functions and classes.\n[line 3] in script\n", 65);
        assert_eq!(check(&expected, &wrong_exit).len(), 1);
    }

    #[test]
    fn compile_errors_are_a_set() {
        let expected = parse_expectations("a; // Error at 'a': One.\nb; // Error at 'b': Two.\n");
        let good = outcome("", "[line 2] Error at 'b': Two.\n[line 1] Error at 'a': One.\n", 65);
        assert!(check(&expected, &good).is_empty());
        let missing = outcome("", "[line 1] Error at 'a': One.\n", 65);
        assert_eq!(
            check(&expected, &missing),
            vec!["missing expected error: \"[line 2] Error at 'b': Two.\"".to_string()]
        );
        let extra =
            outcome("", "[line 1] Error at 'a': One.\n[line 2] Error at 'b': Two.\n[line 3] Error: Three.\n", 65);
        assert_eq!(check(&expected, &extra).len(), 1);
    }

    #[test]
    fn a_run_past_its_limit_fails_and_the_next_case_gets_a_new_thread() {
        let dir = std::env::temp_dir().join(format!("loxbench-conformance-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let endless = dir.join("endless.lox");
        std::fs::write(&endless, "while (true) {}\n").unwrap();
        let quick = dir.join("quick.lox");
        std::fs::write(&quick, "print 1 + 2; // expect: 3\n").unwrap();
        let engine = crate::engines()[0];
        let limit = Duration::from_millis(300);

        let mut thread = None;
        let first = run_case_on(&mut thread, engine, &quick, Options::default(), limit);
        assert!(first.failures.is_empty(), "{:?}", first.failures);
        assert!(thread.is_some(), "a thread that finished in time is kept for the next case");
        let stuck = run_case_on(&mut thread, engine, &endless, Options::default(), limit);
        assert_eq!(stuck.failures, vec!["timed out after 0.3 s".to_string()]);
        assert!(thread.is_none(), "a thread still running a program is abandoned");
        let after = run_case_on(&mut thread, engine, &quick, Options::default(), limit);
        assert!(after.failures.is_empty(), "{:?}", after.failures);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
