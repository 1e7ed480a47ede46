//! `harness ablate`: what each engine's tunings save, in instructions.
//!
//! For every engine that declares tunings, each program at its small size is
//! run with every tuning on, with every tuning off (*plain*), with each
//! tuning off in turn and, unless `--no-alone`, with each tuning alone on top
//! of plain. Every variant's output is first checked natively (seconds,
//! against minutes under valgrind), then each verified pair is counted with
//! cachegrind exactly as `harness ci` counts (the same [`Counter`]), since
//! instruction counts repeat to the instruction where wall-clock time on a
//! shared machine moves by 10-20 %, and a tuning worth a few percent would
//! drown in that noise.
//!
//! Every verification and count is appended to `ablation.partial.jsonl` the
//! moment it exists, and the file is renamed to `ablation.jsonl` when the
//! ablation is complete, as the timing run's results are: an interrupted
//! ablation keeps what it counted and renders as far as it got
//! (`harness report --partial`), and never truncates the last complete one.
//! `ablation.json` (the table as data, with provenance) and the report's
//! ablation section are rendered from those records alone.

pub mod markdown;
pub mod merge;
pub mod plan;
pub mod records;
pub mod table;

use crate::app;
use crate::ci::counter::{self, Counter, Job};
use crate::ci::counts;
use crate::cli::AblateArgs;
use crate::jsonl;
use crate::report::format;
use crate::results::now_rfc3339;
use crate::variant::{self, TuningInfo};
use crate::{outdir, process, provenance};
use anyhow::{Context, Result, bail};
use frontend::Engine;
use indicatif::{ProgressBar, ProgressStyle};
use records::{EngineTunings, PARTIAL_RECORDS_FILE, ProgramSize, RECORDS_FILE, Record, VariantSpec};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use table::Ablation;

/// The table as data, beside the records.
pub const SUMMARY_FILE: &str = "ablation.json";

/// What an ablation left behind.
#[derive(Debug)]
pub struct Ablated {
    /// The report's README.
    pub readme: PathBuf,
    /// Every variant × program whose output was wrong (or that could not be
    /// counted), one line each: what makes `harness ablate` exit non-zero.
    pub failures: Vec<String>,
}

