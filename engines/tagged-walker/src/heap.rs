//! The heap: the only code that allocates, casts and frees objects.
//!
//! Every object is one allocation: a small header, then the object (a
//! `Box`, except that a string's bytes follow its header in the same
//! allocation, see [`Heap::alloc_string`]). The header records the object's [`Kind`], so that code holding only an
//! untyped pointer (a tagged value, the collector's gray stack, the list of
//! all objects) can cast it back to its real type, and the collector's mark
//! bit. The heap keeps a list of every object it allocated; a collection
//! marks what is reachable from the roots (`gc.rs`) and then [`Heap::sweep`]
//! frees the rest.
//!
//! ## The safe API, and the one invariant it cannot check
//!
//! [`Gc<T>`] is a copyable typed pointer that dereferences to `&T`, and
//! [`ObjRef`] an untyped one that knows its kind. Neither can be forged from
//! safe code: they come from [`Heap::alloc`], or from a tagged word that
//! `Value::object` made from one. What the types cannot express is
//! lifetime: a `Gc` is valid until a collection frees its object, and a
//! collection frees every object not reachable from the roots it was
//! given. So the evaluator must keep every value it will use again
//! reachable from a root whenever it may allocate; `gc.rs` states the
//! rules it follows. Two checks back them: in stress mode every allocation
//! collects, so a missing root is freed at once, and in debug builds a
//! stressed heap quarantines what it sweeps instead of freeing it, so that
//! touching a swept object panics with its kind instead of reading freed
//! memory; release builds are run under valgrind's memcheck.

use crate::object::{BoundMethod, BoxedNumber, Class, Closure, Instance, Native, Upvalue};
use std::alloc::Layout;
use std::cell::Cell;
use std::mem::size_of;
use std::ops::Deref;
use std::ptr::NonNull;

/// What an object is; stored in its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Number,
    String,
    Closure,
    Upvalue,
    Class,
    Instance,
    BoundMethod,
    Native,
}

/// The first field of every allocation, so that a pointer to any object is
/// also a pointer to its header.
#[repr(C)]
struct Header {
    kind: Kind,
    marked: Cell<bool>,
    /// Set when a debug build's stressed heap quarantines the object.
    #[cfg(debug_assertions)]
    freed: Cell<bool>,
}

impl Header {
    fn new(kind: Kind) -> Header {
        Header {
            kind,
            marked: Cell::new(false),
            #[cfg(debug_assertions)]
            freed: Cell::new(false),
        }
    }

    #[inline(always)]
    fn check_live(&self) {
        #[cfg(debug_assertions)]
        assert!(!self.freed.get(), "a {:?} was used after a collection swept it: a missing GC root", self.kind);
    }
}

/// One allocation: the header, then the object. `repr(C)` puts the header
/// at offset 0 whatever `T` is.
#[repr(C)]
struct GcBox<T> {
    header: Header,
    value: T,
}

/// A string. Its bytes follow its box in the same allocation, so a string
/// costs one allocation and one free (see [`Heap::alloc_string`]); it has no
/// constructor outside this module because it cannot exist by value.
pub struct LoxString {
    len: usize,
}

impl LoxString {
    /// The allocation of a string of `len` bytes: its box, then the bytes.
    fn layout(len: usize) -> Layout {
        let size = size_of::<GcBox<LoxString>>().checked_add(len).expect("a string's length fits in memory");
        Layout::from_size_align(size, std::mem::align_of::<GcBox<LoxString>>()).expect("a string's layout is valid")
    }
}

impl Gc<LoxString> {
    /// The string's text.
    #[inline]
    pub fn as_str(&self) -> &str {
        let len = self.len;
        // SAFETY: `Heap::alloc_string` allocated `len` bytes right after the
        // box and filled them with the UTF-8 of whole `str`s; the pointer
        // comes from that allocation (so it may reach past the box), and
        // the object is live while this `Gc` is (see `Deref`).
        unsafe {
            let bytes = self.ptr.as_ptr().cast::<u8>().add(size_of::<GcBox<LoxString>>());
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(bytes, len))
        }
    }
}

