//! Running one source on one engine as the `lox` command does: output to a
//! writer, diagnostics to another, and the exit code LOX.md gives. The
//! harness's measured child (`harness __run`) and its counted process (`lox
//! --main-thread`, see [`Stack`]) run a program through [`run_program`] too,
//! so what is timed and counted is what `lox` does.

use crate::output::{self, ProgramOutput};
use frontend::diagnostics::exit_code;
use frontend::{Engine, Options, RunError, Session};
use std::io::{Read, Write};
use std::path::Path;

/// Where a program's source comes from.
#[derive(Clone, Copy, Debug)]
pub enum SourceFrom<'a> {
    File(&'a Path),
    /// Standard input, read to its end (`lox -`, or `lox` with piped input).
    Stdin,
}

/// Reads a program's source, or returns the message to print and the exit
/// code (74, as clox exits when it cannot read a file). Source must be UTF-8;
/// a file that is not says so, rather than claiming it could not be opened.
pub fn read_source(from: SourceFrom<'_>) -> Result<String, (String, i32)> {
    let (bytes, name) = match from {
        SourceFrom::File(path) => match std::fs::read_to_string(path) {
            Ok(source) => return Ok(source),
            // Read again as bytes only to say where the text stops being UTF-8.
            Err(error) if error.kind() == std::io::ErrorKind::InvalidData => match std::fs::read(path) {
                Ok(bytes) => (bytes, format!("file \"{}\"", path.display())),
                Err(_) => return Err((format!("Could not open file \"{}\".", path.display()), exit_code::IO_ERROR)),
            },
            Err(_) => return Err((format!("Could not open file \"{}\".", path.display()), exit_code::IO_ERROR)),
        },
        SourceFrom::Stdin => {
            let mut bytes = Vec::new();
            if let Err(error) = std::io::stdin().lock().read_to_end(&mut bytes) {
                return Err((format!("Could not read standard input: {error}."), exit_code::IO_ERROR));
            }
            (bytes, "standard input".to_string())
        }
    };
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let line = error.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        (
            format!(
                "Could not read {name}: it is not UTF-8 text (an invalid byte on line {line}, at byte offset {at})."
            ),
            exit_code::IO_ERROR,
        )
    })
}

/// Which thread the engine runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stack {
    /// A thread of its own with [`frontend::engine::STACK_SIZE`] of stack:
    /// the right choice everywhere but under valgrind.
    EngineThread,
    /// The calling thread, whose stack the caller has made large enough
    /// (`valgrind --main-stacksize`). Valgrind runs one thread at a time and
    /// lets another in during system calls, so when the main thread joins an
    /// engine thread, whether it finds it finished depends on the OS
    /// scheduler, and the count with it (by 94 instructions of
    /// `pthread_join`, seen here). One thread counts the same every time.
    MainThread,
}

/// Runs `source` as the `lox` command runs a file, with program output
/// buffered on stdout and diagnostics on stderr, and returns the exit code.
/// With `prepare_only`, stops after the prepare phase (exit code 0 or 65),
/// for counting that phase apart.
pub fn run_program(engine: &dyn Engine, options: Options, source: &str, prepare_only: bool, stack: Stack) -> i32 {
    run_with(engine, options, source, prepare_only, stack, None)
}

/// [`run_program`] (the whole program, not its prepare phase alone), then
/// the session's counts by kind (`Session::counters`: executions per opcode,
/// evaluations per node kind) written to `counts_to`, one `family<TAB>name<TAB>count`
/// line each. Only a build with the engines' `work-count` feature has any:
/// `harness explain --opcodes` divides each dispatch arm's instructions by
/// them. The file is written whatever the exit code; failing to write it is
/// an I/O error (exit 74).
pub fn run_counting(engine: &dyn Engine, options: Options, source: &str, stack: Stack, counts_to: &Path) -> i32 {
    run_with(engine, options, source, false, stack, Some(counts_to))
}

fn run_with(
    engine: &dyn Engine,
    options: Options,
    source: &str,
    prepare_only: bool,
    stack: Stack,
    counts_to: Option<&Path>,
) -> i32 {
    let work = move || {
        let mut session = engine.session(options);
        if prepare_only {
            return match session.prepare(source) {
                Ok(()) => 0,
                Err(errors) => {
                    eprint!("{errors}");
                    exit_code::COMPILE_ERROR
                }
            };
        }
        // The output buffer is allocated after the session: where a 64 KiB
        // buffer sits in the heap changes how malloc consolidates for the
        // rest of the run (2-4 % of some counts).
        let mut out = ProgramOutput::stdout();
        // Not when counted under valgrind: a thread waiting for signals is
        // one more thread whose scheduling a count could see. Without the
        // handler the program still runs; only a kill would lose the
        // buffered output.
        if stack == Stack::EngineThread {
            let _ = output::flush_on_termination(&out);
        }
        let mut err = std::io::stderr().lock();
        let code = run_in_session(session.as_mut(), source, &mut out, &mut err);
        match counts_to.map(|path| write_counters(session.as_ref(), path)) {
            Some(Err(error)) => {
                let _ = writeln!(err, "Could not write the counts: {error}");
                exit_code::IO_ERROR
            }
            _ => code,
        }
    };
    match stack {
        Stack::EngineThread => frontend::engine::with_engine_stack(work),
        Stack::MainThread => work(),
    }
}

fn write_counters(session: &dyn Session, path: &Path) -> std::io::Result<()> {
    let lines: String = session
        .counters()
        .into_iter()
        .map(|counter| format!("{}\t{}\t{}\n", counter.family, counter.name, counter.count))
        .collect();
    std::fs::write(path, lines)
}

/// Prepares and runs `source` in `session`, writing program output to `out`
/// and diagnostics to `err`, and returns the exit code: 0, 65 for compile
/// errors, 70 for a runtime error, 74 when the output could not be written.
pub fn run_in_session(session: &mut dyn Session, source: &str, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    if let Err(errors) = session.prepare(source) {
        let _ = write!(err, "{errors}");
        return exit_code::COMPILE_ERROR;
    }
    let result = session.run(out);
    // Whatever the program printed comes out before its error does.
    let flushed = out.flush();
    match (result, flushed) {
        (Ok(()), Ok(())) => 0,
        (Err(RunError::Runtime(error)), _) => {
            let _ = write!(err, "{error}");
            exit_code::RUNTIME_ERROR
        }
        (Err(RunError::Io(error)), _) | (Ok(()), Err(error)) => {
            let _ = writeln!(err, "Could not write output: {error}");
            exit_code::IO_ERROR
        }
    }
}

/// What one run printed and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit_code: i32,
}

/// Runs `source` in a fresh session of `engine`, in this process, on a thread
/// with the engine stack, capturing everything it prints.
pub fn run_captured(engine: &dyn Engine, source: &str, options: Options) -> Outcome {
    frontend::engine::with_engine_stack(|| {
        let mut session = engine.session(options);
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let exit_code = run_in_session(session.as_mut(), source, &mut stdout, &mut stderr);
        Outcome { stdout, stderr, exit_code }
    })
}
