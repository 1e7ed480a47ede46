//! The registry: every engine, by the stable name users and reports use, and
//! the variants of an engine with some of its tunings switched off.

use frontend::{Engine, Options};

/// Every engine, in ladder order: the naive tree-walker first.
pub fn engines() -> &'static [&'static dyn Engine] {
    &[
        &hashmap_walker::HashmapWalker,
        &slot_walker::SlotWalker,
        &tagged_walker::TaggedWalker,
        &closure_compiler::ClosureCompiler,
        &enum_vm::EnumVm,
        &nanbox_vm::NanboxVm,
        &jit::Jit,
    ]
}

/// The engine registered as `name`.
pub fn find_engine(name: &str) -> Option<&'static dyn Engine> {
    engines().iter().copied().find(|engine| engine.name() == name)
}

/// Every registered name, comma-separated, for error messages.
pub fn engine_names() -> String {
    engines().iter().map(|engine| engine.name()).collect::<Vec<_>>().join(", ")
}

/// An engine with a choice of its tunings: what `--engine` and the harness's
/// contenders name.
#[derive(Clone)]
pub struct Variant {
    pub engine: &'static dyn Engine,
    /// The tunings switched off (the rest of [`Options`] is the caller's).
    pub disabled: Vec<&'static str>,
}

impl std::fmt::Debug for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Variant").field("engine", &self.engine.name()).field("disabled", &self.disabled).finish()
    }
}

impl Variant {
    /// Session options for this variant, with the collector stressed or not.
    pub fn options(&self, gc_stress: bool) -> Options {
        Options { gc_stress, disabled: self.disabled.clone(), ..Options::default() }
    }

    /// Whether every tuning the engine declares is off.
    pub fn is_plain(&self) -> bool {
        self.engine.tunings().iter().all(|tuning| self.disabled.contains(&tuning.name))
    }
}

/// Parses a variant: an engine's name, then any number of `:`-separated
/// words applied left to right: `plain` switches every tuning off,
/// `no-NAME` switches tuning NAME off, and `NAME` switches it back on. So
/// `slot-walker` is the engine as tuned, `slot-walker:plain` its strategy
/// alone, `slot-walker:no-fx-hash` everything but the Fx hash, and
/// `slot-walker:plain:fx-hash` the strategy plus the Fx hash only.
pub fn parse_variant(spec: &str) -> Result<Variant, String> {
    let mut words = spec.split(':');
    let name = words.next().unwrap_or_default();
    let Some(engine) = find_engine(name) else {
        return Err(format!("Unknown engine '{name}'. Registered engines: {}.", engine_names()));
    };
    let mut options = Options::default();
    for word in words {
        if word == "plain" {
            options = options.plain(engine.tunings());
            continue;
        }
        let (off, tuning_name) = match word.strip_prefix("no-") {
            Some(rest) => (true, rest),
            None => (false, word),
        };
        let Some(tuning) = engine.tunings().iter().find(|tuning| tuning.name == tuning_name) else {
            return Err(unknown_tuning(engine, word));
        };
        if off { options.disable(tuning) } else { options.enable(tuning) }
    }
    let mut disabled = options.disabled;
    // One order for one set, so that equal variants compare equal.
    disabled.sort_by_key(|name| engine.tunings().iter().position(|tuning| tuning.name == *name));
    Ok(Variant { engine, disabled })
}

fn unknown_tuning(engine: &dyn Engine, word: &str) -> String {
    let known: Vec<&str> = engine.tunings().iter().map(|tuning| tuning.name).collect();
    if known.is_empty() {
        return format!("'{word}': {} declares no tunings, so it has no variants.", engine.name());
    }
    format!(
        "'{word}' is not a variant of {}: write `plain`, `no-NAME` or `NAME`, where NAME is one of its tunings: {}.",
        engine.name(),
        known.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_lowercase() {
        let mut seen = HashSet::new();
        for engine in engines() {
            assert!(seen.insert(engine.name()), "{} registered twice", engine.name());
            assert!(engine.name().chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            assert!(!engine.description().is_empty());
        }
    }

    #[test]
    fn every_engine_declares_its_tunings_properly() {
        for engine in engines() {
            if let Err(problem) = frontend::tuning::check_declarations(engine.tunings()) {
                panic!("{}: {problem}", engine.name());
            }
        }
    }

    #[test]
    fn variants_switch_tunings_off_and_on_left_to_right() {
        for engine in engines() {
            let name = engine.name();
            let tuned = parse_variant(name).unwrap();
            assert!(tuned.disabled.is_empty());
            let plain = parse_variant(&format!("{name}:plain")).unwrap();
            assert!(plain.is_plain());
            assert_eq!(plain.disabled.len(), engine.tunings().len());
            for tuning in engine.tunings() {
                let without = parse_variant(&format!("{name}:no-{}", tuning.name)).unwrap();
                assert_eq!(without.disabled, vec![tuning.name]);
                let only = parse_variant(&format!("{name}:plain:{}", tuning.name)).unwrap();
                assert!(only.options(false).tuning(tuning));
                assert_eq!(only.disabled.len(), engine.tunings().len() - 1);
            }
        }
    }

    #[test]
    fn bad_variants_say_what_would_be_accepted() {
        let unknown = parse_variant("tree-walker").unwrap_err();
        assert!(unknown.contains("Registered engines: hashmap-walker"), "{unknown}");
        let engine = engines()[0];
        let error = parse_variant(&format!("{}:no-such-thing", engine.name())).unwrap_err();
        assert!(error.contains("no-such-thing"), "{error}");
    }
}
