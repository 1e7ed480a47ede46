//! Fixed-seed fuzzing as part of `cargo test`: a few hundred generated
//! programs on every engine (tuned and plain) must agree byte for byte, and
//! random input must get Lox diagnostics from every engine, never a panic,
//! a crash or a hang. `harness fuzz` runs the same campaigns for longer.

use fuzz::campaign::{self, Campaign, Mode, Stop, Summary};
use fuzz::differential::engine_contenders;
use fuzz::generate::Config;
use std::time::Duration;

fn run(mode: Mode, first_seed: u64, programs: u64, gc_stress: bool) -> Summary {
    let campaign = Campaign {
        mode,
        first_seed,
        stop: Stop::Programs(programs),
        jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
        contenders: engine_contenders(gc_stress),
        time_limit: Duration::from_secs(120),
    };
    campaign::run(&campaign, &|_| {})
}

fn assert_clean(summary: &Summary, programs: u64) {
    for finding in &summary.findings {
        eprintln!("seed {}: {}\n{}", finding.seed, finding.problem.describe(), finding.source);
    }
    assert!(summary.findings.is_empty(), "{} findings", summary.findings.len());
    assert_eq!(summary.programs(), programs);
}

/// Every engine tuned and plain, and each also with a collection at every
/// allocation.
#[test]
fn generated_programs_agree_on_every_engine() {
    let summary = run(Mode::Programs(Config::default()), 0, 500, true);
    assert_clean(&summary, 500);
}

#[test]
fn random_input_gets_lox_diagnostics_from_every_engine() {
    let summary = run(Mode::Syntax, 0, 500, false);
    assert_clean(&summary, 500);
}

/// A campaign does find a divergence when there is one: an engine compared
/// with itself under another name agrees, and a peer that prints something
/// else is caught, shrunk and written with the majority's expectations.
#[test]
fn a_divergent_peer_is_found_shrunk_and_written() {
    let mut contenders = engine_contenders(false);
    contenders.truncate(2);
    // A "peer" that prints nothing at all for every program.
    contenders.push(fuzz::differential::Contender::Peer(fuzz::peer::Peer {
        name: "silent".to_string(),
        command: vec!["true".to_string(), "{lox}".to_string()],
    }));
    let campaign = Campaign {
        mode: Mode::Programs(Config::for_peer()),
        first_seed: 0,
        stop: Stop::Programs(50),
        jobs: 1,
        contenders: contenders.clone(),
        time_limit: Duration::from_secs(60),
    };
    let summary = campaign::run(&campaign, &|_| {});
    let finding = summary.findings.first().expect("the silent peer disagrees");
    assert!(finding.problem.describe().contains("silent"));
    let mut runner = fuzz::differential::Runner::new(contenders, Duration::from_secs(60), 0);
    let shrunk = campaign::shrink(finding, &mut runner, 2000);
    assert!(shrunk.lines().count() <= 2, "not small:\n{shrunk}");
    let regression = fuzz::regression::corpus_test(&shrunk, &[], &mut runner);
    assert!(regression.verified);
    assert!(regression.text.contains("// expect"));
}
