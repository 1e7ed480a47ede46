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
const QNAN: u64 = 0x7ffc_0000_0000_0000;
const OBJECT_TAG: u64 = SIGN_BIT | QNAN;

const TAG_NIL: u64 = 1;
const TAG_FALSE: u64 = 2;
const TAG_TRUE: u64 = 3;
const TAG_ABSENT: u64 = 4;

/// EXPERIMENT: a tagged enum (16 bytes) behind the same API as the NaN box.
#[derive(Clone, Copy)]
#[repr(u8)]
pub enum Value {
    Number(f64),
    Nil,
    False,
    True,
    Absent,
    Object(NonNull<Obj>),
}

impl Value {
    pub const NIL: Value = Value::Nil;
    pub const FALSE: Value = Value::False;
    pub const TRUE: Value = Value::True;
    pub const ABSENT: Value = Value::Absent;

    #[inline(always)]
    pub fn number(n: f64) -> Value {
        Value::Number(n)
    }
    #[inline(always)]
    pub fn is_number(self) -> bool {
        matches!(self, Value::Number(_))
    }
    #[inline(always)]
    pub fn as_number(self) -> f64 {
        match self {
            Value::Number(n) => n,
            _ => 0.0,
        }
    }
    #[inline(always)]
    pub fn bool(b: bool) -> Value {
        if b { Value::True } else { Value::False }
    }
    #[inline(always)]
    pub fn is_nil(self) -> bool {
        matches!(self, Value::Nil)
    }
    #[inline(always)]
    pub fn is_bool(self) -> bool {
        matches!(self, Value::True | Value::False)
    }
    #[inline(always)]
    pub fn is_absent(self) -> bool {
        matches!(self, Value::Absent)
    }
    #[inline(always)]
    pub fn is_falsey(self) -> bool {
        matches!(self, Value::Nil | Value::False)
    }
    #[inline(always)]
    pub fn object(object: NonNull<Obj>) -> Value {
        Value::Object(object)
    }
    #[inline(always)]
    pub fn is_object(self) -> bool {
        matches!(self, Value::Object(_))
    }
    #[inline(always)]
    pub fn as_object(self) -> NonNull<Obj> {
        match self {
            Value::Object(o) => o,
            _ => NonNull::dangling(),
        }
    }
    #[inline(always)]
    pub fn object_kind(self) -> Option<ObjKind> {
        match self {
            // SAFETY: experiment; as in the NaN-boxed version.
            Value::Object(o) => Some(unsafe { o.as_ref() }.kind),
            _ => None,
        }
    }
    #[inline(always)]
    pub fn same_bits(self, other: Value) -> bool {
        self.bits() == other.bits()
    }
    #[inline(always)]
    pub fn lox_equals(self, other: Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a == b,
            _ => self.bits() == other.bits(),
        }
    }
    /// The NaN-boxed encoding, as an identity key.
    pub fn bits(self) -> u64 {
        match self {
            Value::Number(n) => n.to_bits(),
            Value::Nil => QNAN | TAG_NIL,
            Value::False => QNAN | TAG_FALSE,
            Value::True => QNAN | TAG_TRUE,
            Value::Absent => QNAN | TAG_ABSENT,
            Value::Object(o) => OBJECT_TAG | o.as_ptr() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
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
