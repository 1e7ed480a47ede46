//! `harness ci`: deterministic cost per engine and program (instructions,
//! counted with valgrind's cachegrind), checked against the committed
//! baseline in `reports/baseline/`, with a report short enough for a pull
//! request and a failing exit on any regression past the threshold or any
//! wrong output.
//!
//! Wall-clock time on shared CI machines is too noisy to gate on (a binary
//! against itself moves by ±15 %); instruction counts of the same binary and
//! input are identical run after run, so 2 % is a real change.

pub mod baseline;
pub mod calibrate;
pub mod compare;
pub mod counted;
pub mod counter;
pub mod counts;
pub mod gate;
pub mod merge;
pub mod report;

use crate::app;
use crate::cli::{CiAction, CiArgs};
use crate::measure::{Executor, ProcessExecutor};
use crate::outdir;
use crate::profile::folded;
use crate::provenance;
use crate::shard;
use anyhow::{Context, Result, bail};
use compare::{Calibration, CiResults, Count, PROFILE_DIR};
use counter::{Counter, Job};
use gate::Gate;
use std::path::{Path, PathBuf};

/// Runs `harness ci` (or `harness ci merge`); returns whether it passed.
pub fn run(args: &CiArgs, command_line: String) -> Result<bool> {
    if let Some(CiAction::Merge(merge)) = &args.action {
        return merge::run(merge, command_line);
    }
    let valgrind = counts::find_valgrind()?;
    let root = app::workspace_root();
    let set = args.select.program_set()?;
    let programs = args.select.programs(&set)?;
    let engines = args.select.engines()?;
    let out = args.out.clone().unwrap_or_else(|| root.join("reports").join("ci"));
    let gate = Gate::new(&args.gate, &root)?;
    // Only a run of every shard together may move the baseline, and only a
    // baseline directory can be written.
    let writes_baseline = args.update_baseline || (args.calibrate && args.shard.is_none());
    if args.shard.is_some() && args.update_baseline {
        bail!("a shard does not write the baseline: count every shard, then `harness ci merge --update-baseline DIR…`");
    }
    let baseline_dir = match gate.baseline.dir() {
        Some(dir) => writes_baseline.then(|| dir.to_path_buf()),
        None if writes_baseline => {
            bail!("--update-baseline and --calibrate write a baseline directory, and --against names a git revision")
        }
        None => None,
    };

    // A check against no baseline would pass everything as "new": refuse it
    // before counting anything.
    let earlier = gate.baseline.load(&root)?;
    if earlier.is_none() && !args.update_baseline {
        bail!(
            "there is no baseline at {} (no {}); point --baseline at one, or make it with \
             `harness ci --update-baseline`",
            gate.baseline.describe(),
            compare::CI_FILE
        );
    }
    outdir::claim(&out, args.force)?;
    if let Some(dir) = &baseline_dir {
        outdir::claim(dir, args.force)?;
    }

    // The programs go into one directory under fixed names, and every count
    // runs there with an empty environment: the same binary and input then
    // give the same count.
    let (exe, counted_binary) = counted::find(args.counted_exe.as_deref(), &root)?;
    let counter = Counter::new(
        valgrind.clone(),
        &exe,
        out.join("programs"),
        Some(out.join("cachegrind")),
        counter::DEFAULT_TIMEOUT,
    )?;
    let profile_dir = out.join(PROFILE_DIR);
    std::fs::create_dir_all(&profile_dir).with_context(|| format!("could not create {}", profile_dir.display()))?;
    let names: Vec<String> = engines.iter().map(|engine| engine.name.clone()).collect();
    let all = counter.jobs(&set, &programs, &names)?;
    let pairs: Vec<(String, String)> = all.iter().map(|job| (job.engine.clone(), job.program.clone())).collect();
    let jobs = match args.shard {
        Some(slice) => {
            let costs = baseline::pair_costs(earlier.as_ref(), &pairs);
            let jobs = shard::select(all, &costs, slice);
            eprintln!("Shard {slice}: {} of the {} pairs", jobs.len(), pairs.len());
            jobs
        }
        None => all,
    };

    let started = std::time::Instant::now();
    eprintln!(
        "Counting instructions of {} engine × program pairs with cachegrind, running {}",
        jobs.len(),
        exe.display()
    );
    let bar = indicatif::ProgressBar::new(jobs.len() as u64);
    let counted = counter::in_parallel(&jobs, |job| count_one(job, &counter, &profile_dir), |_, _| bar.inc(1));
    bar.finish_and_clear();
    let mut counted: Vec<Count> = counted.into_iter().collect::<Result<_>>()?;
    let calibration = if args.calibrate {
        Some(calibrate_counts(&jobs, &mut counted, &counter, &out.join("calibration"), args.calibrate_runs)?)
    } else {
        None
    };
    if args.wall_clock > 0 {
        time_natively(&jobs, &mut counted, &counter, args.wall_clock)?;
    }
    eprintln!("Counted in {:.0} s", started.elapsed().as_secs_f64());
    let mut now = CiResults {
        provenance: provenance::collect(&root, command_line),
        valgrind: valgrind_version(&valgrind),
        libc: libc_version(),
        counted: counted_binary,
        counts: counted,
        calibration,
        shard: args.shard.map(|shard| shard::Slice { shard, pairs, everything: args.select.is_everything() }),
    };
    if let Some(calibration) = &mut now.calibration {
        calibration.revision = now.provenance.revision.clone();
    }
    now.save(&out)?;

    if let Some(dir) = &baseline_dir {
        if args.update_baseline {
            if let Some(wrong) = now.counts.iter().find(|c| !c.passed) {
                bail!(
                    "{} is wrong on {} ({}); a baseline is only taken from correct engines",
                    wrong.engine,
                    wrong.program,
                    wrong.detail.as_deref().unwrap_or("")
                );
            }
            let order: Vec<&str> = set.programs.iter().map(|p| p.name.as_str()).collect();
            baseline::update(dir, earlier.as_ref(), &now, &profile_dir, args.select.is_everything(), &order)?;
        } else if let Some(earlier) = &earlier {
            let stored = baseline::store_spreads(dir, earlier, &now)?;
            eprintln!("Spreads stored in {} for {stored} of its pairs", dir.display());
        }
    }
    let extra = calibrate::section(&now);
    gate::judge(&now, &gate, &root, &out, &extra)
}

