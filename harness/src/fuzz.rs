//! `harness fuzz`: differential fuzzing of every engine (and any peer) with
//! the `fuzz` crate's generated programs, or the front end's robustness with
//! random input (`--syntax`); the first finding is shrunk and written under
//! `tests/lox/regressions/` as a corpus test.

use crate::app;
use crate::cli::FuzzArgs;
use anyhow::{Result, bail};
use frontend::Options;
use fuzz::campaign::{self, Campaign, Mode, Stop};
use fuzz::differential::{self, Contender, Runner};
use fuzz::generate::Config;
use fuzz::peer::Peer;
use std::io::Write;
use std::time::Duration;

/// Runs the campaign the options describe; returns whether it found nothing.
pub fn run(args: &FuzzArgs) -> Result<bool> {
    let mut contenders = engines(&args.engines, args.gc_stress)?;
    for spec in &args.peer {
        let peer = crate::contender::Contender::peer(spec)?;
        if peer.needs_python_twin() {
            bail!("a fuzzing peer runs Lox: its command takes `{{lox}}`, not `{{py}}`");
        }
        contenders.push(Contender::Peer(Peer { name: peer.name, command: peer.command }));
    }
    let has_peers = contenders.iter().any(Contender::is_peer);
    let mode = if args.syntax {
        Mode::Syntax
    } else if has_peers {
        Mode::Programs(Config::for_peer())
    } else {
        Mode::Programs(Config::default())
    };
    let first_seed = args.seed.unwrap_or_else(seed_from_clock);
    let stop = match args.programs {
        Some(count) => Stop::Programs(count),
        None => Stop::After(Duration::from_secs(args.seconds)),
    };
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let time_limit = Duration::from_secs(args.time_limit);
    let labels: Vec<&str> = contenders.iter().map(Contender::label).collect();
    eprintln!(
        "Fuzzing {} from seed {first_seed} on {jobs} thread{}: {}",
        if args.syntax { "the front end with random input" } else { "with generated programs" },
        if jobs == 1 { "" } else { "s" },
        labels.join(", ")
    );
    let campaign = Campaign { mode, first_seed, stop, jobs, contenders: contenders.clone(), time_limit };
    let summary = campaign::run(&campaign, &|progress| {
        eprint!(
            "\r{} programs, {:.0} programs/s, {} divergence{} found, {:.0} s ",
            progress.programs,
            progress.per_second(),
            progress.findings,
            if progress.findings == 1 { "" } else { "s" },
            progress.elapsed.as_secs_f64()
        );
        let _ = std::io::stderr().flush();
    });
    let seconds = summary.elapsed.as_secs_f64();
    eprintln!(
        "\r{} programs (seeds {}..{}) in {seconds:.0} s, {:.0} programs/s, {} divergence{}",
        summary.programs(),
        summary.first_seed,
        summary.end_seed,
        summary.programs() as f64 / seconds.max(1e-9),
        summary.findings.len(),
        if summary.findings.len() == 1 { "" } else { "s" },
    );
    let Some(finding) = summary.findings.first() else {
        return Ok(true);
    };
    eprintln!("Seed {}: {}", finding.seed, finding.problem.describe());
    let mut runner = Runner::new(contenders, time_limit, 0);
    let source = if args.no_shrink {
        finding.source.clone()
    } else if finding.problem.has_time_out() {
        eprintln!(
            "Not shrinking: a contender ran out of time, and every candidate that hangs would keep a thread busy."
        );
        finding.source.clone()
    } else {
        eprintln!("Shrinking ({} lines)...", finding.source.lines().count());
        campaign::shrink(finding, &mut runner, fuzz::shrink::MAX_TESTS)
    };
    let header = vec![
        format!(
            "{} by `harness fuzz{} --seed {}`, shrunk from {} to {} lines.",
            if args.syntax { "Random input found" } else { "Found" },
            if args.syntax { " --syntax" } else { "" },
            finding.seed,
            finding.source.lines().count(),
            source.lines().count()
        ),
        "The expectations are the majority's: check them against LOX.md before committing.".to_string(),
    ];
    let regression = fuzz::regression::corpus_test(&source, &header, &mut runner);
    let dir = args.out.clone().unwrap_or_else(|| app::workspace_root().join("tests").join("lox").join("regressions"));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("fuzz_{}{}.lox", if args.syntax { "syntax_" } else { "" }, finding.seed));
    std::fs::write(&path, &regression.text)?;
    eprintln!("{}", source);
    eprintln!(
        "Written to {}{}",
        path.display(),
        if regression.verified {
            ""
        } else {
            " (its expectations could not all be written as comments: edit it by hand)"
        }
    );
    Ok(false)
}

/// The contenders `--engines` names (variants such as `slot-walker:plain`
/// allowed), or every engine and the plain variant of each that has tunings.
fn engines(specs: &[String], gc_stress: bool) -> Result<Vec<Contender>> {
    if specs.is_empty() {
        return Ok(differential::engine_contenders(gc_stress));
    }
    let mut contenders = Vec::new();
    for spec in specs {
        let variant = lox::parse_variant(spec).map_err(anyhow::Error::msg)?;
        let options = variant.options(false);
        if gc_stress {
            let stressed = Options { gc_stress: true, ..options.clone() };
            contenders.push(Contender::Engine {
                label: format!("{spec}+gc-stress"),
                engine: variant.engine,
                options: stressed,
            });
        }
        contenders.push(Contender::Engine { label: spec.clone(), engine: variant.engine, options });
    }
    Ok(contenders)
}

/// A seed nobody chose: the clock's nanoseconds.
fn seed_from_clock() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    now.as_secs().wrapping_mul(1_000_000_007) ^ u64::from(now.subsec_nanos())
}
