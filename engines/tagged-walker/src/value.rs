//! The value: one 64-bit word whose low three bits say what the rest is.
//!
//! `slot-walker`'s value is a 24-byte enum. Here every Lox value is a
//! single `u64`: it fits in one register, copying it is one move, a `Result`
//! carrying it comes back in two registers, and it has no destructor, so
//! the evaluator never touches a reference count.
//!
//! ## The tags
//!
//! Heap objects are allocated with 8-byte alignment, so the low three bits
//! of their addresses are always zero and can carry a tag:
//!
//! | tag   | what the word holds                                             |
//! |-------|-----------------------------------------------------------------|
//! | `000` | a small integer `n`, stored as `n << 11`                         |
//! | `001` | a double stored inline, its exponent bits rotated (see below)   |
//! | `010` | an immediate: `nil`, `false` or `true`                          |
//! | `011` | a pointer to a boxed double (the doubles that do not fit inline) |
//! | `100` | a pointer to a string                                           |
//! | `101` | a pointer to any other object; its header says which kind       |
//! | `110` | a pointer to a captured variable's cell (only in frame slots)   |
//!
//! Small integers get tag `000`, as in V8 and OCaml, because then the
//! tagged words themselves add, subtract and compare correctly: adding
//! `a << 11` and `b << 11` gives `(a + b) << 11`, still tagged `000`, with
//! no unpacking. A pointer pays instead (the tag is subtracted before the
//! load), but that subtraction folds into the load's address offset. Strings
//! and captured-variable cells have their own tags because the evaluator
//! asks "is this a string?" (for `+` and `==`) and "is this slot a cell?"
//! (on every local read) without wanting to load a header; boxed doubles
//! have theirs so that "is this a number?" is a test of the tag alone.
//!
//! ## What numbers cost
//!
//! Lox has one number type, the double, and every engine must print and
//! compare exactly what doubles would. Three encodings share the work:
//!
//! * **Small integers**: an integral double `n` with `-2^52 <= n < 2^52`
//!   is stored as the integer `n << 11`. The shift is 11, not 3, on
//!   purpose: it leaves 53 bits for `n`, so the CPU's signed-overflow flag
//!   on the tagged words is exactly the test "the result is still a small
//!   integer", and every small integer is exactly representable as a
//!   double. A 61-bit integer would be wrong, not just different: in
//!   doubles `2^53 + 1` is `2^53`, and an integer fast path that printed or
//!   compared `2^53 + 1` would disagree with every other engine.
//! * **Inline doubles**: a double whose exponent lies in `[-127, 128]`
//!   (magnitudes from about `5.9e-39` to `6.8e38`: `0.1`, `1/3`, `2.5`,
//!   `1e20`) has its top four exponent bits equal to `0111` or `1000`, so
//!   three of them are implied by the fourth. Rotating the word left by 4
//!   brings those three redundant bits to the bottom, where the tag
//!   replaces them; decoding restores them from the fourth and rotates
//!   back. Nothing is lost, so arithmetic on the decoded double is exact
//!   IEEE arithmetic. (Ruby's "flonums" use the same idea with two bits.)
//! * **Boxed doubles**: the rest (`-0`, NaN, the infinities, the
//!   subnormals and magnitudes beyond the inline range) live on the heap,
//!   one allocation each.
//!
//! Every number has exactly one encoding, chosen by [`Value::inline_number`]
//! (integers first), so two small integers are equal exactly when their
//! words are. `-0` is never a small integer: `0 * -1` and `-(0)` leave the
//! integer fast path and come out as the boxed double `-0`.
//!
//! ## How this differs from NaN boxing
//!
//! `nanbox-vm` makes the opposite choice: every double is stored as itself
//! and everything else hides in the payload bits of the quiet NaNs that
//! arithmetic never produces. Numbers are then free (no tag test before an
//! add, never a box), while pointers must be masked out of 48 bits and
//! every non-number check compares against NaN patterns. Tagged pointers
//! favour objects and integers (tag `000` arithmetic, pointers with three
//! free bits), and pay for doubles: a decode per inline double, an
//! allocation per double outside the inline range.

use crate::heap::{Gc, HeapObject, Kind, LoxString, ObjRef, Object};
use crate::object::{BoxedNumber, Instance, Upvalue};
use frontend::number::write_number;
use std::fmt;

/// A Lox value (or, with the cell tag, a captured variable's cell in a frame
/// slot), as one tagged word.
///
/// A value holding a pointer is only valid while its object is reachable
/// from the collector's roots (see `gc.rs`); `Value` itself is plain data.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Value(u64);

