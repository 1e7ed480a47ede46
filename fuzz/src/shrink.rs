//! Shrinking: cutting an input down while it still shows the problem.
//!
//! For a generated program the shrinker works on its tree, greedily, in
//! rounds until nothing more can go (a hierarchical delta debugging): first
//! it removes runs of statements from every statement list (halves, then
//! quarters... then single statements), then it replaces statements by
//! simpler ones (an `if` by one branch, a loop by its body or a lower limit,
//! a class without a method or its superclass), then expressions by one of
//! their operands or by a literal. Every candidate is kept only if the
//! caller's test (the same divergence, between the same contenders) still
//! holds. Guards and pinned arguments are never touched and loop counters
//! never change, so every candidate still terminates.
//!
//! Inputs that are only text (the syntax fuzzer's) are shrunk the same way
//! over lines, then characters.

use crate::program::{Expr, Program, Stmt};

/// How many candidates the shrinker may test before it settles.
pub const MAX_TESTS: usize = 4000;

/// Shrinks `program` while `still_fails` holds for the smaller candidates,
/// testing at most `max_tests` of them. Returns the smallest found.
pub fn shrink_program(program: &Program, still_fails: &mut dyn FnMut(&Program) -> bool, max_tests: usize) -> Program {
    let mut current = program.clone();
    let mut tests = 0;
    loop {
        let mut progressed = false;
        for pass in [Pass::Remove, Pass::Simplify, Pass::Expressions] {
            let mut position = 0;
            loop {
                let edits = edits(&current, pass);
                let Some(found) = edits.iter().enumerate().skip(position).find_map(|(index, edit)| {
                    if tests >= max_tests {
                        return None;
                    }
                    tests += 1;
                    let candidate = apply(&current, edit);
                    still_fails(&candidate).then_some((index, candidate))
                }) else {
                    break;
                };
                // Go on from the same place: the candidates before it failed.
                position = found.0;
                current = found.1;
                progressed = true;
            }
        }
        if !progressed || tests >= max_tests {
            return current;
        }
    }
}

/// Shrinks `text` over lines, then characters, while `still_fails` holds.
pub fn shrink_text(text: &str, still_fails: &mut dyn FnMut(&str) -> bool, max_tests: usize) -> String {
    let mut tests = 0;
    let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let lines = shrink_units(lines, &mut |units: &[String]| still_fails(&units.concat()), &mut tests, max_tests);
    let chars: Vec<String> = lines.concat().chars().map(String::from).collect();
    shrink_units(chars, &mut |units: &[String]| still_fails(&units.concat()), &mut tests, max_tests).concat()
}

