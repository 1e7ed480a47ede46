//! The registry: every engine, by the stable name users and reports use.

use frontend::Engine;

/// Every engine, in ladder order: the naive tree-walker first.
pub fn engines() -> &'static [&'static dyn Engine] {
    &[
        &hashmap_walker::HashmapWalker,
        &slot_walker::SlotWalker,
        &tagged_walker::TaggedWalker,
        &closure_compiler::ClosureCompiler,
        &enum_vm::EnumVm,
        &nanbox_vm::NanboxVm,
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
}
