//! One function's bytecode to Cranelift IR, one instruction at a time.
//!
//! Each instruction becomes a few IR instructions in place of its arm of
//! nanbox-vm's dispatch loop; there is no loop and no decoding left, and
//! jumps become branches between blocks. The operand stack becomes
//! Cranelift variables, one per stack position (decode.rs knows the height
//! before every instruction), which Cranelift keeps in registers. Memory
//! stays the truth wherever something else may look:
//! * before a call into Rust or into another function, every live position
//!   whose value is not already in its slot is stored there, and `sp` is
//!   saved ([`Translator::spill`]), so the collector marks what nanbox-vm's
//!   would and a callee finds its arguments;
//! * before anything that may fail, the frame's `ip` is saved, so the
//!   trace has the line nanbox-vm's would;
//! * a slot a closure captures lives only in memory, where its open
//!   upvalue reads and writes it.
//!
//! Numbers are tested by their tag inline and computed in float registers;
//! anything else goes to a helper (helpers.rs).

use crate::decode::{self, Code, Instruction};
use crate::helpers::{self, Helper, Message};
use crate::layout::{
    CLOSURE_FUNCTION, FRAME, FRAME_CLOSURE, FRAME_IP, FRAME_SLOTS, FUNCTION_MACHINE_CODE, OBJ_KIND, VALUE,
    VM_FRAME_COUNT, VM_FRAMES, VM_GLOBAL_SLOTS, VM_OPEN_UPVALUES, VM_SP, VM_STACK_END,
};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::{F64, I8, I64};
use cranelift_codegen::ir::{AbiParam, Block, BlockArg, InstBuilder, MemFlagsData, SigRef, Signature, Value as Ir};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, Variable};
use frontend::messages::MAX_FRAMES;
use nanbox_runtime::object::{Gc, ObjFunction, ObjKind};
use nanbox_runtime::op::Op;
use nanbox_runtime::value::{OBJECT_TAG, QNAN, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The signature of every compiled function ([`crate::vm::Entry`]).
pub fn entry_signature(call_conv: CallConv) -> Signature {
    let mut signature = Signature::new(call_conv);
    signature.params.extend([AbiParam::new(I64); 4]);
    signature.returns.push(AbiParam::new(I64));
    signature
}

const NIL: i64 = Value::NIL.bits() as i64;
const FALSE: i64 = Value::FALSE.bits() as i64;
const ABSENT: i64 = Value::ABSENT.bits() as i64;

/// Translates `function`'s chunk into the function `builder` builds.
pub fn translate(builder: &mut FunctionBuilder<'_>, function: Gc<ObjFunction>, call_conv: CallConv) {
    let code = Code::of(function);
    let positions = code.captured.len();
    let entry = builder.create_block();
    builder.append_block_params_for_function_params(entry);
    builder.switch_to_block(entry);
    let params = builder.block_params(entry).to_vec();
    let variables = (0..positions).map(|_| builder.declare_var(I64)).collect();
    let unwind = builder.create_block();
    builder.set_cold_block(unwind);
    let blocks = code.targets.iter().map(|&offset| (offset, builder.create_block())).collect();
    let mut translator = Translator {
        b: builder,
        function,
        vm: params[0],
        closure: params[1],
        slots: params[2],
        frame: params[0],
        frame_index: params[0],
        variables,
        synced: vec![false; positions],
        height: 0,
        blocks,
        unwind,
        signatures: BTreeMap::new(),
        call_conv,
        errors: BTreeMap::new(),
        exits: Vec::new(),
        incoming: BTreeMap::new(),
    };
    translator.prologue(params[3], &code);
    translator.body(&code);
    translator.fill_error_blocks();
    translator.b.switch_to_block(unwind);
    let absent = translator.b.ins().iconst(I64, ABSENT);
    translator.b.ins().return_(&[absent]);
    translator.b.seal_all_blocks();
}

struct Translator<'a, 'f> {
    b: &'a mut FunctionBuilder<'f>,
    function: Gc<ObjFunction>,
    /// The entry's parameters: the state, the running closure, slot 0.
    vm: Ir,
    closure: Ir,
    slots: Ir,
    /// The frame the prologue pushed, and its index (the frame count
    /// before it was pushed, which returning restores).
    frame: Ir,
    frame_index: Ir,
    /// One variable per stack position.
    variables: Vec<Variable>,
    /// Whether a position's slot in memory holds its current value (so a
    /// spill need not store it), on the path being translated.
    synced: Vec<bool>,
    /// The stack height before the instruction being translated.
    height: usize,
    /// The block each jump target starts.
    blocks: BTreeMap<usize, Block>,
    /// Returns ABSENT: where every failure goes, after its helper recorded
    /// the error.
    unwind: Block,
    signatures: BTreeMap<(usize, bool), SigRef>,
    call_conv: CallConv,
    /// One cold block per kind of error the function can raise, taking the
    /// `ip` to save (and an operand) as parameters, so that each check is
    /// one branch and adds no block of its own.
    errors: BTreeMap<ErrorKind, Block>,
    /// The cold block of each failing check, filled at the end.
    exits: Vec<Exit>,
    /// For each forward jump target not reached yet: which positions are
    /// in memory on every jump into it so far.
    incoming: BTreeMap<usize, Vec<bool>>,
}

/// Keeps in `synced` only what is in memory in `other` too.
fn intersect(synced: &mut [bool], other: &[bool]) {
    for (synced, other) in synced.iter_mut().zip(other) {
        *synced &= *other;
    }
}

/// A failing check's own block: it saves the `ip` of the instruction at
/// `offset` and goes to the `shared` block, passing `operand` if any.
struct Exit {
    block: Block,
    offset: usize,
    shared: Block,
    operand: Option<i64>,
}

/// What a shared error block raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ErrorKind {
    Message(Message),
    /// An undefined global slot, given as the block's second parameter.
    UndefinedSlot,
}

