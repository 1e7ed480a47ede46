//! `--export-json`, `--export-csv` and `--export-markdown` on a fixed run
//! (tests/fixtures/results: slot-walker and a peer on two programs, one
//! pair below resolution, one wrong), through `harness report`; and the
//! JSON export against its documented schema, field for field.

use harness::export::csv::COLUMNS;
use harness::export::json::{Export, SCHEMA, SCHEMA_VERSION};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Exported {
    json: Export,
    raw: Value,
    csv: String,
    markdown: String,
}

/// Exports the fixture into a directory of its own (tests run side by side).
fn export(name: &str) -> Exported {
    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("run")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results/results.jsonl");
    std::fs::copy(fixture, dir.join("run/results.jsonl")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["report", "--force", "--out"])
        .arg(dir.join("run"))
        .arg("--export-json")
        .arg(dir.join("elsewhere/results.json"))
        .arg("--export-csv")
        .arg(dir.join("results.csv"))
        .arg("--export-markdown")
        .arg(dir.join("results.md"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(dir.join("elsewhere/results.json")).unwrap();
    Exported {
        json: serde_json::from_str(&text).unwrap(),
        raw: serde_json::from_str(&text).unwrap(),
        csv: std::fs::read_to_string(dir.join("results.csv")).unwrap(),
        markdown: std::fs::read_to_string(dir.join("results.md")).unwrap(),
    }
}

#[test]
fn the_json_export_is_versioned_and_every_record_carries_its_provenance() {
    let Exported { json, .. } = export("versioned");
    assert_eq!((json.schema.as_str(), json.schema_version), (SCHEMA, SCHEMA_VERSION));
    assert_eq!(json.provenance.revision, "0123abc");
    let pairs: Vec<(&str, &str, bool, bool)> =
        json.results.iter().map(|r| (r.contender.as_str(), r.program.as_str(), r.passed, r.below_resolution)).collect();
    assert_eq!(
        pairs,
        vec![
            ("clox", "fib", true, false),
            ("slot-walker", "fib", true, false),
            ("clox", "loop", false, false),
            ("slot-walker", "loop", true, true),
        ]
    );
    assert!(json.results.iter().all(|r| r.provenance == json.provenance));
    // Times have the spawn cost of their own rounds (2 ms) subtracted.
    let slot = &json.results[1];
    assert!((slot.median.unwrap() - 0.010).abs() < 1e-12 && (slot.spawn_overhead - 0.002).abs() < 1e-12);
    assert_eq!(slot.times.len(), 3);
    assert_eq!(slot.command, vec!["harness", "__run", "--engine", "slot-walker", "{lox}"]);
    assert!(json.results[2].failure.as_deref().unwrap().starts_with("line 2: expected"));
    assert_eq!(json.results[2].runs, 0);
    assert_eq!(json.results[2].mean, None);
}

/// The `properties` and `required` of one object of the schema, which must
/// name the same fields.
fn schema_fields(object: &Value) -> BTreeSet<String> {
    let properties: BTreeSet<String> = object["properties"].as_object().unwrap().keys().cloned().collect();
    let required: BTreeSet<String> =
        object["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(properties, required, "every field is documented and always present");
    properties
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn the_json_export_has_exactly_the_fields_its_schema_documents() {
    let Exported { raw, .. } = export("schema");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/results-v1.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(schema["properties"]["schema"]["const"], SCHEMA);
    assert_eq!(schema["properties"]["schema_version"]["const"], SCHEMA_VERSION);
    assert_eq!(keys(&raw), schema_fields(&schema));
    assert_eq!(keys(&raw["provenance"]), schema_fields(&schema["$defs"]["provenance"]));
    let record = schema_fields(&schema["$defs"]["record"]);
    for result in raw["results"].as_array().unwrap() {
        assert_eq!(keys(result), record);
        assert_eq!(keys(&result["provenance"]), schema_fields(&schema["$defs"]["provenance"]));
    }
}

#[test]
fn the_csv_export_quotes_what_needs_quoting_and_repeats_the_provenance() {
    let Exported { csv, .. } = export("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], COLUMNS.join(","));
    assert_eq!(lines.len(), 5);
    let clox: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(clox[0], "clox {lox}");
    let mean: f64 = clox[1].parse().unwrap();
    assert!((mean - 0.0045).abs() < 1e-12, "{}", lines[1]);
    for line in &lines[1..] {
        assert!(line.ends_with(",0123abc,rustc 1.95.0,release,\"Test CPU, with a comma\",linux,2025-01-01T00:00:00Z"));
    }
    assert!(lines[3].contains(",\"line 2: expected \"\"4950\"\", got \"\"4951\"\"\","), "{}", lines[3]);
}

#[test]
fn the_markdown_export_has_a_hyperfine_table_per_program() {
    let Exported { markdown, .. } = export("markdown");
    assert!(markdown.contains("Measured at revision `0123abc` with rustc 1.95.0 (profile `release`)"));
    assert!(markdown.contains("## fib (n = 9)\n\n| Contender | Mean [ms] | Min [ms] | Max [ms] | Relative |"));
    assert!(markdown.contains("| `clox` | 4.50 ± 0.500 | 4.00 | 5.00 | 1.00 |"), "{markdown}");
    assert!(markdown.contains("| `slot-walker` | 10.0 ± 1.00 | 9.00 | 11.0 | 2.22 ± 0.332 |"), "{markdown}");
    assert!(markdown.contains("| `slot-walker` | 0.000 ± 0.000 | 0.000 | 0.000 | below resolution |"), "{markdown}");
    assert!(
        markdown.contains("| `clox` | – | – | – | failed: line 2: expected \"4950\", got \"4951\" |"),
        "{markdown}"
    );
}
