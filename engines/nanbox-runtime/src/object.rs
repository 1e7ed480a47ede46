//! Heap objects: a common header, one `#[repr(C)]` struct per kind, and
//! [`Gc`], the pointer the engine holds them by.
//!
//! Every object starts with an [`Obj`] header (its kind, its mark bit and the
//! link of the heap's all-objects list), so a pointer to any object is also a
//! pointer to its header, and a header's kind says which struct surrounds it.
//! This is clox's layout, and it is what lets a [`Value`] carry a bare
//! 48-bit pointer.
//!
//! Mutation goes through `Cell`s where it happens after creation and through
//! [`Gc::get_mut`] for the tables of classes and instances.

use crate::chunk::Chunk;
use crate::table::Table;
use crate::value::Value;
use frontend::number::write_number;
use std::cell::Cell;
use std::io::{self, Write};
use std::ops::Deref;
use std::ptr::NonNull;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ObjKind {
    String,
    Function,
    Native,
    Closure,
    Upvalue,
    Class,
    Instance,
    BoundMethod,
}

/// The header every object starts with.
#[repr(C)]
pub struct Obj {
    pub kind: ObjKind,
    pub marked: Cell<bool>,
    /// The next object in the heap's list of every object (heap.rs).
    pub next: Cell<Option<NonNull<Obj>>>,
}

impl Obj {
    pub fn new(kind: ObjKind) -> Obj {
        Obj { kind, marked: Cell::new(false), next: Cell::new(None) }
    }
}

/// An object struct: `#[repr(C)]` with an [`Obj`] header as its first field.
///
/// # Safety
/// Implementors must be `#[repr(C)]`, have `Obj` as their first field, and
/// give `KIND` as the kind they are always created with, so that casting a
/// header pointer of that kind to `Self` is valid.
pub unsafe trait HeapObject {
    const KIND: ObjKind;
}

/// A pointer to a live heap object.
///
/// Architecture invariant: a `Gc` is only held where the collector can see it
/// or while the collector cannot run. The VM keeps every object it uses
/// reachable from a root (the value stack, the frames, the globals, the open
/// upvalues); the compiler runs with collection paused. The collector frees
/// only unreachable objects, so dereferencing a `Gc` is sound under that
/// invariant, which gc.rs and vm.rs maintain.
pub struct Gc<T> {
    pointer: NonNull<T>,
}

impl<T> Clone for Gc<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Gc<T> {}

impl<T> PartialEq for Gc<T> {
    fn eq(&self, other: &Self) -> bool {
        self.pointer == other.pointer
    }
}

impl<T> Eq for Gc<T> {}

impl<T: HeapObject> Gc<T> {
    /// Wraps a pointer the heap just allocated.
    pub fn from_box(object: Box<T>) -> Gc<T> {
        Gc { pointer: NonNull::from(Box::leak(object)) }
    }

    /// Reinterprets an object header as the object of its kind.
    ///
    /// # Safety
    /// `object` must point to a live object whose header kind is `T::KIND`.
    #[inline(always)]
    pub unsafe fn from_obj(object: NonNull<Obj>) -> Gc<T> {
        debug_assert_eq!(
            // SAFETY: the caller guarantees `object` is live.
            unsafe { object.as_ref() }.kind,
            T::KIND
        );
        Gc { pointer: object.cast() }
    }

    /// Wraps a raw pointer to a live object (a frame's closure).
    ///
    /// # Safety
    /// `pointer` must point to a live object of type `T`.
    #[inline(always)]
    pub unsafe fn from_ptr(pointer: *const T) -> Gc<T> {
        debug_assert!(!pointer.is_null());
        // SAFETY: the caller guarantees the pointer is to a live object.
        Gc { pointer: unsafe { NonNull::new_unchecked(pointer.cast_mut()) } }
    }

    #[inline(always)]
    pub fn as_obj(self) -> NonNull<Obj> {
        self.pointer.cast()
    }

    #[inline(always)]
    pub fn as_ptr(self) -> *mut T {
        self.pointer.as_ptr()
    }

    #[inline(always)]
    pub fn value(self) -> Value {
        Value::object(self.as_obj())
    }

    /// A mutable reference to the object.
    ///
    /// # Safety
    /// The object must be live, and no other reference to it may be used
    /// while the returned one is.
    #[inline(always)]
    pub unsafe fn get_mut<'a>(self) -> &'a mut T {
        // SAFETY: forwarded to the caller.
        unsafe { &mut *self.pointer.as_ptr() }
    }
}

impl<T> Deref for Gc<T> {
    type Target = T;

    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: a `Gc` points to a live object (the type's invariant above).
        unsafe { self.pointer.as_ref() }
    }
}

impl Value {
    /// This value as an object of kind `T`, if it is one.
    #[inline(always)]
    pub fn as_gc<T: HeapObject>(self) -> Option<Gc<T>> {
        if self.object_kind() == Some(T::KIND) {
            // SAFETY: the kind was just checked and object values point to
            // live objects.
            Some(unsafe { Gc::from_obj(self.as_object()) })
        } else {
            None
        }
    }

    /// This value as an object of kind `T`, when the compiler guarantees it is
    /// one (a function constant, `super`'s class).
    #[inline(always)]
    pub fn expect_gc<T: HeapObject>(self) -> Gc<T> {
        self.as_gc().expect("the compiler put an object of this kind here")
    }
}

