//! `harness ci`: deterministic cost per engine and program (instructions,
//! counted with valgrind's cachegrind), checked against the committed
//! baseline in `reports/baseline/`, with a report short enough for a pull
//! request and a failing exit on any regression past the threshold or any
//! wrong output.
//!
//! Wall-clock time on shared CI machines is too noisy to gate on (a binary
//! against itself moves by ±15 %); instruction counts of the same binary and
//! input are identical run after run, so 2 % is a real change.

pub mod compare;
pub mod counter;
pub mod counts;
pub mod report;

use crate::app;
use crate::cli::CiArgs;
use crate::measure::{Executor, ProcessExecutor};
use crate::outdir;
use crate::profile::folded;
use crate::provenance;
use anyhow::{Context, Result, bail};
use compare::{CiResults, Count, PROFILE_DIR};
use counter::{Counter, Job};
use std::path::{Path, PathBuf};

/// Runs `harness ci`; returns whether it passed.
pub fn run(args: &CiArgs, command_line: String) -> Result<bool> {
    let valgrind = counts::find_valgrind()?;
    let root = app::workspace_root();
    let set = args.select.program_set()?;
    let programs = args.select.programs(&set)?;
    let engines = args.select.engines()?;
    let out = args.out.clone().unwrap_or_else(|| root.join("reports").join("ci"));
    let baseline_dir = args.baseline.clone().unwrap_or_else(|| root.join("reports").join("baseline"));
    let threshold = args.threshold / 100.0;

    // A check against no baseline would pass everything as "new": refuse it
    // before counting anything.
    let earlier = CiResults::load(&baseline_dir)?;
    if earlier.is_none() && !args.update_baseline {
        bail!(
            "there is no baseline at {} (no {}); point --baseline at one, or make it with \
             `harness ci --update-baseline`",
            baseline_dir.display(),
            compare::CI_FILE
        );
    }
    let names: Vec<String> = engines.iter().map(|engine| engine.name.clone()).collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let missing_engines = earlier.as_ref().map_or(Vec::new(), |b| b.engines_missing(&name_refs));
    outdir::claim(&out, args.force)?;
    if args.update_baseline {
        outdir::claim(&baseline_dir, args.force)?;
    }

    // The programs go into one directory under fixed names, and every count
    // runs there with an empty environment: the same binary and input then
    // give the same count.
    let counter =
        Counter::new(valgrind.clone(), out.join("programs"), Some(out.join("cachegrind")), counter::DEFAULT_TIMEOUT)?;
    let profile_dir = out.join(PROFILE_DIR);
    std::fs::create_dir_all(&profile_dir).with_context(|| format!("could not create {}", profile_dir.display()))?;
    let jobs = counter.jobs(&set, &programs, &names)?;

    let started = std::time::Instant::now();
    eprintln!("Counting instructions of {} engine × program pairs with cachegrind", jobs.len());
    let bar = indicatif::ProgressBar::new(jobs.len() as u64);
    let counted = counter::in_parallel(&jobs, |job| count_one(job, &counter, &profile_dir), |_, _| bar.inc(1));
    bar.finish_and_clear();
    let mut counted: Vec<Count> = counted.into_iter().collect::<Result<_>>()?;
    if args.wall_clock > 0 {
        time_natively(&jobs, &mut counted, &counter, args.wall_clock)?;
    }
    eprintln!("Counted in {:.0} s", started.elapsed().as_secs_f64());
    let now = CiResults {
        provenance: provenance::collect(&root, command_line),
        valgrind: valgrind_version(&valgrind),
        counts: counted,
    };
    now.save(&out)?;

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
        update_baseline(&baseline_dir, earlier.as_ref(), &now, &profile_dir, args.select.is_everything(), &order)?;
    }

    let baseline = CiResults::load(&baseline_dir)?;
    let missing_note = if missing_engines.is_empty() || args.update_baseline {
        String::new()
    } else {
        let note = format!(
            "**Warning:** the baseline has no counts for {}, so {} nothing: every pair of {} is *new*. Add \
             {} with `harness ci --update-baseline --engines {}` and commit the baseline.",
            missing_engines.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", "),
            if missing_engines.len() == 1 { "this check compares it with" } else { "this check compares them with" },
            if missing_engines.len() == 1 { "it" } else { "them" },
            if missing_engines.len() == 1 { "it" } else { "them" },
            missing_engines.join(",")
        );
        eprintln!("warning: {}", note.trim_start_matches("**Warning:** "));
        format!(" {note}")
    };
    let baseline_note = match &baseline {
        Some(b) if b.provenance.profile != now.provenance.profile => format!(
            "**Warning:** the baseline was counted with the `{}` build and this run with `{}`; the counts are \
             not comparable.",
            b.provenance.profile, now.provenance.profile
        ),
        Some(b) => format!("Baseline: revision {} ({}).", b.provenance.revision, b.provenance.date),
        None => format!(
            "There is no baseline in {} yet: make one with `harness ci --update-baseline`.",
            baseline_dir.display()
        ),
    } + &missing_note;
    let rows = compare::compare(baseline.as_ref(), &now, threshold);
    let diff_dir = out.join("diffs");
    let mut diffs = Vec::with_capacity(rows.len());
    for row in &rows {
        let name = profile_name(&row.engine, &row.program);
        let before = baseline_dir.join(PROFILE_DIR).join(&name);
        if row.verdict == compare::Verdict::Regression && before.is_file() {
            std::fs::create_dir_all(&diff_dir)?;
            let svg = format!("{}-{}.svg", crate::variant::file_safe(&row.engine), row.program);
            crate::profile::flamegraph::render_diff(
                &before,
                &profile_dir.join(&name),
                &format!("Instructions per function: {} on {}, baseline → now", row.engine, row.program),
                &diff_dir.join(&svg),
                false,
            )?;
            diffs.push(Some(format!("diffs/{svg}")));
        } else {
            diffs.push(None);
        }
    }
    let notice = format!(
        "Generated by `{}` at revision {} on {}, with {} (profile `{}`) and {}, {}. Do not edit: run `harness ci` \
         again.",
        now.provenance.command,
        now.provenance.revision,
        provenance::machine_line(&now.provenance),
        now.provenance.rustc,
        now.provenance.profile,
        now.valgrind,
        now.provenance.date
    );
    let text = report::render(&rows, &diffs, threshold, &notice, &baseline_note);
    let readme = out.join("README.md");
    std::fs::write(&readme, &text)?;
    if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(summary)?;
        file.write_all(text.as_bytes())?;
    }
    for row in rows.iter().filter(|r| r.verdict != compare::Verdict::Unchanged) {
        eprintln!(
            "{:?}: {} on {} ({})",
            row.verdict,
            row.engine,
            row.program,
            row.change.map_or("no baseline".to_string(), |c| format!("{:+.2} %", c * 100.0))
        );
    }
    eprintln!("Report written to {}", readme.display());
    Ok(!compare::fails(&rows))
}

