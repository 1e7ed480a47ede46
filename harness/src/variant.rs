//! Engine variants as contenders: an engine with some of its tunings
//! switched off (see `frontend::tuning`) is compared like an engine of its
//! own, as rebar compares a regex engine's internal variants.
//!
//! A variant is named the way `lox --engine` takes it: the engine, then
//! `:`-separated words applied left to right, `plain` (every tuning off),
//! `no-NAME` (one off) or `NAME` (one back on). `slot-walker:plain` is the
//! strategy alone; `nanbox-vm:no-superinstructions` everything but one
//! tuning. The contender keeps the name exactly as it was written, and its
//! record carries the engine's declared tunings and which are off, so that a
//! report rendered later from saved records alone can pair each rung's plain
//! and tuned figures and name its tunings.

use anyhow::{Result, bail};
use frontend::{Engine, Options, Tuning};
use serde::{Deserialize, Serialize};

/// Which engines a command runs when `--engines` is not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defaults {
    /// Every engine as tuned (profiles, CI counts, criterion).
    Tuned,
    /// Every engine as tuned and, for each engine that declares tunings,
    /// `ENGINE:plain` beside it (the timing run, whose ladder shows both).
    TunedAndPlain,
}

/// An engine with a choice of its tunings, under the name it was asked for.
#[derive(Clone, Debug)]
pub struct EngineVariant {
    /// The spec as written (`slot-walker`, `slot-walker:plain`): the
    /// contender's name in every record and report.
    pub name: String,
    pub variant: lox::Variant,
}

/// A tuning as saved in records: the engine's declaration, owned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TuningInfo {
    pub name: String,
    pub summary: String,
    pub class: String,
}

impl From<&Tuning> for TuningInfo {
    fn from(tuning: &Tuning) -> TuningInfo {
        TuningInfo {
            name: tuning.name.to_string(),
            summary: tuning.summary.to_string(),
            class: tuning.class.to_string(),
        }
    }
}

/// What a saved engine contender is: which engine, with which tunings off,
/// out of which declared ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantInfo {
    /// The registered engine's name (the spec before its first `:`).
    pub engine: String,
    /// The engine's one-line strategy, as it describes itself.
    #[serde(default)]
    pub strategy: String,
    /// The tunings switched off, in the engine's declaration order.
    pub disabled: Vec<String>,
    /// Every tuning the engine declares, in its order.
    pub tunings: Vec<TuningInfo>,
}

impl VariantInfo {
    /// Every declared tuning on: the engine as it ships.
    pub fn is_tuned(&self) -> bool {
        self.disabled.is_empty()
    }

    /// Every declared tuning off: the strategy alone. An engine that declares
    /// no tunings is both tuned and plain.
    pub fn is_plain(&self) -> bool {
        self.tunings.iter().all(|tuning| self.disabled.contains(&tuning.name))
    }
}

impl EngineVariant {
    /// The engine with every tuning on, named as registered.
    pub fn tuned(engine: &'static dyn Engine) -> EngineVariant {
        EngineVariant { name: engine.name().to_string(), variant: lox::Variant { engine, disabled: Vec::new() } }
    }

    /// The engine with every tuning off, named `ENGINE:plain`.
    pub fn plain(engine: &'static dyn Engine) -> EngineVariant {
        let disabled = engine.tunings().iter().map(|tuning| tuning.name).collect();
        EngineVariant { name: format!("{}:plain", engine.name()), variant: lox::Variant { engine, disabled } }
    }

    /// Parses a spec as `lox --engine` does, saying which spec was wrong.
    pub fn parse(spec: &str) -> Result<EngineVariant> {
        let spec = spec.trim();
        match lox::parse_variant(spec) {
            Ok(variant) => Ok(EngineVariant { name: spec.to_string(), variant }),
            Err(message) => bail!("`{spec}` is not an engine or a variant of one: {message}"),
        }
    }

