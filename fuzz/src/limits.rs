//! What a clox-like peer can run: clox stops at 256 constants in one
//! function and at 64 frames (LOX.md lists both as deliberate differences).
//! Programs for peers are generated without stack overflows
//! ([`crate::generate::Config::for_peer`]); the constants are counted here,
//! generously, and a program over the limit is run on the engines only.

use crate::program::{Expr, Program, Stmt};

/// The most constants clox allows in one function's chunk.
const CLOX_CONSTANTS: usize = 256;

/// Whether every function of `program` (the script included) stays under
/// clox's constant limit, counting every literal and every name a constant
/// could be made for (an overestimate: locals need none).
pub fn within_clox_limits(program: &Program) -> bool {
    let mut fits = true;
    let script = count_stmts(&program.body, &mut fits);
    fits && script < CLOX_CONSTANTS - 8
}

/// The constants `stmts` use in their own function; nested functions are
/// checked on their own and clear `fits` when over the limit.
fn count_stmts(stmts: &[Stmt], fits: &mut bool) -> usize {
    stmts.iter().map(|stmt| count_stmt(stmt, fits)).sum()
}

fn count_stmt(stmt: &Stmt, fits: &mut bool) -> usize {
    let function = |body: &[Stmt], fits: &mut bool| {
        if count_stmts(body, fits) >= CLOX_CONSTANTS - 8 {
            *fits = false;
        }
    };
    match stmt {
        Stmt::Var { init, .. } => 1 + init.as_ref().map_or(0, count_expr),
        Stmt::Expr(expr) | Stmt::Print(expr) => count_expr(expr),
        Stmt::Return(value) => value.as_ref().map_or(0, count_expr),
        Stmt::Block(body) => count_stmts(body, fits),
        Stmt::If { condition, then_branch, else_branch } => {
            count_expr(condition)
                + count_stmts(then_branch, fits)
                + else_branch.as_ref().map_or(0, |body| count_stmts(body, fits))
        }
        Stmt::While { body, .. } | Stmt::For { body, .. } => 8 + count_stmts(body, fits),
        Stmt::Guard { value, .. } => 4 + count_expr(value),
        Stmt::Fun(fun) => {
            function(&fun.body, fits);
            2
        }
        Stmt::Class(class) => {
            for method in &class.methods {
                function(&method.body, fits);
            }
            3 + 2 * class.methods.len()
        }
    }
}

fn count_expr(expr: &Expr) -> usize {
    match expr {
        Expr::Number(_) | Expr::Str(_) | Expr::Variable(_) | Expr::Super(_) => 1,
        Expr::Bool(_) | Expr::Nil | Expr::This => 0,
        Expr::Assign(_, value) => 1 + count_expr(value),
        Expr::Unary(_, operand) => count_expr(operand),
        Expr::Binary(left, _, right) | Expr::Logical(left, _, right) => count_expr(left) + count_expr(right),
        Expr::Grouping(inner) | Expr::NewLine(inner) | Expr::Pinned(inner) => count_expr(inner),
        Expr::Call(callee, args) => count_expr(callee) + args.iter().map(count_expr).sum::<usize>(),
        Expr::Get(object, _) => 1 + count_expr(object),
        Expr::Set(object, _, value) => 1 + count_expr(object) + count_expr(value),
    }
}
