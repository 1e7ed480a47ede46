//! The fixed timing records LADDER.md is rendered from in tests: two real
//! rungs (`hashmap-walker` and the `slot-walker` that is a step from it),
//! each plain and tuned, and native code, on three programs chosen so that
//! one step is clearly faster, one clearly slower and one within noise.
//! Included by the tests that render LADDER.md (`#[path]`), beside `common`.

use harness::contender::{Contender, Kind};
use harness::programs::{Group, Program};
use harness::results::{Record, Suite};
use harness::variant::{TuningInfo, VariantInfo};

fn engine(spec: &str, tunings: &[&str], plain: bool) -> Contender {
    let engine = spec.split(':').next().unwrap();
    let tuning = |name: &&str| TuningInfo {
        name: name.to_string(),
        summary: format!("Does {name}."),
        class: format!("every {name}"),
    };
    Contender {
        name: spec.to_string(),
        kind: Kind::Engine,
        description: format!("{engine} strategy"),
        command: vec![spec.to_string()],
        twins: None,
        variant: Some(VariantInfo {
            engine: engine.to_string(),
            strategy: format!("{engine} strategy"),
            disabled: if plain { tunings.iter().map(|t| t.to_string()).collect() } else { Vec::new() },
            tunings: tunings.iter().map(tuning).collect(),
        }),
    }
}

fn program(name: &str, group: Group, stresses: &str) -> Program {
    Program {
        name: name.to_string(),
        group,
        twin_of: None,
        stresses: stresses.to_string(),
        description: format!("The {name} program."),
        small: 5,
        medium: 9,
        full: 9,
        sizes: vec![5, 9],
    }
}

/// The wall times of the five rounds of each contender on each program,
/// before the 1 ms spawn cost is taken off. On fib every step is clearly
/// faster; on strings `slot-walker`'s times interleave with
/// `hashmap-walker`'s (not significant, plain or tuned); on loop
/// `slot-walker` as tuned is clearly slower than `hashmap-walker` as tuned.
const TIMES: [(&str, &str, [f64; 5]); 15] = [
    ("hashmap-walker:plain", "fib", [0.801, 0.803, 0.802, 0.805, 0.804]),
    ("hashmap-walker", "fib", [0.401, 0.403, 0.402, 0.405, 0.404]),
    ("slot-walker:plain", "fib", [0.201, 0.203, 0.202, 0.205, 0.204]),
    ("slot-walker", "fib", [0.101, 0.103, 0.102, 0.105, 0.104]),
    ("native", "fib", [0.011, 0.013, 0.012, 0.015, 0.014]),
    ("hashmap-walker:plain", "strings", [0.300, 0.320, 0.290, 0.310, 0.280]),
    ("hashmap-walker", "strings", [0.300, 0.320, 0.290, 0.310, 0.280]),
    ("slot-walker:plain", "strings", [0.305, 0.285, 0.315, 0.295, 0.300]),
    ("slot-walker", "strings", [0.305, 0.285, 0.315, 0.295, 0.300]),
    ("native", "strings", [0.031, 0.033, 0.032, 0.035, 0.034]),
    ("hashmap-walker:plain", "loop", [0.401, 0.403, 0.402, 0.405, 0.404]),
    ("hashmap-walker", "loop", [0.201, 0.203, 0.202, 0.205, 0.204]),
    ("slot-walker:plain", "loop", [0.101, 0.103, 0.102, 0.105, 0.104]),
    ("slot-walker", "loop", [0.301, 0.303, 0.302, 0.305, 0.304]),
    ("native", "loop", [0.011, 0.013, 0.012, 0.015, 0.014]),
];

pub fn records() -> Vec<Record> {
    let peer = Contender {
        name: "native".to_string(),
        kind: Kind::Peer,
        description: "the programs in Rust".to_string(),
        command: vec!["native".to_string()],
        twins: None,
        variant: None,
    };
    let mut records = vec![
        Record::Run {
            provenance: crate::common::provenance("harness --quick"),
            quick: true,
            runs: 5,
            adaptive: None,
            warmup: 1,
            contenders: vec![
                engine("hashmap-walker", &["fx-hash"], false),
                engine("hashmap-walker:plain", &["fx-hash"], true),
                engine("slot-walker", &["fx-hash", "leaf-operands"], false),
                engine("slot-walker:plain", &["fx-hash", "leaf-operands"], true),
                peer,
            ],
            programs: vec![
                program("fib", Group::Micro, "calls"),
                program("strings", Group::Micro, "strings"),
                program("loop", Group::Macro, "loops"),
            ],
            scaling_program: None,
        },
        Record::Calibration { wall_s: vec![0.001; 5], overhead_s: 0.001, max_rss_bytes: 2 << 20, date: String::new() },
    ];
    for (contender, program, times) in TIMES {
        records.push(Record::Verification {
            contender: contender.to_string(),
            program: program.to_string(),
            size: 9,
            suite: Suite::Main,
            passed: true,
            detail: None,
            argv: vec![contender.to_string()],
            date: String::new(),
        });
        for (round, wall_s) in times.into_iter().enumerate() {
            records.push(Record::Sample {
                contender: contender.to_string(),
                program: program.to_string(),
                size: 9,
                suite: Suite::Main,
                round,
                wall_s,
                user_s: wall_s,
                system_s: 0.0,
                max_rss_bytes: 8 << 20,
                date: String::new(),
            });
        }
    }
    records
}
