//! The measured child process: `harness __run --engine NAME FILE` behaves
//! exactly like `lox --engine NAME FILE` (same output buffering, diagnostics
//! and exit codes), so timing the harness's child is timing `lox`.

use frontend::Options;
use frontend::diagnostics::exit_code;
use std::io::BufWriter;
use std::path::Path;

/// Runs `file` on the engine called `engine_name` and returns the exit code;
/// with `prepare_only`, stops after the prepare phase (exit code 0 or 65).
pub fn run_file(engine_name: &str, file: &Path, prepare_only: bool) -> i32 {
    let Some(engine) = lox::find_engine(engine_name) else {
        eprintln!("Unknown engine '{engine_name}'. Registered engines: {}.", lox::registry::engine_names());
        return exit_code::USAGE;
    };
    let Ok(source) = std::fs::read_to_string(file) else {
        eprintln!("Could not open file \"{}\".", file.display());
        return exit_code::IO_ERROR;
    };
    frontend::engine::with_engine_stack(move || {
        let mut session = engine.session(Options::default());
        if prepare_only {
            return match session.prepare(&source) {
                Ok(()) => 0,
                Err(errors) => {
                    eprint!("{errors}");
                    exit_code::COMPILE_ERROR
                }
            };
        }
        let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let mut err = std::io::stderr().lock();
        lox::run::run_in_session(session.as_mut(), &source, &mut out, &mut err)
    })
}