/// Loads and stores of the state, frames, stack and objects: aligned, and
/// never trapping (every address is valid, by the invariants of vm.rs).
fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

impl Translator<'_, '_> {
    /// Checks the argument count and the room for a frame, as nanbox-vm's
    /// call does, then pushes the frame and loads the parameters.
    fn prologue(&mut self, argc: Ir, code: &Code) {
        let function = self.function;
        let arity = function.arity as i64;
        let wrong = self.b.ins().icmp_imm_s(IntCC::NotEqual, argc, arity);
        let arity_error = self.cold_block();
        let checked = self.b.create_block();
        self.b.ins().brif(wrong, arity_error, &[], checked, &[]);
        self.b.switch_to_block(arity_error);
        let expected = self.b.ins().iconst(I64, arity);
        self.call(helpers::WRONG_ARITY, &[self.vm, expected, argc]);
        self.b.ins().jump(self.unwind, &[]);

        self.b.switch_to_block(checked);
        let overflow_error = self.cold_block();
        let count = self.b.ins().load(I64, flags(), self.vm, VM_FRAME_COUNT);
        let frames_full = self.b.ins().icmp_imm_s(IntCC::Equal, count, MAX_FRAMES as i64);
        let frame_room = self.b.create_block();
        self.b.ins().brif(frames_full, overflow_error, &[], frame_room, &[]);
        self.b.switch_to_block(frame_room);
        let end = self.b.ins().load(I64, flags(), self.vm, VM_STACK_END);
        let needed = self.b.ins().iadd_imm_s(self.slots, function.max_stack as i64 * VALUE);
        let stack_full = self.b.ins().icmp(IntCC::UnsignedGreaterThan, needed, end);
        let room = self.b.create_block();
        self.b.ins().brif(stack_full, overflow_error, &[], room, &[]);
        self.b.switch_to_block(overflow_error);
        self.throw(Message::StackOverflow);

        self.b.switch_to_block(room);
        let frames = self.b.ins().load(I64, flags(), self.vm, VM_FRAMES);
        let offset = self.b.ins().imul_imm_s(count, FRAME);
        self.frame = self.b.ins().iadd(frames, offset);
        self.frame_index = count;
        self.b.ins().store(flags(), self.closure, self.frame, FRAME_CLOSURE);
        self.b.ins().store(flags(), self.slots, self.frame, FRAME_SLOTS);
        let pushed = self.b.ins().iadd_imm_s(count, 1);
        self.b.ins().store(flags(), pushed, self.vm, VM_FRAME_COUNT);
        #[cfg(feature = "work-count")]
        {
            let marker = self.b.ins().iconst(I64, i64::from(function.marker));
            self.call(helpers::MARK_FRAME, &[count, marker]);
        }
        let zero = self.b.ins().iconst(I64, 0);
        for position in 0..self.variables.len() {
            let value = if position <= function.arity && code.read[position] && !code.captured[position] {
                self.b.ins().load(I64, flags(), self.slots, position as i32 * VALUE as i32)
            } else {
                zero
            };
            self.b.def_var(self.variables[position], value);
        }
    }

