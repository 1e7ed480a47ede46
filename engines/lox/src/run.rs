//! Running one source on one engine as the `lox` command does: output to a
//! writer, diagnostics to another, and the exit code LOX.md gives.

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