/// Counts every job again in each of the calibration's other settings and
/// stores each pair's spread; returns how the spreads were measured.
fn calibrate_counts(
    jobs: &[Job],
    counted: &mut [Count],
    counter: &Counter,
    dir: &Path,
    runs: usize,
) -> Result<Calibration> {
    let variations = calibrate::variations(counter, dir, runs)?;
    let mut totals: Vec<Vec<Option<u64>>> =
        vec![counted.iter().map(|count| count.passed.then_some(count.total)).collect()];
    for (index, variation) in variations.iter().enumerate() {
        eprintln!("Calibration run {} of {runs}: {}", index + 2, variation.description);
        let bar = indicatif::ProgressBar::new(jobs.len() as u64);
        let again = counter::in_parallel(jobs, |job| variation.counter.count(job, false), |_, _| bar.inc(1));
        bar.finish_and_clear();
        let mut run = Vec::with_capacity(jobs.len());
        for (job, result) in jobs.iter().zip(again) {
            let result = result?;
            run.push(counter::check(job, &result).is_ok().then_some(result.instructions));
        }
        totals.push(run);
    }
    for (count, spread) in counted.iter_mut().zip(calibrate::spreads(&totals)) {
        count.spread = spread;
    }
    for (engine, largest, median, pairs) in calibrate::per_engine(counted) {
        eprintln!(
            "{engine}: largest spread {} and median {} over {pairs} pairs",
            calibrate::scientific(largest),
            calibrate::scientific(median)
        );
    }
    let _ = std::fs::remove_dir_all(dir);
    Ok(Calibration {
        runs,
        variations: variations.into_iter().map(|v| v.description).collect(),
        revision: String::new(),
        date: crate::results::now_rfc3339(),
    })
}

/// The saved profile's file name.
pub fn profile_name(engine: &str, program: &str) -> String {
    format!("{}-{program}.folded", crate::variant::file_safe(engine))
}

/// Counts one job: the whole run (checked against the expected output, its
/// per-function profile saved) and, when it was right, the prepare phase.
fn count_one(job: &Job, counter: &Counter, profile_dir: &Path) -> Result<Count> {
    let whole = counter.count(job, false)?;
    let verdict = counter::check(job, &whole);
    std::fs::write(profile_dir.join(profile_name(&job.engine, &job.program)), folded::render(&whole.profile))?;
    let prepare = if verdict.is_ok() { counter.count(job, true)?.instructions } else { 0 };
    Ok(Count {
        engine: job.engine.clone(),
        program: job.program.clone(),
        size: job.size,
        passed: verdict.is_ok(),
        detail: verdict.err(),
        total: whole.instructions,
        prepare,
        wall_s: Vec::new(),
        spread: None,
    })
}

/// `--wall-clock N`: N native runs of every job, interleaved, for the
/// information-only wall-clock column.
fn time_natively(jobs: &[Job], counted: &mut [Count], counter: &Counter, runs: usize) -> Result<()> {
    let mut executor = ProcessExecutor;
    for _ in 0..runs {
        for (job, count) in jobs.iter().zip(counted.iter_mut()) {
            if !count.passed {
                continue;
            }
            let run = executor.execute(&counter.native_argv(job), crate::benchmark::VERIFY_TIMEOUT)?;
            count.wall_s.push(run.wall.as_secs_f64());
        }
    }
    Ok(())
}

/// `valgrind --version`, for provenance.
pub fn valgrind_version(valgrind: &Path) -> String {
    std::process::Command::new(valgrind)
        .arg("--version")
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "valgrind".to_string())
}

/// The C library's version (`getconf GNU_LIBC_VERSION`, e.g. `glibc 2.36`),
/// or empty where there is no such answer.
pub fn libc_version() -> String {
    std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_default()
}

/// The default output directory of `harness ci`.
pub fn default_out() -> PathBuf {
    app::workspace_root().join("reports").join("ci")
}
