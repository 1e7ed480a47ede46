//! Running one source on every contender and comparing what they did.
//!
//! Engines run in this process, each program on the worker's engine thread
//! with a time limit ([`lox::conformance::EngineThread`], the conformance
//! runner's machinery); peers run as child processes ([`crate::peer`]).
//! Two contenders agree when their standard output, standard error and exit
//! code are identical bytes, and when neither failed to finish.

use crate::peer::Peer;
use frontend::{Engine, Options};
use lox::conformance::EngineThread;
use lox::run::Outcome;
use std::path::PathBuf;
use std::time::Duration;

/// Who runs a program: an engine with some options (a variant, the collector
/// stressed or not), or an external command.
#[derive(Clone)]
pub enum Contender {
    Engine { label: String, engine: &'static dyn Engine, options: Options },
    Peer(Peer),
}

impl std::fmt::Debug for Contender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Contender {
    pub fn label(&self) -> &str {
        match self {
            Contender::Engine { label, .. } => label,
            Contender::Peer(peer) => &peer.name,
        }
    }

    pub fn is_peer(&self) -> bool {
        matches!(self, Contender::Peer(_))
    }
}

/// What one contender did with one source: an outcome, or why there is none
/// (a time-out, a panic, a peer killed by a signal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    pub contender: String,
    pub result: Result<Outcome, String>,
}

/// Runs sources on a fixed list of contenders, one worker's worth: it keeps
/// an engine thread between programs and a scratch file for peers.
pub struct Runner {
    contenders: Vec<Contender>,
    limit: Duration,
    thread: Option<EngineThread>,
    scratch: PathBuf,
}

impl Runner {
    pub fn new(contenders: Vec<Contender>, limit: Duration, worker: usize) -> Runner {
        Runner { contenders, limit, thread: None, scratch: crate::peer::scratch_file(worker) }
    }

    /// How long one contender may take on one program.
    pub fn limit(&self) -> Duration {
        self.limit
    }

    pub fn set_limit(&mut self, limit: Duration) {
        self.limit = limit;
    }

    pub fn contenders(&self) -> &[Contender] {
        &self.contenders
    }

    /// Runs `source` on every engine, and on every peer when `with_peers`.
    pub fn observe(&mut self, source: &str, with_peers: bool) -> Vec<Observation> {
        let mut observations = Vec::with_capacity(self.contenders.len());
        for index in 0..self.contenders.len() {
            let result = match &self.contenders[index] {
                Contender::Engine { engine, options, .. } => {
                    let (engine, options) = (*engine, options.clone());
                    self.run_engine(engine, source, options)
                }
                Contender::Peer(peer) if with_peers => peer.run(source, &self.scratch, self.limit),
                Contender::Peer(_) => continue,
            };
            observations.push(Observation { contender: self.contenders[index].label().to_string(), result });
        }
        observations
    }

    fn run_engine(&mut self, engine: &'static dyn Engine, source: &str, options: Options) -> Result<Outcome, String> {
        let thread = match self.thread.take() {
            Some(thread) => thread,
            None => EngineThread::start()?,
        };
        let result = thread.run(engine, source.to_string(), options, self.limit);
        // After a time-out or a panic the thread is abandoned; the next run
        // starts a new one.
        if result.is_ok() {
            self.thread = Some(thread);
        }
        result
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.scratch);
    }
}

/// Contenders that behaved identically, and what they did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub contenders: Vec<String>,
    pub result: Result<Outcome, String>,
}

/// The contenders split into groups that disagree, the largest first (the
/// majority's result is the likelier right one, but LOX.md decides).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    pub groups: Vec<Group>,
}

/// Groups the observations by result; `None` when all agree.
pub fn compare(observations: &[Observation]) -> Option<Divergence> {
    let mut groups: Vec<Group> = Vec::new();
    for observation in observations {
        match groups.iter_mut().find(|group| group.result == observation.result) {
            Some(group) => group.contenders.push(observation.contender.clone()),
            None => groups
                .push(Group { contenders: vec![observation.contender.clone()], result: observation.result.clone() }),
        }
    }
    if groups.len() < 2 {
        return None;
    }
    // Largest first; ties keep the contenders' order (engines before peers).
    groups.sort_by_key(|group| std::cmp::Reverse(group.contenders.len()));
    Some(Divergence { groups })
}

impl Divergence {
    /// Which contenders side with which: what the shrinker keeps constant,
    /// so that it does not wander off to a different disagreement.
    pub fn signature(&self) -> Vec<Vec<String>> {
        let mut signature: Vec<Vec<String>> = self.groups.iter().map(|group| group.contenders.clone()).collect();
        for group in &mut signature {
            group.sort();
        }
        signature.sort();
        signature
    }

