//! What `lox --dump` shows of a program in this engine: the shared tree,
//! the slots the compiler reads from it, and the tree of closures it
//! builds from them (noted by the compiler itself as it builds them, see
//! `compile::Trace`).

use crate::compile::Compiler;
use crate::config::Config;
use crate::globals::Globals;
use frontend::hash::NameHash;
use frontend::{CompileErrors, Form, Options};

/// The shared tree, the slots the compiler reads, and the closures.
pub const FORMS: &[Form] = &[Form::Ast, Form::Resolved, Form::Closures];

/// `source` in `form`, compiled as a session with `options` would compile it.
pub fn dump(form: Form, source: &str, options: &Options) -> Option<Result<String, CompileErrors>> {
    if form != Form::Closures {
        return frontend::dump::parsed(form, source);
    }
    Some(frontend::parse(source).map(|program| {
        let mut globals = Globals::new(NameHash::for_options(options));
        let mut compiler = Compiler::tracing(&mut globals, Config::new(options));
        compiler.script(&program);
        let trace = compiler.take_trace().expect("a tracing compiler keeps its trace");
        trace.render()
    }))
}
