//! `harness explain --opcodes`: instructions per opcode execution (per node
//! evaluation for the walkers), deterministically. Each engine runs each
//! program at its small size twice: under callgrind in the release `lox`
//! (the binary `harness ci` counts, without counters), where every
//! instruction of the run phase is attributed to the dispatch arm it was
//! compiled into (see [`crate::attribution`]); and in a `lox` built with the
//! engines' `work-count` feature, which counts the executions of each
//! opcode (evaluations of each node kind). Each arm's instructions divided
//! by its executions is what one execution of it costs ([`cost`]).
//!
//! A record per engine × program is appended to `opcodes.partial.jsonl` as
//! it is made and the file renamed to `opcodes.jsonl` when the run is
//! complete, so that an interrupted run keeps what it counted and `harness
//! report` renders the section from the saved records.

pub mod cost;
pub mod records;

use crate::ablate::records::ProgramSize;
use crate::attribution::Attributor;
use crate::attribution::callgrind::Counts;
use crate::attribution::workdir::{self, SizedProgram, WorkDir};
use crate::build::Target;
use crate::ci::counts::find_valgrind;
use crate::cli::ExplainArgs;
use crate::measure::RunResult;
use crate::profile::counts::{Count, NODE, OPCODE};
use crate::progress::{Progress, Reporter};
use crate::results::now_rfc3339;
use crate::{app, jsonl, process, provenance, verify};
use anyhow::{Context, Result};
use records::{MachineCode, Measured, PARTIAL_RECORDS_FILE, RECORDS_FILE, Record};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The programs counted when `--programs` names none: a program of calls
/// and arithmetic, and one of objects and methods.
pub const DEFAULT_PROGRAMS: [&str; 2] = ["fib", "zoo"];

/// The build of `lox` that counts executions: release code generation (the
/// `counting` profile, which inherits it), with every engine's counters. Its
/// own profile puts it in target/counting/, so that it never replaces the
/// uncounted target/release/lox that `harness ci` and `explain` count.
pub const WORK_COUNT_BUILD: Target<'static> =
    Target { package: "lox", bin: "lox", profile: "counting", features: &["work-count"] };

/// Counts every selected engine on every selected program into `out`
/// (`harness explain --opcodes`); returns whether every output was right.
pub fn count(args: &ExplainArgs, out: &Path, command_line: String) -> Result<bool> {
    let valgrind = find_valgrind()?;
    let root = app::workspace_root();
    let mut select = args.select();
    if select.programs.is_empty() {
        select.programs = DEFAULT_PROGRAMS.map(String::from).to_vec();
    }
    let set = select.program_set()?;
    let programs = select.programs(&set)?;
    let engines: Vec<&str> = app::select_engines(&args.opcode_engines)?.iter().map(|e| e.name()).collect();
    let WorkDir { out, programs: work_dir, raw: raw_dir, sized } = workdir::prepare(out, args.force, &set, &programs)?;
    let out = &out;
    let (exe, counted) = crate::ci::counted::find(args.counted_exe.as_deref(), &root)?;
    eprintln!("note: building the binary that counts executions: {}", WORK_COUNT_BUILD.command());
    let counting_exe =
        WORK_COUNT_BUILD.build(&root).map_err(anyhow::Error::from).context("could not build the work-count binary")?;
    let mut attributor = Attributor::new(&exe, &valgrind)?;
    let binary = exe.display().to_string();
    let timeout = Duration::from_secs(args.timeout);

    let mut writer = jsonl::Writer::create(&out.join(PARTIAL_RECORDS_FILE))?;
    process::set_interrupt_note(Some(format!(
        "the records counted so far are kept in {}; render them with `harness report --partial --out {}`.",
        writer.path().display(),
        out.display()
    )));
    writer.append(&Record::Run {
        provenance: provenance::collect(&root, command_line),
        valgrind: crate::ci::valgrind_version(&valgrind),
        timeout_s: args.timeout,
        engines: engines.iter().map(|e| e.to_string()).collect(),
        programs: programs.iter().map(|p| ProgramSize { name: p.name.clone(), size: p.small }).collect(),
        counted_build: counted.build.clone(),
        work_count_build: WORK_COUNT_BUILD.command(),
    })?;
    eprintln!(
        "Counting {} engines on {} programs, each under callgrind and again in the work-count build, each run \
         within {} s; every record is saved to {} as it comes.",
        engines.len(),
        programs.len(),
        args.timeout,
        writer.path().display()
    );
    let started = Instant::now();
    let progress = Reporter::new("counting opcodes");
    progress.start(&vec![1.0; programs.len()]);
    let mut ok = true;
    for (index, (program, SizedProgram { file_name, expected })) in programs.iter().zip(&sized).enumerate() {
        progress.case(index, engines.len() as u64);
        for &engine in &engines {
            let raw = raw_dir.join(format!("{engine}-{}.out", program.name));
            let counts_file = raw_dir.join(format!("{engine}-{}.counts", program.name));
            let mut measured = Measured {
                engine: engine.to_string(),
                program: program.name.clone(),
                size: program.small,
                total: 0,
                units: Vec::new(),
                executions: Vec::new(),
                executions_from: engine.to_string(),
                machine_code: None,
                passed: true,
                detail: None,
                date: String::new(),
            };
            let fail = |measured: &mut Measured, detail: String| {
                if measured.detail.is_none() {
                    measured.detail = Some(detail);
                }
                measured.passed = false;
            };
            match attributor.count_raw_within(engine, file_name, &work_dir, &raw, timeout) {
                Ok((attributed, run)) => {
                    if let Err(detail) = verify::check(expected, &run) {
                        fail(&mut measured, detail);
                    }
                    if let Some((attribution, counts)) = attributed {
                        // Generated code matters only to an engine with no
                        // dispatch arms (the jit): a VM's few instructions in
                        // code with no file (the vDSO's clock) are not its
                        // instructions per opcode.
                        let has_arms = attribution.units.iter().any(|unit| !unit.names.is_empty());
                        measured.total = attribution.total;
                        measured.units = attribution.units;
                        measured.machine_code = if has_arms { None } else { machine_code(&counts, &binary) };
                    }
                }
                Err(error) => fail(&mut measured, format!("could not count: {error:#}")),
            }
            // Callgrind's files are large and the record holds what the
            // report needs.
            let _ = std::fs::remove_file(&raw);
            // An engine that counts nothing by kind (the jit) takes the
            // executions of the rung below it, which runs the same bytecode.
            let mut from = engine.to_string();
            loop {
                let run = executions(&counting_exe, &from, file_name, &work_dir, &counts_file, timeout);
                match run {
                    Ok((counted, run)) => {
                        if let Err(detail) = verify::check(expected, &run) {
                            fail(&mut measured, format!("the work-count build of {from}: {detail}"));
                        }
                        let below = lox::find_engine(&from).and_then(|e| e.rung().below);
                        match below {
                            Some(below) if counted.is_empty() && from == engine => from = below.to_string(),
                            _ => {
                                measured.executions = counted;
                                break;
                            }
                        }
                    }
                    Err(error) => {
                        fail(&mut measured, format!("could not count executions: {error:#}"));
                        break;
                    }
                }
            }
            let _ = std::fs::remove_file(&counts_file);
            measured.executions_from = from;
            measured.date = now_rfc3339();
            if let Some(detail) = &measured.detail {
                progress.note(&format!("{engine} on {}: {detail}", program.name));
                ok = false;
            }
            writer.append(&Record::Measured(measured))?;
            progress.advance(&format!("counted {engine} on {}", program.name));
        }
    }
    progress.finish();
    writer.finish_as(RECORDS_FILE)?;
    process::set_interrupt_note(None);
    eprintln!(
        "Counted {} engines on {} programs in {:.0} s",
        engines.len(),
        programs.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ok)
}