    /// A few lines for people: each group, and where its result first
    /// differs from the majority's.
    pub fn describe(&self) -> String {
        let reference = &self.groups[0];
        let mut text = String::new();
        for group in &self.groups {
            text.push_str(&format!("  {}: {}\n", group.contenders.join(", "), summary(&group.result)));
            if !std::ptr::eq(group, reference) {
                text.push_str(&format!("    {}\n", first_difference(&reference.result, &group.result)));
            }
        }
        text
    }
}

/// One line about a result: the exit code and the size of each stream.
pub fn summary(result: &Result<Outcome, String>) -> String {
    match result {
        Ok(outcome) => format!(
            "exit {}, {} lines of output, stderr {:?}",
            outcome.exit_code,
            outcome.stdout.split(|&b| b == b'\n').count().saturating_sub(1),
            String::from_utf8_lossy(outcome.stderr.split(|&b| b == b'\n').next().unwrap_or_default())
        ),
        Err(failure) => format!("no outcome: {failure}"),
    }
}

/// Where `other` first differs from `reference`.
pub fn first_difference(reference: &Result<Outcome, String>, other: &Result<Outcome, String>) -> String {
    let (Ok(reference), Ok(other)) = (reference, other) else {
        return "one of them has no outcome".to_string();
    };
    for (stream, want, got) in
        [("stdout", &reference.stdout, &other.stdout), ("stderr", &reference.stderr, &other.stderr)]
    {
        let want_lines: Vec<&[u8]> = want.split(|&b| b == b'\n').collect();
        let got_lines: Vec<&[u8]> = got.split(|&b| b == b'\n').collect();
        for index in 0..want_lines.len().max(got_lines.len()) {
            let (want_line, got_line) = (want_lines.get(index), got_lines.get(index));
            if want_line != got_line {
                let show = |line: Option<&&[u8]>| {
                    line.map_or("(nothing)".to_string(), |line| format!("{:?}", String::from_utf8_lossy(line)))
                };
                return format!(
                    "{stream} line {}: {} where the majority has {}",
                    index + 1,
                    show(got_line),
                    show(want_line)
                );
            }
        }
    }
    format!("exit code {} where the majority has {}", other.exit_code, reference.exit_code)
}

/// Every registered engine as tuned, and the plain variant (every tuning
/// off) of each engine that declares tunings; with `gc_stress`, each of those
/// also with a collection at every allocation.
pub fn engine_contenders(gc_stress: bool) -> Vec<Contender> {
    let mut contenders = Vec::new();
    for &engine in lox::engines() {
        let mut variants = vec![(engine.name().to_string(), Options::default())];
        if !engine.tunings().is_empty() {
            variants.push((format!("{}:plain", engine.name()), Options::default().plain(engine.tunings())));
        }
        for (label, options) in variants {
            if gc_stress {
                let stressed = Options { gc_stress: true, ..options.clone() };
                contenders.push(Contender::Engine { label: format!("{label}+gc-stress"), engine, options: stressed });
            }
            contenders.push(Contender::Engine { label, engine, options });
        }
    }
    contenders
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observation(contender: &str, stdout: &str) -> Observation {
        Observation {
            contender: contender.to_string(),
            result: Ok(Outcome { stdout: stdout.into(), stderr: Vec::new(), exit_code: 0 }),
        }
    }

    #[test]
    fn agreement_is_no_divergence_and_the_majority_comes_first() {
        assert_eq!(compare(&[observation("a", "1\n"), observation("b", "1\n")]), None);
        let divergence = compare(&[observation("a", "1\n"), observation("b", "2\n"), observation("c", "2\n")]).unwrap();
        assert_eq!(divergence.groups[0].contenders, vec!["b", "c"]);
        assert_eq!(divergence.signature(), vec![vec!["a".to_string()], vec!["b".to_string(), "c".to_string()]]);
        assert!(divergence.describe().contains("stdout line 1: \"1\" where the majority has \"2\""));
    }

    #[test]
    fn every_engine_runs_in_process_and_agrees_on_a_small_program() {
        let mut runner = Runner::new(engine_contenders(false), Duration::from_secs(30), 0);
        let observations = runner.observe("print 1 + 2;\n", false);
        assert_eq!(observations.len(), runner.contenders().len());
        assert_eq!(compare(&observations), None);
        assert_eq!(observations[0].result.as_ref().unwrap().stdout, b"3\n");
    }
}
