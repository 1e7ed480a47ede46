//! Inputs for the front end's robustness: random characters, random token
//! streams, very long or deeply nested constructs, and generated programs
//! with a few tokens mutated. Whatever the input, every engine must answer
//! with Lox diagnostics (exit 65 with compile errors, 70 with a runtime
//! error, or 0), never a panic, a crash or a hang.

use crate::generate::{self, Config};
use crate::print::{FUEL, print_with_fuel};
use frontend::scanner::Scanner;
use frontend::token::TokenKind;

/// The input for `seed`.
pub fn input(seed: u64) -> String {
    let mut rng = fastrand::Rng::with_seed(seed);
    match rng.u32(0..20) {
        0..=4 => characters(&mut rng),
        5..=10 => token_stream(&mut rng),
        11..=12 => long_construct(&mut rng),
        _ => mutated_program(&mut rng),
    }
}

/// Whether a clox-like peer should answer `source` exactly as the engines
/// do: not when it holds a multi-byte character (the engines report one
/// `Unexpected character.` for it, clox one per byte), a NUL (where clox's C
/// string ends the source) or brackets nested deeper than the engines allow
/// (`Too much nesting.` is this project's own message).
pub fn peer_comparable(source: &str) -> bool {
    let mut depth: i32 = 0;
    for byte in source.bytes() {
        match byte {
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth -= 1,
            _ => {}
        }
        if depth > 100 {
            return false;
        }
    }
    source.is_ascii() && !source.contains('\0') && source.len() < 4000
}

/// Characters a Lox scanner meets, and some it must reject: control
/// characters, NUL, and multi-byte UTF-8 (inputs are `&str`, so always valid
/// UTF-8; invalid bytes are the `lox` command's business).
const ODD_CHARACTERS: &[char] = &[
    '\0', '\t', '\r', '\x07', '\x7f', 'é', 'λ', '€', '😀', '\u{feff}', '\u{200b}', '#', '@', '[', ']', '%', '&', '|',
    '~', '?', ':', '\\', '\'', '^', '$', '`',
];
const LOX_CHARACTERS: &str = "(){},.-+;/*!=<>\" \n\n  abcfnortuvwxyzAB_0123456789.";

fn characters(rng: &mut fastrand::Rng) -> String {
    let length = rng.usize(0..200);
    let lox: Vec<char> = LOX_CHARACTERS.chars().collect();
    (0..length)
        .map(|_| {
            if rng.u32(0..10) == 0 {
                ODD_CHARACTERS[rng.usize(0..ODD_CHARACTERS.len())]
            } else {
                lox[rng.usize(0..lox.len())]
            }
        })
        .collect()
}

/// Every kind of token, as text, including malformed ones (an unterminated
/// string, a number with a trailing dot, a comment).
const TOKENS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    ",",
    ".",
    "-",
    "+",
    ";",
    "/",
    "*",
    "!",
    "!=",
    "=",
    "==",
    ">",
    ">=",
    "<",
    "<=",
    "and",
    "class",
    "else",
    "false",
    "for",
    "fun",
    "if",
    "nil",
    "or",
    "print",
    "return",
    "super",
    "this",
    "true",
    "var",
    "while",
    "a",
    "b",
    "x",
    "init",
    "clock",
    "A",
    "B",
    "0",
    "1",
    "2.5",
    "123.",
    ".5",
    "1000000",
    "\"s\"",
    "\"\"",
    "\"two\nlines\"",
    "\"unterminated",
    "// a comment\n",
    "@",
];

fn token_stream(rng: &mut fastrand::Rng) -> String {
    let count = rng.usize(0..120);
    let mut text = String::new();
    for _ in 0..count {
        text.push_str(TOKENS[rng.usize(0..TOKENS.len())]);
        text.push_str(match rng.u32(0..8) {
            0 => "\n",
            1 => "",
            _ => " ",
        });
    }
    text
}

/// Constructs that stress recursion in parsers, resolvers, compilers and
/// evaluators: deep nesting (around the 256-level limit) and long flat
/// chains of operators, calls and property accesses.
fn long_construct(rng: &mut fastrand::Rng) -> String {
    let depth = rng.usize(200..320);
    let length = rng.usize(500..5000);
    match rng.u32(0..8) {
        0 => format!("print {}1{};", "(".repeat(depth), ")".repeat(depth)),
        1 => format!("{}print 1;{}", "{".repeat(depth), "}".repeat(depth)),
        2 => format!("print {}1;", "-".repeat(depth)),
        3 => format!("print {}true;", "!".repeat(depth)),
        4 => format!("print 1{};", " + 1".repeat(length)),
        5 => format!("fun f() {{ return f; }}\nprint f{};", "()".repeat(length.min(1000))),
        6 => format!("class A {{}}\nvar a = A();\na.b = a;\nprint a{}.b;", ".b".repeat(length)),
        _ => {
            let mut text = String::new();
            for _ in 0..depth {
                text.push_str(["if (true) ", "while (false) ", "for (;false;) ", "{ "][rng.usize(0..4)]);
            }
            text.push_str("print 1;");
            text.push_str(&"}".repeat(text.matches('{').count()));
            text
        }
    }
}