const TAG_MASK: u64 = 0b111;
const INT: u64 = 0b000;
const FLONUM: u64 = 0b001;
const IMMEDIATE: u64 = 0b010;
const BOXED_NUMBER: u64 = 0b011;
const STRING: u64 = 0b100;
const OBJECT: u64 = 0b101;
const CELL: u64 = 0b110;

/// How far a small integer is shifted: 64 - 11 = 53 bits of integer.
const INT_SHIFT: u32 = 11;

/// The smallest and largest small integers.
#[cfg(test)]
const SMALL_INT_MIN: i64 = -(1 << 52);
#[cfg(test)]
const SMALL_INT_MAX: i64 = (1 << 52) - 1;

impl Value {
    pub const NIL: Value = Value(IMMEDIATE);
    pub const FALSE: Value = Value(1 << 3 | IMMEDIATE);
    pub const TRUE: Value = Value(2 << 3 | IMMEDIATE);

    #[inline(always)]
    fn tag(self) -> u64 {
        self.0 & TAG_MASK
    }

    #[inline(always)]
    pub fn bool(b: bool) -> Value {
        if b { Value::TRUE } else { Value::FALSE }
    }

    /// Lox truthiness: `nil` and `false` are false, everything else is true.
    /// The two falsy words differ only in bit 3, so one `or` and one compare
    /// test for both.
    #[inline(always)]
    pub fn is_truthy(self) -> bool {
        self.0 | 1 << 3 != Value::FALSE.0
    }

    // ---- numbers -------------------------------------------------------

    /// The small integer `n`, if it is in the small-integer range.
    #[inline(always)]
    pub fn from_int(n: i64) -> Option<Value> {
        let word = n << INT_SHIFT;
        (word >> INT_SHIFT == n).then_some(Value(word as u64))
    }

    /// The integer, if this is a small integer.
    #[cfg(test)]
    pub fn as_int(self) -> Option<i64> {
        (self.tag() == INT).then_some(self.0 as i64 >> INT_SHIFT)
    }

    /// Both integers, if both values are small integers.
    #[inline(always)]
    pub fn both_ints(a: Value, b: Value) -> Option<(i64, i64)> {
        ((a.0 | b.0) & TAG_MASK == INT).then_some((a.0 as i64 >> INT_SHIFT, b.0 as i64 >> INT_SHIFT))
    }

    /// The number `n` as a word when it has an inline encoding (a small
    /// integer or an inline double); `None` when it must be boxed. The
    /// integer test is inlined everywhere; the rest is one call away.
    #[inline(always)]
    pub fn inline_number(n: f64) -> Option<Value> {
        let int = truncate(n);
        // Comparing bits, not values, keeps -0 (and NaN) out of the integers.
        if (int as f64).to_bits() == n.to_bits()
            && let Some(value) = Value::from_int(int)
        {
            return Some(value);
        }
        Value::inline_double(n)
    }

    /// `n` as an inline double, if its exponent is in the inline range.
    #[inline]
    fn inline_double(n: f64) -> Option<Value> {
        let bits = n.to_bits();
        let top_exponent_bits = (bits >> 59) & 0b1111;
        if top_exponent_bits.wrapping_sub(0b0111) < 2 {
            return Some(Value(bits.rotate_left(4) & !TAG_MASK | FLONUM));
        }
        None
    }

    /// Whether this is a number, in any of its three encodings.
    #[cfg(test)]
    pub fn is_number(self) -> bool {
        matches!(self.tag(), INT | FLONUM | BOXED_NUMBER)
    }

    /// The number, if this is one.
    ///
    /// Tested as a chain of comparisons, not a `match`: a jump table's
    /// indirect jump mispredicts most of the time when integers and inline
    /// doubles alternate, as they do in floating-point loops.
    #[inline]
    pub fn as_number(self) -> Option<f64> {
        let tag = self.tag();
        if tag == FLONUM {
            Some(decode_flonum(self.0))
        } else if tag == INT {
            Some((self.0 as i64 >> INT_SHIFT) as f64)
        } else if tag == BOXED_NUMBER {
            Some(self.boxed_number())
        } else {
            None
        }
    }

    #[inline(never)]
    fn boxed_number(self) -> f64 {
        self.pointer().downcast::<BoxedNumber>().expect("the boxed-number tag marks boxed numbers").0
    }

