//! The scanner: source text to tokens, on demand, as clox does it.
//!
//! The parser pulls one token at a time, so a scanner error is reported at the
//! point the parser reaches it, interleaved with parse errors in source order.

use crate::token::{Token, TokenKind};

pub const UNEXPECTED_CHARACTER: &str = "Unexpected character.";
pub const UNTERMINATED_STRING: &str = "Unterminated string.";

pub struct Scanner<'src> {
    source: &'src str,
    start: usize,
    current: usize,
    line: u32,
}

impl<'src> Scanner<'src> {
    pub fn new(source: &'src str) -> Self {
        Scanner { source, start: 0, current: 0, line: 1 }
    }

    /// Scans the next token. After the end of the source it keeps returning `Eof`.
    pub fn scan_token(&mut self) -> Token<'src> {
        self.skip_whitespace();
        self.start = self.current;
        let Some(c) = self.advance() else {
            return self.make(TokenKind::Eof);
        };
        if is_alpha(c) {
            return self.identifier();
        }
        if c.is_ascii_digit() {
            return self.number();
        }
        use TokenKind as T;
        match c {
            b'(' => self.make(T::LeftParen),
            b')' => self.make(T::RightParen),
            b'{' => self.make(T::LeftBrace),
            b'}' => self.make(T::RightBrace),
            b';' => self.make(T::Semicolon),
            b',' => self.make(T::Comma),
            b'.' => self.make(T::Dot),
            b'-' => self.make(T::Minus),
            b'+' => self.make(T::Plus),
            b'/' => self.make(T::Slash),
            b'*' => self.make(T::Star),
            b'!' => self.make_if_equal(T::BangEqual, T::Bang),
            b'=' => self.make_if_equal(T::EqualEqual, T::Equal),
            b'<' => self.make_if_equal(T::LessEqual, T::Less),
            b'>' => self.make_if_equal(T::GreaterEqual, T::Greater),
            b'"' => self.string(),
            _ => {
                // A multi-byte UTF-8 character is one unexpected character,
                // not one per byte, so the error is reported once.
                while !self.source.is_char_boundary(self.current) {
                    self.current += 1;
                }
                self.error(UNEXPECTED_CHARACTER)
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.source.as_bytes().get(self.current).copied()
    }

    fn peek_next(&self) -> Option<u8> {
        self.source.as_bytes().get(self.current + 1).copied()
    }

    fn advance(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.current += 1;
        Some(c)
    }

    fn skip_whitespace(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\r' | b'\t' => self.current += 1,
                b'\n' => {
                    self.line += 1;
                    self.current += 1;
                }
                b'/' if self.peek_next() == Some(b'/') => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.current += 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn make(&self, kind: TokenKind) -> Token<'src> {
        Token { kind, lexeme: &self.source[self.start..self.current], line: self.line }
    }

    fn make_if_equal(&mut self, with_equal: TokenKind, alone: TokenKind) -> Token<'src> {
        if self.peek() == Some(b'=') {
            self.current += 1;
            self.make(with_equal)
        } else {
            self.make(alone)
        }
    }

    fn error(&self, message: &'static str) -> Token<'src> {
        Token { kind: TokenKind::Error, lexeme: message, line: self.line }
    }

    fn string(&mut self) -> Token<'src> {
        while let Some(c) = self.peek() {
            if c == b'"' {
                break;
            }
            if c == b'\n' {
                self.line += 1;
            }
            self.current += 1;
        }
        if self.peek().is_none() {
            return self.error(UNTERMINATED_STRING);
        }
        self.current += 1; // The closing quote.
        self.make(TokenKind::String)
    }

    fn number(&mut self) -> Token<'src> {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.current += 1;
        }
        // A fractional part needs a digit after the dot: `123.` is `123` then `.`.
        if self.peek() == Some(b'.') && self.peek_next().is_some_and(|c| c.is_ascii_digit()) {
            self.current += 1;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.current += 1;
            }
        }
        self.make(TokenKind::Number)
    }

    fn identifier(&mut self) -> Token<'src> {
        while self.peek().is_some_and(|c| is_alpha(c) || c.is_ascii_digit()) {
            self.current += 1;
        }
        let kind = keyword(&self.source[self.start..self.current]).unwrap_or(TokenKind::Identifier);
        self.make(kind)
    }
}

fn is_alpha(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn keyword(text: &str) -> Option<TokenKind> {
    use TokenKind as T;
    Some(match text {
        "and" => T::And,
        "class" => T::Class,
        "else" => T::Else,
        "false" => T::False,
        "for" => T::For,
        "fun" => T::Fun,
        "if" => T::If,
        "nil" => T::Nil,
        "or" => T::Or,
        "print" => T::Print,
        "return" => T::Return,
        "super" => T::Super,
        "this" => T::This,
        "true" => T::True,
        "var" => T::Var,
        "while" => T::While,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(TokenKind, String, u32)> {
        let mut scanner = Scanner::new(source);
        let mut out = Vec::new();
        loop {
            let token = scanner.scan_token();
            out.push((token.kind, token.lexeme.to_string(), token.line));
            if token.kind == TokenKind::Eof {
                return out;
            }
        }
    }

    #[test]
    fn numbers_have_no_leading_or_trailing_dot() {
        use TokenKind as T;
        let got: Vec<_> = kinds(".5 123. 1.25").into_iter().map(|(k, l, _)| (k, l)).collect();
        let want =
            [(T::Dot, "."), (T::Number, "5"), (T::Number, "123"), (T::Dot, "."), (T::Number, "1.25"), (T::Eof, "")];
        assert_eq!(got, want.map(|(k, l)| (k, l.to_string())));
    }

    #[test]
    fn strings_span_lines_and_count_them() {
        let got = kinds("\"a\nb\" x");
        assert_eq!(got[0], (TokenKind::String, "\"a\nb\"".to_string(), 2));
        assert_eq!(got[1], (TokenKind::Identifier, "x".to_string(), 2));
    }

    #[test]
    fn errors_carry_their_message() {
        let got = kinds("@ \"open");
        assert_eq!(got[0], (TokenKind::Error, UNEXPECTED_CHARACTER.to_string(), 1));
        assert_eq!(got[1], (TokenKind::Error, UNTERMINATED_STRING.to_string(), 1));
    }

    #[test]
    fn keywords_and_identifiers() {
        let got = kinds("class classy _x1 // comment\nnil");
        let want = [TokenKind::Class, TokenKind::Identifier, TokenKind::Identifier, TokenKind::Nil, TokenKind::Eof];
        assert_eq!(got.iter().map(|t| t.0).collect::<Vec<_>>(), want);
        assert_eq!(got[3].2, 2);
    }
}
