//! `lox`: run a Lox file, or a prompt, on any registered engine.

#![forbid(unsafe_code)]

use clap::Parser;
use frontend::diagnostics::exit_code;
use frontend::{Engine, Form, Options};
use lox::run::{SourceFrom, Stack};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs a Lox program with one of loxbench's engines. With no FILE, runs the
/// program on standard input when it is piped in, or starts a prompt on a
/// terminal, where each line runs as it is entered, keeping its globals.
#[derive(Parser)]
#[command(name = "lox", version, about, long_about = None)]
struct Cli {
    /// The engine to run with; `--list-engines` shows them all. A variant with some of the engine's tunings
    /// switched off is written NAME:WORD:WORD..., each WORD `plain` (every tuning off), `no-TUNING` (that one
    /// off) or `TUNING` (that one back on), applied left to right: `slot-walker:plain:fx-hash`.
    #[arg(long, short, value_name = "NAME", default_value = "hashmap-walker")]
    engine: String,

    /// Print every registered engine's name and strategy, one per line, and exit.
    #[arg(long)]
    list_engines: bool,

    /// Print the engine's tunings (the optimisations it makes beyond its strategy), each with the class of
    /// programs it helps, and exit.
    #[arg(long)]
    list_tunings: bool,

    /// Run the engine's strategy alone: every tuning off (the same as NAME:plain).
    #[arg(long)]
    plain: bool,

    /// Switch one tuning off (may be given more than once; the same as NAME:no-TUNING).
    #[arg(long, value_name = "TUNING")]
    disable: Vec<String>,

    /// Print FILE in one of the forms the engine runs it through, instead of running it: `ast` (the syntax
    /// tree, variables by name and scope distance), `resolved` (locals by frame slot), `closures` (the closure
    /// compiler's tree of closures) or `bytecode` (a VM's instructions and their sizes). Each engine has some
    /// of them, and says which when asked for one it lacks. The engine's tunings apply: `-e nanbox-vm:plain
    /// --dump bytecode` shows what the strategy alone compiles.
    #[arg(long, value_name = "FORM", value_parser = parse_form)]
    dump: Option<Form>,

    /// The same as `--dump bytecode`.
    #[arg(long, conflicts_with = "dump")]
    disassemble: bool,

    /// Collect garbage at every allocation, to flush out collector bugs (slow).
    #[arg(long)]
    gc_stress: bool,

    /// The heap ceiling: a string that would be larger raises `Out of memory.` (a runtime error, exit 70)
    /// instead of exhausting the machine. Bytes, or a number with K, M or G.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = frontend::memory::parse_size)]
    max_heap: usize,

    /// Start the prompt even when standard input is not a terminal (each line runs as it arrives).
    #[arg(long, conflicts_with = "file")]
    prompt: bool,

    /// Stop after the prepare phase (parse, resolve, compile): how `harness ci` and `harness ablate` count
    /// that phase apart.
    #[arg(long, hide = true, requires = "file", conflicts_with_all = ["dump", "disassemble"])]
    prepare_only: bool,

    /// Run the engine on the main thread instead of a thread with a large stack: how `harness ci` counts
    /// under valgrind, which runs one thread at a time, so that the hand-off between two threads would make
    /// a count depend on the OS scheduler. The caller must give the main thread a large stack
    /// (`valgrind --main-stacksize`).
    #[arg(long, hide = true, requires = "file", conflicts_with_all = ["dump", "disassemble"])]
    main_thread: bool,

    /// After the run, write the engine's counts by kind (executions per opcode, evaluations per node kind)
    /// to PATH, one `family<TAB>name<TAB>count` line each: how `harness explain --opcodes` counts executions.
    /// Only a build with the `work-count` feature counts anything (the file is empty otherwise).
    #[arg(long, hide = true, value_name = "PATH", requires = "file", conflicts_with_all = ["dump", "disassemble", "prepare_only"])]
    counts_to: Option<PathBuf>,

