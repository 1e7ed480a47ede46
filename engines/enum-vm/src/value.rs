//! Values: what the stack, the globals, the constants and the fields hold.
//!
//! A value is a plain Rust enum, and a heap object is reached through an
//! [`ObjRef`], a 32-bit index into the [`Heap`](crate::heap::Heap)'s arena
//! rather than a pointer. That keeps the engine in safe Rust: a stale handle
//! can only name the wrong object (the collector's job is to make sure none
//! survives), never freed memory. A value is 16 bytes: an 8-byte tag (the
//! `f64` payload forces its alignment) and 8 bytes of payload. `nanbox-vm`
//! squeezes the same four cases into 8 bytes.

/// A handle to a heap object: its index in the heap's arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjRef(u32);

impl ObjRef {
    pub fn new(index: usize) -> ObjRef {
        ObjRef(u32::try_from(index).expect("fewer than 2^32 live objects"))
    }

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A Lox value.
///
/// The derived equality is exactly Lox's `==`: values of different kinds
/// differ, numbers compare as IEEE doubles (so `nan != nan`), and objects
/// compare by identity, which for strings is equality of content because
/// every string is interned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Nil,
    Bool(bool),
    Number(f64),
    Obj(ObjRef),
}

impl Value {
    /// Lox truthiness: `nil` and `false` are false, everything else is true.
    #[inline]
    pub fn is_falsey(self) -> bool {
        matches!(self, Value::Nil | Value::Bool(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert_eq!(std::mem::size_of::<Option<Value>>(), 16);
        assert_eq!(std::mem::size_of::<ObjRef>(), 4);
    }

    #[test]
    fn equality_is_lox_equality() {
        assert_eq!(Value::Nil, Value::Nil);
        assert_ne!(Value::Nil, Value::Bool(false));
        assert_ne!(Value::Number(f64::NAN), Value::Number(f64::NAN));
        assert_eq!(Value::Number(0.0), Value::Number(-0.0));
        assert_eq!(Value::Obj(ObjRef::new(3)), Value::Obj(ObjRef::new(3)));
        assert_ne!(Value::Obj(ObjRef::new(3)), Value::Obj(ObjRef::new(4)));
    }

    #[test]
    fn only_nil_and_false_are_falsey() {
        assert!(Value::Nil.is_falsey());
        assert!(Value::Bool(false).is_falsey());
        assert!(!Value::Bool(true).is_falsey());
        assert!(!Value::Number(0.0).is_falsey());
    }
}
