//! Profiling stays out of timing builds: the harness that `cargo build
//! --release -p harness` makes (default features) has no work counters in
//! any engine and no profiling feature, while the profiling build has them
//! all. Read from cargo's own feature resolution, so a dependency that turns
//! `work-count` on from anywhere in the build is caught.

use std::path::Path;
use std::process::Command;

/// The features cargo resolves for each of this workspace's packages in
/// the harness's build, with `extra` arguments (such as `--features`).
fn workspace_features(extra: &[&str]) -> Vec<(String, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["tree", "--offline", "-p", "harness", "-e", "normal", "--prefix", "none", "--format", "{p}|{f}"])
        .args(extra)
        .current_dir(root)
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&output.stderr));
    let root = root.display().to_string();
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .filter(|line| line.contains(&root))
        .filter_map(|line| {
            let (package, features) = line.split_once('|')?;
            let name = package.split_whitespace().next()?.to_string();
            let features = features.split(" (*)").next().unwrap_or("");
            Some((name, features.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect()))
        })
        .collect()
}

fn with_counting(packages: &[(String, Vec<String>)]) -> Vec<String> {
    let mut counting: Vec<String> = packages
        .iter()
        .filter(|(_, features)| features.iter().any(|f| f == "work-count" || f == "profiling"))
        .map(|(name, _)| name.clone())
        .collect();
    counting.sort();
    counting.dedup();
    counting
}

#[test]
fn the_release_harness_has_no_counters_and_the_profiling_build_has_them() {
    let timing = workspace_features(&[]);
    for engine in ["frontend", "lox", "hashmap-walker", "nanbox-vm", "harness"] {
        assert!(timing.iter().any(|(name, _)| name == engine), "{engine} is not in the harness's build: {timing:?}");
    }
    assert_eq!(with_counting(&timing), Vec::<String>::new(), "counting features in the timing build");
    let profiling = with_counting(&workspace_features(&["--features", "profiling"]));
    for package in [
        "frontend",
        "lox",
        "hashmap-walker",
        "slot-walker",
        "tagged-walker",
        "closure-compiler",
        "enum-vm",
        "nanbox-vm",
    ] {
        assert!(
            profiling.iter().any(|name| name == package),
            "{package} does not count in the profiling build: {profiling:?}"
        );
    }
}
