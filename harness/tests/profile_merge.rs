//! `harness profile merge`: the directories of `harness profile --shard K/N`
//! joined into one, from fixed records and files (no profiling build).

mod common;

use harness::profile::{EngineProfile, FLAMEGRAPH_DIR, PROFILE_FILE, ProfileRecord, file_stem, read_profiles};
use harness::shard::{Shard, Slice};
use std::path::Path;
use std::process::Command;

const PAIRS: [(&str, &str); 3] = [("vm", "fib"), ("walker", "fib"), ("vm", "loop")];

fn profile(engine: &str, program: &str) -> EngineProfile {
    let stem = file_stem(engine, program);
    EngineProfile {
        engine: engine.into(),
        program: program.into(),
        size: 10,
        passed: true,
        detail: None,
        samples: 40,
        dropped_estimate: 0,
        cpu_s: 0.2,
        repeats: 1,
        prepare_s: 0.01,
        run_s: 0.19,
        allocations: Default::default(),
        work_count: None,
        work_unit: None,
        counters: Vec::new(),
        counts: Vec::new(),
        folded: format!("{FLAMEGRAPH_DIR}/{stem}.folded"),
        flamegraph: Some(format!("{FLAMEGRAPH_DIR}/{stem}.svg")),
        lox: None,
        date: String::new(),
    }
}

/// Writes shard `index` of two into `dir`: the run record, then a profile
/// with its two files for each of `pairs`; the files say which shard made
/// them.
fn write_shard(dir: &Path, index: usize, pairs: &[(&str, &str)]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join(FLAMEGRAPH_DIR)).unwrap();
    let all = PAIRS.iter().map(|(e, p)| (e.to_string(), p.to_string())).collect();
    let mut lines = vec![ProfileRecord::Run {
        provenance: common::provenance("harness profile --shard"),
        quick: true,
        frequency_hz: 250,
        shard: Some(Slice { shard: Shard { index, count: 2 }, pairs: all, everything: true }),
    }];
    for (engine, program) in pairs {
        let profile = profile(engine, program);
        for file in [&profile.folded, profile.flamegraph.as_ref().unwrap()] {
            std::fs::write(dir.join(file), format!("shard {index}")).unwrap();
        }
        lines.push(ProfileRecord::Profile(profile));
    }
    let text: String = lines.iter().map(|line| serde_json::to_string(line).unwrap() + "\n").collect();
    std::fs::write(dir.join(PROFILE_FILE), text).unwrap();
}

#[test]
fn profile_shards_merge_into_every_profile_in_the_runs_order_with_its_own_files() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("profile-merge");
    let (one, two, merged) = (dir.join("one"), dir.join("two"), dir.join("merged"));
    write_shard(&one, 1, &[("vm", "fib"), ("vm", "loop")]);
    write_shard(&two, 2, &[("walker", "fib")]);
    // A file left in shard 1's directory by an earlier run of another
    // slice: the merge takes the file of the shard that profiled the pair.
    std::fs::write(one.join(profile("walker", "fib").folded), "stale").unwrap();
    let _ = std::fs::remove_dir_all(&merged);

    let run = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["profile", "merge"])
        .args([&one, &two])
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    let (provenance, profiles) = read_profiles(&merged).unwrap().unwrap();
    assert!(provenance.command.contains("profile merge"), "{}", provenance.command);
    let order: Vec<(&str, &str)> = profiles.iter().map(|p| (p.engine.as_str(), p.program.as_str())).collect();
    assert_eq!(order, PAIRS);
    let walker = profile("walker", "fib");
    assert_eq!(std::fs::read_to_string(merged.join(&walker.folded)).unwrap(), "shard 2");
    assert_eq!(std::fs::read_to_string(merged.join(walker.flamegraph.unwrap())).unwrap(), "shard 2");
    assert_eq!(std::fs::read_to_string(merged.join(profile("vm", "loop").folded)).unwrap(), "shard 1");
    let text = std::fs::read_to_string(merged.join(PROFILE_FILE)).unwrap();
    assert!(!text.contains("\"shard\""), "the merged run is no shard: {text}");

    // A shard that lost a file cannot be merged into a report with a
    // broken link.
    std::fs::remove_file(two.join(walker.folded)).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["profile", "merge", "--force"])
        .args([&one, &two])
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && stderr.contains("is missing"), "{stderr}");
}