/// Removes chunks of `units` (halves down to single units) while the test holds.
fn shrink_units(
    mut units: Vec<String>,
    still_fails: &mut dyn FnMut(&[String]) -> bool,
    tests: &mut usize,
    max_tests: usize,
) -> Vec<String> {
    let mut chunk = units.len().div_ceil(2).max(1);
    loop {
        let mut start = 0;
        while start < units.len() && *tests < max_tests {
            let end = (start + chunk).min(units.len());
            let mut candidate = units[..start].to_vec();
            candidate.extend_from_slice(&units[end..]);
            *tests += 1;
            if still_fails(&candidate) {
                units = candidate;
            } else {
                start = end;
            }
        }
        if chunk == 1 || *tests >= max_tests {
            return units;
        }
        chunk = chunk.div_ceil(2);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    Remove,
    Simplify,
    Expressions,
}

/// One change to a program, naming its sites by their order in [`walk`].
#[derive(Clone, Debug)]
enum Edit {
    /// Replace `len` statements of statement list `list`, from `start`, by `with`.
    Splice { list: usize, start: usize, len: usize, with: Vec<Stmt> },
    /// Replace expression `expr` by `with`.
    Replace { expr: usize, with: Expr },
}

/// A place the walk visits.
enum Site<'a> {
    List(&'a mut Vec<Stmt>),
    Expr(&'a mut Expr),
}

/// Visits every statement list and every expression of `program` in a fixed
/// order (each site before what it contains). Pinned expressions and their
/// contents are not visited.
fn walk(program: &mut Program, visit: &mut dyn FnMut(Site<'_>)) {
    walk_list(&mut program.body, visit);
}

fn walk_list(list: &mut Vec<Stmt>, visit: &mut dyn FnMut(Site<'_>)) {
    visit(Site::List(list));
    for stmt in list.iter_mut() {
        match stmt {
            Stmt::Var { init: Some(expr), .. } | Stmt::Expr(expr) | Stmt::Print(expr) | Stmt::Return(Some(expr)) => {
                walk_expr(expr, visit)
            }
            Stmt::Guard { value, .. } => walk_expr(value, visit),
            Stmt::Var { init: None, .. } | Stmt::Return(None) => {}
            Stmt::Block(body) | Stmt::While { body, .. } | Stmt::For { body, .. } => walk_list(body, visit),
            Stmt::If { condition, then_branch, else_branch } => {
                walk_expr(condition, visit);
                walk_list(then_branch, visit);
                if let Some(else_branch) = else_branch {
                    walk_list(else_branch, visit);
                }
            }
            Stmt::Fun(function) => walk_list(&mut function.body, visit),
            Stmt::Class(class) => {
                for method in &mut class.methods {
                    walk_list(&mut method.body, visit);
                }
            }
        }
    }
}

fn walk_expr(expr: &mut Expr, visit: &mut dyn FnMut(Site<'_>)) {
    if matches!(expr, Expr::Pinned(_)) {
        return;
    }
    visit(Site::Expr(expr));
    match expr {
        Expr::Number(_)
        | Expr::Str(_)
        | Expr::Bool(_)
        | Expr::Nil
        | Expr::This
        | Expr::Variable(_)
        | Expr::Super(_)
        | Expr::Pinned(_) => {}
        Expr::Assign(_, inner)
        | Expr::Unary(_, inner)
        | Expr::Grouping(inner)
        | Expr::Get(inner, _)
        | Expr::NewLine(inner) => walk_expr(inner, visit),
        Expr::Binary(left, _, right) | Expr::Logical(left, _, right) | Expr::Set(left, _, right) => {
            walk_expr(left, visit);
            walk_expr(right, visit);
        }
        Expr::Call(callee, args) => {
            walk_expr(callee, visit);
            for arg in args {
                walk_expr(arg, visit);
            }
        }
    }
}

/// Every edit of one pass, in the order they are tried.
fn edits(program: &Program, pass: Pass) -> Vec<Edit> {
    let mut scratch = program.clone();
    let mut lists: Vec<Vec<Stmt>> = Vec::new();
    let mut exprs: Vec<Expr> = Vec::new();
    walk(&mut scratch, &mut |site| match site {
        Site::List(list) => lists.push(list.clone()),
        Site::Expr(expr) => exprs.push(expr.clone()),
    });
    let mut edits = Vec::new();
    match pass {
        Pass::Remove => {
            let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
            let mut chunk = longest.div_ceil(2).max(1);
            loop {
                for (list, stmts) in lists.iter().enumerate() {
                    for start in (0..stmts.len()).step_by(chunk) {
                        let len = chunk.min(stmts.len() - start);
                        // A recursive function's guard stays.
                        let keep: Vec<Stmt> = stmts[start..start + len]
                            .iter()
                            .filter(|stmt| matches!(stmt, Stmt::Guard { .. }))
                            .cloned()
                            .collect();
                        if keep.len() < len {
                            edits.push(Edit::Splice { list, start, len, with: keep });
                        }
                    }
                }
                if chunk == 1 {
                    break;
                }
                chunk = chunk.div_ceil(2);
            }
        }
        Pass::Simplify => {
            for (list, stmts) in lists.iter().enumerate() {
                for (start, stmt) in stmts.iter().enumerate() {
                    for with in simpler_stmts(stmt) {
                        edits.push(Edit::Splice { list, start, len: 1, with });
                    }
                }
            }
        }
        Pass::Expressions => {
            for (index, expr) in exprs.iter().enumerate() {
                for with in simpler_exprs(expr) {
                    edits.push(Edit::Replace { expr: index, with });
                }
            }
        }
    }
    edits
}

/// Simpler statements that could stand in for `stmt` (a list each).
fn simpler_stmts(stmt: &Stmt) -> Vec<Vec<Stmt>> {
    let mut simpler = Vec::new();
    match stmt {
        Stmt::If { condition, then_branch, else_branch } => {
            simpler.push(then_branch.clone());
            if let Some(else_branch) = else_branch {
                simpler.push(else_branch.clone());
                simpler.push(vec![Stmt::If {
                    condition: condition.clone(),
                    then_branch: then_branch.clone(),
                    else_branch: None,
                }]);
            }
        }
        Stmt::While { counter, limit, body } | Stmt::For { counter, limit, body } => {
            simpler.push(body.clone());
            let with_limit = |limit: u32| match stmt {
                Stmt::While { .. } => Stmt::While { counter: counter.clone(), limit, body: body.clone() },
                _ => Stmt::For { counter: counter.clone(), limit, body: body.clone() },
            };
            for lower in [1, 0] {
                if *limit > lower {
                    simpler.push(vec![with_limit(lower)]);
                }
            }
        }
        Stmt::Block(body) => simpler.push(body.clone()),
        Stmt::Class(class) => {
            if class.superclass.is_some() {
                let mut plain = class.clone();
                plain.superclass = None;
                simpler.push(vec![Stmt::Class(plain)]);
            }
            for index in 0..class.methods.len() {
                let mut fewer = class.clone();
                fewer.methods.remove(index);
                simpler.push(vec![Stmt::Class(fewer)]);
            }
        }
        Stmt::Var { name, init: Some(_) } => simpler.push(vec![Stmt::Var { name: name.clone(), init: None }]),
        Stmt::Return(Some(_)) => simpler.push(vec![Stmt::Return(None)]),
        Stmt::Print(expr) => simpler.push(vec![Stmt::Expr(expr.clone())]),
        _ => {}
    }
    simpler
}

/// Simpler expressions that could stand in for `expr`: its operands, then
/// literals.
fn simpler_exprs(expr: &Expr) -> Vec<Expr> {
    let mut simpler: Vec<Expr> = match expr {
        Expr::Binary(left, _, right) | Expr::Logical(left, _, right) => vec![(**left).clone(), (**right).clone()],
        Expr::Unary(_, inner) | Expr::Grouping(inner) | Expr::NewLine(inner) | Expr::Assign(_, inner) => {
            vec![(**inner).clone()]
        }
        Expr::Get(object, _) => vec![(**object).clone()],
        Expr::Set(_, _, value) => vec![(**value).clone()],
        Expr::Call(callee, args) => {
            let mut simpler = vec![(**callee).clone()];
            simpler.extend(args.iter().filter(|arg| !matches!(arg, Expr::Pinned(_))).cloned());
            simpler
        }
        _ => Vec::new(),
    };
    simpler.retain(|candidate| !matches!(candidate, Expr::Pinned(_)));
    match expr {
        Expr::Number(text) if text != "0" && text != "1" => {
            simpler.push(Expr::number("1"));
            simpler.push(Expr::number("0"));
        }
        Expr::Str(text) if !text.is_empty() => simpler.push(Expr::Str(String::new())),
        Expr::Number(_) | Expr::Str(_) | Expr::Bool(_) | Expr::Nil | Expr::Variable(_) | Expr::This => {}
        _ => {
            simpler.push(Expr::Nil);
            simpler.push(Expr::number("0"));
        }
    }
    simpler
}

fn apply(program: &Program, edit: &Edit) -> Program {
    let mut changed = program.clone();
    let (mut lists, mut exprs) = (0, 0);
    walk(&mut changed, &mut |site| match site {
        Site::List(list) => {
            if let Edit::Splice { list: target, start, len, with } = edit
                && *target == lists
            {
                list.splice(*start..*start + *len, with.iter().cloned());
            }
            lists += 1;
        }
        Site::Expr(expr) => {
            if let Edit::Replace { expr: target, with } = edit
                && *target == exprs
            {
                *expr = with.clone();
            }
            exprs += 1;
        }
    });
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Config, generate};
    use crate::print::print;

    #[test]
    fn a_program_shrinks_to_the_statement_that_matters() {
        let config = Config::default();
        // Any program that prints `-0` somewhere: the test is textual, so the
        // result must be the smallest program whose text still has it.
        let seed = (0..500).find(|&seed| print(&generate(seed, &config)).contains("-0")).unwrap();
        let program = generate(seed, &config);
        let shrunk = shrink_program(&program, &mut |candidate| print(candidate).contains("-0"), MAX_TESTS);
        let text = print(&shrunk);
        assert!(text.contains("-0"));
        assert!(text.lines().count() <= 3, "not small:\n{text}");
    }

    /// The printed declaration of the function called `name`, wherever it is.
    fn declaration(stmts: &[Stmt], name: &str) -> Option<String> {
        stmts.iter().find_map(|stmt| match stmt {
            Stmt::Fun(function) if function.name == name => Some(print(&Program { body: vec![stmt.clone()] })),
            Stmt::Fun(function) => declaration(&function.body, name),
            Stmt::Block(body) | Stmt::While { body, .. } | Stmt::For { body, .. } => declaration(body, name),
            Stmt::If { then_branch, else_branch, .. } => {
                declaration(then_branch, name).or_else(|| else_branch.as_ref().and_then(|body| declaration(body, name)))
            }
            Stmt::Class(class) => class.methods.iter().find_map(|method| declaration(&method.body, name)),
            _ => None,
        })
    }

    #[test]
    fn guards_and_pinned_arguments_survive_shrinking() {
        let config = Config::default();
        let seed = (0..500).find(|&seed| print(&generate(seed, &config)).contains(" > 0 and ")).unwrap();
        let program = generate(seed, &config);
        let text = print(&program);
        let at = text.find(" > 0 and ").unwrap();
        let name = text[..at].rsplit("fun ").next().unwrap().split('(').next().unwrap().to_string();
        // The smallest program in which the function still calls itself.
        let calls_itself = |program: &Program| {
            declaration(&program.body, &name).is_some_and(|text| text.matches(&format!("{name}(")).count() >= 2)
        };
        assert!(calls_itself(&program));
        let shrunk = shrink_program(&program, &mut |candidate| calls_itself(candidate), MAX_TESTS);
        let text = declaration(&shrunk.body, &name).unwrap();
        assert!(text.contains(" > 0 and "), "the guard went:\n{text}");
        for call in text.split(&format!("{name}(")).skip(2) {
            assert!(call.starts_with('n') && call.contains(" - "), "a recursive argument changed:\n{text}");
        }
    }

    #[test]
    fn text_shrinks_by_lines_then_characters() {
        let text = "print 1;\nprint (((2;\nprint 3;\n";
        let shrunk = shrink_text(text, &mut |candidate| candidate.contains("(("), MAX_TESTS);
        assert_eq!(shrunk, "((");
    }
}
