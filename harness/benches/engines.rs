//! `cargo bench -p harness`: criterion, a group per program at its small
//! size, each engine's prepare and run phases timed apart (see
//! `harness::bench`). Options after `--` are criterion's own, e.g.
//! `cargo bench -p harness -- fib` or `-- --save-baseline before`.

use harness::bench;
use harness::cli::BenchArgs;

fn main() {
    let selection = match bench::Selection::from_args(&BenchArgs::default()) {
        Ok(selection) => selection,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::exit(1);
        }
    };
    frontend::engine::with_engine_stack(move || {
        let mut criterion = bench::criterion(false).configure_from_args();
        if let Err(error) = bench::benchmark(&mut criterion, &selection) {
            eprintln!("error: {error:#}");
            std::process::exit(1);
        }
        criterion.final_summary();
    });
}
