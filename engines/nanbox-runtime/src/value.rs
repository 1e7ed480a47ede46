//! NaN-boxed values: every Lox value in one `u64`.
//!
//! A number is the IEEE-754 double itself, bit for bit. Every other value
//! hides in the space of quiet NaNs, which arithmetic never produces with
//! these bit patterns (x86-64's only generated NaN is `0xfff8_0000_0000_0000`,
//! whose bit 50 is clear):
//!
//! ```text
//! number   any bits where (bits & QNAN) != QNAN
//! nil      QNAN | 1
//! false    QNAN | 2
//! true     QNAN | 3
//! absent   QNAN | 4       (a global declared by the compiler but not yet defined)
//! object   SIGN | QNAN | pointer (the low 48 bits)
//! ```
//!
//! So arithmetic on two numbers costs one mask-and-compare per operand, as in
//! clox, and a value is copied as a plain integer: no reference counts, no
//! tag byte, no padding.

use crate::object::{Obj, ObjKind};
use std::ptr::NonNull;

const SIGN_BIT: u64 = 0x8000_0000_0000_0000;
/// The bits that make a value not a number when all are set: machine code
/// tests a number as `bits & QNAN != QNAN`, as [`Value::is_number`] does.
pub const QNAN: u64 = 0x7ffc_0000_0000_0000;
/// The bits every object value has set, above its 48-bit pointer.
pub const OBJECT_TAG: u64 = SIGN_BIT | QNAN;

const TAG_NIL: u64 = 1;
const TAG_FALSE: u64 = 2;
const TAG_TRUE: u64 = 3;
const TAG_ABSENT: u64 = 4;

/// One Lox value. Equality of the raw bits ([`Value::same_bits`]) is identity;
/// Lox's `==` is [`Value::lox_equals`].
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Value(u64);

impl Value {
    pub const NIL: Value = Value(QNAN | TAG_NIL);
    pub const FALSE: Value = Value(QNAN | TAG_FALSE);
    pub const TRUE: Value = Value(QNAN | TAG_TRUE);
    /// Marks a global slot whose variable has not been defined yet. It never
    /// reaches the value stack: reading such a global is a runtime error.
    pub const ABSENT: Value = Value(QNAN | TAG_ABSENT);

    #[inline(always)]
    pub fn number(n: f64) -> Value {
        Value(n.to_bits())
    }

    #[inline(always)]
    pub fn is_number(self) -> bool {
        self.0 & QNAN != QNAN
    }

    #[inline(always)]
    pub fn as_number(self) -> f64 {
        f64::from_bits(self.0)
    }

    #[inline(always)]
    pub fn bool(b: bool) -> Value {
        // FALSE and TRUE differ only in the lowest bit.
        Value(Value::FALSE.0 | b as u64)
    }

    #[inline(always)]
    pub fn is_nil(self) -> bool {
        self.0 == Value::NIL.0
    }

    #[inline(always)]
    pub fn is_bool(self) -> bool {
        self.0 | 1 == Value::TRUE.0
    }

    #[inline(always)]
    pub fn is_absent(self) -> bool {
        self.0 == Value::ABSENT.0
    }

    /// Lox truthiness: only `nil` and `false` are false.
    #[inline(always)]
    pub fn is_falsey(self) -> bool {
        self.0 == Value::NIL.0 || self.0 == Value::FALSE.0
    }

    #[inline(always)]
    pub fn object(object: NonNull<Obj>) -> Value {
        let address = object.as_ptr() as u64;
        debug_assert_eq!(address & OBJECT_TAG, 0, "user-space addresses fit in 48 bits");
        Value(OBJECT_TAG | address)
    }

    #[inline(always)]
    pub fn is_object(self) -> bool {
        self.0 & OBJECT_TAG == OBJECT_TAG
    }

    /// The object this value points to. Only meaningful when
    /// [`Value::is_object`] holds.
    #[inline(always)]
    pub fn as_object(self) -> NonNull<Obj> {
        let address = (self.0 & !OBJECT_TAG) as *mut Obj;
        debug_assert!(!address.is_null(), "as_object on a value that is not an object");
        // SAFETY: object values are only made by `Value::object` from a
        // non-null pointer, and callers check `is_object` first; the debug
        // assertion above catches a caller that did not.
        unsafe { NonNull::new_unchecked(address) }
    }

    /// The kind of object this value points to, or `None` for a non-object.
    #[inline(always)]
    pub fn object_kind(self) -> Option<ObjKind> {
        if !self.is_object() {
            return None;
        }
        // SAFETY: every object value on the stack, in a global, a constant or
        // a field points to a live object: the collector frees only objects
        // that no root reaches (gc.rs), and values are only read from roots.
        Some(unsafe { self.as_object().as_ref() }.kind)
    }

    /// Identity: the same bits. Interned strings make this string equality.
    #[inline(always)]
    pub fn same_bits(self, other: Value) -> bool {
        self.0 == other.0
    }

    /// Lox's `==`: numbers as IEEE doubles (so `nan != nan` and `0 == -0`),
    /// everything else by identity, which interning makes content equality
    /// for strings.
    #[inline(always)]
    pub fn lox_equals(self, other: Value) -> bool {
        if self.is_number() && other.is_number() {
            return self.as_number() == other.as_number();
        }
        self.0 == other.0
    }

    /// The raw bits: for keying the compiler's constant deduplication, and
    /// for machine code, which holds values as 64-bit integers.
    #[inline(always)]
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// The value whose bits are `bits`.
    ///
    /// # Safety
    /// `bits` must be the bits of a value (from [`Value::bits`], or copied
    /// by machine code from a stack slot, a constant or a field), so that an
    /// object value still points to a live object.
    #[inline(always)]
    pub unsafe fn from_bits(bits: u64) -> Value {
        Value(bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 8);
    }

    #[test]
    fn numbers_round_trip_and_are_not_objects() {
        for n in [0.0, -0.0, 1.5, f64::INFINITY, f64::NEG_INFINITY, f64::MAX, f64::MIN_POSITIVE] {
            let value = Value::number(n);
            assert!(value.is_number() && !value.is_object() && !value.is_bool() && !value.is_nil());
            assert_eq!(value.as_number().to_bits(), n.to_bits());
        }
        // The NaN the hardware makes for 0/0 is still a number, sign included.
        let zero = std::hint::black_box(0.0_f64);
        let nan = Value::number(zero / zero);
        assert!(nan.is_number() && nan.as_number().is_nan());
        assert!(!nan.lox_equals(nan));
    }

    #[test]
    fn singletons_are_distinct_and_not_numbers() {
        let all = [Value::NIL, Value::FALSE, Value::TRUE, Value::ABSENT];
        for (i, a) in all.iter().enumerate() {
            assert!(!a.is_number() && !a.is_object());
            for (j, b) in all.iter().enumerate() {
                assert_eq!(a.same_bits(*b), i == j);
            }
        }
        assert!(Value::bool(true).same_bits(Value::TRUE) && Value::bool(false).same_bits(Value::FALSE));
        assert!(Value::TRUE.is_bool() && Value::FALSE.is_bool() && !Value::NIL.is_bool());
        assert!(Value::NIL.is_falsey() && Value::FALSE.is_falsey());
        assert!(!Value::TRUE.is_falsey() && !Value::number(0.0).is_falsey());
    }

    #[test]
    fn zero_equals_negative_zero() {
        assert!(Value::number(0.0).lox_equals(Value::number(-0.0)));
    }
}
