//! The parser: tokens to a resolved syntax tree, in one pass, the way clox's
//! compiler reads source.
//!
//! The structure follows clox's `compiler.c` function for function (a Pratt
//! parser for expressions, recursive descent for statements) because the
//! exact set of errors a broken file reports depends on it: after an error
//! the parser enters panic mode, reports nothing more until it reaches a
//! statement boundary, and goes on. Where clox would emit bytecode, this
//! builds a tree node instead; where clox resolves a variable, this asks the
//! [`Resolver`].

use crate::ast::*;
use crate::diagnostics::{CompileError, CompileErrors, ErrorLocation};
use crate::hash::FixedMap;
use crate::messages::{MAX_ARGS, MAX_NESTING, TOO_DEEP};
use crate::resolve::Resolver;
use crate::scanner::Scanner;
use crate::token::{Token, TokenKind as T};
use std::rc::Rc;

/// Parses and resolves a whole program.
pub fn parse(source: &str) -> Result<Program, CompileErrors> {
    let mut parser = Parser::new(source);
    parser.advance();
    let mut body = Vec::new();
    while !parser.match_token(T::Eof) {
        body.push(parser.declaration());
    }
    let scopes = parser.resolver.end_function();
    if !parser.errors.is_empty() {
        return Err(CompileErrors(parser.errors));
    }
    let script = Function {
        name: "script".into(),
        kind: FunctionKind::Script,
        params: Vec::new(),
        body,
        upvalues: scopes.upvalues,
        n_slots: scopes.n_slots,
        line: 1,
        marker: marker_id(None, "script"),
    };
    Ok(Program { script: Rc::new(script) })
}

/// The profiling marker's id for a function (0 unless profiling is built in:
/// registering takes a lock, which timing builds do not pay for).
fn marker_id(class: Option<&str>, name: &str) -> u32 {
    if cfg!(feature = "work-count") {
        crate::profiling::names::id(&crate::profiling::names::function_label(class, name))
    } else {
        0
    }
}

#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Precedence {
    None,
    Assignment,
    Or,
    And,
    Equality,
    Comparison,
    Term,
    Factor,
    Unary,
    Call,
    Primary,
}

impl Precedence {
    fn next(self) -> Precedence {
        use Precedence as P;
        match self {
            P::None => P::Assignment,
            P::Assignment => P::Or,
            P::Or => P::And,
            P::And => P::Equality,
            P::Equality => P::Comparison,
            P::Comparison => P::Term,
            P::Term => P::Factor,
            P::Factor => P::Unary,
            P::Unary => P::Call,
            P::Call | P::Primary => P::Primary,
        }
    }
}

/// The precedence of a token as an infix operator (clox's rule table).
fn infix_precedence(kind: T) -> Precedence {
    use Precedence as P;
    match kind {
        T::LeftParen | T::Dot => P::Call,
        T::Minus | T::Plus => P::Term,
        T::Slash | T::Star => P::Factor,
        T::BangEqual | T::EqualEqual => P::Equality,
        T::Greater | T::GreaterEqual | T::Less | T::LessEqual => P::Comparison,
        T::And => P::And,
        T::Or => P::Or,
        _ => P::None,
    }
}

struct ClassState<'src> {
    name: &'src str,
    has_superclass: bool,
}

struct Parser<'src> {
    scanner: Scanner<'src>,
    current: Token<'src>,
    previous: Token<'src>,
    panic_mode: bool,
    errors: Vec<CompileError>,
    resolver: Resolver,
    classes: Vec<ClassState<'src>>,
    names: FixedMap<&'src str, Name>,
    nesting: usize,
}

impl<'src> Parser<'src> {
    fn new(source: &'src str) -> Self {
        let start = Token { kind: T::Eof, lexeme: "", line: 1 };
        Parser {
            scanner: Scanner::new(source),
            current: start,
            previous: start,
            panic_mode: false,
            errors: Vec::new(),
            resolver: Resolver::new(),
            classes: Vec::new(),
            names: FixedMap::default(),
            nesting: 0,
        }
    }

