//! Errors as values, and the exact text clox prints for them.
//!
//! Every engine reports through these types, so the formats live here once:
//! a compile error is `[line N] Error at 'x': message`, and a runtime error is
//! its message followed by one `[line N] in NAME()` line per active call.

use std::fmt;

/// Where on its line a compile error points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorLocation {
    /// At a token, shown with its source text.
    At(String),
    /// At the end of the source.
    AtEnd,
    /// Nowhere in particular: scanner errors.
    Nowhere,
}

/// One compile error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub line: u32,
    pub location: ErrorLocation,
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[line {}] Error", self.line)?;
        match &self.location {
            ErrorLocation::At(lexeme) => write!(f, " at '{lexeme}'")?,
            ErrorLocation::AtEnd => write!(f, " at end")?,
            ErrorLocation::Nowhere => {}
        }
        write!(f, ": {}", self.message)
    }
}

/// All the compile errors of one source, in the order they were found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileErrors(pub Vec<CompileError>);

impl fmt::Display for CompileErrors {
    /// One line per error, each ending in a newline, as printed on stderr.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for error in &self.0 {
            writeln!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CompileErrors {}

/// One line of a runtime error's trace: a frame and the line it was executing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLine {
    pub line: u32,
    /// The function's name, or `None` for the top-level script.
    pub function: Option<String>,
}

/// A runtime error: its message and the call stack when it happened,
/// innermost frame first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeError {
    pub message: String,
    pub trace: Vec<TraceLine>,
}

impl fmt::Display for RuntimeError {
    /// The message and the trace, each line ending in a newline, as on stderr.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.message)?;
        for frame in &self.trace {
            match &frame.function {
                Some(name) => writeln!(f, "[line {}] in {}()", frame.line, name)?,
                None => writeln!(f, "[line {}] in script", frame.line)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for RuntimeError {}

/// Why a run stopped early.
#[derive(Debug)]
pub enum RunError {
    /// The program raised a Lox runtime error.
    Runtime(RuntimeError),
    /// Writing the program's output failed (a closed pipe, a full disk).
    Io(std::io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Runtime(error) => write!(f, "{error}"),
            RunError::Io(error) => write!(f, "could not write the program's output: {error}"),
        }
    }
}

impl std::error::Error for RunError {}

impl From<std::io::Error> for RunError {
    fn from(error: std::io::Error) -> Self {
        RunError::Io(error)
    }
}

impl From<RuntimeError> for RunError {
    fn from(error: RuntimeError) -> Self {
        RunError::Runtime(error)
    }
}

/// Exit codes, as clox uses them (the BSD `sysexits.h` values).
pub mod exit_code {
    /// Wrong command-line usage.
    pub const USAGE: i32 = 64;
    /// The source had compile errors.
    pub const COMPILE_ERROR: i32 = 65;
    /// The program raised a runtime error.
    pub const RUNTIME_ERROR: i32 = 70;
    /// The source file could not be read.
    pub const IO_ERROR: i32 = 74;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_error_formats() {
        let at = CompileError {
            line: 3,
            location: ErrorLocation::At("\"s\"".into()),
            message: "Expect ';' after value.".into(),
        };
        assert_eq!(at.to_string(), "[line 3] Error at '\"s\"': Expect ';' after value.");
        let end = CompileError { line: 9, location: ErrorLocation::AtEnd, message: "Expect '}' after block.".into() };
        assert_eq!(end.to_string(), "[line 9] Error at end: Expect '}' after block.");
        let scan = CompileError { line: 1, location: ErrorLocation::Nowhere, message: "Unexpected character.".into() };
        assert_eq!(scan.to_string(), "[line 1] Error: Unexpected character.");
    }

    #[test]
    fn runtime_error_formats_message_then_trace() {
        let error = RuntimeError {
            message: "Operands must be numbers.".into(),
            trace: vec![TraceLine { line: 2, function: Some("f".into()) }, TraceLine { line: 5, function: None }],
        };
        assert_eq!(error.to_string(), "Operands must be numbers.\n[line 2] in f()\n[line 5] in script\n");
    }
}
