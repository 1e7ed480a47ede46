//! The command line of both harness binaries: `harness` (the timing build)
//! and `harness-profiling` (the same code with the `profiling` feature:
//! pprof, the counting allocator and the engines' work counters). They are
//! two binaries of one release build, so that the profiling build shares
//! every dependency already compiled for the timing build and neither ever
//! overwrites the other's file.

use crate::cli::{Cli, Command, MergeAction, ProfileArgs};
use crate::handover::{self, Build};
use crate::{
    app, bench, child, ci, compare, conformance, explain, export, fuzz, outdir, process, profile, provenance, report,
};
use clap::Parser;
use std::process::ExitCode;

/// Parses the command line and runs what it asks.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The measured child and the do-nothing process stay as lean as `lox`;
    // every other command stops its children when it is stopped.
    if !matches!(cli.command, Some(Command::Run { .. } | Command::Noop))
        && let Err(error) = process::stop_children_on_termination()
    {
        eprintln!("warning: could not install the signal handler ({error}); a stopped harness may leave children");
    }
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Why a debug build does not time.
const DEBUG_BUILD: &str = "this harness is a debug build, and timings of unoptimised engines say nothing about them";

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None if provenance::is_debug_build() && !cli.measure.allow_debug_build => {
            return handover::run(Build::Release, DEBUG_BUILD);
        }
        None => {
            let measured = app::measure_and_report(&cli.measure, command_line())?;
            eprintln!("Report written to {}", measured.readme.display());
            let results = measured.readme.with_file_name(crate::results::RESULTS_FILE);
            for path in export::write_from(&results, &cli.measure.export)? {
                eprintln!("Exported to {}", path.display());
            }
            if !measured.failures.is_empty() {
                list_failures(
                    &measured.failures,
                    ("contender × program", "contender × program pairs"),
                    "failed (see the report's Verification section)",
                );
                if !cli.measure.ignore_failure {
                    eprintln!("Exiting with 1 because of these failures (--ignore-failure exits with 0).");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        Some(Command::Report { out, partial, force, export }) => {
            let out = out.unwrap_or_else(app::default_out);
            outdir::claim(&out, force)?;
            let file = if partial { crate::results::PARTIAL_RESULTS_FILE } else { crate::results::RESULTS_FILE };
            let readme = report::render_dir_from(&out, file)?;
            eprintln!("Report written to {}", readme.display());
            for path in export::write_from(&out.join(file), &export)? {
                eprintln!("Exported to {}", path.display());
            }
        }
        Some(Command::Compare(args)) => {
            let readme = compare::run(&args, &command_line())?;
            eprintln!("Comparison written to {}", readme.display());
        }
        Some(Command::Bench(_)) if provenance::is_debug_build() => {
            return handover::run(Build::Release, DEBUG_BUILD);
        }
        Some(Command::Bench(args)) => bench::run(&args)?,
        Some(Command::Profile(ProfileArgs { action: Some(MergeAction::Merge(merge)), .. })) => {
            let out = profile::merge::run(&merge, &command_line())?;
            if out.join(crate::results::RESULTS_FILE).is_file() {
                let readme = report::render_dir(&out)?;
                eprintln!("Report written to {}", readme.display());
            }
        }
        Some(Command::Profile(args)) if !args.diff.is_empty() => {
            let svg = profile::diff(&args.diff[0], &args.diff[1], args.output.clone())?;
            eprintln!("Differential flamegraph written to {}", svg.display());
        }
        Some(Command::Profile(_)) if !profile::AVAILABLE => {
            return handover::run(Build::Profiling, "profiling needs the profiling build of the harness");
        }
        Some(Command::Profile(args)) => {
            let out = args.out.clone().unwrap_or_else(app::default_out);
            outdir::claim(&out, args.force)?;
            profile::run(&args, command_line())?;
            if out.join(crate::results::RESULTS_FILE).is_file() {
                let readme = report::render_dir(&out)?;
                eprintln!("Report written to {}", readme.display());
            }
        }
        Some(Command::Conformance { engine, gc_stress, timeout, max_heap, dir }) => {
            let dir = dir.unwrap_or_else(|| app::workspace_root().join("tests").join("lox"));
            if !(timeout > 0.0 && timeout.is_finite()) {
                anyhow::bail!("--timeout must be a positive number of seconds; got {timeout}");
            }
            let timeout = std::time::Duration::from_secs_f64(timeout);
            let settings = conformance::Settings { gc_stress, timeout, max_heap };
            if !conformance::run(&engine, &dir, &settings)? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Some(Command::Ci(args)) => {
            if !ci::run(&args, command_line())? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Some(Command::Explain(_)) if provenance::BUILD_PROFILE != "release" => {
            return handover::run(Build::Release, "explaining counts the instructions of the release build");
        }
        Some(Command::Explain(args)) => {
            if !explain::run(&args, command_line())? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Some(Command::Ablate(args)) => {
            let ablated = match &args.action {
                Some(MergeAction::Merge(merge)) => crate::ablate::merge::run(merge, &command_line())?,
                None => crate::ablate::run(&args, command_line())?,
            };
            eprintln!("Report written to {}", ablated.readme.display());
            if !ablated.failures.is_empty() {
                list_failures(
                    &ablated.failures,
                    ("variant × program was", "variant × program pairs were"),
                    "not counted (see the report's ablation section)",
                );
                return Ok(ExitCode::FAILURE);
            }
        }
        Some(Command::Fuzz(args)) => {
            if !fuzz::run(&args)? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Some(Command::Run { engine, prepare_only, main_thread, gc_stress, max_heap, file }) => {
            let stack = if main_thread { lox::run::Stack::MainThread } else { lox::run::Stack::EngineThread };
            let options = frontend::Options { gc_stress, max_heap, ..frontend::Options::default() };
            return Ok(ExitCode::from(child::run_file(&engine, &file, options, prepare_only, stack) as u8));
        }
        Some(Command::Noop) => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists what failed on stderr, one line each, under a line that counts them.
fn list_failures(failures: &[String], nouns: (&str, &str), verdict: &str) {
    eprintln!("{} {verdict}:", crate::report::format::plural(failures.len(), nouns.0, nouns.1));
    for failure in failures {
        eprintln!("  {failure}");
    }
}

/// The command line as a person would type it, for the report's header.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() { "harness".to_string() } else { format!("harness {}", args.join(" ")) }
}
