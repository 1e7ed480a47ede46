//! `harness`: verify, time and report every engine on every program.

#![forbid(unsafe_code)]

use clap::Parser;
use harness::cli::{Cli, Command};
use harness::{app, bench, child, ci, conformance, profile, report};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => {
            let readme = app::measure_and_report(&cli.measure, command_line())?;
            eprintln!("Report written to {}", readme.display());
        }
        Some(Command::Report { out }) => {
            let readme = report::render_dir(&out.unwrap_or_else(app::default_out))?;
            eprintln!("Report written to {}", readme.display());
        }
        Some(Command::Bench(args)) => bench::run(&args)?,
        Some(Command::Profile(args)) if !args.diff.is_empty() => {
            let svg = profile::diff(&args.diff[0], &args.diff[1], args.output.clone())?;
            eprintln!("Differential flamegraph written to {}", svg.display());
        }
        Some(Command::Profile(args)) => {
            profile::run(&args, command_line())?;
            let out = args.out.unwrap_or_else(app::default_out);
            if out.join(harness::results::RESULTS_FILE).is_file() {
                let readme = report::render_dir(&out)?;
                eprintln!("Report written to {}", readme.display());
            }
        }
        Some(Command::Conformance { engine, gc_stress, dir }) => {
            let dir = dir.unwrap_or_else(|| app::workspace_root().join("tests").join("lox"));
            if !conformance::run(&engine, &dir, gc_stress)? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Some(Command::Ci(args)) => {
            if !ci::run(&args, command_line())? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Some(Command::Ablate(args)) => {
            let readme = harness::ablate::run(&args, command_line())?;
            eprintln!("Report written to {}", readme.display());
        }
        Some(Command::Run { engine, prepare_only, main_thread, file }) => {
            let stack = if main_thread { child::Stack::MainThread } else { child::Stack::EngineThread };
            return Ok(ExitCode::from(child::run_file(&engine, &file, prepare_only, stack) as u8));
        }
        Some(Command::Noop) => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// The command line as a person would type it, for the report's header.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() { "harness".to_string() } else { format!("harness {}", args.join(" ")) }
}
