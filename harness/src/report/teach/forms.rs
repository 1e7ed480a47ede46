//! One function, every representation: a small program printed in the form
//! each engine runs it in (`lox --dump`), side by side, so that a reader
//! sees what each rung does with the same source: names and hops, slots, a
//! tree of closures, enum instructions with their size, bytes.

use frontend::{Engine, Options};
use std::fmt::Write;

/// fib, as `programs/fib.lox` writes it, with a call to print.
pub const FIB: &str = "fun fib(n) {\n  if (n < 2) return n;\n  return fib(n - 2) + fib(n - 1);\n}\nprint fib(20);\n";

/// A class with a method that reads and writes a field and returns `this`.
pub const METHOD: &str = "class Counter {\n  init() { this.count = 0; }\n  add(n) {\n    this.count = this.count + n;\n    \
                          return this;\n  }\n}\nprint Counter().add(2).count;\n";

/// How many engines stand side by side in one row of the table.
const PER_ROW: usize = 3;

/// Writes `source`, then an HTML table of each engine's own form of it
/// (the last of its forms, with its tunings on).
pub fn render(out: &mut String, title: &str, source: &str, engines: &[&'static dyn Engine]) {
    let _ = writeln!(out, "**{title}**\n\n```lox\n{}```\n", source);
    let dumps: Vec<(String, String)> = engines
        .iter()
        .map(|engine| {
            let form = lox::dump::own_form(*engine);
            let text = frontend::engine::with_engine_stack(|| engine.dump(form, source, &Options::default()));
            let text = match text {
                Some(Ok(text)) => text,
                Some(Err(errors)) => format!("does not compile: {errors}"),
                None => "no such form".to_string(),
            };
            (format!("{} · {}", engine.name(), form.name()), text)
        })
        .collect();
    let _ = writeln!(out, "<table>");
    for row in dumps.chunks(PER_ROW) {
        let _ = write!(out, "<tr>");
        for (heading, _) in row {
            let _ = write!(out, "<th>{}</th>", html(heading));
        }
        let _ = writeln!(out, "</tr>");
        let _ = write!(out, "<tr>");
        for (_, text) in row {
            let _ = write!(out, "<td valign=\"top\"><pre>{}</pre></td>", html(text.trim_end()));
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</table>\n");
}

/// Text that HTML shows as it is.
fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_shows_fib_in_its_own_form() {
        let mut out = String::new();
        render(&mut out, "fib", FIB, lox::engines());
        for engine in lox::engines() {
            assert!(out.contains(&format!("<th>{} · ", engine.name())), "{}", engine.name());
        }
        assert!(out.contains("n (local, 0 hops)") && out.contains("OP_ADD") && out.contains("read in place"));
        assert!(out.contains("&lt;script&gt;") && !out.contains("<script>"), "markup in a listing is escaped");
    }
}