/// Writes `now` into the baseline. When the run counted every engine on
/// every program, the baseline becomes exactly `now`; when `--engines` or
/// `--programs` chose some, only the pairs counted are replaced and every
/// other pair (and its profile) is kept from `earlier`.
fn update_baseline(
    baseline_dir: &Path,
    earlier: Option<&CiResults>,
    now: &CiResults,
    profile_dir: &Path,
    everything: bool,
    program_order: &[&str],
) -> Result<()> {
    let mut merged = now.clone();
    let mut kept = 0;
    if let Some(earlier) = earlier.filter(|_| !everything) {
        let counted = |c: &Count| now.find(&c.engine, &c.program).is_some();
        let others: Vec<Count> = earlier.counts.iter().filter(|c| !counted(c)).cloned().collect();
        kept = others.len();
        merged.counts.extend(others);
        merged.counts.sort_by_key(|count| pair_order(count, program_order));
    }
    merged.save(baseline_dir)?;
    let baseline_profiles = baseline_dir.join(PROFILE_DIR);
    if everything {
        let _ = std::fs::remove_dir_all(&baseline_profiles);
    }
    std::fs::create_dir_all(&baseline_profiles)?;
    for count in &now.counts {
        let name = profile_name(&count.engine, &count.program);
        std::fs::copy(profile_dir.join(&name), baseline_profiles.join(&name))?;
    }
    eprintln!(
        "Baseline updated in {}: {} counted now{}",
        baseline_dir.display(),
        crate::report::format::plural(now.counts.len(), "pair", "pairs"),
        if kept > 0 { format!(", {kept} kept from the earlier baseline") } else { String::new() }
    );
    Ok(())
}

/// The order of a full baseline: programs in manifest order, each with the
/// engines in ladder order, a variant right after its engine (names the
/// manifest or registry lacks go last).
fn pair_order(count: &Count, program_order: &[&str]) -> (usize, String, usize, String) {
    let program = program_order.iter().position(|p| *p == count.program).unwrap_or(usize::MAX);
    let base = count.engine.split(':').next().unwrap_or_default();
    let engine = lox::engines().iter().position(|e| e.name() == base).unwrap_or(usize::MAX);
    (program, count.program.clone(), engine, count.engine.clone())
}

/// The saved profile's file name.
fn profile_name(engine: &str, program: &str) -> String {
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

/// The default output directory of `harness ci`.
pub fn default_out() -> PathBuf {
    app::workspace_root().join("reports").join("ci")
}