    pub fn engine(&self) -> &'static dyn Engine {
        self.variant.engine
    }

    /// Session options for this variant (the collector not stressed).
    pub fn options(&self) -> Options {
        self.variant.options(false)
    }

    /// One line for the report: the engine's strategy and, for a variant,
    /// which tunings are off.
    pub fn description(&self) -> String {
        let engine = self.engine();
        let off = self.variant.disabled.join(", ");
        if self.variant.disabled.is_empty() {
            engine.description().to_string()
        } else if self.variant.is_plain() {
            format!("{}; plain: every tuning off ({off})", engine.description())
        } else {
            format!("{}; tunings off: {off}", engine.description())
        }
    }

    /// The record of what this contender is.
    pub fn info(&self) -> VariantInfo {
        VariantInfo {
            engine: self.engine().name().to_string(),
            strategy: self.engine().description().to_string(),
            disabled: self.variant.disabled.iter().map(|name| name.to_string()).collect(),
            tunings: self.engine().tunings().iter().map(TuningInfo::from).collect(),
        }
    }

    /// Whether `other` runs the same engine with the same tunings off.
    pub fn same_as(&self, other: &EngineVariant) -> bool {
        self.engine().name() == other.engine().name() && self.variant.disabled == other.variant.disabled
    }
}

/// The engines and variants `specs` name, or the defaults when there are
/// none; grouped by engine in ladder order, in the order given within an
/// engine. Two specs that come to the same variant are refused, since the
/// report would show one engine twice under two names.
pub fn select(specs: &[String], defaults: Defaults) -> Result<Vec<EngineVariant>> {
    if specs.is_empty() {
        let mut selected = Vec::new();
        for &engine in lox::engines() {
            selected.push(EngineVariant::tuned(engine));
            if defaults == Defaults::TunedAndPlain && !engine.tunings().is_empty() {
                selected.push(EngineVariant::plain(engine));
            }
        }
        return Ok(selected);
    }
    let mut selected: Vec<EngineVariant> = Vec::with_capacity(specs.len());
    for spec in specs {
        let variant = EngineVariant::parse(spec)?;
        if let Some(earlier) = selected.iter().find(|earlier| earlier.same_as(&variant)) {
            let what = match variant.variant.disabled.as_slice() {
                [] => "every tuning on".to_string(),
                off => format!("{} off", off.join(", ")),
            };
            bail!(
                "`{}` and `{}` are the same variant of {} ({what}); give it once",
                earlier.name,
                variant.name,
                variant.engine().name()
            );
        }
        selected.push(variant);
    }
    let rung = |variant: &EngineVariant| lox::engines().iter().position(|e| e.name() == variant.engine().name());
    selected.sort_by_key(rung);
    Ok(selected)
}

/// The registered engine a contender or record name belongs to: the name
/// before its first `:`.
pub fn engine_of(name: &str) -> &str {
    name.split(':').next().unwrap_or(name)
}