    // ----- Tokens and errors -------------------------------------------------

    fn advance(&mut self) {
        self.previous = self.current;
        loop {
            self.current = self.scanner.scan_token();
            if self.current.kind != T::Error {
                break;
            }
            self.error_at_current(self.current.lexeme);
        }
    }

    fn consume(&mut self, kind: T, message: &str) {
        if self.current.kind == kind {
            self.advance();
        } else {
            self.error_at_current(message);
        }
    }

    fn check(&self, kind: T) -> bool {
        self.current.kind == kind
    }

    fn match_token(&mut self, kind: T) -> bool {
        if !self.check(kind) {
            return false;
        }
        self.advance();
        true
    }

    fn error(&mut self, message: &str) {
        self.error_at(self.previous, message);
    }

    fn error_at_current(&mut self, message: &str) {
        self.error_at(self.current, message);
    }

    fn error_at(&mut self, token: Token<'src>, message: &str) {
        if self.panic_mode {
            return;
        }
        self.panic_mode = true;
        let location = match token.kind {
            T::Eof => ErrorLocation::AtEnd,
            T::Error => ErrorLocation::Nowhere,
            _ => ErrorLocation::At(token.lexeme.to_string()),
        };
        self.errors.push(CompileError { line: token.line, location, message: message.to_string() });
    }

    fn synchronize(&mut self) {
        self.panic_mode = false;
        while self.current.kind != T::Eof {
            if self.previous.kind == T::Semicolon {
                return;
            }
            match self.current.kind {
                T::Class | T::Fun | T::Var | T::For | T::If | T::While | T::Print | T::Return => return,
                _ => self.advance(),
            }
        }
    }

    /// Enters one level of nesting; false (with the error reported) when the
    /// source nests deeper than the engines can follow.
    fn enter(&mut self) -> bool {
        if self.nesting >= MAX_NESTING {
            self.error_at_current(TOO_DEEP);
            return false;
        }
        self.nesting += 1;
        true
    }

    fn leave(&mut self) {
        self.nesting -= 1;
    }

    fn name(&mut self, text: &'src str) -> Name {
        self.names.entry(text).or_insert_with(|| text.into()).clone()
    }

    // ----- Variables -----------------------------------------------------------

    /// Declares the variable named by the previous token: a local when inside
    /// a scope, otherwise a global (which needs no declaring).
    fn declare_variable(&mut self) -> Target {
        let name = self.name(self.previous.lexeme);
        if self.resolver.is_global_scope() {
            return Target::Global(name);
        }
        match self.resolver.declare_local(&name) {
            Ok(local) => Target::Local(local),
            Err(message) => {
                self.error(message);
                Target::Global(name)
            }
        }
    }

    fn parse_variable(&mut self, message: &str) -> Target {
        self.consume(T::Identifier, message);
        self.declare_variable()
    }

    fn resolve(&mut self, name: Name, line: u32) -> Variable {
        let (kind, error) = self.resolver.resolve(&name);
        if let Some(message) = error {
            self.error(message);
        }
        Variable { name, kind, line }
    }

    // ----- Declarations and statements ---------------------------------------------

    fn declaration(&mut self) -> Stmt {
        let stmt = if !self.enter() {
            self.advance();
            dummy_stmt()
        } else {
            let stmt = if self.match_token(T::Class) {
                self.class_declaration()
            } else if self.match_token(T::Fun) {
                self.fun_declaration()
            } else if self.match_token(T::Var) {
                self.var_declaration()
            } else {
                self.statement()
            };
            self.leave();
            stmt
        };
        if self.panic_mode {
            self.synchronize();
        }
        stmt
    }