    fn body(&mut self, code: &Code) {
        let always: Vec<bool> = (0..self.synced.len()).map(|p| code.unassigned[p] || code.captured[p]).collect();
        self.synced.clone_from(&always);
        // A loop's head is reached from code not translated yet: it starts
        // from what is always in memory. Any other jump target starts from
        // what is in memory on every path into it (see `jump_to`).
        let loop_heads: BTreeSet<usize> = code
            .instructions
            .iter()
            .filter(|(ins, _)| decode::is_jump(ins.op) && ins.a <= ins.offset)
            .map(|(ins, _)| ins.a)
            .collect();
        let mut terminated = false;
        for &(instruction, height) in &code.instructions {
            if let Some(&block) = self.blocks.get(&instruction.offset) {
                let mut synced = if loop_heads.contains(&instruction.offset) {
                    always.clone()
                } else {
                    self.incoming.remove(&instruction.offset).expect("a forward jump reaches it")
                };
                if !terminated {
                    self.b.ins().jump(block, &[]);
                    intersect(&mut synced, &self.synced);
                }
                self.b.switch_to_block(block);
                self.synced = synced;
                terminated = false;
            }
            assert!(!terminated, "decode.rs leaves out code no jump reaches");
            self.height = height;
            terminated = self.instruction(instruction, code);
        }
    }

    /// Notes a jump from `instruction` to its target: the target starts
    /// with what is in memory on every path into it.
    fn jump_to(&mut self, instruction: &Instruction) -> Block {
        if instruction.a > instruction.offset {
            match self.incoming.get_mut(&instruction.a) {
                Some(synced) => intersect(synced, &self.synced),
                None => _ = self.incoming.insert(instruction.a, self.synced.clone()),
            }
        }
        self.blocks[&instruction.a]
    }

    // ----- The operand stack ------------------------------------------------------

    /// The value `distance` below the top.
    fn peek(&mut self, distance: usize, code: &Code) -> Ir {
        self.read(self.height - 1 - distance, code)
    }

    fn read(&mut self, position: usize, code: &Code) -> Ir {
        if code.captured[position] {
            self.b.ins().load(I64, flags(), self.slots, position as i32 * VALUE as i32)
        } else {
            self.b.use_var(self.variables[position])
        }
    }

    fn write(&mut self, position: usize, value: Ir, code: &Code) {
        if code.captured[position] {
            self.b.ins().store(flags(), value, self.slots, position as i32 * VALUE as i32);
        } else {
            self.b.def_var(self.variables[position], value);
            self.synced[position] = false;
        }
    }

    /// Pushes on the stack as it is before the instruction.
    fn push(&mut self, value: Ir, code: &Code) {
        self.write(self.height, value, code);
    }

    /// Stores every live position not already in memory, and saves `sp`
    /// as `height` positions. On a path that rejoins the main one, `record`
    /// is false: the main path has not stored them.
    fn spill(&mut self, height: usize, record: bool) {
        self.store_live(height, record);
        self.save_sp(height);
    }

    /// The stores of [`Translator::spill`], without saving `sp`: enough for
    /// a call of compiled code, whose frame starts above these positions and
    /// which saves `sp` itself before anything can collect.
    fn store_live(&mut self, height: usize, record: bool) {
        for position in 0..height {
            if !self.synced[position] {
                let value = self.b.use_var(self.variables[position]);
                self.b.ins().store(flags(), value, self.slots, position as i32 * VALUE as i32);
                if record {
                    self.synced[position] = true;
                }
            }
        }
    }

    fn save_sp(&mut self, height: usize) {
        let sp = self.b.ins().iadd_imm_s(self.slots, height as i64 * VALUE);
        self.b.ins().store(flags(), sp, self.vm, VM_SP);
    }

    /// Saves the frame's `ip` as just past the start of `instruction`, so
    /// a trace reads its line.
    fn save_ip(&mut self, instruction: &Instruction) {
        let ip = self.function.chunk.code.as_ptr() as i64 + instruction.offset as i64 + 1;
        let ip = self.b.ins().iconst(I64, ip);
        self.b.ins().store(flags(), ip, self.frame, FRAME_IP);
    }

    /// The address of stack position `position`.
    fn slot_address(&mut self, position: usize) -> Ir {
        self.b.ins().iadd_imm_s(self.slots, position as i64 * VALUE)
    }

    // ----- Calls into Rust ----------------------------------------------------------

    fn signature(&mut self, params: usize, returns: bool) -> SigRef {
        if let Some(&signature) = self.signatures.get(&(params, returns)) {
            return signature;
        }
        let mut signature = Signature::new(self.call_conv);
        signature.params.extend(std::iter::repeat_n(AbiParam::new(I64), params));
        if returns {
            signature.returns.push(AbiParam::new(I64));
        }
        let signature = self.b.import_signature(signature);
        self.signatures.insert((params, returns), signature);
        signature
    }

