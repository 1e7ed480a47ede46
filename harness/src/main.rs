//! `harness`: verify, time and report every engine on every program.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    harness::entry::main()
}