    fn class_declaration(&mut self) -> Stmt {
        self.consume(T::Identifier, "Expect class name.");
        let class_name = self.previous;
        let line = class_name.line;
        let target = self.declare_variable();
        self.resolver.mark_initialized();
        self.classes.push(ClassState { name: class_name.lexeme, has_superclass: false });

        let mut superclass = None;
        if self.match_token(T::Less) {
            self.consume(T::Identifier, "Expect superclass name.");
            let super_name = self.name(self.previous.lexeme);
            let variable = self.resolve(super_name, self.previous.line);
            if class_name.lexeme == self.previous.lexeme {
                self.error("A class can't inherit from itself.");
            }
            let inherit_line = self.previous.line;
            self.resolver.begin_scope();
            let super_local = match self.resolver.declare_local(&"super".into()) {
                Ok(local) => local,
                Err(message) => {
                    self.error(message);
                    Local { name: "super".into(), slot: 0, captured: false }
                }
            };
            self.resolver.mark_initialized();
            superclass = Some(Superclass { variable, super_local, line: inherit_line });
            if let Some(class) = self.classes.last_mut() {
                class.has_superclass = true;
            }
        }

        self.consume(T::LeftBrace, "Expect '{' before class body.");
        let mut methods = Vec::new();
        while !self.check(T::RightBrace) && !self.check(T::Eof) {
            methods.push(self.method());
        }
        self.consume(T::RightBrace, "Expect '}' after class body.");

        if let Some(superclass) = &mut superclass {
            let ended = self.resolver.end_scope();
            if let Some(local) = ended.iter().find(|l| l.slot == superclass.super_local.slot) {
                superclass.super_local.captured = local.captured;
            }
        }
        self.classes.pop();
        Stmt::Class(Box::new(ClassDecl { target, superclass, methods, line }))
    }

    fn method(&mut self) -> Rc<Function> {
        self.consume(T::Identifier, "Expect method name.");
        let kind = if self.previous.lexeme == "init" { FunctionKind::Initializer } else { FunctionKind::Method };
        self.function(kind)
    }

    fn fun_declaration(&mut self) -> Stmt {
        let target = self.parse_variable("Expect function name.");
        self.resolver.mark_initialized();
        let function = self.function(FunctionKind::Function);
        Stmt::Function { target, function }
    }

    /// Parses parameters and body; the previous token is the function's name.
    fn function(&mut self, kind: FunctionKind) -> Rc<Function> {
        let name = self.name(self.previous.lexeme);
        let line = self.previous.line;
        self.resolver.begin_function(kind);
        self.consume(T::LeftParen, "Expect '(' after function name.");
        let mut params = Vec::new();
        if !self.check(T::RightParen) {
            loop {
                if params.len() == MAX_ARGS {
                    self.error_at_current("Can't have more than 255 parameters.");
                }
                if let Target::Local(local) = self.parse_variable("Expect parameter name.") {
                    params.push(local);
                }
                self.resolver.mark_initialized();
                if !self.match_token(T::Comma) {
                    break;
                }
            }
        }
        self.consume(T::RightParen, "Expect ')' after parameters.");
        self.consume(T::LeftBrace, "Expect '{' before function body.");
        let mut body = self.block();
        let scopes = self.resolver.end_function();
        for param in &mut params {
            param.captured = scopes.locals.iter().any(|l| l.slot == param.slot && l.captured);
        }
        patch_captured(&mut body, &scopes.locals);
        let class = match kind {
            FunctionKind::Method | FunctionKind::Initializer => self.classes.last().map(|class| class.name),
            FunctionKind::Function | FunctionKind::Script => None,
        };
        let marker = marker_id(class, &name);
        Rc::new(Function { name, kind, params, body, upvalues: scopes.upvalues, n_slots: scopes.n_slots, line, marker })
    }

    fn var_declaration(&mut self) -> Stmt {
        let target = self.parse_variable("Expect variable name.");
        let init = if self.match_token(T::Equal) { Some(self.expression()) } else { None };
        self.consume(T::Semicolon, "Expect ';' after variable declaration.");
        self.resolver.mark_initialized();
        Stmt::Var { target, init, line: self.previous.line }
    }