    fn call(&mut self, helper: Helper, args: &[Ir]) -> Option<Ir> {
        debug_assert_eq!(args.len(), helper.params, "{}", helper.name);
        let signature = self.signature(helper.params, helper.returns);
        let address = self.b.ins().iconst(I64, helper.address as i64);
        let call = self.b.ins().call_indirect(signature, address, args);
        self.b.inst_results(call).first().copied()
    }

    /// Calls a helper that returns a value or ABSENT, and unwinds on ABSENT.
    fn call_checked(&mut self, helper: Helper, args: &[Ir]) -> Ir {
        let result = self.call(helper, args).expect("a checked helper returns a value");
        self.unwind_if_absent(result);
        result
    }

    fn unwind_if_absent(&mut self, result: Ir) {
        let failed = self.b.ins().icmp_imm_s(IntCC::Equal, result, ABSENT);
        let next = self.b.create_block();
        self.b.ins().brif(failed, self.unwind, &[], next, &[]);
        self.b.switch_to_block(next);
    }

    /// Raises one of the fixed messages (the frame's `ip` saved by the caller).
    fn throw(&mut self, message: Message) {
        let message = self.b.ins().iconst(I64, message as i64);
        self.call(helpers::THROW, &[self.vm, message]);
        self.b.ins().jump(self.unwind, &[]);
    }

    fn cold_block(&mut self) -> Block {
        let block = self.b.create_block();
        self.b.set_cold_block(block);
        block
    }

    /// Goes on when `ok`, and raises `message` at `instruction` otherwise.
    fn check_or_throw(&mut self, ok: Ir, message: Message, instruction: &Instruction) {
        let error = self.error_exit(ErrorKind::Message(message), instruction, None);
        let next = self.b.create_block();
        self.b.ins().brif(ok, next, &[], error, &[]);
        self.b.switch_to_block(next);
    }

    /// A cold block for one failing check at `instruction`: it saves the
    /// `ip` and goes to the shared block raising `kind`. The check's branch
    /// then passes no arguments, so the hot path computes none.
    fn error_exit(&mut self, kind: ErrorKind, instruction: &Instruction, operand: Option<i64>) -> Block {
        let shared = match self.errors.get(&kind) {
            Some(&block) => block,
            None => {
                let block = self.cold_block();
                if kind == ErrorKind::UndefinedSlot {
                    self.b.append_block_param(block, I64);
                }
                self.errors.insert(kind, block);
                block
            }
        };
        let exit = self.cold_block();
        self.exits.push(Exit { block: exit, offset: instruction.offset, shared, operand });
        exit
    }

    /// Fills the per-check exits (save the `ip`, go to the shared block),
    /// then the shared error blocks (raise, unwind).
    fn fill_error_blocks(&mut self) {
        for exit in std::mem::take(&mut self.exits) {
            self.b.switch_to_block(exit.block);
            let ip = self.function.chunk.code.as_ptr() as i64 + exit.offset as i64 + 1;
            let ip = self.b.ins().iconst(I64, ip);
            self.b.ins().store(flags(), ip, self.frame, FRAME_IP);
            let args: Vec<BlockArg> =
                exit.operand.map(|operand| BlockArg::Value(self.b.ins().iconst(I64, operand))).into_iter().collect();
            self.b.ins().jump(exit.shared, &args);
        }
        for (kind, block) in std::mem::take(&mut self.errors) {
            self.b.switch_to_block(block);
            let params = self.b.block_params(block).to_vec();
            match kind {
                ErrorKind::Message(message) => self.throw(message),
                ErrorKind::UndefinedSlot => {
                    self.call(helpers::UNDEFINED_SLOT, &[self.vm, params[0]]);
                    self.b.ins().jump(self.unwind, &[]);
                }
            }
        }
    }

    // ----- Values -------------------------------------------------------------------

    fn is_number(&mut self, value: Ir) -> Ir {
        let tag = self.b.ins().band_imm_s(value, QNAN as i64);
        self.b.ins().icmp_imm_s(IntCC::NotEqual, tag, QNAN as i64)
    }

    fn both_numbers(&mut self, a: Ir, b: Ir) -> Ir {
        let a = self.is_number(a);
        let b = self.is_number(b);
        self.b.ins().band(a, b)
    }

    fn float(&mut self, value: Ir) -> Ir {
        self.b.ins().bitcast(F64, MemFlagsData::new(), value)
    }

    fn boxed(&mut self, number: Ir) -> Ir {
        self.b.ins().bitcast(I64, MemFlagsData::new(), number)
    }