    /// `self + other` when both are small integers and so is the sum: the
    /// tagged words are added as they are, and the overflow flag is the
    /// range check. `None` means "take the general path".
    #[inline(always)]
    pub fn add_ints(self, other: Value) -> Option<Value> {
        if (self.0 | other.0) & TAG_MASK != INT {
            return None;
        }
        (self.0 as i64).checked_add(other.0 as i64).map(|sum| Value(sum as u64))
    }

    /// `self - other` on small integers, as [`Value::add_ints`]. An exact
    /// zero difference is `+0` in IEEE arithmetic too.
    #[inline(always)]
    pub fn sub_ints(self, other: Value) -> Option<Value> {
        if (self.0 | other.0) & TAG_MASK != INT {
            return None;
        }
        (self.0 as i64).checked_sub(other.0 as i64).map(|difference| Value(difference as u64))
    }

    /// `self * other` on small integers: one operand is unshifted, so the
    /// product comes out shifted once. A zero product of operands of
    /// opposite signs is `-0` in IEEE arithmetic, which is not a small
    /// integer, so that case takes the general path too.
    #[inline(always)]
    pub fn mul_ints(self, other: Value) -> Option<Value> {
        if (self.0 | other.0) & TAG_MASK != INT {
            return None;
        }
        let product = (self.0 as i64 >> INT_SHIFT).checked_mul(other.0 as i64)?;
        if product == 0 && ((self.0 ^ other.0) as i64) < 0 {
            return None;
        }
        Some(Value(product as u64))
    }

    /// `-self` on a small integer; zero (whose negation is `-0`) and the
    /// most negative small integer take the general path.
    #[inline(always)]
    pub fn negate_int(self) -> Option<Value> {
        if self.tag() != INT || self.0 == 0 {
            return None;
        }
        (self.0 as i64).checked_neg().map(|negated| Value(negated as u64))
    }

    // ---- objects -------------------------------------------------------

    /// The value of a heap object. Cells get the cell tag: they are frame
    /// slots' business, never Lox values.
    #[inline(always)]
    pub fn object<T: HeapObject>(object: Gc<T>) -> Value {
        let tag = match T::KIND {
            Kind::Number => BOXED_NUMBER,
            Kind::String => STRING,
            Kind::Upvalue => CELL,
            _ => OBJECT,
        };
        Value(object.erase().address() as u64 | tag)
    }

    /// The object this word points to. Only called on pointer tags.
    #[inline(always)]
    fn pointer(self) -> ObjRef {
        debug_assert!(self.tag() >= BOXED_NUMBER);
        // SAFETY: a word with a pointer tag was made by `Value::object` from
        // a `Gc` (the tag bits were zero in the aligned address), and the
        // collector keeps every object that a live value points to (the
        // rooting rules in `gc.rs`, which the evaluator follows).
        unsafe { ObjRef::from_address((self.0 & !TAG_MASK) as usize) }
    }

    /// The object, if this is any heap object (a cell included).
    #[inline]
    pub fn as_object(self) -> Option<ObjRef> {
        (self.tag() >= BOXED_NUMBER).then(|| self.pointer())
    }

    #[inline]
    pub fn as_string(self) -> Option<Gc<LoxString>> {
        (self.tag() == STRING).then(|| self.pointer().downcast().expect("the string tag marks strings"))
    }

    #[inline]
    pub fn as_cell(self) -> Option<Gc<Upvalue>> {
        (self.tag() == CELL).then(|| self.pointer().downcast().expect("the cell tag marks cells"))
    }

    /// The object of the general tag, when it has kind `T`.
    #[inline]
    pub fn as_kind<T: HeapObject>(self) -> Option<Gc<T>> {
        if self.tag() == OBJECT { self.pointer().downcast() } else { None }
    }

    #[inline]
    pub fn as_instance(self) -> Option<Gc<Instance>> {
        self.as_kind()
    }

    // ---- meaning -------------------------------------------------------

    /// Lox equality: no coercion, numbers as IEEE doubles, strings by
    /// content, every other object by identity. Two small integers are
    /// compared here, the rest one call away.
    #[inline(always)]
    pub fn equals(self, other: Value) -> bool {
        if (self.0 | other.0) & TAG_MASK == INT {
            return self.0 == other.0;
        }
        self.equals_otherwise(other)
    }