/// A type the heap can hold.
///
/// # Safety
///
/// `KIND` must be different for every implementing type: the heap reads an
/// object's kind from its header and casts the pointer to `GcBox<T>` for the
/// `T` whose `KIND` it is. Only this module implements the trait.
pub unsafe trait HeapObject: Sized + 'static {
    const KIND: Kind;

    /// Bytes the object owns outside its box, for the collector's pacing.
    fn extra_bytes(&self) -> usize {
        0
    }
}

// SAFETY: each `KIND` below is used by exactly one type.
unsafe impl HeapObject for BoxedNumber {
    const KIND: Kind = Kind::Number;
}

// SAFETY: as above; `Kind::String` is only `LoxString`'s.
unsafe impl HeapObject for LoxString {
    const KIND: Kind = Kind::String;

    fn extra_bytes(&self) -> usize {
        self.len
    }
}

// SAFETY: as above; `Kind::Closure` is only `Closure`'s.
unsafe impl HeapObject for Closure {
    const KIND: Kind = Kind::Closure;

    fn extra_bytes(&self) -> usize {
        self.upvalues.len() * size_of::<Gc<Upvalue>>()
    }
}

// SAFETY: as above; `Kind::Upvalue` is only `Upvalue`'s.
unsafe impl HeapObject for Upvalue {
    const KIND: Kind = Kind::Upvalue;
}

// SAFETY: as above; `Kind::Class` is only `Class`'s.
unsafe impl HeapObject for Class {
    const KIND: Kind = Kind::Class;

    fn extra_bytes(&self) -> usize {
        self.methods.borrow().capacity() * (size_of::<(frontend::ast::Name, Gc<Closure>)>() + 1)
    }
}

// SAFETY: as above; `Kind::Instance` is only `Instance`'s.
unsafe impl HeapObject for Instance {
    const KIND: Kind = Kind::Instance;

    fn extra_bytes(&self) -> usize {
        self.fields.borrow().capacity() * (size_of::<(frontend::ast::Name, crate::value::Value)>() + 1)
    }
}

// SAFETY: as above; `Kind::BoundMethod` is only `BoundMethod`'s.
unsafe impl HeapObject for BoundMethod {
    const KIND: Kind = Kind::BoundMethod;
}

// SAFETY: as above; `Kind::Native` is only `Native`'s.
unsafe impl HeapObject for Native {
    const KIND: Kind = Kind::Native;
}

/// A pointer to a live object of type `T`: copyable, one word, no count.
pub struct Gc<T: HeapObject> {
    ptr: NonNull<GcBox<T>>,
}

impl<T: HeapObject> Clone for Gc<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: HeapObject> Copy for Gc<T> {}

impl<T: HeapObject> Deref for Gc<T> {
    type Target = T;

    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: a `Gc` is made only by `Heap::alloc` or by a checked
        // downcast of a live object, and its object is not freed while the
        // evaluator can still reach it (the rooting rules in `gc.rs`).
        let gc_box = unsafe { self.ptr.as_ref() };
        gc_box.header.check_live();
        &gc_box.value
    }
}

impl<T: HeapObject> Gc<T> {
    /// The same pointer, without its type.
    #[inline(always)]
    pub fn erase(self) -> ObjRef {
        ObjRef { ptr: self.ptr.cast() }
    }
}

/// A pointer to a live object of any kind.
#[derive(Clone, Copy)]
pub struct ObjRef {
    ptr: NonNull<Header>,
}

/// An object's pointer with its type recovered, to match on.
pub enum Object {
    Number(Gc<BoxedNumber>),
    String(Gc<LoxString>),
    Closure(Gc<Closure>),
    Upvalue(Gc<Upvalue>),
    Class(Gc<Class>),
    Instance(Gc<Instance>),
    BoundMethod(Gc<BoundMethod>),
    Native(Gc<Native>),
}

