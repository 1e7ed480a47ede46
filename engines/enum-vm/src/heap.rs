//! The object heap: an arena of objects named by index, the string intern
//! table, and the byte count that decides when to collect.
//!
//! clox allocates each object with `malloc` and links them in a list; here
//! objects live in one `Vec`, a handle is an index into it, and freed slots
//! are reused through a free list. The heap never decides on its own to
//! collect, because only the VM knows the roots: [`crate::vm::Vm::alloc`]
//! asks [`Heap::should_collect`] first, collects, and then inserts.

use crate::chunk::Program;
use crate::object::{BoundMethod, Class, Closure, Instance, Object, Upvalue};
use crate::table::StringTable;
use crate::value::{ObjRef, Value};
use frontend::number::write_number;
use std::rc::Rc;

/// The first collection happens when this many bytes are allocated, as in clox.
const FIRST_GC: usize = 1024 * 1024;
/// After a collection the next one waits until the heap has grown by this
/// factor over what survived (clox's `GC_HEAP_GROW_FACTOR`).
const GROW_FACTOR: usize = 2;

pub struct Heap {
    pub(crate) objects: Vec<Object>,
    /// The collector's mark bits, one per arena slot; kept beside the
    /// objects so that tracing can read one object while marking others.
    pub(crate) marks: Vec<bool>,
    pub(crate) free: Vec<u32>,
    /// Every live string, by contents, so that equal strings are one object.
    pub(crate) strings: StringTable,
    /// Strings the compiled code refers to as constants. Prototypes live
    /// outside the heap and are never freed, so these are roots for good.
    pub(crate) pinned: Vec<ObjRef>,
    /// The collector's work list of marked objects not yet traced.
    pub(crate) gray: Vec<ObjRef>,
    pub(crate) bytes_allocated: usize,
    pub(crate) next_gc: usize,
    /// The heap ceiling (`Options::max_heap`) a new string is checked against.
    pub(crate) max_heap: usize,
    stress: bool,
}

impl Heap {
    /// An empty heap; with `stress`, the VM collects before every allocation.
    pub fn new(stress: bool) -> Heap {
        Heap {
            objects: Vec::new(),
            marks: Vec::new(),
            free: Vec::new(),
            strings: StringTable::default(),
            pinned: Vec::new(),
            gray: Vec::new(),
            bytes_allocated: 0,
            next_gc: FIRST_GC,
            max_heap: frontend::memory::DEFAULT_MAX_HEAP,
            stress,
        }
    }

    #[inline]
    pub fn should_collect(&self) -> bool {
        self.stress || self.bytes_allocated > self.next_gc
    }

    /// Sets the next collection's threshold from what survived this one.
    pub(crate) fn after_collection(&mut self) {
        self.next_gc = (self.bytes_allocated * GROW_FACTOR).max(FIRST_GC);
    }

    /// Puts an object in the arena without collecting (the caller has
    /// decided that) and returns its handle.
    pub fn insert(&mut self, object: Object) -> ObjRef {
        self.bytes_allocated += object.size();
        match self.free.pop() {
            Some(index) => {
                self.objects[index as usize] = object;
                ObjRef::new(index as usize)
            }
            None => {
                self.objects.push(object);
                self.marks.push(false);
                ObjRef::new(self.objects.len() - 1)
            }
        }
    }

    /// Counts memory an object took after it was allocated (a table that grew).
    pub fn account(&mut self, before: usize, after: usize) {
        self.bytes_allocated = self.bytes_allocated + after - before;
    }

    /// The string object holding `text`, if one is alive.
    #[inline]
    pub fn find_string(&self, text: &str) -> Option<ObjRef> {
        self.strings.get(text).copied()
    }

    /// Adds a new string object; the caller checked that none holds `text`.
    pub fn insert_string(&mut self, text: &str) -> ObjRef {
        let text: Rc<str> = text.into();
        let handle = self.insert(Object::String(text.clone()));
        self.strings.insert(text, handle);
        handle
    }

    /// The string holding `text`, made if needed, and kept alive for good:
    /// for the compiler's constants, which are roots for the session's life.
    /// The compiler never collects, so it needs no other roots.
    pub fn intern_pinned(&mut self, text: &str) -> ObjRef {
        if let Some(handle) = self.find_string(text) {
            self.pinned.push(handle);
            return handle;
        }
        let handle = self.insert_string(text);
        self.pinned.push(handle);
        handle
    }