    #[inline(never)]
    fn equals_otherwise(self, other: Value) -> bool {
        if let (Some(a), Some(b)) = (self.as_number(), other.as_number()) {
            // Numbers compare as doubles: -0 equals 0, NaN equals nothing.
            return a == b;
        }
        if self.0 == other.0 {
            return true;
        }
        match (self.as_string(), other.as_string()) {
            (Some(a), Some(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
    }
}

/// `n` truncated to an integer, whatever that gives when `n` is not in the
/// `i64` range or is NaN: the caller converts back and compares, so any
/// answer that is not `n` itself will do. On x86-64 that is one
/// `cvttsd2si` (which answers `i64::MIN` out of range); Rust's `as` would
/// add a saturation that costs six more instructions per number literal.
#[inline(always)]
fn truncate(n: f64) -> i64 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_cvttsd_si64, _mm_set_sd};
        // SAFETY: these intrinsics need SSE2, which every x86-64 processor
        // has (it is part of the architecture's baseline).
        unsafe { _mm_cvttsd_si64(_mm_set_sd(n)) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        n as i64
    }
}

#[inline(always)]
fn decode_flonum(word: u64) -> f64 {
    // After the rotation the fourth exponent bit sits in bit 63; the three
    // bits the tag replaced were `011` when it is 1 and `100` when it is 0.
    let implied = 0b100 - (word >> 63);
    f64::from_bits((word & !TAG_MASK | implied).rotate_right(4))
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.as_number() {
            let mut text = String::new();
            write_number(&mut text, n);
            return f.write_str(&text);
        }
        match self.0 {
            word if word == Value::NIL.0 => return f.write_str("nil"),
            word if word == Value::TRUE.0 => return f.write_str("true"),
            word if word == Value::FALSE.0 => return f.write_str("false"),
            _ => {}
        }
        match self.pointer().object() {
            Object::String(string) => f.write_str(string.as_str()),
            Object::Closure(closure) => write!(f, "<fn {}>", closure.function.name),
            Object::Native(_) => f.write_str("<native fn>"),
            Object::Class(class) => f.write_str(&class.name),
            Object::Instance(instance) => write!(f, "{} instance", instance.class.name),
            Object::BoundMethod(bound) => write!(f, "<fn {}>", bound.method.function.name),
            Object::Number(_) | Object::Upvalue(_) => unreachable!("numbers print above; cells are not values"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::Heap;

    #[test]
    fn a_value_is_one_word() {
        assert_eq!(std::mem::size_of::<Value>(), 8);
        assert_eq!(std::mem::size_of::<Result<Value, Box<()>>>(), 16);
    }

    #[test]
    fn immediates_and_truthiness() {
        assert!(!Value::NIL.is_truthy());
        assert!(!Value::FALSE.is_truthy());
        assert!(Value::TRUE.is_truthy());
        assert!(Value::from_int(0).unwrap().is_truthy());
        assert_eq!(Value::bool(true).to_string(), "true");
        assert_eq!(Value::NIL.to_string(), "nil");
    }

    /// Every double comes back bit for bit, whatever its encoding.
    #[test]
    fn numbers_round_trip() {
        let mut heap = Heap::new(false);
        let samples = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.1 + 0.2,
            1.0 / 3.0,
            2.5,
            -7.0 / 2.0,
            1e20,
            1e-20,
            1e300,
            1e-300,
            4.94e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            SMALL_INT_MAX as f64,
            SMALL_INT_MIN as f64,
            SMALL_INT_MAX as f64 + 1.0,
            SMALL_INT_MIN as f64 - 1.0,
            9007199254740992.0,
            i64::MIN as f64,
            -(i64::MIN as f64),
            2f64.powi(128),
            2f64.powi(129),
            2f64.powi(-127),
            2f64.powi(-128),
        ];
        for n in samples {
            let value = Value::inline_number(n).unwrap_or_else(|| Value::object(heap.alloc(BoxedNumber(n))));
            assert!(value.is_number());
            assert_eq!(value.as_number().unwrap().to_bits(), n.to_bits(), "{n:e}");
        }
    }

    #[test]
    fn which_numbers_are_inline() {
        let tag = |n: f64| Value::inline_number(n).map(Value::tag);
        assert_eq!(tag(42.0), Some(INT));
        assert_eq!(tag(-3.0), Some(INT));
        assert_eq!(tag(SMALL_INT_MAX as f64), Some(INT));
        assert_eq!(tag(SMALL_INT_MIN as f64), Some(INT));
        assert_eq!(tag(SMALL_INT_MAX as f64 + 1.0), Some(FLONUM));
        assert_eq!(tag(0.5), Some(FLONUM));
        assert_eq!(tag(1e38), Some(FLONUM));
        assert_eq!(tag(2f64.powi(-127)), Some(FLONUM));
        assert_eq!(tag(2f64.powi(129) * 0.999), Some(FLONUM));
        assert_eq!(tag(2f64.powi(129)), None);
        assert_eq!(tag(2f64.powi(-128)), None);
        assert_eq!(tag(i64::MIN as f64), Some(FLONUM));
        assert_eq!(tag(-0.0), None);
        assert_eq!(tag(f64::NAN), None);
        assert_eq!(tag(f64::INFINITY), None);
    }

    #[test]
    fn integer_fast_paths_agree_with_doubles_or_decline() {
        let int = |n: i64| Value::from_int(n).unwrap();
        assert_eq!(int(2).add_ints(int(3)).unwrap().as_int(), Some(5));
        assert_eq!(int(-2).sub_ints(int(3)).unwrap().as_int(), Some(-5));
        assert_eq!(int(-4).mul_ints(int(6)).unwrap().as_int(), Some(-24));
        assert_eq!(int(7).negate_int().unwrap().as_int(), Some(-7));
        // Leaving the range declines: the double path rounds as IEEE does.
        assert!(int(SMALL_INT_MAX).add_ints(int(1)).is_none());
        assert!(int(SMALL_INT_MIN).sub_ints(int(1)).is_none());
        assert!(int(1 << 26).mul_ints(int(1 << 26)).is_none());
        assert!(int(SMALL_INT_MIN).negate_int().is_none());
        // Results that are -0 decline: 0 * -1 and -(0).
        assert!(int(0).mul_ints(int(-1)).is_none());
        assert!(int(-5).mul_ints(int(0)).is_none());
        assert_eq!(int(0).mul_ints(int(5)).unwrap().as_int(), Some(0));
        assert!(int(0).negate_int().is_none());
        assert!(Value::from_int(SMALL_INT_MAX + 1).is_none());
    }

    /// On many pseudo-random small integers of every magnitude, each fast
    /// path either declines or gives exactly the word that the double
    /// arithmetic's result encodes to.
    #[test]
    fn integer_fast_paths_match_double_arithmetic() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let magnitude = state % 54;
            let n = state as i64 >> (63 - magnitude);
            n.clamp(SMALL_INT_MIN, SMALL_INT_MAX)
        };
        type Case = (fn(Value, Value) -> Option<Value>, fn(f64, f64) -> f64);
        let cases: [Case; 3] =
            [(Value::add_ints, |a, b| a + b), (Value::sub_ints, |a, b| a - b), (Value::mul_ints, |a, b| a * b)];
        let mut taken = 0;
        for _ in 0..200_000 {
            let (a, b) = (next(), next());
            for (fast, slow) in cases {
                let expected = slow(a as f64, b as f64);
                if let Some(result) = fast(Value::from_int(a).unwrap(), Value::from_int(b).unwrap()) {
                    taken += 1;
                    assert_eq!(result.0, Value::inline_number(expected).unwrap().0, "{a} and {b}");
                    assert_eq!(result.as_number().unwrap().to_bits(), expected.to_bits());
                }
            }
        }
        assert!(taken > 300_000, "the fast paths were taken only {taken} times");
    }