    fn statement(&mut self) -> Stmt {
        if self.match_token(T::Print) {
            self.print_statement()
        } else if self.match_token(T::For) {
            self.for_statement()
        } else if self.match_token(T::If) {
            self.if_statement()
        } else if self.match_token(T::Return) {
            self.return_statement()
        } else if self.match_token(T::While) {
            self.while_statement()
        } else if self.match_token(T::LeftBrace) {
            self.resolver.begin_scope();
            let mut body = self.block();
            let locals = self.resolver.end_scope();
            patch_captured(&mut body, &locals);
            Stmt::Block { body, locals }
        } else {
            self.expression_statement()
        }
    }

    /// A nested statement (an `if` branch, a loop body) counts as nesting.
    fn nested_statement(&mut self) -> Stmt {
        if !self.enter() {
            return dummy_stmt();
        }
        let stmt = self.statement();
        self.leave();
        stmt
    }

    fn block(&mut self) -> Vec<Stmt> {
        let mut body = Vec::new();
        while !self.check(T::RightBrace) && !self.check(T::Eof) {
            body.push(self.declaration());
        }
        self.consume(T::RightBrace, "Expect '}' after block.");
        body
    }

    fn print_statement(&mut self) -> Stmt {
        let value = self.expression();
        self.consume(T::Semicolon, "Expect ';' after value.");
        Stmt::Print(value)
    }

    fn expression_statement(&mut self) -> Stmt {
        let expr = self.expression();
        self.consume(T::Semicolon, "Expect ';' after expression.");
        Stmt::Expression(expr)
    }

    fn if_statement(&mut self) -> Stmt {
        self.consume(T::LeftParen, "Expect '(' after 'if'.");
        let condition = self.expression();
        self.consume(T::RightParen, "Expect ')' after condition.");
        let then_branch = Box::new(self.nested_statement());
        let else_branch = if self.match_token(T::Else) { Some(Box::new(self.nested_statement())) } else { None };
        Stmt::If { condition, then_branch, else_branch }
    }

    fn while_statement(&mut self) -> Stmt {
        self.consume(T::LeftParen, "Expect '(' after 'while'.");
        let condition = self.expression();
        self.consume(T::RightParen, "Expect ')' after condition.");
        let body = Box::new(self.nested_statement());
        Stmt::While { condition, body, increment: None }
    }

    /// `for (init; cond; incr) body` becomes `{ init; while (cond) body+incr }`,
    /// one scope around the whole loop, so its variable is one variable.
    fn for_statement(&mut self) -> Stmt {
        self.resolver.begin_scope();
        self.consume(T::LeftParen, "Expect '(' after 'for'.");
        let mut body = Vec::new();
        if self.match_token(T::Semicolon) {
            // No initializer.
        } else if self.match_token(T::Var) {
            body.push(self.var_declaration());
        } else {
            body.push(self.expression_statement());
        }
        let mut condition = Expr::Literal(Literal::Bool(true));
        if !self.match_token(T::Semicolon) {
            condition = self.expression();
            self.consume(T::Semicolon, "Expect ';' after loop condition.");
        }
        let mut increment = None;
        if !self.match_token(T::RightParen) {
            increment = Some(self.expression());
            self.consume(T::RightParen, "Expect ')' after for clauses.");
        }
        let loop_body = Box::new(self.nested_statement());
        body.push(Stmt::While { condition, body: loop_body, increment });
        let locals = self.resolver.end_scope();
        patch_captured(&mut body, &locals);
        Stmt::Block { body, locals }
    }

    fn return_statement(&mut self) -> Stmt {
        let line = self.previous.line;
        if self.resolver.kind() == FunctionKind::Script {
            self.error("Can't return from top-level code.");
        }
        if self.match_token(T::Semicolon) {
            return Stmt::Return { value: None, line };
        }
        if self.resolver.kind() == FunctionKind::Initializer {
            self.error("Can't return a value from an initializer.");
        }
        let value = self.expression();
        self.consume(T::Semicolon, "Expect ';' after return value.");
        Stmt::Return { value: Some(value), line: self.previous.line }
    }

