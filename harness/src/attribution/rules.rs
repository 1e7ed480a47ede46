//! The categories an instruction is counted in, and the rules that put it
//! there. METHODOLOGY.md describes the same rules in prose; change both.
//!
//! An instruction is classified by the first rule that claims it:
//! 1. its inline chain, innermost function first: the first function whose
//!    source file (or, outside the binary's debug information, whose symbol)
//!    a [file rule](frame_category) names decides (hashing inlined into a
//!    `GetGlobal` arm is hashing);
//! 2. otherwise the part of the engine's source the instruction was compiled
//!    into (see [`super::source`]): a dispatch arm by its opcode or node
//!    kind ([`for_name`]), the dispatch code around the arms, a compiled
//!    closure by the node kind it counts;
//! 3. otherwise `other`.

use super::debuginfo::Frame;
use serde::{Deserialize, Serialize};

/// Where an instruction's cost goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Finding the next thing to do: a VM's fetch, decode and jump to the
    /// arm; a walker's entry into `evaluate` and its `match` on the node; a
    /// compiled closure's entry and return.
    Dispatch,
    /// Operands and the value stack: constants and literals, pops.
    Operands,
    /// Reading and writing variables and fields, and every hash-table probe
    /// (locals, upvalues, globals, properties; environments, tables, hashes).
    Variables,
    /// Getting and returning memory: malloc and free, the engines' heaps,
    /// growing vectors, making closures and classes.
    Allocation,
    /// Reclaiming memory: the tracing collectors, the cycle collector,
    /// reference counts.
    Collection,
    /// Calls and returns: frames, arguments, natives.
    Calls,
    /// The operations themselves: arithmetic, comparisons, tests and jumps,
    /// printing and number formatting, string concatenation.
    Operations,
    /// What no rule claims.
    Other,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Dispatch,
        Category::Operands,
        Category::Variables,
        Category::Allocation,
        Category::Collection,
        Category::Calls,
        Category::Operations,
        Category::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Category::Dispatch => "dispatch",
            Category::Operands => "operands and stack",
            Category::Variables => "variable lookup and hashing",
            Category::Allocation => "allocation",
            Category::Collection => "garbage collection",
            Category::Calls => "calls",
            Category::Operations => "operations",
            Category::Other => "other",
        }
    }
}

/// The category of an opcode or node kind (the names engines count by).
pub fn for_name(name: &str) -> Category {
    match name {
        "Constant" | "Nil" | "True" | "False" | "Pop" | "Literal" | "ExpressionStmt" => Category::Operands,
        "GetLocal" | "SetLocal" | "SetLocalPop" | "GetUpvalue" | "SetUpvalue" | "SetUpvaluePop" | "GetGlobal"
        | "DefineGlobal" | "SetGlobal" | "SetGlobalPop" | "GetGlobalSlot" | "DefineGlobalSlot" | "SetGlobalSlot"
        | "SetGlobalSlotPop" | "GetProperty" | "SetProperty" | "SetPropertyPop" | "GetSuper" | "CloseUpvalue"
        | "Variable" | "This" | "Assign" | "Get" | "Set" | "Super" | "Var" => Category::Variables,
        "Call" | "Invoke" | "SuperInvoke" | "Return" => Category::Calls,
        "Closure" | "Class" | "Method" | "Inherit" | "FunDecl" => Category::Allocation,
        "Wide" | "Block" => Category::Dispatch,
        _ => Category::Operations,
    }
}

