//! `native PROGRAM N`: runs the Rust twin of a benchmark program at size N and
//! prints exactly what `PROGRAM.lox` prints at that size.

#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

/// Wrong usage, as `lox` reports it (BSD's EX_USAGE).
const EXIT_USAGE: u8 = 64;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok((program, size)) => {
            let output = (program.run)(size);
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(output.as_bytes()).and_then(|()| stdout.flush()).is_err() {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn parse(args: &[String]) -> Result<(&'static native::Program, u64), String> {
    let [name, size] = args else {
        return Err(format!("Usage: native PROGRAM N\n{}", known_programs()));
    };
    let Some(program) = native::find(name) else {
        return Err(format!("native: no program called `{name}`.\n{}", known_programs()));
    };
    let Ok(size) = size.parse::<u64>() else {
        return Err(format!("native: the size must be a non-negative integer; got `{size}`."));
    };
    Ok((program, size))
}

fn known_programs() -> String {
    let names: Vec<&str> = native::PROGRAMS.iter().map(|program| program.name).collect();
    format!("Programs: {}.", names.join(", "))
}