    /// A Lox boolean from a condition.
    fn boolean(&mut self, condition: Ir) -> Ir {
        let bit = self.b.ins().uextend(I64, condition);
        self.b.ins().bor_imm_s(bit, FALSE)
    }

    fn is_falsey(&mut self, value: Ir) -> Ir {
        let nil = self.b.ins().icmp_imm_s(IntCC::Equal, value, NIL);
        let false_ = self.b.ins().icmp_imm_s(IntCC::Equal, value, FALSE);
        self.b.ins().bor(nil, false_)
    }

    /// Lox's `==`: numbers as doubles, everything else by identity.
    fn lox_equals(&mut self, a: Ir, b: Ir) -> Ir {
        let numbers = self.both_numbers(a, b);
        let (x, y) = (self.float(a), self.float(b));
        let equal_numbers = self.b.ins().fcmp(FloatCC::Equal, x, y);
        let same_bits = self.b.ins().icmp(IntCC::Equal, a, b);
        self.b.ins().select(numbers, equal_numbers, same_bits)
    }

    /// The top two values as numbers, raising "Operands must be numbers."
    /// at `instruction` if they are not.
    fn number_operands(&mut self, instruction: &Instruction, code: &Code) -> (Ir, Ir) {
        let (a, b) = (self.peek(1, code), self.peek(0, code));
        let error = self.error_exit(ErrorKind::Message(Message::OperandsNumbers), instruction, None);
        self.unless_number(a, error);
        self.unless_number(b, error);
        (self.float(a), self.float(b))
    }

    /// Goes to `otherwise` unless `value` is a number: one test and one
    /// branch per operand, cheaper than combining the two tests.
    fn unless_number(&mut self, value: Ir, otherwise: Block) {
        let number = self.is_number(value);
        let next = self.b.create_block();
        self.b.ins().brif(number, next, &[], otherwise, &[]);
        self.b.switch_to_block(next);
    }

