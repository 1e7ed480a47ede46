//! The measured child process: `harness __run --engine SPEC FILE` behaves
//! exactly like `lox --engine SPEC FILE` (same output buffering, diagnostics
//! and exit codes, the same variants such as `slot-walker:plain`), so timing
//! the harness's child is timing `lox`: both run the program through
//! [`lox::run::run_program`].

use frontend::Options;
use frontend::diagnostics::exit_code;
use lox::run::{SourceFrom, Stack};
use std::path::Path;

/// Runs `file` on the engine or variant `spec` names (such as
/// `slot-walker:plain`) and returns the exit code. `options` carries the
/// caller's choices (collector stress, heap ceiling); the variant adds the
/// tunings it switches off. With `prepare_only`, stops after the prepare
/// phase (exit code 0 or 65).
pub fn run_file(spec: &str, file: &Path, options: Options, prepare_only: bool, stack: Stack) -> i32 {
    let variant = match lox::parse_variant(spec) {
        Ok(variant) => variant,
        Err(message) => {
            eprintln!("{message}");
            return exit_code::USAGE;
        }
    };
    let options = Options { disabled: variant.disabled, ..options };
    match lox::run::read_source(SourceFrom::File(file)) {
        Ok(source) => lox::run::run_program(variant.engine, options, &source, prepare_only, stack),
        Err((message, code)) => {
            eprintln!("{message}");
            code
        }
    }
}
