//! What several test files build alike.

use harness::results::Provenance;

/// The provenance of a run made by `command` on a fixed test machine.
pub fn provenance(command: &str) -> Provenance {
    Provenance {
        command: command.into(),
        revision: "abc".into(),
        rustc: "rustc 1.95.0".into(),
        profile: "release".into(),
        cpu: "Test CPU".into(),
        cores: 2,
        os: "linux".into(),
        date: "2025-01-01T00:00:00Z".into(),
    }
}
