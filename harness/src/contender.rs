//! What is compared: the registered engines and their variants (see
//! [`crate::variant`]), run as child processes of the harness binary
//! itself, and peers, any external command (python3 on the Python twins,
//! the Rust twins of [`crate::native`], a user's clox).
//!
//! A peer's command is a template. It is split on whitespace (no shell is
//! involved, so no shell start-up is timed) and these placeholders are
//! replaced in each word:
//!
//! | placeholder | replaced by |
//! |-------------|-------------|
//! | `{lox}`     | the path of the `.lox` file with its size set |
//! | `{py}`      | the path of the program's Python twin |
//! | `{n}`       | the size |
//! | `{name}`    | the program's name |
//!
//! A command with no placeholder at all gets `{lox}` appended, so
//! `--peer clox=/path/to/clox` runs `clox <sized file>`, while
//! `--peer x=cmd {name} {n}` runs exactly that.

use crate::variant::{EngineVariant, VariantInfo};
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How a contender is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A registered engine, run by `harness __run --engine NAME FILE`.
    Engine,
    /// An external command.
    Peer,
}

/// One column of the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contender {
    pub name: String,
    pub kind: Kind,
    /// One line saying what it is.
    pub description: String,
    /// The command template (see the module documentation).
    pub command: Vec<String>,
    /// For an engine: which one, and which of its tunings are off (results
    /// saved before variants existed have none, and mean the engine as
    /// tuned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<VariantInfo>,
    /// For a peer that runs a twin of each program (the native candle): the
    /// programs it has one of; it sits the others out. `None`: every program.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twins: Option<Vec<String>>,
}

/// The placeholders a command template may hold.
pub const PLACEHOLDERS: [&str; 4] = ["{lox}", "{py}", "{n}", "{name}"];

/// What a template's placeholders stand for in one run.
#[derive(Clone, Debug)]
pub struct Placeholders<'a> {
    pub lox: &'a Path,
    pub python: &'a Path,
    pub size: u64,
    pub program: &'a str,
}

impl Contender {
    /// A registered engine, or a variant of one, run through
    /// `harness_exe __run --engine SPEC`.
    pub fn engine(engine: &EngineVariant, harness_exe: &Path) -> Contender {
        Contender {
            name: engine.name.clone(),
            kind: Kind::Engine,
            description: engine.description(),
            command: vec![
                harness_exe.display().to_string(),
                "__run".to_string(),
                "--engine".to_string(),
                engine.name.clone(),
                "{lox}".to_string(),
            ],
            variant: Some(engine.info()),
            twins: None,
        }
    }

    /// The registered engine this contender runs (its name before any `:`),
    /// or `None` for a peer.
    pub fn engine_name(&self) -> Option<&str> {
        match (&self.variant, self.kind) {
            (Some(variant), _) => Some(&variant.engine),
            (None, Kind::Engine) => Some(crate::variant::engine_of(&self.name)),
            (None, Kind::Peer) => None,
        }
    }

    /// Whether this is an engine with every tuning on (or one saved before
    /// variants existed).
    pub fn is_tuned_engine(&self) -> bool {
        self.kind == Kind::Engine && self.variant.as_ref().is_none_or(VariantInfo::is_tuned)
    }

