//! The tracing collector: clox's mark-sweep, with clox's growth policy.
//!
//! Roots are the value stack up to `sp`, every active frame's closure, the
//! open upvalues, the globals (their slots, or their table by name), the
//! `init` string, and a compiled script that has not started yet. Marking is iterative with a gray worklist; strings
//! and natives have no references, so they are marked without being queued.
//! The interning table holds strings weakly: before the sweep, every
//! unmarked string is removed from it. After the sweep, the next collection
//! is due when the heap has grown by [`GROW_FACTOR`].
//!
//! The collector runs only from [`Vm::maybe_collect`], which the VM calls
//! right before allocating, with `self.sp` saved and every object it is
//! working with on the stack or otherwise rooted. With `--gc-stress` it runs
//! before every allocation.

use crate::heap::GROW_FACTOR;
use crate::object::{
    Gc, HeapObject, Obj, ObjBoundMethod, ObjClass, ObjClosure, ObjFunction, ObjInstance, ObjKind, ObjUpvalue,
};
use crate::table::Table;
use crate::value::Value;
use crate::vm::Vm;
use std::ptr::NonNull;

type Gray = Vec<NonNull<Obj>>;

impl Vm {
    pub fn collect_garbage(&mut self) {
        let mut gray = std::mem::take(&mut self.gray);
        self.mark_roots(&mut gray);
        while let Some(object) = gray.pop() {
            blacken(object, &mut gray);
        }
        self.heap.strings.retain_keys(|string| string.obj.marked.get());
        self.heap.sweep();
        self.heap.next_gc = self.heap.bytes_allocated * GROW_FACTOR;
        self.gray = gray;
    }

    fn mark_roots(&self, gray: &mut Gray) {
        let base = self.stack.as_ptr();
        // SAFETY: `sp` is saved and lies within the stack, at or above its base.
        let depth = unsafe { self.sp.offset_from(base) } as usize;
        for &value in &self.stack[..depth] {
            mark_value(value, gray);
        }
        for frame in &self.frames[..self.frame_count] {
            // SAFETY: active frames hold live closures.
            mark(unsafe { Gc::from_ptr(frame.closure) }, gray);
        }
        let mut upvalue = self.open_upvalues;
        while let Some(open) = upvalue {
            mark(open, gray);
            upvalue = open.next_open.get();
        }
        for &value in &self.globals.slots {
            mark_value(value, gray);
        }
        mark_table(&self.globals.table, gray);
        mark(self.init_string, gray);
        if let Some(script) = self.script {
            mark(script, gray);
        }
    }
}

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