/// The category a function claims by where its code is, if it claims one.
pub fn frame_category(frame: &Frame) -> Option<Category> {
    let file = frame.file.as_str();
    if file.is_empty() {
        return symbol_category(&frame.function);
    }
    let ends = |suffix: &str| file.ends_with(suffix);
    let has = |part: &str| file.contains(part);
    let named = |parts: &[&str]| parts.iter().any(|part| frame.function.contains(part));
    // Only the reference counting of `Rc`, not reading through one; only a
    // vector's growth, not its other methods.
    let counts_references = ends("library/alloc/src/rc.rs") && named(&["clone", "drop", "strong", "weak"]);
    let grows = has("library/alloc/src/raw_vec") && named(&["grow", "reserve", "allocate", "with_capacity"]);
    // The last segment of the function's name, generic arguments left out.
    let short = frame.function.split('<').next().unwrap_or("").rsplit("::").next().unwrap_or("");
    if ends("/gc.rs") || has("/cycle-collector/") || counts_references || (ends("/heap.rs") && short == "sweep") {
        Some(Category::Collection)
    } else if ends("/heap.rs") {
        // A heap module also reads objects (a kind, a downcast): that is the
        // work of whoever reads, so only making and freeing are allocation.
        heap_function(short)
    } else if ends("library/alloc/src/alloc.rs") || grows || has("library/std/src/sys/alloc") {
        Some(Category::Allocation)
    } else if ends("/table.rs")
        || ends("/env.rs")
        || ends("/globals.rs")
        || ends("/upvalue.rs")
        || ends("frontend/src/hash.rs")
        || has("/hashbrown-")
        || has("/rustc-hash-")
        || has("library/core/src/hash/")
        || has("library/std/src/hash/")
        || has("library/std/src/collections/hash/")
    {
        Some(Category::Variables)
    } else if ends("/call.rs") && (short.contains("property") || short.contains("field")) {
        // Properties are read and written beside the calls that bind methods.
        Some(Category::Variables)
    } else if ends("/call.rs") || ends("frontend/src/natives.rs") {
        Some(Category::Calls)
    } else if ends("/operand.rs") {
        Some(operand_function(short))
    } else if ends("frontend/src/number.rs")
        || has("library/core/src/fmt/")
        || has("library/alloc/src/fmt")
        || has("library/std/src/io/")
        || ends("lox/src/output.rs")
    {
        Some(Category::Operations)
    } else if ends("/eval.rs") {
        walker_function(short)
    } else {
        None
    }
}

/// A heap module's function, by what it does: making, interning and
/// freeing objects are allocation; reading them is not claimed.
fn heap_function(name: &str) -> Option<Category> {
    let making = ["new", "alloc", "link", "relink", "intern", "insert", "free", "release", "drop", "account", "layout"];
    making.iter().any(|prefix| name.starts_with(prefix)).then_some(Category::Allocation)
}

/// A walker's operand module: reading a leaf operand in place (the
/// `leaf-operands` and `direct-operands` tunings) is operand traffic; the
/// operators and conditions are operations.
fn operand_function(name: &str) -> Category {
    match name {
        "leaf" | "leaves" | "shallow_operand" | "operand" | "operand_holding" => Category::Operands,
        _ => Category::Operations,
    }
}

/// A walker's helper outside its dispatch functions, by its name (the
/// walkers name the same idea the same way).
fn walker_function(name: &str) -> Option<Category> {
    match name {
        "call" | "invoke" | "super_invoke" | "push_frame" | "return_statement" => Some(Category::Calls),
        "read" | "read_global" | "assign" | "assignment" | "define" | "define_local" | "set" | "get" | "super_get"
        | "undefined_variable" => Some(Category::Variables),
        "new_closure" | "function_declaration" | "string_literal" | "first_string_literal" => {
            Some(Category::Allocation)
        }
        "literal" => Some(Category::Operands),
        "logical" | "unary" => Some(Category::Operations),
        _ => None,
    }
}