impl ObjRef {
    /// The object's address, for `Value` to tag. Boxes of `GcBox` are
    /// aligned to at least 8 bytes, so the low three bits are zero.
    #[inline(always)]
    pub fn address(self) -> usize {
        self.ptr.as_ptr().expose_provenance()
    }

    /// The object at `address`.
    ///
    /// # Safety
    ///
    /// `address` must have come from [`ObjRef::address`] of an object that
    /// has not been freed since.
    #[inline(always)]
    pub unsafe fn from_address(address: usize) -> ObjRef {
        let ptr = std::ptr::with_exposed_provenance_mut::<Header>(address);
        // SAFETY: the address came from a `NonNull` (the caller's promise),
        // and exposing it gave it back its provenance.
        ObjRef { ptr: unsafe { NonNull::new_unchecked(ptr) } }
    }

    #[inline(always)]
    fn header(&self) -> &Header {
        // SAFETY: every object starts with its header (`GcBox` is
        // `repr(C)`), and an `ObjRef` points to a live object (see `Gc`).
        let header = unsafe { self.ptr.as_ref() };
        header.check_live();
        header
    }

    #[inline(always)]
    pub fn kind(self) -> Kind {
        self.header().kind
    }

    /// The typed pointer, if the object is a `T`.
    #[inline(always)]
    pub fn downcast<T: HeapObject>(self) -> Option<Gc<T>> {
        (self.kind() == T::KIND).then(|| Gc { ptr: self.ptr.cast() })
    }

    /// The typed pointer, whatever the kind.
    pub fn object(self) -> Object {
        let ptr = self.ptr;
        match self.kind() {
            Kind::Number => Object::Number(Gc { ptr: ptr.cast() }),
            Kind::String => Object::String(Gc { ptr: ptr.cast() }),
            Kind::Closure => Object::Closure(Gc { ptr: ptr.cast() }),
            Kind::Upvalue => Object::Upvalue(Gc { ptr: ptr.cast() }),
            Kind::Class => Object::Class(Gc { ptr: ptr.cast() }),
            Kind::Instance => Object::Instance(Gc { ptr: ptr.cast() }),
            Kind::BoundMethod => Object::BoundMethod(Gc { ptr: ptr.cast() }),
            Kind::Native => Object::Native(Gc { ptr: ptr.cast() }),
        }
    }

    /// Sets the mark bit; true when it was not set yet (the object is newly
    /// reached and its references still need tracing).
    #[inline]
    pub fn mark(self) -> bool {
        !self.header().marked.replace(true)
    }

    /// The bytes the object holds now, for the collector's pacing.
    fn bytes(self) -> usize {
        fn of<T: HeapObject>(object: Gc<T>) -> usize {
            size_of::<GcBox<T>>() + object.extra_bytes()
        }
        match self.object() {
            Object::Number(object) => of(object),
            Object::String(object) => of(object),
            Object::Closure(object) => of(object),
            Object::Upvalue(object) => of(object),
            Object::Class(object) => of(object),
            Object::Instance(object) => of(object),
            Object::BoundMethod(object) => of(object),
            Object::Native(object) => of(object),
        }
    }

    /// Drops the object and frees its box.
    ///
    /// # Safety
    ///
    /// The object must not be used again: nothing reachable may point to it.
    unsafe fn free(self) {
        unsafe fn free_as<T: HeapObject>(ptr: NonNull<Header>) {
            // SAFETY: the kind in the header says the box is a `GcBox<T>`
            // (see `HeapObject`), `Heap::alloc` made it with `Box::new`, and
            // the caller promises it is freed only once.
            drop(unsafe { Box::from_raw(ptr.cast::<GcBox<T>>().as_ptr()) });
        }
        // SAFETY: the object is still allocated (quarantined or not), so its
        // header can be read.
        let kind = unsafe { self.ptr.as_ref() }.kind;
        if kind == Kind::String {
            let string = self.ptr.cast::<GcBox<LoxString>>();
            // SAFETY: as above, and `alloc_string` allocated a string of this
            // length with exactly this layout; a `LoxString` has no destructor.
            unsafe { std::alloc::dealloc(string.as_ptr().cast(), LoxString::layout(string.as_ref().value.len)) };
            return;
        }
        // SAFETY: `free_as` is called with the type whose `KIND` the header
        // holds, on an object the caller will not use again.
        unsafe {
            match kind {
                Kind::Number => free_as::<BoxedNumber>(self.ptr),
                Kind::String => unreachable!("strings are freed above"),
                Kind::Closure => free_as::<Closure>(self.ptr),
                Kind::Upvalue => free_as::<Upvalue>(self.ptr),
                Kind::Class => free_as::<Class>(self.ptr),
                Kind::Instance => free_as::<Instance>(self.ptr),
                Kind::BoundMethod => free_as::<BoundMethod>(self.ptr),
                Kind::Native => free_as::<Native>(self.ptr),
            }
        }
    }
}

