//! The registry of profiling names: each distinct name gets a small id once,
//! and the hot path deals in ids. Id 0 is the empty name, "nothing marked".
//!
//! Registering takes a lock and hashes the name, so engines register their
//! opcode or node names when a session starts and the parser registers each
//! function's name when it parses the declaration; nothing registers while a
//! program runs. The sampler reads ids in its signal handler and turns them
//! back into names after the run.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

struct Registry {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

fn registry() -> MutexGuard<'static, Option<Registry>> {
    // A panic while registering cannot leave the registry half-changed (the
    // push and the insert come after every fallible step), so a poisoned
    // lock is still usable.
    let mut guard = REGISTRY.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    guard.get_or_insert_with(|| Registry { names: vec![String::new()], ids: HashMap::new() });
    guard
}

/// The id of `name`, registering it the first time.
pub fn id(name: &str) -> u32 {
    let mut guard = registry();
    let registry = guard.as_mut().expect("initialised by registry()");
    if let Some(&id) = registry.ids.get(name) {
        return id;
    }
    let id = u32::try_from(registry.names.len()).expect("fewer than 4 billion profiling names");
    registry.names.push(name.to_string());
    registry.ids.insert(name.to_string(), id);
    id
}

/// The ids of `names`, in order.
pub fn ids(names: &[&str]) -> Vec<u32> {
    names.iter().map(|name| id(name)).collect()
}

/// Every registered name, indexed by id (index 0 is the empty name).
pub fn all() -> Vec<String> {
    registry().as_ref().expect("initialised by registry()").names.clone()
}

/// The name of `id`, if it was registered.
pub fn name(id: u32) -> Option<String> {
    registry().as_ref().expect("initialised by registry()").names.get(id as usize).cloned()
}

/// The name a function's frames are marked with: `Class.method` for a
/// method, the function's own name otherwise (the script is `script`).
pub fn function_label(class: Option<&str>, name: &str) -> String {
    match class {
        Some(class) => format!("{class}.{name}"),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_keeps_its_id() {
        let a = id("names-test-a");
        let b = id("names-test-b");
        assert_ne!(a, 0);
        assert_ne!(a, b);
        assert_eq!(id("names-test-a"), a);
        assert_eq!(name(a).as_deref(), Some("names-test-a"));
        assert_eq!(all()[b as usize], "names-test-b");
        assert_eq!(name(0).as_deref(), Some(""));
        assert_eq!(ids(&["names-test-b", "names-test-a"]), vec![b, a]);
        assert_eq!(function_label(Some("Tree"), "insert"), "Tree.insert");
        assert_eq!(function_label(None, "fib"), "fib");
    }

    #[test]
    fn the_parser_marks_functions_only_when_profiling_is_built_in() {
        use crate::ast::Stmt;
        let program = crate::parse("class Tree { insert() {} } fun fib() {}").expect("parses");
        let Stmt::Class(class) = &program.script.body[0] else { panic!("a class") };
        let Stmt::Function { function, .. } = &program.script.body[1] else { panic!("a function") };
        let markers = [program.script.marker, class.methods[0].marker, function.marker];
        if cfg!(feature = "work-count") {
            let names: Vec<String> = markers.iter().map(|id| name(*id).unwrap_or_default()).collect();
            assert_eq!(names, vec!["script", "Tree.insert", "fib"]);
        } else {
            assert_eq!(markers, [0, 0, 0]);
        }
    }
}
