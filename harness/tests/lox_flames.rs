//! The Lox-level flamegraphs: the differential flamegraph of two adjacent
//! rungs from fixed folded files, and (in the profiling build) the marker
//! an engine sets reaching the samples of a short profiled run.

use harness::profile::lox::LoxProfile;
use harness::profile::{EngineProfile, FLAMEGRAPH_DIR, file_stem, flamegraph, rung_diffs};
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("loxbench-lox-flames-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(FLAMEGRAPH_DIR)).expect("a scratch directory");
    dir
}

/// A profile of `engine` on `program` whose Lox stacks are `lox_folded`,
/// written into `dir`.
fn profile(dir: &Path, engine: &str, program: &str, lox_folded: &str) -> EngineProfile {
    let stem = file_stem(engine, program);
    let folded = format!("{FLAMEGRAPH_DIR}/{stem}-lox.folded");
    std::fs::write(dir.join(&folded), lox_folded).expect("writes");
    let samples = harness::profile::folded::total(&harness::profile::folded::parse(lox_folded));
    EngineProfile {
        engine: engine.into(),
        program: program.into(),
        size: 10,
        passed: true,
        detail: None,
        samples,
        dropped_estimate: 0,
        cpu_s: 0.2,
        repeats: 1,
        prepare_s: 0.0,
        run_s: 0.2,
        allocations: Default::default(),
        work_count: None,
        work_unit: None,
        counts: Vec::new(),
        counters: Vec::new(),
        folded: format!("{FLAMEGRAPH_DIR}/{stem}.folded"),
        flamegraph: None,
        lox: Some(LoxProfile {
            samples,
            overflowed: 0,
            marked_folded: format!("{FLAMEGRAPH_DIR}/{stem}-marked.folded"),
            folded,
            flamegraph: None,
        }),
        date: String::new(),
    }
}

#[test]
fn adjacent_rungs_get_a_differential_flamegraph_of_lox_functions() {
    let dir = scratch("diff");
    // slot-walker spends half its samples in `helper`, tagged-walker (the
    // rung above it) a quarter, over twice as many samples.
    let lower = profile(&dir, "slot-walker", "fib", "script;fib 50\nscript;fib;helper 50\n");
    let upper = profile(&dir, "tagged-walker", "fib", "script;fib 150\nscript;fib;helper 50\n");
    // Not rungs of one step: hashmap-walker is two below tagged-walker, and
    // a variant or a failed run is no rung.
    let unrelated = profile(&dir, "hashmap-walker", "fib", "script;fib 10\n");
    let mut failed = profile(&dir, "closure-compiler", "fib", "script;fib 10\n");
    failed.passed = false;
    let variant = profile(&dir, "tagged-walker:plain", "fib", "script;fib 10\n");
    let profiles = vec![unrelated, lower, upper, failed, variant];

    let pairs: Vec<(&str, &str)> =
        rung_diffs::pairs(&profiles).iter().map(|(l, u)| (l.engine.as_str(), u.engine.as_str())).collect();
    assert_eq!(pairs, vec![("hashmap-walker", "slot-walker"), ("slot-walker", "tagged-walker")]);

    let drawn = rung_diffs::render_all(&dir, &profiles).expect("draws");
    let paths: Vec<&str> = drawn.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "flamegraphs/hashmap-walker-to-slot-walker-fib-lox-diff.svg",
            "flamegraphs/slot-walker-to-tagged-walker-fib-lox-diff.svg"
        ]
    );
    let svg = std::fs::read_to_string(dir.join(paths[1])).expect("the SVG is written");
    assert!(svg.contains("slot-walker → tagged-walker on fib: Lox functions"), "{svg}");
    assert!(svg.contains("helper"), "{svg}");

    // Scaled to the same total, `helper` falls from 100 of 200 to 50.
    let lines = flamegraph::differential(
        &dir.join(profiles[1].lox.as_ref().unwrap().folded.as_str()),
        &dir.join(profiles[2].lox.as_ref().unwrap().folded.as_str()),
        true,
    )
    .expect("compares");
    let mut lines: Vec<&str> = lines.lines().collect();
    lines.sort_unstable();
    assert_eq!(lines, vec!["script;fib 100 150", "script;fib;helper 100 50"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The whole path, in the profiling build: nanbox-vm marks its frames and
/// opcodes, the samples carry them, and the saved folded stacks name them.
#[cfg(feature = "profiling")]
#[test]
fn an_engines_marker_reaches_the_folded_stacks_of_a_profiled_run() {
    let dir = scratch("run");
    let _ = std::fs::remove_dir_all(&dir);
    for engine in ["nanbox-vm", "tagged-walker", "jit"] {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_harness"))
            .args(["profile", "--quick", "--engines", engine, "--programs", "fib", "--force", "--out"])
            .arg(&dir)
            .status()
            .expect("the harness runs");
        assert!(status.success(), "harness profile failed on {engine}");
        let stem = file_stem(engine, "fib");
        let marked = std::fs::read_to_string(dir.join(FLAMEGRAPH_DIR).join(format!("{stem}-marked.folded")))
            .expect("the marked stacks are saved");
        let lox = std::fs::read_to_string(dir.join(FLAMEGRAPH_DIR).join(format!("{stem}-lox.folded")))
            .expect("the Lox stacks are saved");
        let marked_samples: u64 = harness::profile::folded::parse(&marked)
            .iter()
            .filter(|s| s.frames.last().is_some_and(|f| f.starts_with("lox: fib")))
            .map(|s| s.count)
            .sum();
        assert!(marked_samples > 0, "{engine}: no sample marked as running fib:\n{marked}");
        assert!(!marked.contains("tagging::"), "{engine}: the tagging frames are left in:\n{marked}");
        assert!(lox.lines().any(|line| line.starts_with("script;fib;fib")), "{engine}: no nested fib:\n{lox}");
        if engine != "jit" {
            // The VMs and walkers mark the opcode or node kind too.
            assert!(marked.contains("lox: fib > "), "{engine}: no opcode or node kind:\n{marked}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
