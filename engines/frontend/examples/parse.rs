//! Parses a file and prints its compile errors exactly as the engines would,
//! or the resolved tree: `cargo run -p frontend --example parse FILE`.

fn main() {
    let path = std::env::args().nth(1).expect("usage: parse FILE");
    let source = std::fs::read_to_string(&path).expect("readable file");
    match frontend::parse(&source) {
        Ok(program) => println!("{:#?}", program.script.body),
        Err(errors) => {
            eprint!("{errors}");
            std::process::exit(65);
        }
    }
}
