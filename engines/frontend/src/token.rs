//! Tokens: what the scanner produces and the parser consumes.

/// The kind of a token. The set is exactly Lox's, plus `Error` for a
/// scanner diagnostic and `Eof` for the end of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    LeftParen,
    RightParen,
    LeftBrace,
    RightBrace,
    Comma,
    Dot,
    Minus,
    Plus,
    Semicolon,
    Slash,
    Star,
    Bang,
    BangEqual,
    Equal,
    EqualEqual,
    Greater,
    GreaterEqual,
    Less,
    LessEqual,
    Identifier,
    String,
    Number,
    And,
    Class,
    Else,
    False,
    For,
    Fun,
    If,
    Nil,
    Or,
    Print,
    Return,
    Super,
    This,
    True,
    Var,
    While,
    /// A scanner error; the token's `lexeme` is the message.
    Error,
    Eof,
}

/// One token. The lexeme borrows from the source, so scanning allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token<'src> {
    pub kind: TokenKind,
    /// The token's text in the source (quotes included for strings), or the
    /// message for an `Error` token.
    pub lexeme: &'src str,
    pub line: u32,
}
