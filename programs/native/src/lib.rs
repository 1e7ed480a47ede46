//! The Rust twin of every benchmark program in `programs/`: a native
//! "standard candle" that the engines can be read against.
//!
//! Each module is the twin of `programs/<name>.lox`: the same algorithm and
//! the same data structures, written as a Rust programmer would write them,
//! printing the same bytes. Where a Lox program builds an Array or a Vector
//! class out of instances (Lox has no arrays), the twin uses a `Vec`; where it
//! computes a modulo, a floor or a bit operation with a helper, the twin uses
//! Rust's operator; where it computes a square root, a sine or a cosine with
//! IEEE operations of its own (Lox has none), the twin calls the same
//! operations in [`math`], so that both compute the same doubles. Linked
//! structures stay linked (`Box` or indices into a `Vec` where the objects
//! form cycles), closures stay closures, and dynamic dispatch stays dynamic.
//!
//! [`PROGRAMS`] lists them; `native PROGRAM N` runs one.

#![forbid(unsafe_code)]

pub mod awfy;
pub mod math;

pub mod binary_trees;
pub mod bounce;
pub mod cd;
pub mod closures;
pub mod closures_nested;
pub mod deltablue;
pub mod fib;
pub mod fib_locals;
pub mod fields;
pub mod globals;
pub mod globals_function;
pub mod havlak;
pub mod inheritance;
pub mod instantiation;
pub mod list;
pub mod locals;
pub mod locals_function;
pub mod loop_arith;
pub mod loop_arith_for;
pub mod mandelbrot;
pub mod many_instances;
pub mod method_call;
pub mod method_call_function;
pub mod nbody;
pub mod permute;
pub mod queens;
pub mod richards;
pub mod sieve;
pub mod storage;
pub mod string_equality;
pub mod strings;
pub mod towers;
pub mod zoo;

/// One program: its name (the `.lox` file's stem) and its twin, which
/// answers what the program prints at a size.
#[derive(Debug)]
pub struct Program {
    pub name: &'static str,
    pub run: fn(u64) -> String,
}

/// Every program, in the manifest's order.
pub const PROGRAMS: &[Program] = &[
    Program { name: "fib", run: fib::run },
    Program { name: "loop_arith", run: loop_arith::run },
    Program { name: "globals", run: globals::run },
    Program { name: "locals", run: locals::run },
    Program { name: "closures", run: closures::run },
    Program { name: "strings", run: strings::run },
    Program { name: "string_equality", run: string_equality::run },
    Program { name: "instantiation", run: instantiation::run },
    Program { name: "method_call", run: method_call::run },
    Program { name: "fields", run: fields::run },
    Program { name: "inheritance", run: inheritance::run },
    Program { name: "binary_trees", run: binary_trees::run },
    Program { name: "many_instances", run: many_instances::run },
    Program { name: "zoo", run: zoo::run },
    Program { name: "bounce", run: bounce::run },
    Program { name: "list", run: list::run },
    Program { name: "mandelbrot", run: mandelbrot::run },
    Program { name: "nbody", run: nbody::run },
    Program { name: "permute", run: permute::run },
    Program { name: "queens", run: queens::run },
    Program { name: "sieve", run: sieve::run },
    Program { name: "storage", run: storage::run },
    Program { name: "towers", run: towers::run },
    Program { name: "richards", run: richards::run },
    Program { name: "deltablue", run: deltablue::run },
    Program { name: "havlak", run: havlak::run },
    Program { name: "cd", run: cd::run },
    Program { name: "fib_locals", run: fib_locals::run },
    Program { name: "loop_arith_for", run: loop_arith_for::run },
    Program { name: "locals_function", run: locals_function::run },
    Program { name: "globals_function", run: globals_function::run },
    Program { name: "closures_nested", run: closures_nested::run },
    Program { name: "method_call_function", run: method_call_function::run },
];

/// The program called `name`.
pub fn find(name: &str) -> Option<&'static Program> {
    PROGRAMS.iter().find(|program| program.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn programs_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the crate is in programs/").to_path_buf()
    }

    /// Each `[[program]]`'s name and small size in programs.toml, read line
    /// by line (the crate has no dependencies, so no TOML parser).
    fn manifest() -> Vec<(String, u64)> {
        let text = std::fs::read_to_string(programs_dir().join("programs.toml")).expect("programs.toml");
        let mut programs: Vec<(String, Option<u64>)> = Vec::new();
        for line in text.lines() {
            if let Some(name) = line.strip_prefix("name = ") {
                programs.push((name.trim_matches('"').to_string(), None));
            } else if let Some(small) = line.strip_prefix("small = ") {
                let last = programs.last_mut().expect("`small` follows `name`");
                last.1 = Some(small.parse().expect("`small` is an integer"));
            }
        }
        programs.into_iter().map(|(name, small)| (name, small.expect("every program has `small`"))).collect()
    }

    #[test]
    fn every_program_in_the_manifest_has_a_twin_and_no_other() {
        let manifest: Vec<String> = manifest().into_iter().map(|(name, _)| name).collect();
        let twins: Vec<String> = PROGRAMS.iter().map(|program| program.name.to_string()).collect();
        assert_eq!(twins, manifest, "PROGRAMS must list the manifest's programs in its order");
    }

    #[test]
    fn every_twin_prints_the_expected_output_at_its_small_size() {
        for (name, small) in manifest() {
            let program = find(&name).unwrap_or_else(|| panic!("no twin for {name}"));
            let path = programs_dir().join("expected").join(format!("{name}-{small}.out"));
            let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("no {}", path.display()));
            assert_eq!((program.run)(small), expected, "{name} at size {small}");
        }
    }
}