/// The category of a function outside the binary's debug information (the
/// C library's), by its symbol.
pub fn symbol_category(symbol: &str) -> Option<Category> {
    const ALLOCATION: [&str; 16] = [
        "malloc",
        "free",
        "realloc",
        "calloc",
        "cfree",
        "_int_malloc",
        "_int_free",
        "_int_realloc",
        "malloc_consolidate",
        "unlink_chunk",
        "sysmalloc",
        "__libc_malloc",
        "__libc_free",
        "__libc_realloc",
        "__rust_alloc",
        "__rust_dealloc",
    ];
    let base = symbol.split(['(', '@', '.']).next().unwrap_or(symbol);
    if ALLOCATION.contains(&base)
        || base.starts_with("tcache")
        || base.starts_with("__rust_realloc")
        || base.starts_with("__rdl_")
    {
        Some(Category::Allocation)
    } else if base == "write" || base.starts_with("_IO_") || base.starts_with("__GI___libc_write") {
        Some(Category::Operations)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(file: &str) -> Frame {
        Frame { function: "f".into(), file: file.into(), line: 1 }
    }

    #[test]
    fn files_claim_their_categories() {
        assert_eq!(frame_category(&frame("/w/engines/nanbox-vm/src/table.rs")), Some(Category::Variables));
        assert_eq!(frame_category(&frame("/w/engines/tagged-walker/src/gc.rs")), Some(Category::Collection));
        let rc = |function: &str| Frame {
            function: function.into(),
            file: "/rustc/abc/library/alloc/src/rc.rs".into(),
            line: 1,
        };
        assert_eq!(frame_category(&rc("drop<alloc::rc::Rc<Env>>")), Some(Category::Collection));
        assert_eq!(frame_category(&rc("deref<Env>")), None);
        let named = |file: &str, function: &str| Frame { function: function.into(), file: file.into(), line: 1 };
        assert_eq!(
            frame_category(&named("/w/engines/enum-vm/src/heap.rs", "enum_vm::heap::Heap::insert")),
            Some(Category::Allocation)
        );
        assert_eq!(frame_category(&named("/w/engines/tagged-walker/src/heap.rs", "downcast<Closure>")), None);
        assert_eq!(frame_category(&named("/w/engines/tagged-walker/src/heap.rs", "sweep")), Some(Category::Collection));
        assert_eq!(frame_category(&named("/w/engines/tagged-walker/src/operand.rs", "leaf")), Some(Category::Operands));
        assert_eq!(
            frame_category(&named("/w/engines/tagged-walker/src/operand.rs", "binary")),
            Some(Category::Operations)
        );
        assert_eq!(
            frame_category(&named("/w/engines/slot-walker/src/eval.rs", "slot_walker::eval::Evaluator::call")),
            Some(Category::Calls)
        );
        assert_eq!(frame_category(&named("/w/engines/slot-walker/src/eval.rs", "evaluate")), None);
        assert_eq!(frame_category(&frame("/w/engines/slot-walker/src/call.rs")), Some(Category::Calls));
        assert_eq!(frame_category(&frame("/r/hashbrown-0.15.2/src/raw/mod.rs")), Some(Category::Variables));
        assert_eq!(frame_category(&frame("/w/engines/nanbox-vm/src/value.rs")), None);
        assert_eq!(frame_category(&frame("/w/engines/nanbox-vm/src/vm.rs")), None);
    }

    #[test]
    fn symbols_outside_the_debug_information_claim_theirs() {
        let symbol = |name: &str| Frame { function: name.into(), file: String::new(), line: 0 };
        assert_eq!(frame_category(&symbol("_int_malloc")), Some(Category::Allocation));
        assert_eq!(frame_category(&symbol("free")), Some(Category::Allocation));
        assert_eq!(frame_category(&symbol("__memcpy_avx_unaligned_erms")), None);
    }

    #[test]
    fn opcodes_and_node_kinds_share_categories() {
        assert_eq!(for_name("GetLocal"), for_name("Variable"));
        assert_eq!(for_name("Add"), Category::Operations);
        assert_eq!(for_name("Call"), Category::Calls);
        assert_eq!(for_name("Constant"), for_name("Literal"));
    }
}
