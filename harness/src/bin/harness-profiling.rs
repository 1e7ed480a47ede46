//! `harness-profiling`: the harness built with its `profiling` feature, for
//! `harness profile` and the profiling section of a full run. Its own name
//! keeps it from replacing the timing build's `harness` in target/release.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    harness::entry::main()
}