    /// `a op b` with clox's NaN when both are NaN: the first operand's
    /// (frontend::number::add explains). A result that is a number, the
    /// common case, costs one test and a branch.
    fn pin_nan(&mut self, result: Ir, a: Ir) -> Ir {
        let result_nan = self.b.ins().fcmp(FloatCC::Unordered, result, result);
        let nan = self.cold_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, F64);
        self.b.ins().brif(result_nan, nan, &[], join, &[BlockArg::Value(result)]);
        self.b.switch_to_block(nan);
        let a_nan = self.b.ins().fcmp(FloatCC::Unordered, a, a);
        let pinned = self.b.ins().select(a_nan, a, result);
        self.b.ins().jump(join, &[BlockArg::Value(pinned)]);
        self.b.switch_to_block(join);
        self.b.block_params(join)[0]
    }

    // ----- Instructions -------------------------------------------------------------

    /// Translates one instruction; true when control does not go on to
    /// the next one.
    #[allow(clippy::too_many_lines)]
    fn instruction(&mut self, instruction: Instruction, code: &Code) -> bool {
        let ins = &instruction;
        let h = self.height;
        match ins.op {
            Op::Constant => {
                let constant = self.constant(ins.a);
                self.push(constant, code);
            }
            Op::Nil => self.push_bits(Value::NIL, code),
            Op::True => self.push_bits(Value::TRUE, code),
            Op::False => self.push_bits(Value::FALSE, code),
            Op::Pop => {}
            Op::GetLocal => {
                let value = self.read(ins.a, code);
                self.push(value, code);
            }
            Op::SetLocal | Op::SetLocalPop => {
                let value = self.peek(0, code);
                self.write(ins.a, value, code);
            }
            Op::GetGlobal => {
                let name = self.constant(ins.a);
                self.save_ip(ins);
                let value = self.call_checked(helpers::GET_GLOBAL, &[self.vm, name]);
                self.push(value, code);
            }
            Op::DefineGlobal => {
                let name = self.constant(ins.a);
                let value = self.peek(0, code);
                self.call(helpers::DEFINE_GLOBAL, &[self.vm, name, value]);
            }
            Op::SetGlobal | Op::SetGlobalPop => {
                let name = self.constant(ins.a);
                let value = self.peek(0, code);
                self.save_ip(ins);
                self.call_checked(helpers::SET_GLOBAL, &[self.vm, name, value]);
            }
            Op::GetGlobalSlot => {
                let base = self.b.ins().load(I64, flags(), self.vm, VM_GLOBAL_SLOTS);
                let value = self.b.ins().load(I64, flags(), base, ins.a as i32 * VALUE as i32);
                self.check_defined(value, ins);
                self.push(value, code);
            }
            Op::DefineGlobalSlot => {
                let base = self.b.ins().load(I64, flags(), self.vm, VM_GLOBAL_SLOTS);
                let value = self.peek(0, code);
                self.b.ins().store(flags(), value, base, ins.a as i32 * VALUE as i32);
            }
            Op::SetGlobalSlot | Op::SetGlobalSlotPop => {
                let base = self.b.ins().load(I64, flags(), self.vm, VM_GLOBAL_SLOTS);
                let old = self.b.ins().load(I64, flags(), base, ins.a as i32 * VALUE as i32);
                self.check_defined(old, ins);
                let value = self.peek(0, code);
                self.b.ins().store(flags(), value, base, ins.a as i32 * VALUE as i32);
            }
            Op::GetUpvalue => {
                let index = self.b.ins().iconst(I64, ins.a as i64);
                let value = self.call(helpers::GET_UPVALUE, &[self.closure, index]).expect("returns");
                self.push(value, code);
            }
            Op::SetUpvalue | Op::SetUpvaluePop => {
                let index = self.b.ins().iconst(I64, ins.a as i64);
                let value = self.peek(0, code);
                self.call(helpers::SET_UPVALUE, &[self.closure, index, value]);
            }
            Op::GetProperty => {
                let name = self.constant(ins.a);
                let receiver = self.peek(0, code);
                self.spill(h, true);
                self.save_ip(ins);
                let value = self.call_checked(helpers::GET_PROPERTY, &[self.vm, receiver, name]);
                self.write(h - 1, value, code);
            }
            Op::SetProperty | Op::SetPropertyPop => {
                let name = self.constant(ins.a);
                let (receiver, value) = (self.peek(1, code), self.peek(0, code));
                self.save_ip(ins);
                let value = self.call_checked(helpers::SET_PROPERTY, &[self.vm, receiver, name, value]);
                if ins.op == Op::SetProperty {
                    self.write(h - 2, value, code);
                }
            }
            Op::GetSuper => {
                let name = self.constant(ins.a);
                let (this, superclass) = (self.peek(1, code), self.peek(0, code));
                self.spill(h, true);
                self.save_ip(ins);
                let value = self.call_checked(helpers::GET_SUPER, &[self.vm, this, superclass, name]);
                self.write(h - 2, value, code);
            }
            Op::Equal | Op::NotEqual => {
                let (a, b) = (self.peek(1, code), self.peek(0, code));
                let mut equal = self.lox_equals(a, b);
                if ins.op == Op::NotEqual {
                    equal = self.b.ins().bxor_imm_s(equal, 1);
                }
                let value = self.boolean(equal);
                self.write(h - 2, value, code);
            }
            Op::Greater | Op::Less | Op::LessEqual | Op::GreaterEqual => {
                let (a, b) = self.number_operands(ins, code);
                let condition = match ins.op {
                    Op::Greater => FloatCC::GreaterThan,
                    Op::Less => FloatCC::LessThan,
                    // `!(a > b)` and `!(a < b)`: true when either is NaN.
                    Op::LessEqual => FloatCC::UnorderedOrLessThanOrEqual,
                    _ => FloatCC::UnorderedOrGreaterThanOrEqual,
                };
                let compared = self.b.ins().fcmp(condition, a, b);
                let value = self.boolean(compared);
                self.write(h - 2, value, code);
            }
            Op::Add => self.add(ins, code),
            Op::Subtract | Op::Multiply | Op::Divide => {
                let (a, b) = self.number_operands(ins, code);
                let result = match ins.op {
                    Op::Subtract => self.b.ins().fsub(a, b),
                    Op::Multiply => {
                        let product = self.b.ins().fmul(a, b);
                        self.pin_nan(product, a)
                    }
                    _ => self.b.ins().fdiv(a, b),
                };
                let value = self.boxed(result);
                self.write(h - 2, value, code);
            }
            Op::Not => {
                let value = self.peek(0, code);
                let falsey = self.is_falsey(value);
                let value = self.boolean(falsey);
                self.write(h - 1, value, code);
            }
            Op::Negate => {
                let value = self.peek(0, code);
                let number = self.is_number(value);
                self.check_or_throw(number, Message::OperandNumber, ins);
                let float = self.float(value);
                let negated = self.b.ins().fneg(float);
                let value = self.boxed(negated);
                self.write(h - 1, value, code);
            }
            Op::Print => {
                let value = self.peek(0, code);
                self.call_checked(helpers::PRINT, &[self.vm, value]);
            }
            Op::Jump | Op::JumpLong | Op::Loop | Op::LoopLong => {
                let target = self.jump_to(ins);
                self.b.ins().jump(target, &[]);
                return true;
            }
            Op::JumpIfFalse | Op::JumpIfFalseLong | Op::JumpIfFalsePop | Op::JumpIfFalsePopLong => {
                let value = self.peek(0, code);
                let falsey = self.is_falsey(value);
                self.branch(falsey, ins);
            }
            Op::JumpIfTruePop => {
                let value = self.peek(0, code);
                let falsey = self.is_falsey(value);
                let truthy = self.b.ins().bxor_imm_s(falsey, 1);
                self.branch(truthy, ins);
            }
            Op::JumpIfLess | Op::JumpIfNotLess | Op::JumpIfGreater | Op::JumpIfNotGreater => {
                let (a, b) = self.number_operands(ins, code);
                let condition = match ins.op {
                    Op::JumpIfLess => FloatCC::LessThan,
                    Op::JumpIfNotLess => FloatCC::UnorderedOrGreaterThanOrEqual,
                    Op::JumpIfGreater => FloatCC::GreaterThan,
                    _ => FloatCC::UnorderedOrLessThanOrEqual,
                };
                let jump = self.b.ins().fcmp(condition, a, b);
                self.branch(jump, ins);
            }
            Op::JumpIfEqual | Op::JumpIfNotEqual => {
                let (a, b) = (self.peek(1, code), self.peek(0, code));
                let mut jump = self.lox_equals(a, b);
                if ins.op == Op::JumpIfNotEqual {
                    jump = self.b.ins().bxor_imm_s(jump, 1);
                }
                self.branch(jump, ins);
            }
            Op::Call => self.call_value(ins, code),
            Op::Invoke => {
                let argc = ins.b;
                let receiver = h - argc - 1;
                let name = self.constant(ins.a);
                self.spill(h, true);
                self.save_ip(ins);
                let slots = self.slot_address(receiver);
                let argc = self.b.ins().iconst(I64, argc as i64);
                let result = self.call_checked(helpers::INVOKE, &[self.vm, name, slots, argc]);
                self.write(receiver, result, code);
            }
            Op::SuperInvoke => {
                let argc = ins.b;
                let this = h - argc - 2;
                let name = self.constant(ins.a);
                let superclass = self.peek(0, code);
                self.spill(h, true);
                self.save_ip(ins);
                let slots = self.slot_address(this);
                let argc = self.b.ins().iconst(I64, argc as i64);
                let result = self.call_checked(helpers::SUPER_INVOKE, &[self.vm, name, superclass, slots, argc]);
                self.write(this, result, code);
            }
            Op::Closure => {
                let function = self.constant(ins.a);
                self.spill(h, true);
                let captures = self.function.chunk.code.as_ptr() as i64 + ins.b as i64;
                let captures = self.b.ins().iconst(I64, captures);
                let args = [self.vm, function, captures, self.slots, self.closure];
                let closure = self.call(helpers::CLOSURE, &args).expect("returns");
                self.push(closure, code);
            }
            Op::CloseUpvalue => {
                let from = self.slot_address(h - 1);
                self.call(helpers::CLOSE_UPVALUES, &[self.vm, from]);
            }
            Op::Return => {
                let result = self.peek(0, code);
                if code.captured.iter().any(|&captured| captured) {
                    self.close_frame_upvalues();
                }
                self.b.ins().store(flags(), self.frame_index, self.vm, VM_FRAME_COUNT);
                #[cfg(feature = "work-count")]
                self.call(helpers::MARK_DEPTH, &[self.frame_index]);
                self.b.ins().return_(&[result]);
                return true;
            }
            Op::Class => {
                let name = self.constant(ins.a);
                self.spill(h, true);
                let class = self.call(helpers::CLASS, &[self.vm, name]).expect("returns");
                self.push(class, code);
            }
            Op::Inherit => {
                let (superclass, subclass) = (self.peek(1, code), self.peek(0, code));
                self.save_ip(ins);
                self.call_checked(helpers::INHERIT, &[self.vm, superclass, subclass]);
            }
            Op::Method => {
                let name = self.constant(ins.a);
                let (class, method) = (self.peek(1, code), self.peek(0, code));
                self.call(helpers::METHOD, &[self.vm, class, name, method]);
            }
            Op::Wide => unreachable!("decode.rs reads a Wide prefix with its instruction"),
        }
        false
    }

    fn constant(&mut self, index: usize) -> Ir {
        let value = self.function.chunk.constants[index];
        self.b.ins().iconst(I64, value.bits() as i64)
    }

    fn push_bits(&mut self, value: Value, code: &Code) {
        let value = self.b.ins().iconst(I64, value.bits() as i64);
        self.push(value, code);
    }

    /// Jumps to the instruction's target when `jump`, and goes on otherwise.
    fn branch(&mut self, jump: Ir, instruction: &Instruction) {
        let target = self.jump_to(instruction);
        let next = self.b.create_block();
        self.b.ins().brif(jump, target, &[], next, &[]);
        self.b.switch_to_block(next);
    }

    /// Raises "Undefined variable" for a global slot that holds ABSENT.
    fn check_defined(&mut self, value: Ir, instruction: &Instruction) {
        let defined = self.b.ins().icmp_imm_s(IntCC::NotEqual, value, ABSENT);
        let error = self.error_exit(ErrorKind::UndefinedSlot, instruction, Some(instruction.a as i64));
        let next = self.b.create_block();
        self.b.ins().brif(defined, next, &[], error, &[]);
        self.b.switch_to_block(next);
    }

    /// `+`: numbers inline; strings and errors in a helper.
    fn add(&mut self, instruction: &Instruction, code: &Code) {
        let h = self.height;
        let (a, b) = (self.peek(1, code), self.peek(0, code));
        let slow = self.cold_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, I64);
        self.unless_number(a, slow);
        self.unless_number(b, slow);
        let (x, y) = (self.float(a), self.float(b));
        let sum = self.b.ins().fadd(x, y);
        let sum = self.pin_nan(sum, x);
        let sum = self.boxed(sum);
        self.b.ins().jump(join, &[BlockArg::Value(sum)]);

        self.b.switch_to_block(slow);
        self.spill(h, false);
        self.save_ip(instruction);
        let result = self.call_checked(helpers::ADD, &[self.vm, a, b]);
        self.b.ins().jump(join, &[BlockArg::Value(result)]);

        self.b.switch_to_block(join);
        let result = self.b.block_params(join)[0];
        self.write(h - 2, result, code);
    }

    /// `Call`: a closure's machine code directly, anything else through
    /// the `call` helper. Either way the callee pushes its own frame.
    fn call_value(&mut self, instruction: &Instruction, code: &Code) {
        let h = self.height;
        let argc = instruction.a;
        let callee_position = h - argc - 1;
        let callee = self.read(callee_position, code);
        self.store_live(h, true);
        self.save_ip(instruction);
        let slots = self.slot_address(callee_position);
        let argc = self.b.ins().iconst(I64, argc as i64);

        let object = self.b.create_block();
        let closure = self.b.create_block();
        let other = self.cold_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, I64);
        let tag = self.b.ins().band_imm_s(callee, OBJECT_TAG as i64);
        let is_object = self.b.ins().icmp_imm_s(IntCC::Equal, tag, OBJECT_TAG as i64);
        self.b.ins().brif(is_object, object, &[], other, &[]);

        self.b.switch_to_block(object);
        let pointer = self.b.ins().band_imm_s(callee, !OBJECT_TAG as i64);
        let kind = self.b.ins().load(I8, flags(), pointer, OBJ_KIND);
        let is_closure = self.b.ins().icmp_imm_s(IntCC::Equal, kind, ObjKind::Closure as i64);
        self.b.ins().brif(is_closure, closure, &[], other, &[]);

        self.b.switch_to_block(closure);
        let function = self.b.ins().load(I64, flags(), pointer, CLOSURE_FUNCTION);
        let machine_code = self.b.ins().load(I64, flags(), function, FUNCTION_MACHINE_CODE);
        let signature = self.signature(4, true);
        let call = self.b.ins().call_indirect(signature, machine_code, &[self.vm, pointer, slots, argc]);
        let result = self.b.inst_results(call)[0];
        self.b.ins().jump(join, &[BlockArg::Value(result)]);

        self.b.switch_to_block(other);
        self.save_sp(h);
        let result = self.call(helpers::CALL, &[self.vm, callee, slots, argc]).expect("returns");
        self.b.ins().jump(join, &[BlockArg::Value(result)]);

        self.b.switch_to_block(join);
        let result = self.b.block_params(join)[0];
        self.unwind_if_absent(result);
        self.write(callee_position, result, code);
    }

    /// Closes the upvalues of this frame's captured slots, if any is open.
    fn close_frame_upvalues(&mut self) {
        let head = self.b.ins().load(I64, flags(), self.vm, VM_OPEN_UPVALUES);
        let close = self.b.create_block();
        let next = self.b.create_block();
        self.b.ins().brif(head, close, &[], next, &[]);
        self.b.switch_to_block(close);
        self.call(helpers::CLOSE_UPVALUES, &[self.vm, self.slots]);
        self.b.ins().jump(next, &[]);
        self.b.switch_to_block(next);
    }
}