    #[test]
    fn equality() {
        let mut heap = Heap::new(false);
        let int = |n: i64| Value::from_int(n).unwrap();
        let boxed = |heap: &mut Heap, n: f64| Value::object(heap.alloc(BoxedNumber(n)));
        assert!(int(3).equals(int(3)));
        assert!(!int(3).equals(int(4)));
        let negative_zero = boxed(&mut heap, -0.0);
        assert!(negative_zero.equals(int(0)));
        let nan = boxed(&mut heap, f64::NAN);
        assert!(!nan.equals(nan), "the same NaN object is still not equal to itself");
        assert!(!Value::NIL.equals(Value::FALSE));
        assert!(!int(1).equals(Value::TRUE));
        let a = Value::object(heap.alloc_string(&["ab"]));
        let b = Value::object(heap.alloc_string(&["a", "b"]));
        assert!(a.equals(b));
        assert!(!a.equals(int(1)));
    }

    #[test]
    fn printing() {
        let mut heap = Heap::new(false);
        let print = |value: Value| value.to_string();
        assert_eq!(print(Value::from_int(-12).unwrap()), "-12");
        assert_eq!(print(Value::inline_number(0.1 + 0.2).unwrap()), "0.3");
        assert_eq!(print(Value::object(heap.alloc(BoxedNumber(-0.0)))), "-0");
        assert_eq!(print(Value::object(heap.alloc_string(&["hi"]))), "hi");
    }
}