    // ----- Expressions ---------------------------------------------------------------

    fn expression(&mut self) -> Expr {
        self.parse_precedence(Precedence::Assignment)
    }

    fn parse_precedence(&mut self, precedence: Precedence) -> Expr {
        if !self.enter() {
            // Consume the token, as `declaration` does: after a `;` the
            // statement boundary is found at once, so a parser that kept the
            // token would parse the same statement again, forever.
            self.advance();
            return dummy_expr();
        }
        let expr = self.parse_precedence_inner(precedence);
        self.leave();
        expr
    }

    fn parse_precedence_inner(&mut self, precedence: Precedence) -> Expr {
        self.advance();
        let can_assign = precedence <= Precedence::Assignment;
        let Some(mut expr) = self.prefix(self.previous.kind, can_assign) else {
            self.error("Expect expression.");
            return dummy_expr();
        };
        while precedence <= infix_precedence(self.current.kind) {
            self.advance();
            expr = self.infix(self.previous.kind, expr, can_assign);
        }
        if can_assign && self.match_token(T::Equal) {
            self.error("Invalid assignment target.");
        }
        expr
    }

    fn prefix(&mut self, kind: T, can_assign: bool) -> Option<Expr> {
        Some(match kind {
            T::LeftParen => self.grouping(),
            T::Minus | T::Bang => self.unary(kind),
            T::Number => self.number(),
            T::String => self.string(),
            T::False => Expr::Literal(Literal::Bool(false)),
            T::True => Expr::Literal(Literal::Bool(true)),
            T::Nil => Expr::Literal(Literal::Nil),
            T::Identifier => self.variable(can_assign),
            T::This => self.this(),
            T::Super => self.super_(),
            _ => return None,
        })
    }

    fn infix(&mut self, kind: T, left: Expr, can_assign: bool) -> Expr {
        match kind {
            T::LeftParen => self.call(left),
            T::Dot => self.dot(left, can_assign),
            T::And | T::Or => self.logical(kind, left),
            _ => self.binary(kind, left),
        }
    }

    fn grouping(&mut self) -> Expr {
        let expr = self.expression();
        self.consume(T::RightParen, "Expect ')' after expression.");
        expr
    }

    fn number(&mut self) -> Expr {
        let value = self.previous.lexeme.parse::<f64>().expect("the scanner only makes well-formed numbers");
        Expr::Literal(Literal::Number(value))
    }

    fn string(&mut self) -> Expr {
        let lexeme = self.previous.lexeme;
        let text = self.name(&lexeme[1..lexeme.len() - 1]);
        Expr::Literal(Literal::String(text))
    }

    fn unary(&mut self, kind: T) -> Expr {
        let operand = Box::new(self.parse_precedence(Precedence::Unary));
        let op = if kind == T::Minus { UnaryOp::Negate } else { UnaryOp::Not };
        Expr::Unary { op, operand, line: self.previous.line }
    }

    fn binary(&mut self, kind: T, left: Expr) -> Expr {
        let right = Box::new(self.parse_precedence(infix_precedence(kind).next()));
        let op = match kind {
            T::Plus => BinaryOp::Add,
            T::Minus => BinaryOp::Subtract,
            T::Star => BinaryOp::Multiply,
            T::Slash => BinaryOp::Divide,
            T::EqualEqual => BinaryOp::Equal,
            T::BangEqual => BinaryOp::NotEqual,
            T::Less => BinaryOp::Less,
            T::LessEqual => BinaryOp::LessEqual,
            T::Greater => BinaryOp::Greater,
            T::GreaterEqual => BinaryOp::GreaterEqual,
            _ => unreachable!("only binary operators have a binary infix rule"),
        };
        Expr::Binary { op, left: Box::new(left), right, line: self.previous.line }
    }