    /// The program to run; `-` reads it from standard input.
    file: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // --help and --version are not errors.
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(exit_code::USAGE as u8);
        }
    };
    if cli.list_engines {
        list_engines();
        return ExitCode::SUCCESS;
    }
    let mut spec = cli.engine.clone();
    if cli.plain {
        spec.push_str(":plain");
    }
    for tuning in &cli.disable {
        spec.push_str(":no-");
        spec.push_str(tuning);
    }
    let variant = match lox::parse_variant(&spec) {
        Ok(variant) => variant,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(exit_code::USAGE as u8);
        }
    };
    let engine = variant.engine;
    if cli.list_tunings {
        list_tunings(engine);
        return ExitCode::SUCCESS;
    }
    let options = frontend::Options { max_heap: cli.max_heap, ..variant.options(cli.gc_stress) };
    let dump = if cli.disassemble { Some(Form::Bytecode) } else { cli.dump };
    if let Some(form) = dump
        && !engine.forms().contains(&form)
    {
        eprintln!("{}", lox::dump::missing_form(engine, form));
        return ExitCode::from(exit_code::USAGE as u8);
    }
    let from = match &cli.file {
        Some(path) if path == Path::new("-") => SourceFrom::Stdin,
        Some(path) => SourceFrom::File(path),
        None if cli.prompt || (std::io::stdin().is_terminal() && dump.is_none()) => {
            return ExitCode::from(frontend::engine::with_engine_stack(move || repl(engine, options)) as u8);
        }
        // Piped input is a whole program, not lines typed at a prompt.
        None => SourceFrom::Stdin,
    };
    let source = match lox::run::read_source(from) {
        Ok(source) => source,
        Err((message, code)) => {
            eprintln!("{message}");
            return ExitCode::from(code as u8);
        }
    };
    if let Some(form) = dump {
        return ExitCode::from(
            frontend::engine::with_engine_stack(|| print_dump(engine, form, &options, &source)) as u8
        );
    }
    let stack = if cli.main_thread { Stack::MainThread } else { Stack::EngineThread };
    let code = match &cli.counts_to {
        Some(path) => lox::run::run_counting(engine, options, &source, stack, path),
        None => lox::run::run_program(engine, options, &source, cli.prepare_only, stack),
    };
    ExitCode::from(code as u8)
}

fn list_tunings(engine: &dyn Engine) {
    if engine.tunings().is_empty() {
        println!("{} declares no tunings: it runs its strategy alone.", engine.name());
        return;
    }
    for tuning in engine.tunings() {
        println!("{}\n  {}\n  Helps: {}", tuning.name, tuning.summary, tuning.class);
    }
}

fn list_engines() {
    let width = lox::engines().iter().map(|e| e.name().len()).max().unwrap_or(0);
    for engine in lox::engines() {
        println!("{:width$}  {}", engine.name(), engine.description());
    }
}

fn print_dump(engine: &dyn Engine, form: Form, options: &Options, source: &str) -> i32 {
    match engine.dump(form, source, options) {
        None => {
            eprintln!("{}", lox::dump::missing_form(engine, form));
            exit_code::USAGE
        }
        Some(Err(errors)) => {
            eprint!("{errors}");
            exit_code::COMPILE_ERROR
        }
        Some(Ok(text)) => {
            print!("{text}");
            0
        }
    }
}

fn parse_form(name: &str) -> Result<Form, String> {
    Form::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Form::ALL.iter().map(|form| form.name()).collect();
        format!("'{name}' is not a form; write one of {}", names.join(", "))
    })
}

/// The prompt: `> `, then each line prepared and run in one session, so
/// globals persist. Errors are reported and the prompt goes on; end of input
/// ends it.
fn repl(engine: &dyn Engine, options: Options) -> i32 {
    let mut session = engine.session(options);
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        print!("> ");
        let _ = std::io::stdout().flush();
        let Some(Ok(line)) = lines.next() else {
            println!();
            return 0;
        };
        let mut out = std::io::stdout().lock();
        let mut err = std::io::stderr().lock();
        lox::run::run_in_session(session.as_mut(), &line, &mut out, &mut err);
    }
}