/// Runs `harness ablate`.
pub fn run(args: &AblateArgs, command_line: String) -> Result<Ablated> {
    if args.timeout == 0 {
        bail!("--timeout must be at least 1 second");
    }
    let valgrind = counts::find_valgrind()?;
    let root = app::workspace_root();
    let set = args.select.program_set()?;
    let programs = args.select.programs(&set)?;
    let engines = engines_to_ablate(&args.select.engines)?;
    let out = args.out.clone().unwrap_or_else(app::default_out);
    let timeout = Duration::from_secs(args.timeout);

    let mut variants = Vec::new();
    for engine in &engines {
        for planned in plan::variants(engine.name(), engine.tunings(), !args.no_alone) {
            variants.push(VariantSpec {
                name: planned.name,
                engine: engine.name().to_string(),
                disabled: planned.disabled,
            });
        }
    }
    // Everything is checked before the output directory is claimed and
    // written: the programs (each written with its expected output read)
    // then go in before the records file is started, and a bad program set
    // leaves an earlier ablation as it was.
    outdir::claim(&out, args.force)?;
    let (exe, _) = crate::ci::counted::find(args.counted_exe.as_deref(), &root)?;
    let counter = Counter::new(valgrind.clone(), &exe, out.join("programs"), None, timeout)?;
    let mut jobs = Vec::with_capacity(variants.len() * programs.len());
    for engine in &engines {
        let names: Vec<String> =
            variants.iter().filter(|v| v.engine == engine.name()).map(|v| v.name.clone()).collect();
        jobs.extend(counter.jobs(&set, &programs, &names)?);
    }
    let pairs: Vec<(String, String)> = jobs.iter().map(|job| (job.engine.clone(), job.program.clone())).collect();
    let everything = args.select.is_everything();
    let slice = args.shard.map(|shard| Box::new(crate::shard::Slice { shard, pairs: pairs.clone(), everything }));
    if let Some(shard) = args.shard {
        let costs = crate::ci::baseline::pair_costs(crate::ci::baseline::committed(&root).as_ref(), &pairs);
        jobs = crate::shard::select(jobs, &costs, shard);
        eprintln!("Shard {shard}: {} of the {} variant × program pairs", jobs.len(), pairs.len());
    }

    let mut writer = jsonl::Writer::create(&out.join(PARTIAL_RECORDS_FILE))?;
    process::set_interrupt_note(Some(format!(
        "the counts taken so far are kept in {}; render them with `harness report --partial --out {}`.",
        writer.path().display(),
        out.display()
    )));
    writer.append(&Record::Run {
        provenance: provenance::collect(&root, command_line),
        valgrind: crate::ci::valgrind_version(&valgrind),
        timeout_s: args.timeout,
        engines: engines
            .iter()
            .map(|engine| EngineTunings {
                engine: engine.name().to_string(),
                strategy: engine.description().to_string(),
                tunings: engine.tunings().iter().map(TuningInfo::from).collect(),
            })
            .collect(),
        programs: programs.iter().map(|p| ProgramSize { name: p.name.clone(), size: p.small }).collect(),
        variants: variants.clone(),
        shard: slice,
    })?;
    let writer = Mutex::new(writer);
    let write_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let save = |record: &Record| {
        if let Err(error) = writer.lock().expect("no thread panics while writing").append(record) {
            write_error.lock().expect("no thread panics while writing").get_or_insert(error);
        }
    };

    let started = Instant::now();
    eprintln!(
        "Ablating {} engine(s): {} variants × {} programs. Checking every output natively first.",
        engines.iter().filter(|e| !e.tunings().is_empty()).count(),
        variants.len(),
        programs.len()
    );
    let bar = progress_bar(jobs.len() as u64);
    let verdicts = counter::in_parallel(
        &jobs,
        |job| counter.verify(job),
        |job, verdict| {
            save(&Record::Verification {
                variant: job.engine.clone(),
                program: job.program.clone(),
                size: job.size,
                passed: verdict.is_ok(),
                detail: verdict.clone().err(),
                date: now_rfc3339(),
            });
            if let Err(detail) = verdict {
                bar.suspend(|| {
                    eprintln!("note: {} is wrong on {} and is not counted: {detail}", job.engine, job.program)
                });
            }
            bar.set_message(format!("checked {} on {}", job.engine, job.program));
            bar.inc(1);
        },
    );
    bar.finish_and_clear();
    let verified: Vec<Job> =
        jobs.iter().zip(&verdicts).filter(|(_, verdict)| verdict.is_ok()).map(|(job, _)| job.clone()).collect();

    eprintln!(
        "Counting instructions of {} pairs with cachegrind, each within {} s. Interrupt at will: every count is \
         saved to {} as it comes, and `harness report --partial --out {}` renders what was counted.",
        verified.len(),
        args.timeout,
        out.join(PARTIAL_RECORDS_FILE).display(),
        out.display()
    );
    let bar = progress_bar(verified.len() as u64);
    // The tuned counts so far, so that each variant's line can say how it
    // compares (the tuned engine is counted first on each program).
    let tuned: Mutex<HashMap<String, u64>> = Mutex::new(HashMap::new());
    counter::in_parallel(
        &verified,
        |job| counter.count(job, false),
        |job, counted| {
            let record = count_record(job, counted);
            save(&record);
            if let Record::Count { passed, detail, instructions, seconds, .. } = &record {
                let line = if *passed {
                    let mut tuned = tuned.lock().expect("no thread panics while counting");
                    let key = format!("{} {}", variant::engine_of(&job.engine), job.program);
                    let against = if job.engine.contains(':') {
                        tuned.get(&key).map_or(String::new(), |&base| {
                            let ratio = *instructions as f64 / base as f64;
                            format!(", {} over tuned", markdown::change(Some(ratio)))
                        })
                    } else {
                        tuned.insert(key, *instructions);
                        String::new()
                    };
                    format!(
                        "{} on {}: {} instructions{against} ({seconds:.0} s)",
                        job.engine,
                        job.program,
                        format::thousands(*instructions)
                    )
                } else {
                    format!("{} on {} is not counted: {}", job.engine, job.program, detail.as_deref().unwrap_or(""))
                };
                bar.suspend(|| eprintln!("{line}"));
            }
            bar.set_message(format!("counted {} on {}", job.engine, job.program));
            bar.inc(1);
        },
    );
    bar.finish_and_clear();
    if let Some(error) = write_error.into_inner().expect("the workers are done") {
        return Err(error);
    }
    writer.into_inner().expect("the workers are done").finish_as(RECORDS_FILE)?;
    process::set_interrupt_note(None);
    eprintln!("Counted in {:.0} s", started.elapsed().as_secs_f64());

    let ablation = Ablation::load(&out, false)?.context("the ablation records just written are missing")?;
    for engine in &ablation.engines {
        if let Some((ratio, n)) = ablation.mean_ratio(ablation.plain(engine), ablation.tuned(engine))
            && !engine.tunings.is_empty()
        {
            eprintln!(
                "{}: plain executes {}× the instructions of tuned (geometric mean over {n} programs)",
                engine.engine,
                format::digits(ratio)
            );
        }
    }
    finish(&out, &ablation)
}

