//! The garbage collector: clox's tracing mark-sweep, over the arena.
//!
//! A collection marks everything reachable from the roots, then frees every
//! unmarked object. The roots are what the VM can reach without going
//! through the heap:
//! * the value stack, which also holds every temporary the VM is working on
//!   (an allocation always happens with its inputs still on the stack, as
//!   in clox: the class being instantiated, the closure being filled in);
//! * each frame's closure, and the open upvalues;
//! * the global variables (their slots, or their table by name);
//! * the strings that compiled code uses as constants (the heap's pinned
//!   list). Functions are not heap objects and are never freed, so their
//!   constants are roots for good. The compiler itself never collects, so
//!   a half-compiled function needs no protection.
//!
//! Cycles need no special treatment: an object is kept only if a path from
//! a root reaches it. The intern table holds strings weakly: before the
//! sweep, every unmarked string leaves it. After a collection the next one
//! is due when the heap has doubled over what survived, so memory stays
//! proportional to live data.

use crate::heap::{Heap, INSTANCE_POOL};
use crate::object::{ObjUpvalue, Object};
use crate::table::Table;
use crate::value::{ObjRef, Value};
use crate::vm::Vm;

impl Vm {
    /// Marks from every root, traces, and frees what was not reached.
    pub fn collect_garbage(&mut self) {
        let heap = &mut self.heap;
        for &value in &self.stack[..self.sp] {
            heap.mark_value(value);
        }
        for frame in &self.frames {
            heap.mark_object(frame.closure);
        }
        for &(_, upvalue) in &self.open_upvalues {
            heap.mark_object(upvalue);
        }
        for &value in self.globals.slots.iter().flatten() {
            heap.mark_value(value);
        }
        heap.mark_table(&self.globals.table);
        for index in 0..heap.pinned.len() {
            heap.mark_object(heap.pinned[index]);
        }
        heap.trace_references();
        let marks = &heap.marks;
        heap.strings.retain_keys(|string| marks[string.index()]);
        heap.sweep();
        heap.after_collection();
    }
}

impl Heap {
    fn mark_value(&mut self, value: Value) {
        if let Value::Obj(handle) = value {
            self.mark_object(handle);
        }
    }

    fn mark_object(&mut self, handle: ObjRef) {
        mark(&mut self.marks, &mut self.gray, handle);
    }

    fn mark_table(&mut self, table: &Table) {
        for (key, value) in table.iter() {
            self.mark_object(key);
            self.mark_value(value);
        }
    }

    /// Marks everything the gray objects refer to, until nothing is gray.
    fn trace_references(&mut self) {
        let Heap { objects, marks, gray, .. } = self;
        while let Some(handle) = gray.pop() {
            let mut mark_ref = |child: ObjRef| mark(marks, gray, child);
            match &objects[handle.index()] {
                Object::Closure(closure) => closure.upvalues.iter().copied().for_each(&mut mark_ref),
                Object::Upvalue(ObjUpvalue::Closed(Value::Obj(child))) => mark_ref(*child),
                Object::Class(class) => {
                    mark_ref(class.name);
                    for (name, method) in class.methods.iter() {
                        mark_ref(name);
                        if let Value::Obj(child) = method {
                            mark_ref(child);
                        }
                    }
                }
                Object::Instance(instance) => {
                    mark_ref(instance.class);
                    for (name, value) in instance.fields.iter() {
                        mark_ref(name);
                        if let Value::Obj(child) = value {
                            mark_ref(child);
                        }
                    }
                }
                Object::BoundMethod(bound) => {
                    if let Value::Obj(receiver) = bound.receiver {
                        mark_ref(receiver);
                    }
                    mark_ref(bound.method);
                }
                // An open upvalue's variable is on the stack, a root already.
                Object::Upvalue(_) | Object::String(_) | Object::Native(_) => {}
                Object::Free => unreachable!("a free slot is never marked"),
            }
        }
    }

    /// Frees every unmarked object and clears the marks of the rest. A
    /// swept instance's field table goes to the instance pool when the
    /// `instance-pool` tuning keeps one and it has room.
    fn sweep(&mut self) {
        for index in 0..self.objects.len() {
            if self.marks[index] {
                self.marks[index] = false;
                continue;
            }
            let mut object = std::mem::replace(&mut self.objects[index], Object::Free);
            if let Object::Free = object {
                continue;
            }
            self.bytes_allocated -= object.size();
            self.free.push(index as u32);
            // A table that never allocated has nothing worth keeping.
            if let (Object::Instance(instance), Some(pool)) = (&mut object, &mut self.instance_pool)
                && instance.fields.allocated_bytes() > 0
                && pool.len() < INSTANCE_POOL
            {
                let mut fields = std::mem::take(&mut instance.fields);
                fields.clear();
                pool.push(fields);
            }
        }
    }
}

fn mark(marks: &mut [bool], gray: &mut Vec<ObjRef>, handle: ObjRef) {
    let mark = &mut marks[handle.index()];
    if !*mark {
        *mark = true;
        gray.push(handle);
    }
}
