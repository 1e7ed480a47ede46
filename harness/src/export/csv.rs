//! The CSV export: one row per contender × program × size, hyperfine's
//! columns where they mean the same (`command`, `mean`, `stddev`, `median`,
//! `user`, `system`, `min`, `max`, in seconds), then loxbench's, then the
//! provenance on every row. Quoted as RFC 4180 says: a field with a comma,
//! a quote or a line break is put in quotes, its quotes doubled.

use super::json::Record;
use crate::results::Suite;

/// The header, in column order.
pub const COLUMNS: [&str; 25] = [
    "command",
    "mean",
    "stddev",
    "median",
    "user",
    "system",
    "min",
    "max",
    "contender",
    "kind",
    "program",
    "size",
    "suite",
    "passed",
    "below_resolution",
    "runs",
    "peak_rss_bytes",
    "spawn_overhead",
    "failure",
    "revision",
    "rustc",
    "profile",
    "cpu",
    "os",
    "date",
];

/// The whole file.
pub fn render(records: &[Record]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for record in records {
        let number = |value: Option<f64>| value.map_or(String::new(), |v| v.to_string());
        let p = &record.provenance;
        let row = [
            record.command.join(" "),
            number(record.mean),
            number(record.stddev),
            number(record.median),
            number(record.user),
            number(record.system),
            number(record.min),
            number(record.max),
            record.contender.clone(),
            match record.kind {
                crate::contender::Kind::Engine => "engine".to_string(),
                crate::contender::Kind::Peer => "peer".to_string(),
            },
            record.program.clone(),
            record.size.to_string(),
            match record.suite {
                Suite::Main => "main".to_string(),
                Suite::Scaling => "scaling".to_string(),
            },
            record.passed.to_string(),
            record.below_resolution.to_string(),
            record.runs.to_string(),
            record.peak_rss_bytes.map_or(String::new(), |b| b.to_string()),
            record.spawn_overhead.to_string(),
            record.failure.clone().unwrap_or_default(),
            p.revision.clone(),
            p.rustc.clone(),
            p.profile.clone(),
            p.cpu.clone(),
            p.os.clone(),
            p.date.clone(),
        ];
        out.push_str(&row.iter().map(|field| quote(field)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// A field as RFC 4180 wants it.
pub fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}
