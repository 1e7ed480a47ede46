//! The tracing collector: clox's mark-sweep, with clox's growth policy.
//!
//! The roots belong to the engine, so the engine names them in a [`Roots`]:
//! its value stack up to its top, every active frame's closure, its open
//! upvalues, its globals, the `init` string, and a compiled script that has
//! not started yet (the compiler's only root: it allocates with collection
//! paused, and everything it made hangs from the script). Marking is
//! iterative with a gray worklist; strings and natives have no references,
//! so they are marked without being queued. The interning table holds
//! strings weakly: before the sweep, every unmarked string is removed from
//! it. After the sweep, the next collection is due when the heap has grown
//! by [`GROW_FACTOR`].
//!
//! An engine collects only right before it allocates, when every object it
//! is working with is reachable from what it marks. With `--gc-stress` it
//! collects before every allocation.

use crate::globals::Globals;
use crate::heap::{GROW_FACTOR, Heap};
use crate::object::{
    Gc, HeapObject, Obj, ObjBoundMethod, ObjClass, ObjClosure, ObjFunction, ObjInstance, ObjKind, ObjString, ObjUpvalue,
};
use crate::stack::CallFrame;
use crate::table::Table;
use crate::upvalue::OpenUpvalues;
use crate::value::Value;
use std::ptr::NonNull;

/// Where an engine keeps the values its program can still reach.
pub struct Roots<'a> {
    /// The value stack, up to its top.
    pub stack: &'a [Value],
    /// The active frames.
    pub frames: &'a [CallFrame],
    pub open_upvalues: &'a OpenUpvalues,
    pub globals: &'a Globals,
    /// The interned `"init"`, which the engine keeps to find initializers.
    pub init_string: Gc<ObjString>,
    /// A compiled script waiting to run.
    pub script: Option<Gc<ObjFunction>>,
}

impl Heap {
    /// Frees every object that `roots` cannot reach.
    pub fn collect(&mut self, roots: Roots<'_>) {
        let mut gray = std::mem::take(&mut self.gray);
        mark_roots(&roots, &mut gray);
        while let Some(object) = gray.pop() {
            blacken(object, &mut gray);
        }
        self.strings.retain_keys(|string| string.obj.marked.get());
        self.sweep();
        self.next_gc = self.bytes_allocated * GROW_FACTOR;
        self.gray = gray;
    }
}

fn mark_roots(roots: &Roots<'_>, gray: &mut Gray) {
    for &value in roots.stack {
        mark_value(value, gray);
    }
    for frame in roots.frames {
        // SAFETY: active frames hold live closures.
        mark(unsafe { Gc::from_ptr(frame.closure) }, gray);
    }
    for upvalue in roots.open_upvalues.iter() {
        mark(upvalue, gray);
    }
    for &value in &roots.globals.slots {
        mark_value(value, gray);
    }
    mark_table(&roots.globals.table, gray);
    mark(roots.init_string, gray);
    if let Some(script) = roots.script {
        mark(script, gray);
    }
}

type Gray = Vec<NonNull<Obj>>;

fn mark_value(value: Value, gray: &mut Gray) {
    if value.is_object() {
        mark_object(value.as_object(), gray);
    }
}

fn mark<T: HeapObject>(object: Gc<T>, gray: &mut Gray) {
    mark_object(object.as_obj(), gray);
}

fn mark_object(object: NonNull<Obj>, gray: &mut Gray) {
    // SAFETY: only pointers read from roots or from live objects reach here,
    // and those point to live objects.
    let header = unsafe { object.as_ref() };
    if header.marked.replace(true) {
        return;
    }
    if !matches!(header.kind, ObjKind::String | ObjKind::Native) {
        gray.push(object);
    }
}

#[inline(always)]
fn mark_table(table: &Table, gray: &mut Gray) {
    for (key, value) in table.iter() {
        mark(key, gray);
        mark_value(value, gray);
    }
}

/// Marks everything a gray object refers to.
fn blacken(object: NonNull<Obj>, gray: &mut Gray) {
    // SAFETY: for each cast below, the object is live (it was marked from a
    // root) and its header's kind says which struct it is.
    unsafe {
        match object.as_ref().kind {
            ObjKind::String | ObjKind::Native => {}
            ObjKind::Upvalue => mark_value(Gc::<ObjUpvalue>::from_obj(object).closed.get(), gray),
            ObjKind::Function => {
                let function = Gc::<ObjFunction>::from_obj(object);
                if let Some(name) = function.name {
                    mark(name, gray);
                }
                for &constant in &function.chunk.constants {
                    mark_value(constant, gray);
                }
            }
            ObjKind::Closure => {
                let closure = Gc::<ObjClosure>::from_obj(object);
                mark(closure.function, gray);
                for &upvalue in closure.upvalues.iter() {
                    mark(upvalue, gray);
                }
            }
            ObjKind::Class => {
                let class = Gc::<ObjClass>::from_obj(object);
                mark(class.name, gray);
                mark_table(&class.methods, gray);
            }
            ObjKind::Instance => {
                let instance = Gc::<ObjInstance>::from_obj(object);
                mark(instance.class, gray);
                mark_table(&instance.fields, gray);
            }
            ObjKind::BoundMethod => {
                let bound = Gc::<ObjBoundMethod>::from_obj(object);
                mark_value(bound.receiver, gray);
                mark(bound.method, gray);
            }
        }
    }
}