/// Renders the report of the ablation counted into `out`; returns it with
/// the pairs that failed.
fn finish(out: &Path, ablation: &Ablation) -> Result<Ablated> {
    let failures = ablation
        .failures()
        .into_iter()
        .map(|(variant, program, detail)| format!("{variant} on {program}: {detail}"))
        .collect();
    let readme = crate::report::render_dir(out)?;
    Ok(Ablated { readme, failures })
}

impl Ablation {
    /// Reads `dir/ablation.jsonl`, if there is one; with `partial`, an
    /// interrupted ablation's `ablation.partial.jsonl` when there is one
    /// (else the complete file).
    pub fn load(dir: &Path, partial: bool) -> Result<Option<Ablation>> {
        let partial_path = dir.join(PARTIAL_RECORDS_FILE);
        let path = if partial && partial_path.is_file() { partial_path } else { dir.join(RECORDS_FILE) };
        if !path.is_file() {
            return Ok(None);
        }
        let records: Vec<Record> = jsonl::read(&path)?;
        Ok(Some(Ablation::from_records(&records).with_context(|| format!("in {}", path.display()))?))
    }
}

/// Writes a report of the ablation alone into `out`, where there are no
/// timing results to render with it. Returns the README's path.
pub fn render_alone(out: &Path, ablation: &Ablation) -> Result<PathBuf> {
    let notice = notice(ablation, out);
    write_summary(out, ablation, &notice)?;
    let readme = out.join("README.md");
    std::fs::write(&readme, markdown::standalone(ablation, &notice))
        .with_context(|| format!("could not write {}", readme.display()))?;
    Ok(readme)
}

/// Writes `ablation.json` into `out`.
pub fn write_summary(out: &Path, ablation: &Ablation, notice: &str) -> Result<()> {
    let mut text = serde_json::to_string_pretty(&ablation.summary(notice))?;
    text.push('\n');
    std::fs::write(out.join(SUMMARY_FILE), text).with_context(|| format!("could not write {SUMMARY_FILE}"))
}

/// The generated-file notice of a report of the ablation alone.
pub fn notice(ablation: &Ablation, out: &Path) -> String {
    let p = &ablation.provenance;
    format!(
        "Generated by `harness report --out {}` from counts taken by `{}` at revision {} on {}, with {} (profile \
         `{}`) and {}, starting {}. Do not edit: count again, or re-render with that command.",
        out.display(),
        p.command,
        p.revision,
        provenance::machine_line(p),
        p.rustc,
        p.profile,
        ablation.valgrind,
        p.date
    )
}

/// The engines `names` lists (every registered engine when empty). An
/// engine that declares no tunings is listed in the report as such and has
/// nothing counted; a variant is refused, since the ablation makes its own.
fn engines_to_ablate(names: &[String]) -> Result<Vec<&'static dyn Engine>> {
    if let Some(variant) = names.iter().find(|name| name.contains(':')) {
        bail!(
            "`{variant}` is a variant; `harness ablate` takes engine names and counts their variants itself (tuned, \
             plain, each tuning off and each alone)"
        );
    }
    let engines = app::select_engines(names)?;
    if !names.is_empty() && engines.iter().all(|e| e.tunings().is_empty()) {
        bail!(
            "{} declare(s) no tunings, so there is nothing to ablate; `lox --list-tunings -e NAME` lists an \
             engine's tunings",
            names.join(", ")
        );
    }
    Ok(engines)
}

/// The record of one counted job.
fn count_record(job: &Job, counted: &Result<counts::Counted>) -> Record {
    let (passed, detail, instructions, seconds) = match counted {
        Ok(counted) => {
            let verdict = counter::check(job, counted);
            (verdict.is_ok(), verdict.err(), counted.instructions, counted.run.wall.as_secs_f64())
        }
        Err(error) => (false, Some(format!("could not count: {error:#}")), 0, 0.0),
    };
    Record::Count {
        variant: job.engine.clone(),
        program: job.program.clone(),
        size: job.size,
        passed,
        detail,
        instructions,
        seconds,
        date: now_rfc3339(),
    }
}

fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} (about {eta} left) {msg}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar
}