#[repr(C)]
pub struct ObjString {
    pub obj: Obj,
    /// The text's hash, computed once when the string is made: every table
    /// probes with it (clox's `ObjString.hash`).
    pub hash: u32,
    pub text: Box<str>,
}

#[repr(C)]
pub struct ObjFunction {
    pub obj: Obj,
    pub arity: usize,
    pub upvalue_count: usize,
    /// The most value-stack slots a frame of this function uses at once,
    /// slot 0 and temporaries included: a call checks that much room.
    pub max_stack: usize,
    /// `None` for the top-level script.
    pub name: Option<Gc<ObjString>>,
    pub chunk: Chunk,
    /// The function's machine code, for an engine that compiles the chunk
    /// (the `jit`; null until it has, and always in `nanbox-vm`).
    pub machine_code: Cell<*const u8>,
    /// The profiling marker's id for the function's frames (0 unless the
    /// front end was built with `work-count`).
    pub marker: u32,
}

/// A native function. As in clox, natives take any number of arguments.
#[repr(C)]
pub struct ObjNative {
    pub obj: Obj,
    pub function: fn(&[Value]) -> Value,
}

#[repr(C)]
pub struct ObjClosure {
    pub obj: Obj,
    pub function: Gc<ObjFunction>,
    pub upvalues: Box<[Gc<ObjUpvalue>]>,
}

/// A captured variable: open while it still lives in a stack slot, closed
/// (holding its own copy) once that slot is gone.
#[repr(C)]
pub struct ObjUpvalue {
    pub obj: Obj,
    /// Where the variable lives: a stack slot while open, `closed` once closed.
    pub location: Cell<*mut Value>,
    pub closed: Cell<Value>,
    /// The next open upvalue, further down the stack (the VM's list).
    pub next_open: Cell<Option<Gc<ObjUpvalue>>>,
}

#[repr(C)]
pub struct ObjClass {
    pub obj: Obj,
    pub name: Gc<ObjString>,
    pub methods: Table,
}

#[repr(C)]
pub struct ObjInstance {
    pub obj: Obj,
    pub class: Gc<ObjClass>,
    pub fields: Table,
}

#[repr(C)]
pub struct ObjBoundMethod {
    pub obj: Obj,
    pub receiver: Value,
    pub method: Gc<ObjClosure>,
}

// SAFETY (for each impl below): the struct is `#[repr(C)]` with `obj: Obj`
// first, and heap.rs creates each with `Obj::new(Self::KIND)`.
macro_rules! heap_object {
    ($($type:ident => $kind:ident),* $(,)?) => {
        $(
            // SAFETY: see the comment above the macro.
            unsafe impl HeapObject for $type {
                const KIND: ObjKind = ObjKind::$kind;
            }
        )*
    };
}

heap_object! {
    ObjString => String,
    ObjFunction => Function,
    ObjNative => Native,
    ObjClosure => Closure,
    ObjUpvalue => Upvalue,
    ObjClass => Class,
    ObjInstance => Instance,
    ObjBoundMethod => BoundMethod,
}

impl ObjFunction {
    /// The name traces and `<fn NAME>` show; the script has none.
    pub fn name_text(&self) -> Option<&str> {
        self.name.as_ref().map(|name| &*name.text)
    }
}

/// Writes `value` as `print` shows it.
pub fn write_value(out: &mut dyn Write, value: Value) -> io::Result<()> {
    if value.is_number() {
        let mut text = String::new();
        write_number(&mut text, value.as_number());
        return out.write_all(text.as_bytes());
    }
    if value.is_nil() {
        return out.write_all(b"nil");
    }
    if value.is_bool() {
        return out.write_all(if value.same_bits(Value::TRUE) { b"true" } else { b"false" });
    }
    let Some(kind) = value.object_kind() else { unreachable!("a value is a number, nil, a boolean or an object") };
    match kind {
        ObjKind::String => out.write_all(value.expect_gc::<ObjString>().text.as_bytes()),
        ObjKind::Function => write_function(out, &value.expect_gc::<ObjFunction>()),
        ObjKind::Native => out.write_all(b"<native fn>"),
        ObjKind::Closure => write_function(out, &value.expect_gc::<ObjClosure>().function),
        ObjKind::Class => out.write_all(value.expect_gc::<ObjClass>().name.text.as_bytes()),
        ObjKind::Instance => write!(out, "{} instance", value.expect_gc::<ObjInstance>().class.name.text),
        ObjKind::BoundMethod => write_function(out, &value.expect_gc::<ObjBoundMethod>().method.function),
        ObjKind::Upvalue => out.write_all(b"upvalue"),
    }
}

fn write_function(out: &mut dyn Write, function: &ObjFunction) -> io::Result<()> {
    match function.name_text() {
        Some(name) => write!(out, "<fn {name}>"),
        None => out.write_all(b"<script>"),
    }
}

/// The text of `value` as `print` shows it (for the disassembler).
pub fn value_text(value: Value) -> String {
    let mut text = Vec::new();
    write_value(&mut text, value).expect("writing to a Vec cannot fail");
    String::from_utf8_lossy(&text).into_owned()
}