/// Runs `file_name` on `engine` in the work-count build and reads the
/// executions it counted (the opcode and node families).
fn executions(
    exe: &Path,
    engine: &str,
    file_name: &str,
    work_dir: &Path,
    counts_file: &Path,
    limit: Duration,
) -> Result<(Vec<Count>, RunResult)> {
    let _ = std::fs::remove_file(counts_file);
    let mut command = Command::new(exe);
    command
        .args(["--engine", engine, "--counts-to"])
        .arg(std::path::absolute(counts_file)?)
        .arg(file_name)
        .env_clear()
        .current_dir(work_dir);
    let run =
        crate::measure::run_command(&mut command, limit).with_context(|| format!("could not run {}", exe.display()))?;
    let text = std::fs::read_to_string(counts_file).unwrap_or_default();
    Ok((parse_counts(&text), run))
}

/// The `family<TAB>name<TAB>count` lines `lox --counts-to` writes, the
/// opcode and node families only (pairs and closure kinds are not divided).
pub fn parse_counts(text: &str) -> Vec<Count> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let (family, name, count) = (fields.next()?, fields.next()?, fields.next()?.parse().ok()?);
            [OPCODE, NODE].contains(&family).then(|| Count {
                family: family.to_string(),
                name: name.to_string(),
                count,
            })
        })
        .collect()
}

/// What ran in code that no object file holds (generated at run time), and
/// the binary's functions by their own instructions; `None` when nothing ran
/// in generated code.
pub fn machine_code(counts: &Counts, binary: &str) -> Option<MachineCode> {
    let own = |function: &crate::attribution::callgrind::Function| -> u64 {
        function.instructions.iter().map(|(_, n)| n).sum()
    };
    let generated: u64 = counts.functions.iter().filter(|f| is_generated(&f.object)).map(own).sum();
    if generated == 0 {
        return None;
    }
    let mut functions: HashMap<String, u64> = HashMap::new();
    for function in counts.functions.iter().filter(|f| f.object == binary) {
        *functions.entry(function_label(&function.name)).or_default() += own(function);
    }
    let mut functions: Vec<(String, u64)> = functions.into_iter().filter(|(_, n)| *n > 0).collect();
    functions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Some(MachineCode { generated, functions })
}

/// Whether callgrind's object name is no file (`???`): code made at run
/// time.
fn is_generated(object: &str) -> bool {
    object.is_empty() || object == "???"
}

/// What the report calls a function of the binary: Cranelift's (the jit
/// compiling a function at its first call, inside the run phase) all as
/// one, any other by its short name, a recursive call's (`'2`) with the
/// first.
fn function_label(symbol: &str) -> String {
    let plain = symbol.split('\'').next().unwrap_or(symbol);
    let compiler = ["cranelift", "regalloc2"];
    if compiler.iter().any(|name| plain.starts_with(name) || plain.starts_with(&format!("<{name}"))) {
        return COMPILING.to_string();
    }
    short_name(plain)
}

/// The label of the jit's compiler's instructions.
pub const COMPILING: &str = "(Cranelift: compiling)";

/// `jit::helpers::get_property::h0123456789abcdef` as
/// `helpers::get_property`: a legacy symbol's hash left out, then as the
/// attribution shortens a function's name.
fn short_name(symbol: &str) -> String {
    let without_hash = match symbol.rsplit_once("::") {
        Some((path, last)) if last.len() == 17 && last.starts_with('h') => path,
        _ => symbol,
    };
    crate::attribution::short_function(without_hash)
}