    #[inline]
    pub fn get(&self, handle: ObjRef) -> &Object {
        &self.objects[handle.index()]
    }

    #[inline]
    pub fn get_mut(&mut self, handle: ObjRef) -> &mut Object {
        &mut self.objects[handle.index()]
    }

    // Typed access. The compiler and the VM only ever apply these to handles
    // of the right kind (a closure's upvalue list holds upvalues, a class's
    // method table closures...), so a mismatch is a bug in this crate.

    pub fn string(&self, handle: ObjRef) -> &str {
        match self.get(handle) {
            Object::String(text) => text,
            _ => unreachable!("handle {handle:?} is not a string"),
        }
    }

    #[inline]
    pub fn closure(&self, handle: ObjRef) -> &Closure {
        match self.get(handle) {
            Object::Closure(closure) => closure,
            _ => unreachable!("handle {handle:?} is not a closure"),
        }
    }

    #[inline]
    pub fn closure_mut(&mut self, handle: ObjRef) -> &mut Closure {
        match self.get_mut(handle) {
            Object::Closure(closure) => closure,
            _ => unreachable!("handle {handle:?} is not a closure"),
        }
    }

    #[inline]
    pub fn upvalue(&self, handle: ObjRef) -> &Upvalue {
        match self.get(handle) {
            Object::Upvalue(upvalue) => upvalue,
            _ => unreachable!("handle {handle:?} is not an upvalue"),
        }
    }

    #[inline]
    pub fn upvalue_mut(&mut self, handle: ObjRef) -> &mut Upvalue {
        match self.get_mut(handle) {
            Object::Upvalue(upvalue) => upvalue,
            _ => unreachable!("handle {handle:?} is not an upvalue"),
        }
    }

    #[inline]
    pub fn class(&self, handle: ObjRef) -> &Class {
        match self.get(handle) {
            Object::Class(class) => class,
            _ => unreachable!("handle {handle:?} is not a class"),
        }
    }

    #[inline]
    pub fn class_mut(&mut self, handle: ObjRef) -> &mut Class {
        match self.get_mut(handle) {
            Object::Class(class) => class,
            _ => unreachable!("handle {handle:?} is not a class"),
        }
    }

    /// The instance a value holds, if it holds one.
    #[inline]
    pub fn as_instance(&self, value: Value) -> Option<&Instance> {
        match value {
            Value::Obj(handle) => match self.get(handle) {
                Object::Instance(instance) => Some(instance),
                _ => None,
            },
            _ => None,
        }
    }

    /// The class a value holds, if it holds one.
    pub fn as_class(&self, value: Value) -> Option<ObjRef> {
        match value {
            Value::Obj(handle) if matches!(self.get(handle), Object::Class(_)) => Some(handle),
            _ => None,
        }
    }

    /// The string a value holds, if it holds one.
    #[inline]
    pub fn as_string(&self, value: Value) -> Option<&str> {
        match value {
            Value::Obj(handle) => match self.get(handle) {
                Object::String(text) => Some(text),
                _ => None,
            },
            _ => None,
        }
    }

    /// Appends what `print` shows for `value`.
    pub fn write_value(&self, out: &mut String, value: Value, program: &Program) {
        let handle = match value {
            Value::Nil => return out.push_str("nil"),
            Value::Bool(b) => return out.push_str(if b { "true" } else { "false" }),
            Value::Number(n) => return write_number(out, n),
            Value::Obj(handle) => handle,
        };
        let function = |out: &mut String, closure: ObjRef| {
            let proto = program.proto(self.closure(closure).proto);
            out.push_str("<fn ");
            out.push_str(&proto.name);
            out.push('>');
        };
        match self.get(handle) {
            Object::String(text) => out.push_str(text),
            Object::Closure(_) => function(out, handle),
            Object::BoundMethod(BoundMethod { method, .. }) => function(out, *method),
            Object::Native(_) => out.push_str("<native fn>"),
            Object::Class(class) => out.push_str(self.string(class.name)),
            Object::Instance(instance) => {
                out.push_str(self.string(self.class(instance.class).name));
                out.push_str(" instance");
            }
            Object::Upvalue(_) | Object::Free => unreachable!("a value never holds an upvalue or a free slot"),
        }
    }
}
