//! The measured child process: `harness __run --engine SPEC FILE` behaves
//! exactly like `lox --engine SPEC FILE` (same output buffering, diagnostics
//! and exit codes, the same variants such as `slot-walker:plain`), so timing
//! the harness's child is timing `lox`.

use frontend::Options;
use frontend::diagnostics::exit_code;
use lox::output::{self, ProgramOutput};
use lox::run::SourceFrom;
use std::path::Path;

/// Which thread the engine runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stack {
    /// A thread of its own with [`frontend::engine::STACK_SIZE`] of stack, as
    /// `lox` runs it: the right choice everywhere but under valgrind.
    EngineThread,
    /// The calling thread, whose stack the caller has made large enough
    /// (`valgrind --main-stacksize`). Valgrind runs one thread at a time and
    /// lets another in during system calls, so when the main thread joins an
    /// engine thread, whether it finds it finished depends on the OS
    /// scheduler, and the count with it (by 94 instructions of
    /// `pthread_join`, seen here). One thread counts the same every time.
    MainThread,
}

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
    let engine = variant.engine;
    let options = Options { disabled: variant.disabled, ..options };
    let source = match lox::run::read_source(SourceFrom::File(file)) {
        Ok(source) => source,
        Err((message, code)) => {
            eprintln!("{message}");
            return code;
        }
    };
    let work = move || {
        let mut session = engine.session(options);
        if prepare_only {
            return match session.prepare(&source) {
                Ok(()) => 0,
                Err(errors) => {
                    eprint!("{errors}");
                    exit_code::COMPILE_ERROR
                }
            };
        }
        // The output buffer is allocated after the session, as `lox` does:
        // where a 64 KiB buffer sits in the heap changes how malloc
        // consolidates for the rest of the run (2-4 % of some counts).
        let mut out = ProgramOutput::stdout();
        // As `lox` does, except when counted under valgrind: a thread
        // waiting for signals is one more thread whose scheduling a count
        // could see.
        if stack == Stack::EngineThread {
            let _ = output::flush_on_termination(&out);
        }
        let mut err = std::io::stderr().lock();
        lox::run::run_in_session(session.as_mut(), &source, &mut out, &mut err)
    };
    match stack {
        Stack::EngineThread => frontend::engine::with_engine_stack(work),
        Stack::MainThread => work(),
    }
}