/// A collection is due once the heap has grown this much since the last
/// one (and at least this much in a new heap).
const MIN_THRESHOLD: usize = 1 << 20;
/// The next collection is due when the heap has grown to this multiple of
/// what the last one left alive, so collecting costs time in proportion
/// to allocation and memory stays within a constant factor of live data.
const GROWTH_FACTOR: usize = 2;

/// Every object a session allocated, and when to collect next.
pub struct Heap {
    objects: Vec<ObjRef>,
    bytes: usize,
    threshold: usize,
    stress: bool,
    /// A debug build's stressed heap keeps swept objects here, marked freed,
    /// until the heap itself is dropped.
    #[cfg(debug_assertions)]
    quarantine: Vec<ObjRef>,
}

impl Heap {
    /// A new heap; in `stress` mode every allocation is preceded by a
    /// collection.
    pub fn new(stress: bool) -> Heap {
        Heap {
            objects: Vec::new(),
            bytes: 0,
            threshold: MIN_THRESHOLD,
            stress,
            #[cfg(debug_assertions)]
            quarantine: Vec::new(),
        }
    }

    /// Moves `value` into a new object. Never collects: the caller decides
    /// when to (see `Evaluator::alloc`), because only it knows the roots.
    #[inline]
    pub fn alloc<T: HeapObject>(&mut self, value: T) -> Gc<T> {
        // A string's bytes live past its box: only `alloc_string` makes one.
        const { assert!(!matches!(T::KIND, Kind::String)) };
        self.bytes += size_of::<GcBox<T>>() + value.extra_bytes();
        let ptr = NonNull::from(Box::leak(Box::new(GcBox { header: Header::new(T::KIND), value })));
        self.objects.push(ObjRef { ptr: ptr.cast() });
        Gc { ptr }
    }

    /// A new string: the concatenation of `parts`. Never collects (see
    /// [`Heap::alloc`]).
    pub fn alloc_string(&mut self, parts: &[&str]) -> Gc<LoxString> {
        let len = parts.iter().map(|part| part.len()).sum();
        let layout = LoxString::layout(len);
        // SAFETY: the layout has a nonzero size (it holds at least the box).
        let raw = unsafe { std::alloc::alloc(layout) }.cast::<GcBox<LoxString>>();
        let Some(ptr) = NonNull::new(raw) else { std::alloc::handle_alloc_error(layout) };
        // SAFETY: `ptr` is a fresh allocation of `layout`: room for the box,
        // then `len` bytes, which the copies below fill exactly, with the
        // bytes of `str`s, so they are UTF-8.
        unsafe {
            ptr.write(GcBox { header: Header::new(Kind::String), value: LoxString { len } });
            let mut bytes = ptr.as_ptr().cast::<u8>().add(size_of::<GcBox<LoxString>>());
            for part in parts {
                std::ptr::copy_nonoverlapping(part.as_ptr(), bytes, part.len());
                bytes = bytes.add(part.len());
            }
        }
        self.bytes += layout.size();
        self.objects.push(ObjRef { ptr: ptr.cast() });
        Gc { ptr }
    }

    /// Whether the next allocation should collect first.
    #[inline(always)]
    pub fn should_collect(&self) -> bool {
        self.stress || self.bytes > self.threshold
    }