/// Tokens a mutation may insert: no `while`, `for`, `fun` or `class` (which
/// could add a loop or a function the fuel does not cover) and no name the
/// program uses (which could add a data flow, such as a string that doubles).
const SAFE_TOKENS: &[&str] = &[
    "(", ")", "{", "}", ",", ".", "-", "+", ";", "/", "*", "!", "!=", "=", "==", ">", ">=", "<", "<=", "and", "else",
    "false", "if", "nil", "or", "print", "return", "super", "this", "true", "var", "a", "b", "init", "0", "1", "2.5",
    "1000000", "\"s\"", "\"\"", "\"open", "@",
];

/// A generated program (with fuel, so it still ends) with one to four
/// mutations of its tokens: deletions, duplications, replacements,
/// insertions and swaps, never on a protected line.
fn mutated_program(rng: &mut fastrand::Rng) -> String {
    let config = Config { statements: 2..=10, ..Config::default() };
    let program = generate::generate(rng.u64(..), &config);
    let (source, protected) = print_with_fuel(&program, 25);
    // Each token with the whitespace before it, and whether it may change.
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut scanner = Scanner::new(&source);
    let mut end_of_last = 0;
    loop {
        let token = scanner.scan_token();
        if token.kind == TokenKind::Eof {
            break;
        }
        let start = token.lexeme.as_ptr() as usize - source.as_ptr() as usize;
        let end = start + token.lexeme.len();
        let mutable = !protected.contains(&(token.line as usize)) && token.lexeme != FUEL;
        pieces.push((source[end_of_last..end].to_string(), mutable));
        end_of_last = end;
    }
    let tail = source[end_of_last..].to_string();
    for _ in 0..rng.usize(1..=4) {
        let candidates: Vec<usize> = (0..pieces.len()).filter(|&index| pieces[index].1).collect();
        if candidates.is_empty() {
            break;
        }
        let at = candidates[rng.usize(0..candidates.len())];
        match rng.u32(0..6) {
            0 => {
                pieces.remove(at);
            }
            1 => {
                let end = (at + rng.usize(2..8)).min(pieces.len());
                if (at..end).all(|index| pieces[index].1) {
                    pieces.drain(at..end);
                }
            }
            2 => {
                // A copy in place, of tokens without names only.
                let end = (at + rng.usize(1..6)).min(pieces.len());
                let copyable = (at..end).all(|index| pieces[index].1 && !is_name(&pieces[index].0));
                if copyable {
                    let copy: Vec<(String, bool)> = pieces[at..end].to_vec();
                    pieces.splice(end..end, copy);
                }
            }
            3 => {
                // The line break before a token stays, so lines keep their numbers.
                let space: String = pieces[at].0.chars().take_while(|c| c.is_whitespace()).collect();
                let space = if space.is_empty() { " ".to_string() } else { space };
                pieces[at] = (format!("{space}{}", SAFE_TOKENS[rng.usize(0..SAFE_TOKENS.len())]), true);
            }
            4 => pieces.insert(at, (format!(" {}", SAFE_TOKENS[rng.usize(0..SAFE_TOKENS.len())]), true)),
            _ => {
                if at + 1 < pieces.len() && pieces[at + 1].1 {
                    pieces.swap(at, at + 1);
                }
            }
        }
    }
    let mut text: String = pieces.into_iter().map(|(piece, _)| piece).collect();
    text.push_str(&tail);
    text
}

fn is_name(piece: &str) -> bool {
    piece.trim_start().starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_reproducible_and_varied() {
        assert_eq!(input(7), input(7));
        let distinct: std::collections::BTreeSet<String> = (0..200).map(input).collect();
        assert!(distinct.len() > 190);
    }

    #[test]
    fn mutated_programs_keep_their_fuel_line() {
        for seed in 0..100 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let text = mutated_program(&mut rng);
            // Insertions may follow it on its line, but the line stays whole.
            assert!(text.starts_with("var fuel = 25;"), "{text}");
        }
    }
}