/// A contender's name as part of a file name: `:` is not allowed in file
/// names on every system a report may be checked out on, so it becomes `+`
/// (`slot-walker:plain` → `slot-walker+plain`).
pub fn file_safe(name: &str) -> String {
    name.replace(':', "+")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine that declares at least one tuning, and its first tuning:
    /// the tests follow whatever the registry declares.
    fn tuned_engine() -> (&'static dyn Engine, &'static Tuning) {
        let engine =
            lox::engines().iter().copied().find(|e| !e.tunings().is_empty()).expect("some engine declares a tuning");
        (engine, &engine.tunings()[0])
    }

    fn names(selected: &[EngineVariant]) -> Vec<&str> {
        selected.iter().map(|v| v.name.as_str()).collect()
    }

    #[test]
    fn variants_keep_their_spec_as_name_and_say_what_is_off() {
        let (engine, tuning) = tuned_engine();
        let spec = format!("{}:no-{}", engine.name(), tuning.name);
        let variant = EngineVariant::parse(&format!(" {spec} ")).unwrap();
        assert_eq!(variant.name, spec);
        assert!(!variant.options().tuning(tuning));
        assert!(variant.description().starts_with(engine.description()));
        assert!(variant.description().contains(tuning.name), "{}", variant.description());
        let info = variant.info();
        assert_eq!(info.engine, engine.name());
        assert_eq!(info.disabled, vec![tuning.name.to_string()]);
        assert_eq!(info.tunings.len(), engine.tunings().len());
        assert!(!info.is_tuned());

        let plain = EngineVariant::parse(&format!("{}:plain", engine.name())).unwrap();
        assert!(plain.info().is_plain() && plain.description().contains("plain: every tuning off"));
        let tuned = EngineVariant::parse(engine.name()).unwrap();
        assert!(tuned.info().is_tuned() && tuned.options().tuning(tuning));
    }

    #[test]
    fn bad_specs_are_refused_with_what_would_be_accepted() {
        let (engine, _) = tuned_engine();
        let unknown = select(&["tree-walker:plain".to_string()], Defaults::Tuned).unwrap_err().to_string();
        assert!(unknown.contains("`tree-walker:plain`") && unknown.contains("Registered engines:"), "{unknown}");
        let spec = format!("{}:no-such-tuning", engine.name());
        let bad_word = select(std::slice::from_ref(&spec), Defaults::Tuned).unwrap_err().to_string();
        assert!(bad_word.contains(&format!("`{spec}`")) && bad_word.contains("no-such-tuning"), "{bad_word}");
        assert!(bad_word.contains(engine.tunings()[0].name), "the error lists the tunings: {bad_word}");
        let empty_word = select(&[format!("{}:", engine.name())], Defaults::Tuned).unwrap_err().to_string();
        assert!(empty_word.contains("is not a variant"), "{empty_word}");
    }

    #[test]
    fn two_names_for_one_variant_are_refused() {
        let (engine, tuning) = tuned_engine();
        let twice = select(&[engine.name().to_string(), engine.name().to_string()], Defaults::Tuned);
        assert!(twice.unwrap_err().to_string().contains("same variant"));
        // Switching a tuning off and on again is the engine as tuned.
        let round_trip = format!("{}:no-{}:{}", engine.name(), tuning.name, tuning.name);
        let error = select(&[engine.name().to_string(), round_trip], Defaults::Tuned).unwrap_err().to_string();
        assert!(error.contains("every tuning on"), "{error}");
    }

    #[test]
    fn selections_follow_the_ladder_and_defaults_add_plain_rungs() {
        let (engine, _) = tuned_engine();
        let ladder: Vec<&str> = lox::engines().iter().map(|e| e.name()).collect();
        // Another engine, before or after this one on the ladder.
        let other = if ladder.last() == Some(&engine.name()) { ladder[0] } else { ladder[ladder.len() - 1] };
        let plain = format!("{}:plain", engine.name());
        let selected = select(&[other.to_string(), plain.clone(), engine.name().to_string()], Defaults::Tuned).unwrap();
        // Ladder order between engines, the given order within one.
        let own = vec![plain.as_str(), engine.name()];
        let expected = if other == ladder[0] { [vec![other], own].concat() } else { [own, vec![other]].concat() };
        assert_eq!(names(&selected), expected);

        let tuned = select(&[], Defaults::Tuned).unwrap();
        assert_eq!(names(&tuned), ladder);
        let both = select(&[], Defaults::TunedAndPlain).unwrap();
        for &engine in lox::engines() {
            let plain = format!("{}:plain", engine.name());
            assert_eq!(names(&both).contains(&plain.as_str()), !engine.tunings().is_empty(), "{plain}");
        }
        let position = |name: &str| names(&both).iter().position(|n| *n == name).unwrap();
        assert_eq!(position(&format!("{}:plain", engine.name())), position(engine.name()) + 1);
    }

    #[test]
    fn names_map_to_engines_and_file_names() {
        assert_eq!(engine_of("slot-walker:plain:fx-hash"), "slot-walker");
        assert_eq!(engine_of("clox"), "clox");
        assert_eq!(file_safe("slot-walker:plain"), "slot-walker+plain");
    }
}
