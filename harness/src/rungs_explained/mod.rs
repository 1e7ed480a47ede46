//! `harness explain --rungs`: `harness explain` for every adjacent pair of
//! rungs (each engine and the rung it says it is a step from), saved as
//! records so that `harness report` can render the breakdowns with the
//! timings: the README's section "Why each rung executes fewer
//! instructions", and each step's top cost category on LADDER.md.
//!
//! Each program runs once per engine under callgrind at its small size (an
//! engine in two pairs is counted once per program, not twice), its output
//! checked, every instruction of the run phase attributed to a category (see
//! [`crate::attribution`]). A record per pair × program is appended to
//! `explain.partial.jsonl` the moment both of its engines are counted, and
//! the file is renamed to `explain.jsonl` when the run is complete, as the
//! ablation's records are: an interrupted run keeps what it counted
//! (`harness report --partial` renders it) and never truncates the last
//! complete one.

pub mod records;
pub mod table;

use crate::ablate::records::ProgramSize;
use crate::app;
use crate::attribution::Attributor;
use crate::attribution::workdir::{self, SizedProgram, WorkDir};
use crate::ci::counts::find_valgrind;
use crate::cli::ExplainArgs;
use crate::jsonl;
use crate::progress::{Progress, Reporter};
use crate::results::now_rfc3339;
use crate::{process, provenance, verify};
use anyhow::Result;
use records::{PARTIAL_RECORDS_FILE, RECORDS_FILE, Record, RungPair, Side};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long one counted run may take by default. The slowest engine on the
/// slowest program at its small size takes well under a minute under
/// callgrind; a run past this limit is hung, not slow.
pub const DEFAULT_TIMEOUT_S: u64 = 600;

/// Every adjacent pair of rungs among `engines` (in ladder order): each
/// engine whose rung below is also there.
pub fn pairs(engines: &[&'static dyn frontend::Engine]) -> Vec<RungPair> {
    engines
        .iter()
        .filter_map(|engine| {
            let below = engine.rung().below?;
            engines
                .iter()
                .any(|e| e.name() == below)
                .then(|| RungPair { upper: engine.name().to_string(), lower: below.to_string() })
        })
        .collect()
}

/// Counts every pair of rungs on the selected programs into `out`
/// (`harness explain --rungs`); returns whether every output was right and
/// every breakdown added up.
pub fn count(args: &ExplainArgs, out: &Path, command_line: String) -> Result<bool> {
    let valgrind = find_valgrind()?;
    let root = app::workspace_root();
    let select = args.select();
    let set = select.program_set()?;
    let programs = select.programs(&set)?;
    let pairs = pairs(lox::engines());
    // The engines in ladder order, each once however many pairs it is in.
    let engines: Vec<&str> = lox::engines()
        .iter()
        .map(|e| e.name())
        .filter(|name| pairs.iter().any(|p| p.upper == *name || p.lower == *name))
        .collect();
    let WorkDir { out, programs: work_dir, raw: raw_dir, sized } = workdir::prepare(out, args.force, &set, &programs)?;
    let (exe, _) = crate::ci::counted::find(args.counted_exe.as_deref(), &app::workspace_root())?;
    let mut attributor = Attributor::new(&exe, &valgrind)?;
    let timeout = Duration::from_secs(args.timeout);

    let mut writer = jsonl::Writer::create(&out.join(PARTIAL_RECORDS_FILE))?;
    process::set_interrupt_note(Some(format!(
        "the breakdowns counted so far are kept in {}; render them with `harness report --partial --out {}`.",
        writer.path().display(),
        out.display()
    )));
    writer.append(&Record::Run {
        provenance: provenance::collect(&root, command_line),
        valgrind: crate::ci::valgrind_version(&valgrind),
        timeout_s: args.timeout,
        pairs: pairs.clone(),
        programs: programs.iter().map(|p| ProgramSize { name: p.name.clone(), size: p.small }).collect(),
    })?;
    eprintln!(
        "Counting {} engines on {} programs under callgrind for {} pairs of rungs, each run within {} s; every \
         breakdown is saved to {} as it comes.",
        engines.len(),
        programs.len(),
        pairs.len(),
        args.timeout,
        writer.path().display()
    );
    let started = Instant::now();
    let progress = Reporter::new("explaining");
    progress.start(&vec![1.0; programs.len()]);
    let mut ok = true;
    for (index, (program, SizedProgram { file_name, expected })) in programs.iter().zip(&sized).enumerate() {
        progress.case(index, engines.len() as u64);
        let mut counted: HashMap<&str, Side> = HashMap::new();
        for &engine in &engines {
            let raw = raw_dir.join(format!("{engine}-{}.out", program.name));
            let side = match attributor.count_within(engine, file_name, &work_dir, &raw, timeout) {
                Ok((attribution, run)) => {
                    let verdict = verify::check(expected, &run);
                    let attribution = attribution.unwrap_or_default();
                    Side {
                        engine: engine.to_string(),
                        total: attribution.total,
                        categories: attribution.categories,
                        passed: verdict.is_ok(),
                        detail: verdict.err(),
                    }
                }
                Err(error) => Side {
                    engine: engine.to_string(),
                    total: 0,
                    categories: Vec::new(),
                    passed: false,
                    detail: Some(format!("could not count: {error:#}")),
                },
            };
            if let Some(detail) = &side.detail {
                progress.note(&format!("{engine} on {} is not explained: {detail}", program.name));
                ok = false;
            } else if !side.adds_up() {
                progress.note(&format!(
                    "the categories of {engine} on {} add up to {} of {} instructions, more than {:.0} % off",
                    program.name,
                    side.categorised(),
                    side.total,
                    crate::explain::TOLERANCE * 100.0
                ));
                ok = false;
            }
            // Callgrind's files are large and the records hold what the
            // report needs.
            let _ = std::fs::remove_file(&raw);
            counted.insert(engine, side);
            for pair in pairs.iter().filter(|p| p.upper == engine || p.lower == engine) {
                let (Some(upper), Some(lower)) = (counted.get(pair.upper.as_str()), counted.get(pair.lower.as_str()))
                else {
                    continue;
                };
                writer.append(&Record::Pair {
                    program: program.name.clone(),
                    size: program.small,
                    upper: upper.clone(),
                    lower: lower.clone(),
                    date: now_rfc3339(),
                })?;
            }
            progress.advance(&format!("counted {engine} on {}", program.name));
        }
    }
    progress.finish();
    writer.finish_as(RECORDS_FILE)?;
    process::set_interrupt_note(None);
    eprintln!("Explained {} programs in {:.0} s", programs.len(), started.elapsed().as_secs_f64());
    Ok(ok)
}