    /// Parses a `--peer NAME=COMMAND` argument.
    pub fn peer(spec: &str) -> Result<Contender> {
        let Some((name, command)) = spec.split_once('=') else {
            bail!("--peer takes NAME=COMMAND, for example `--peer clox=/usr/local/bin/clox`; got `{spec}`")
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
            bail!("a peer's name must be letters, digits, `-`, `_` or `.`; got `{name}`");
        }
        let mut words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            bail!("the peer `{name}` has an empty command");
        }
        if !words.iter().any(|word| PLACEHOLDERS.iter().any(|placeholder| word.contains(placeholder))) {
            words.push("{lox}".to_string());
        }
        Ok(Contender {
            name: name.to_string(),
            kind: Kind::Peer,
            description: "an external command given with --peer".to_string(),
            command: words,
            variant: None,
            twins: None,
        })
    }

    /// The built-in python3 peer, which runs each program's Python twin.
    pub fn python(python3: &Path) -> Contender {
        Contender {
            name: "python3".to_string(),
            kind: Kind::Peer,
            description: "CPython running each program's twin in `programs/python/` (a reference peer)".to_string(),
            command: vec![python3.display().to_string(), "{py}".to_string(), "{n}".to_string()],
            variant: None,
            twins: None,
        }
    }

    /// The built-in native peer: the Rust twin of each program (`native
    /// PROGRAM N`), for the programs in `twins`.
    pub fn native(native_exe: &Path, twins: Vec<String>) -> Contender {
        Contender {
            name: crate::native::PEER_NAME.to_string(),
            kind: Kind::Peer,
            description: "each program's Rust twin in `programs/native`, compiled with the release profile (the \
                          standard candle)"
                .to_string(),
            command: vec![native_exe.display().to_string(), "{name}".to_string(), "{n}".to_string()],
            variant: None,
            twins: Some(twins),
        }
    }

    /// Whether this contender has something to run for `program`: the
    /// native peer only has its twins.
    pub fn has_twin_of(&self, program: &str) -> bool {
        self.twins.as_ref().is_none_or(|twins| twins.iter().any(|twin| twin == program))
    }

    /// Whether the template needs the Python twin.
    pub fn needs_python_twin(&self) -> bool {
        self.command.iter().any(|word| word.contains("{py}"))
    }

    /// The command line for one run.
    pub fn argv(&self, values: &Placeholders<'_>) -> Vec<String> {
        self.command
            .iter()
            .map(|word| {
                word.replace("{lox}", &values.lox.display().to_string())
                    .replace("{py}", &values.python.display().to_string())
                    .replace("{n}", &values.size.to_string())
                    .replace("{name}", values.program)
            })
            .collect()
    }
}

/// The python3 interpreter itself, if `python3` is on the `PATH`. The
/// interpreter is asked for its own path, because the `python3` on the
/// `PATH` may be a shim script (pyenv's takes hundreds of milliseconds) whose
/// start-up would be timed with every run.
pub fn find_python3() -> Option<PathBuf> {
    let output = std::process::Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .stdin(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    let path = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    path.is_file().then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>() -> Placeholders<'a> {
        Placeholders { lox: Path::new("/tmp/fib-20.lox"), python: Path::new("/p/fib.py"), size: 20, program: "fib" }
    }

    #[test]
    fn a_peer_without_placeholders_gets_the_lox_file() {
        let peer = Contender::peer("clox=/opt/clox").unwrap();
        assert_eq!(peer.argv(&values()), vec!["/opt/clox", "/tmp/fib-20.lox"]);
    }

    #[test]
    fn placeholders_are_replaced_inside_words() {
        let peer = Contender::peer("py = python3 {py} --n={n} --label {name}").unwrap();
        assert_eq!(peer.name, "py");
        assert_eq!(peer.argv(&values()), vec!["python3", "/p/fib.py", "--n=20", "--label", "fib"]);
        assert!(peer.needs_python_twin());
    }

    #[test]
    fn a_peer_with_only_size_or_name_placeholders_gets_nothing_appended() {
        let peer = Contender::peer("x=cmd {name} {n}").unwrap();
        assert_eq!(peer.argv(&values()), vec!["cmd", "fib", "20"]);
        assert!(!peer.needs_python_twin());
    }

    #[test]
    fn the_native_peer_runs_its_twin_by_name_and_size_and_sits_out_the_rest() {
        let native = Contender::native(Path::new("/t/release/native"), vec!["fib".to_string()]);
        assert_eq!(native.name, "native");
        assert_eq!(native.argv(&values()), vec!["/t/release/native", "fib", "20"]);
        assert!(native.has_twin_of("fib"));
        assert!(!native.has_twin_of("zoo"));
        assert!(Contender::peer("clox=/opt/clox").unwrap().has_twin_of("zoo"));
    }

    #[test]
    fn malformed_peers_are_refused() {
        assert!(Contender::peer("no-equals-sign").is_err());
        assert!(Contender::peer("=cmd").is_err());
        assert!(Contender::peer("name=   ").is_err());
        assert!(Contender::peer("bad name=cmd").is_err());
    }
}