    fn logical(&mut self, kind: T, left: Expr) -> Expr {
        let (op, precedence) =
            if kind == T::And { (LogicalOp::And, Precedence::And) } else { (LogicalOp::Or, Precedence::Or) };
        let right = Box::new(self.parse_precedence(precedence));
        Expr::Logical { op, left: Box::new(left), right }
    }

    fn arguments(&mut self) -> Vec<Expr> {
        let mut args = Vec::new();
        if !self.check(T::RightParen) {
            loop {
                args.push(self.expression());
                if args.len() == MAX_ARGS + 1 {
                    self.error("Can't have more than 255 arguments.");
                }
                if !self.match_token(T::Comma) {
                    break;
                }
            }
        }
        self.consume(T::RightParen, "Expect ')' after arguments.");
        args
    }

    fn call(&mut self, callee: Expr) -> Expr {
        let args = self.arguments();
        Expr::Call { callee: Box::new(callee), args, line: self.previous.line }
    }

    fn dot(&mut self, object: Expr, can_assign: bool) -> Expr {
        self.consume(T::Identifier, "Expect property name after '.'.");
        let name = self.name(self.previous.lexeme);
        let object = Box::new(object);
        if can_assign && self.match_token(T::Equal) {
            let value = Box::new(self.expression());
            Expr::Set { object, name, value, line: self.previous.line }
        } else if self.match_token(T::LeftParen) {
            let args = self.arguments();
            Expr::Invoke { object, name, args, line: self.previous.line }
        } else {
            Expr::Get { object, name, line: self.previous.line }
        }
    }

    fn variable(&mut self, can_assign: bool) -> Expr {
        let name = self.name(self.previous.lexeme);
        let variable = self.resolve(name, self.previous.line);
        if can_assign && self.match_token(T::Equal) {
            let value = Box::new(self.expression());
            let variable = Variable { line: self.previous.line, ..variable };
            Expr::Assign { variable, value }
        } else {
            Expr::Variable(variable)
        }
    }

    fn this(&mut self) -> Expr {
        if self.classes.is_empty() {
            self.error("Can't use 'this' outside of a class.");
            return dummy_expr();
        }
        Expr::This(self.resolve("this".into(), self.previous.line))
    }

    fn super_(&mut self) -> Expr {
        match self.classes.last() {
            None => self.error("Can't use 'super' outside of a class."),
            Some(class) if !class.has_superclass => self.error("Can't use 'super' in a class with no superclass."),
            Some(_) => {}
        }
        self.consume(T::Dot, "Expect '.' after 'super'.");
        self.consume(T::Identifier, "Expect superclass method name.");
        let name = self.name(self.previous.lexeme);
        let line = self.previous.line;
        let this = self.resolve("this".into(), line);
        if self.match_token(T::LeftParen) {
            let args = self.arguments();
            let superclass = self.resolve("super".into(), line);
            Expr::SuperInvoke { this, superclass, name, args, line: self.previous.line }
        } else {
            let superclass = self.resolve("super".into(), line);
            Expr::Super { this, superclass, name, line }
        }
    }
}

fn dummy_expr() -> Expr {
    Expr::Literal(Literal::Nil)
}

fn dummy_stmt() -> Stmt {
    Stmt::Expression(dummy_expr())
}

/// Copies the final `captured` flags of a scope's locals into the
/// declarations that made them, which were built before any closure in the
/// scope could capture them. Declarations are always direct children of
/// the statement list of their scope, and their slots are unique in it.
fn patch_captured(body: &mut [Stmt], locals: &[Local]) {
    let captured = |slot: u16| locals.iter().any(|l| l.slot == slot && l.captured);
    for stmt in body {
        let target = match stmt {
            Stmt::Var { target, .. } | Stmt::Function { target, .. } => target,
            Stmt::Class(class) => &mut class.target,
            _ => continue,
        };
        if let Target::Local(local) = target {
            local.captured = captured(local.slot);
        }
    }
}
