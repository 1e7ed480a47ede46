//! Cranelift's side: one JIT module per session, into which each function
//! is compiled: the script when its program is prepared, every other
//! function at its first call (lazy.rs).
//!
//! A function is compiled on its own (translate.rs builds its IR, Cranelift
//! optimises it and emits machine code) and linked at once; the function
//! object then records its machine code's address, so a call finds it
//! through the closure, as nanbox-vm finds the chunk. The harness times the
//! script's compilation as part of `prepare`, and a function's as part of
//! the run that first calls it.

use crate::lazy;
use crate::translate::{entry_signature, translate};
use cranelift_codegen::Context;
use cranelift_codegen::ir::UserFuncName;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module, default_libcall_names};
use nanbox_runtime::object::{Gc, ObjFunction};
use std::fmt::Write;

/// The session's JIT module, and what it is compiling.
pub struct Codegen {
    module: JITModule,
    context: Context,
    builder_context: FunctionBuilderContext,
    /// Functions compiled so far, to name each uniquely in the module.
    compiled: u32,
    /// With `--dump machine-code`: each function's IR and machine code, as
    /// Cranelift prints them.
    pub listing: Option<String>,
}

impl Codegen {
    pub fn new() -> Codegen {
        let mut flags = settings::builder();
        // Speed: Cranelift's optimisations (its e-graph rewrites, alias
        // analysis and register allocation), and nothing of our own.
        flags.set("opt_level", "speed").expect("a Cranelift setting");
        // Cranelift's verifier checks every function's IR, which costs a
        // third of the compile time: the tests (debug builds) run it on all
        // the IR the corpus makes, release builds do not.
        let verify = if cfg!(debug_assertions) { "true" } else { "false" };
        flags.set("enable_verifier", verify).expect("a Cranelift setting");
        // Code is placed anywhere in memory and calls helpers by absolute
        // address.
        flags.set("is_pic", "false").expect("a Cranelift setting");
        flags.set("use_colocated_libcalls", "false").expect("a Cranelift setting");
        let isa = cranelift_native::builder()
            .unwrap_or_else(|problem| panic!("Cranelift does not support this machine: {problem}"))
            .finish(settings::Flags::new(flags))
            .expect("Cranelift accepts these settings");
        let module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
        let context = module.make_context();
        Codegen { module, context, builder_context: FunctionBuilderContext::new(), compiled: 0, listing: None }
    }

    /// Compiles `script`, and gives every function nested in it that has
    /// no machine code yet the entry that compiles it at its first call.
    /// With a listing, compiles them all now, so the listing shows each one.
    pub fn prepare(&mut self, script: Gc<ObjFunction>) {
        let mut pending = vec![script];
        let mut defined: Vec<(Gc<ObjFunction>, FuncId)> = Vec::new();
        while let Some(function) = pending.pop() {
            if !function.machine_code.get().is_null() || defined.iter().any(|(done, _)| *done == function) {
                continue;
            }
            if function == script || self.listing.is_some() {
                defined.push((function, self.define(function)));
            } else {
                function.machine_code.set(lazy::compile_and_enter as *const u8);
            }
            pending.extend(function.chunk.constants.iter().filter_map(|constant| constant.as_gc::<ObjFunction>()));
        }
        self.finalize(defined);
    }

    /// Compiles one function and records its machine code.
    pub fn compile(&mut self, function: Gc<ObjFunction>) {
        let id = self.define(function);
        self.finalize(vec![(function, id)]);
    }

    fn finalize(&mut self, defined: Vec<(Gc<ObjFunction>, FuncId)>) {
        self.module.finalize_definitions().expect("the JIT module links");
        for (function, id) in defined {
            function.machine_code.set(self.module.get_finalized_function(id));
        }
    }

    fn define(&mut self, function: Gc<ObjFunction>) -> FuncId {
        let call_conv = self.module.isa().default_call_conv();
        let frontend_config = self.module.target_config();
        let signature = entry_signature(call_conv);
        let name = format!("{}#{}", function.name_text().unwrap_or("script"), self.compiled);
        self.compiled += 1;
        let id = self.module.declare_function(&name, Linkage::Local, &signature).expect("a fresh name");
        self.context.func.signature = signature;
        self.context.func.name = UserFuncName::user(0, id.as_u32());
        let mut builder = FunctionBuilder::new(&mut self.context.func, &mut self.builder_context);
        translate(&mut builder, function, call_conv);
        builder.finalize(frontend_config);
        self.context.set_disasm(self.listing.is_some());
        self.module.define_function(id, &mut self.context).expect("Cranelift compiles what translate.rs builds");
        if let Some(listing) = &mut self.listing {
            let shown = function.name_text().map_or("<script>".to_string(), |name| format!("<fn {name}>"));
            let _ = writeln!(listing, "== {shown}: Cranelift IR, optimised ==\n{}", self.context.func.display());
            let machine = self.context.compiled_code().and_then(|code| code.vcode.clone()).unwrap_or_default();
            let _ = writeln!(listing, "== {shown}: machine code ==\n{machine}");
        }
        self.module.clear_context(&mut self.context);
        id
    }
}