    /// How many objects are allocated now (live or not yet collected).
    #[cfg(test)]
    pub fn object_count(&self) -> usize {
        self.objects.len()
    }

    /// Frees every object that is not marked and clears the marks of the
    /// rest. Call only after marking everything reachable from every root
    /// (`gc.rs`): an unmarked object is taken to be garbage.
    pub fn sweep(&mut self) {
        let mut live_bytes = 0;
        let mut objects = std::mem::take(&mut self.objects);
        objects.retain(|&object| {
            if object.header().marked.replace(false) {
                live_bytes += object.bytes();
                true
            } else {
                self.release(object);
                false
            }
        });
        self.objects = objects;
        self.bytes = live_bytes;
        self.threshold = (live_bytes * GROWTH_FACTOR).max(MIN_THRESHOLD);
    }

    fn release(&mut self, object: ObjRef) {
        #[cfg(debug_assertions)]
        if self.stress {
            object.header().freed.set(true);
            self.quarantine.push(object);
            return;
        }
        // SAFETY: the object was not marked, so nothing reachable from the
        // roots points to it, and the evaluator uses only values reachable
        // from the roots (the rooting rules in `gc.rs`).
        unsafe { object.free() }
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        #[cfg(debug_assertions)]
        self.objects.append(&mut self.quarantine);
        for object in self.objects.drain(..) {
            // SAFETY: the session that owned this heap is gone, and with it
            // every value that could point into it.
            unsafe { object.free() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn boxes_are_aligned_for_three_tag_bits() {
        assert!(std::mem::align_of::<GcBox<BoxedNumber>>() >= 8);
        assert!(std::mem::align_of::<GcBox<Native>>() >= 8);
        let mut heap = Heap::new(false);
        let string = heap.alloc_string(&["x"]);
        assert_eq!(string.erase().address() % 8, 0);
    }

    #[test]
    fn object_sizes() {
        assert_eq!(size_of::<GcBox<BoxedNumber>>(), 16);
        assert_eq!(size_of::<GcBox<Upvalue>>(), 16);
        assert_eq!(size_of::<GcBox<LoxString>>(), 16);
        assert_eq!(size_of::<GcBox<BoundMethod>>(), 24);
        assert_eq!(size_of::<GcBox<Closure>>(), 40);
    }

    #[test]
    fn strings_hold_their_bytes() {
        let mut heap = Heap::new(false);
        let empty = heap.alloc_string(&[]);
        let joined = heap.alloc_string(&["tagged ", "", "wälker"]);
        assert_eq!(empty.as_str(), "");
        assert_eq!(joined.as_str(), "tagged wälker");
        assert_eq!(joined.erase().kind(), Kind::String);
    }

    #[test]
    fn downcasts_check_the_kind() {
        let mut heap = Heap::new(false);
        let cell = heap.alloc(Upvalue::new(Value::TRUE)).erase();
        assert_eq!(cell.kind(), Kind::Upvalue);
        assert!(cell.downcast::<Upvalue>().is_some());
        assert!(cell.downcast::<Closure>().is_none());
    }

    #[test]
    fn sweep_frees_the_unmarked_and_unmarks_the_rest() {
        let mut heap = Heap::new(false);
        let kept = heap.alloc(BoxedNumber(1.5));
        heap.alloc(BoxedNumber(2.5));
        heap.alloc_string(&["garb", "age"]);
        assert!(kept.erase().mark());
        heap.sweep();
        assert_eq!(heap.object_count(), 1);
        assert_eq!(kept.0, 1.5);
        assert!(kept.erase().mark(), "the sweep cleared the mark");
        heap.sweep();
        assert_eq!(heap.object_count(), 1);
    }

    #[test]
    #[cfg(debug_assertions)]
    fn a_stressed_debug_heap_catches_use_after_sweep() {
        let mut heap = Heap::new(true);
        let lost = heap.alloc(BoxedNumber(1.0));
        heap.sweep();
        let touched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lost.0));
        assert!(touched.is_err());
    }
}
