//! In-process timing with criterion: a group per program, and in it every
//! engine's prepare phase (new session, parse, resolve, compile) and run
//! phase (execute the prepared program, output discarded) timed apart, at the
//! small size. Shared by `cargo bench -p harness` and `harness bench`.
//!
//! Each engine's output is checked once before its benchmarks: a wrong engine
//! is left out with a message, as in the process-level run.

use crate::cli::BenchArgs;
use crate::programs::ProgramSet;
use crate::variant::EngineVariant;
use crate::verify;
use anyhow::Result;
use criterion::{BatchSize, BenchmarkId, Criterion};
use std::time::Duration;

/// What to benchmark.
#[derive(Clone)]
pub struct Selection {
    pub programs: ProgramSet,
    pub program_names: Vec<String>,
    pub engines: Vec<EngineVariant>,
}

impl Selection {
    pub fn from_args(args: &BenchArgs) -> Result<Selection> {
        let programs = args.select.program_set()?;
        let program_names = args.select.programs(&programs)?.iter().map(|p| p.name.clone()).collect();
        Ok(Selection { programs, program_names, engines: args.select.engines()? })
    }
}

/// Criterion with settings that keep a run of every engine on every program
/// within minutes on two cores; command-line options given to `cargo bench`
/// still override them.
pub fn criterion(quick: bool) -> Criterion {
    let criterion = Criterion::default();
    if quick {
        criterion.sample_size(20).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1))
    } else {
        criterion.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2))
    }
}

/// Registers and runs every benchmark of `selection` on `criterion`.
pub fn benchmark(criterion: &mut Criterion, selection: &Selection) -> Result<()> {
    for program_name in &selection.program_names {
        let program = selection.programs.find(program_name).expect("selected programs exist");
        let source = selection.programs.sized_source(program_name, program.small)?;
        let expected = selection.programs.expected_output(program_name, program.small)?;
        let mut group = criterion.benchmark_group(format!("{program_name}-{}", program.small));
        for variant in &selection.engines {
            let (engine, options, name) = (variant.engine(), variant.options(), variant.name.as_str());
            let outcome = lox::run::run_captured(engine, &source, options.clone());
            let run = crate::measure::RunResult {
                exit_code: Some(outcome.exit_code),
                stdout: outcome.stdout.into(),
                stderr: outcome.stderr,
                ..Default::default()
            };
            if let Err(detail) = verify::check(&expected, &run) {
                eprintln!("note: {name} is left out of {program_name}: its output is wrong: {detail}");
                continue;
            }
            group.bench_function(BenchmarkId::new("prepare", name), |b| {
                b.iter_batched(
                    || engine.session(options.clone()),
                    |mut session| {
                        session.prepare(&source).expect("the program compiled when it was verified");
                        // Returned so that dropping it is not timed.
                        session
                    },
                    BatchSize::SmallInput,
                );
            });
            group.bench_function(BenchmarkId::new("run", name), |b| {
                b.iter_batched(
                    || {
                        let mut session = engine.session(options.clone());
                        session.prepare(&source).expect("the program compiled when it was verified");
                        session
                    },
                    |mut session| {
                        session.run(&mut std::io::sink()).expect("the program ran when it was verified");
                        session
                    },
                    BatchSize::SmallInput,
                );
            });
        }
        group.finish();
    }
    Ok(())
}

/// `harness bench`: every benchmark, on a thread with the engine stack.
pub fn run(args: &BenchArgs) -> Result<()> {
    if let Some(refusal) = crate::profile::refuse_to_time() {
        anyhow::bail!("{refusal}");
    }
    if crate::provenance::is_debug_build() {
        eprintln!("warning: this is a debug build; its timings say nothing about the engines. Use --release.");
    }
    let selection = Selection::from_args(args)?;
    let quick = args.quick;
    frontend::engine::with_engine_stack(move || {
        let mut criterion = criterion(quick);
        benchmark(&mut criterion, &selection)?;
        criterion.final_summary();
        Ok(())
    })
}
