//! The generator's own syntax tree: what a generated program is before it is
//! printed as Lox source, and what the shrinker cuts down.
//!
//! It is not the front end's tree. That one is resolved (slots, hops,
//! capture indices) and made for running; this one is made for building and
//! for shrinking, and it carries two things only a generator needs: counted
//! loops as single nodes, so that no shrink can separate a loop from the
//! counter that ends it, and [`Expr::Pinned`] and [`Stmt::Guard`], the parts
//! of a recursive function that bound its depth and must stay as they are.

/// A whole program: the statements of the script, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `var NAME = INIT;`, or `var NAME;`.
    Var { name: String, init: Option<Expr> },
    /// `EXPR;`
    Expr(Expr),
    /// `print EXPR;`
    Print(Expr),
    /// `{ ... }`
    Block(Vec<Stmt>),
    /// `if (COND) { ... } else { ... }`
    If { condition: Expr, then_branch: Vec<Stmt>, else_branch: Option<Vec<Stmt>> },
    /// `var COUNTER = 0; while (COUNTER < LIMIT) { COUNTER = COUNTER + 1; BODY }`.
    /// Nothing else assigns COUNTER, so the loop runs at most LIMIT times.
    While { counter: String, limit: u32, body: Vec<Stmt> },
    /// `for (var COUNTER = 0; COUNTER < LIMIT; COUNTER = COUNTER + 1) { BODY }`.
    For { counter: String, limit: u32, body: Vec<Stmt> },
    /// `fun NAME(PARAMS) { BODY }`
    Fun(Function),
    /// `class NAME < SUPERCLASS { METHODS }`
    Class(Class),
    /// `return VALUE;`
    Return(Option<Expr>),
    /// `if (!(PARAM > 0 and PARAM < LIMIT)) return VALUE;`: the first statement
    /// of a recursive function, which bounds its depth whatever argument it is
    /// given (NaN, a string or a huge number stop it too). Never shrunk away.
    Guard { param: String, limit: u32, value: Expr },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub params: Vec<String>,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub name: String,
    /// The superclass expression's name (a variable that may not hold a class).
    pub superclass: Option<String>,
    pub methods: Vec<Function>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number literal, as written (`0.5`, `9007199254740993`).
    Number(String),
    /// A string literal's contents (no escapes exist in Lox; may hold newlines).
    Str(String),
    Bool(bool),
    Nil,
    This,
    Variable(String),
    Assign(String, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(Box<Expr>, BinaryOp, Box<Expr>),
    Logical(Box<Expr>, LogicalOp, Box<Expr>),
    Grouping(Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    Get(Box<Expr>, String),
    Set(Box<Expr>, String, Box<Expr>),
    /// `super.NAME`
    Super(String),
    /// The expression printed after a line break, so that one expression spans
    /// lines and the engines must agree on which line an error belongs to.
    NewLine(Box<Expr>),
    /// Printed as its content; the shrinker leaves it and everything in it
    /// alone (the decreasing argument of a recursive call).
    Pinned(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Negate,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicalOp {
    And,
    Or,
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Negate => "-",
            UnaryOp::Not => "!",
        }
    }
}

impl BinaryOp {
    pub const ARITHMETIC: [BinaryOp; 4] = [BinaryOp::Add, BinaryOp::Subtract, BinaryOp::Multiply, BinaryOp::Divide];
    pub const COMPARISON: [BinaryOp; 4] =
        [BinaryOp::Less, BinaryOp::LessEqual, BinaryOp::Greater, BinaryOp::GreaterEqual];

    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Equal => "==",
            BinaryOp::NotEqual => "!=",
            BinaryOp::Less => "<",
            BinaryOp::LessEqual => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEqual => ">=",
        }
    }
}

impl LogicalOp {
    pub fn keyword(self) -> &'static str {
        match self {
            LogicalOp::And => "and",
            LogicalOp::Or => "or",
        }
    }
}

/// Shorthands that keep the generator readable.
impl Expr {
    pub fn number(text: impl Into<String>) -> Expr {
        Expr::Number(text.into())
    }

    pub fn var(name: impl Into<String>) -> Expr {
        Expr::Variable(name.into())
    }

    pub fn binary(left: Expr, op: BinaryOp, right: Expr) -> Expr {
        Expr::Binary(Box::new(left), op, Box::new(right))
    }

    pub fn unary(op: UnaryOp, operand: Expr) -> Expr {
        Expr::Unary(op, Box::new(operand))
    }

    pub fn logical(left: Expr, op: LogicalOp, right: Expr) -> Expr {
        Expr::Logical(Box::new(left), op, Box::new(right))
    }

    pub fn call(callee: Expr, args: Vec<Expr>) -> Expr {
        Expr::Call(Box::new(callee), args)
    }

    pub fn get(object: Expr, name: impl Into<String>) -> Expr {
        Expr::Get(Box::new(object), name.into())
    }

    pub fn set(object: Expr, name: impl Into<String>, value: Expr) -> Expr {
        Expr::Set(Box::new(object), name.into(), Box::new(value))
    }

    pub fn group(inner: Expr) -> Expr {
        Expr::Grouping(Box::new(inner))
    }
}
