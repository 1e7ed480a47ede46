//! Instructions per opcode execution (or per node evaluation), from one
//! engine's record: each dispatch arm's instructions divided by the
//! executions of the opcodes it handles.
//!
//! What an arm's instructions are depends on the engine. In a bytecode VM
//! an arm is the whole of its opcode's work, so its own code (with what the
//! compiler inlined into it) and the functions it calls both count: nothing
//! an arm calls re-enters the dispatch loop. In a tree-walker or the closure
//! compiler, what a node's code calls includes the evaluation of its
//! children, which their own arms count, so an arm counts its own code and
//! its share of the helpers it calls down to the next dispatch function
//! ([`crate::attribution::UnitCost::helpers`]). The fetch and decode before
//! the `match` (a walker's entry into `evaluate`) is every execution's and is
//! given per execution of any kind.

use super::records::{MachineCode, Measured};
use crate::profile::counts::{self, Count, NODE, OPCODE};

/// One row of the table: an arm, or for the jit its generated code or a
/// function of the binary.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmCost {
    /// `Add`, `JumpIfLess | JumpIfGreater`, `Binary`, `(generated code)`,
    /// `helpers::get_property`.
    pub label: String,
    pub instructions: u64,
    /// Of the run phase's measured total.
    pub share: f64,
    /// Executions of the arm's opcodes (node kinds); `None` when the row
    /// stands for no opcode.
    pub executions: Option<u64>,
}

impl ArmCost {
    /// Instructions per execution, when the row has executions.
    pub fn per_execution(&self) -> Option<f64> {
        self.executions.filter(|n| *n > 0).map(|n| self.instructions as f64 / n as f64)
    }
}

/// Every row of one engine on one program, and what they leave out.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineCosts {
    /// Opcodes ([`OPCODE`]) or node kinds ([`NODE`]); `None` when nothing
    /// was counted.
    pub family: Option<&'static str>,
    /// Whether an arm's instructions include its calls (a VM's arms).
    pub with_calls: bool,
    /// Largest first.
    pub rows: Vec<ArmCost>,
    /// Every execution of the family (instructions dispatched, nodes
    /// evaluated).
    pub executions: u64,
    /// The fetch and decode (a walker's entry and return), shared by every
    /// execution.
    pub dispatch: u64,
    /// The sum of the rows'.
    pub in_rows: u64,
    pub total: u64,
}

impl EngineCosts {
    /// Dispatch instructions per execution of any opcode (node kind).
    pub fn dispatch_per_execution(&self) -> Option<f64> {
        (self.executions > 0).then(|| self.dispatch as f64 / self.executions as f64)
    }
}

/// The rows of `measured`.
pub fn costs(measured: &Measured) -> EngineCosts {
    let family = counts::main_family(&measured.executions);
    let executions = family.map_or(0, |family| counts::family_total(&measured.executions, family));
    let executions_of = |names: &[String]| -> Option<u64> {
        let family = family?;
        let kinds = names.iter().flat_map(|name| counted_kinds(family, name));
        (!names.is_empty()).then(|| kinds.map(|kind| count_of(&measured.executions, family, &kind)).sum())
    };
    let share = |instructions: u64| instructions as f64 / measured.total.max(1) as f64;
    let with_calls = family == Some(OPCODE) && measured.machine_code.is_none();
    let mut rows: Vec<ArmCost> = match &measured.machine_code {
        Some(machine) => machine_rows(machine, &measured.executions, executions, share),
        None => measured
            .units
            .iter()
            // The dispatch is every execution's and is given apart. Code in
            // no arm (a VM's code after its `match`, a closure made by a
            // macro for several node kinds) is a row too, with no
            // executions: leaving it out would hide where that much went.
            .filter(|unit| unit.label != "(dispatch)")
            .map(|unit| {
                let instructions = if with_calls { unit.own + unit.called } else { unit.own + unit.helpers };
                ArmCost {
                    label: unit.label.clone(),
                    instructions,
                    share: share(instructions),
                    executions: executions_of(&unit.names),
                }
            })
            .collect(),
    };
    rows.sort_by(|a, b| b.instructions.cmp(&a.instructions).then_with(|| a.label.cmp(&b.label)));
    let dispatch = measured
        .units
        .iter()
        .filter(|unit| unit.label == "(dispatch)")
        .map(|unit| if with_calls { unit.own } else { unit.own + unit.helpers })
        .sum();
    let in_rows = rows.iter().map(|row| row.instructions).sum();
    EngineCosts { family, with_calls, rows, executions, dispatch, in_rows, total: measured.total }
}

/// The kinds counted for an arm's name: a walker's `Binary` arm evaluates
/// every binary operator, which the counters tell apart
/// (`frontend::profiling::NodeKind::binary`), and likewise `Unary` and
/// `Logical`; any other name is its own kind.
fn counted_kinds(family: &str, name: &str) -> Vec<String> {
    use frontend::ast::{BinaryOp, UnaryOp};
    use frontend::profiling::NodeKind;
    let kinds: Vec<NodeKind> = match (family, name) {
        (NODE, "Binary") => [
            BinaryOp::Add,
            BinaryOp::Subtract,
            BinaryOp::Multiply,
            BinaryOp::Divide,
            BinaryOp::Equal,
            BinaryOp::NotEqual,
            BinaryOp::Less,
            BinaryOp::LessEqual,
            BinaryOp::Greater,
            BinaryOp::GreaterEqual,
        ]
        .into_iter()
        .map(NodeKind::binary)
        .collect(),
        (NODE, "Unary") => [UnaryOp::Negate, UnaryOp::Not].into_iter().map(NodeKind::unary).collect(),
        (NODE, "Logical") => vec![NodeKind::And, NodeKind::Or],
        _ => return vec![name.to_string()],
    };
    kinds.into_iter().map(|kind| kind.name().to_string()).collect()
}

fn count_of(executions: &[Count], family: &str, name: &str) -> u64 {
    executions.iter().filter(|c| c.family == family && c.name == name).map(|c| c.count).sum()
}

/// The jit's rows: its generated code, per bytecode instruction executed,
/// and the binary's functions; a helper named after an opcode
/// (`helpers::get_property`, `GetProperty`) per execution of that opcode,
/// whether or not every execution called it.
fn machine_rows(machine: &MachineCode, executions: &[Count], all: u64, share: impl Fn(u64) -> f64) -> Vec<ArmCost> {
    let generated = ArmCost {
        label: "(generated code)".to_string(),
        instructions: machine.generated,
        share: share(machine.generated),
        executions: (all > 0).then_some(all),
    };
    let functions = machine.functions.iter().map(|(name, instructions)| {
        let opcode = name.strip_prefix("helpers::").map(camel_case);
        let executions = opcode.map(|op| count_of(executions, OPCODE, &op)).filter(|n| *n > 0);
        ArmCost { label: name.clone(), instructions: *instructions, share: share(*instructions), executions }
    });
    std::iter::once(generated).chain(functions).collect()
}

/// `get_property` as `GetProperty`: the opcode a helper of that name serves.
fn camel_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The label of a family's members in the report.
pub fn kind_label(family: Option<&str>) -> &'static str {
    match family {
        Some(NODE) => "node kind",
        _ => "opcode",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::callgrind;
    use crate::attribution::debuginfo::{FixedFrames, Frame};
    use crate::attribution::source::SourceIndex;
    use crate::opcode_costs::records::Measured;

    const VM_FILE: &str = "/w/engines/x-vm/src/vm.rs";

    /// A made-up dispatch loop: fetch on lines 3-4, then arms on lines 5
    /// (`Constant`), 6-9 (`Add`, its closing brace on 9) and 10 (`Jump |
    /// Loop`, right after `Add`'s last line).
    const VM: &str = "\
fn execute() {
    loop {
        let op = fetch();
        match op {
            Op::Constant => push(),
            Op::Add => {
                let b = pop();
                add(b);
            }
            Op::Jump | Op::Loop => jump(),
        }
    }
}
";

    fn frame(function: &str, file: &str, line: u32) -> Frame {
        Frame { function: function.into(), file: file.into(), line }
    }

    fn count(family: &str, name: &str, count: u64) -> Count {
        Count { family: family.into(), name: name.into(), count }
    }

    /// Callgrind's records of a run of the loop above: 30 instructions of
    /// fetch, 20 in `Constant`, 40 in `Add` plus 10 of `value.rs` inlined
    /// into it and a call to a function outside it costing 50, 12 in `Jump |
    /// Loop` and 6 on `Add`'s closing line.
    const CALLGRIND: &str = "positions: instr line\nevents: Ir\nsummary: 168\n\
         ob=(1) /bin/lox\nfn=(1) vm::execute\n\
         0x10 3 30\n+1 5 20\n+1 7 40\n\
         cfn=(2) vm::add_slow\ncalls=1 0x40 0\n* 8 50\n\
         +1 8 10\n+1 9 6\n+1 10 12\n\
         fn=(2)\n0x40 0 50\n";

    fn frames() -> FixedFrames {
        FixedFrames(
            [
                (0x10, vec![frame("execute", VM_FILE, 3)]),
                (0x11, vec![frame("execute", VM_FILE, 5)]),
                (0x12, vec![frame("execute", VM_FILE, 7)]),
                // Inlined from value.rs: the chain passes through line 8, in `Add`.
                (0x13, vec![frame("as_number", "/w/engines/x-vm/src/value.rs", 10), frame("execute", VM_FILE, 8)]),
                (0x14, vec![frame("execute", VM_FILE, 9)]),
                (0x15, vec![frame("execute", VM_FILE, 10)]),
                (0x40, vec![frame("add_slow", "/w/engines/x-vm/src/slow.rs", 1)]),
            ]
            .into_iter()
            .collect(),
        )
    }

    /// The record the command would make from the fake run and these counts.
    fn measured(source: &str, executions: Vec<Count>) -> Measured {
        let counts = callgrind::parse(CALLGRIND).unwrap();
        let mut sources = SourceIndex::from_texts(&[(VM_FILE, source)]);
        let attribution = crate::attribution::attribute(&counts, "/bin/lox", &mut frames(), &mut sources);
        Measured {
            engine: "x-vm".into(),
            program: "fib".into(),
            size: 20,
            total: attribution.total,
            units: attribution.units,
            executions,
            executions_from: "x-vm".into(),
            machine_code: super::super::machine_code(&counts, "/bin/lox"),
            passed: true,
            detail: None,
            date: String::new(),
        }
    }

    fn vm_executions() -> Vec<Count> {
        vec![
            count(OPCODE, "Constant", 10),
            count(OPCODE, "Add", 53),
            count(OPCODE, "Jump", 2),
            count(OPCODE, "Loop", 4),
        ]
    }

    fn row<'a>(costs: &'a EngineCosts, label: &str) -> &'a ArmCost {
        costs.rows.iter().find(|row| row.label == label).unwrap_or_else(|| panic!("no row {label}: {costs:?}"))
    }

    #[test]
    fn each_arm_is_divided_by_the_executions_of_its_opcodes() {
        let costs = costs(&measured(VM, vm_executions()));
        assert_eq!(costs.family, Some(OPCODE));
        assert!(costs.with_calls);
        // Its own 40 + 10 inlined + 6 on its last line, and the 50 it called.
        assert_eq!(row(&costs, "Add").instructions, 106);
        assert_eq!(row(&costs, "Add").per_execution(), Some(2.0));
        assert_eq!(row(&costs, "Constant").per_execution(), Some(2.0));
        // An arm of two opcodes is divided by both's executions.
        assert_eq!(row(&costs, "Jump | Loop").executions, Some(6));
        assert_eq!(row(&costs, "Jump | Loop").per_execution(), Some(2.0));
        assert_eq!(costs.rows[0].label, "Add");
        assert_eq!(costs.dispatch, 30);
        assert_eq!(costs.executions, 69);
        assert_eq!(costs.in_rows, 138);
        assert_eq!(costs.total, 168);
        assert_eq!(costs.rows.iter().map(|row| row.instructions).sum::<u64>() + costs.dispatch, costs.total);
    }

    /// The same run with the source's arms shifted by one line (a comment
    /// added above `Op::Add`): `Add`'s closing line is now `Jump | Loop`'s
    /// first, so six instructions change arms, and the figures must follow
    /// the source, not stay where they were.
    #[test]
    fn an_instruction_goes_to_the_arm_whose_lines_hold_it() {
        let shifted = VM.replace("            Op::Add => {\n", "            // Adds.\n            Op::Add => {\n");
        let costs = costs(&measured(&shifted, vm_executions()));
        // Line 5 is still `Constant`; line 6 is now the comment (in `Constant`).
        assert_eq!(row(&costs, "Constant").instructions, 20);
        // Lines 7 to 10 are `Add`: 40 + 10 + 6 + 12 and the call.
        assert_eq!(row(&costs, "Add").instructions, 118);
        assert!(costs.rows.iter().all(|row| row.label != "Jump | Loop"), "{costs:?}");
    }

    /// A walker's arm counts its own code and the helper it called (not
    /// what the call cost in all, which in a walker includes its children).
    #[test]
    fn a_walker_arm_counts_its_helpers() {
        let eval = VM.replace("Op::", "Expr::").replace("match op", "match expr").replace("Constant", "Literal");
        let eval_file = "/w/engines/x-walker/src/eval.rs";
        let mut record = measured(&eval, Vec::new());
        // The same run, read as a walker's `evaluate`: no loop, so every line
        // outside the arms is dispatch.
        let counts = callgrind::parse(&CALLGRIND.replace("/bin/lox", "/bin/walker")).unwrap();
        let mut frames = frames();
        for chain in frames.0.values_mut() {
            for frame in chain.iter_mut().filter(|f| f.file == VM_FILE) {
                frame.file = eval_file.into();
                frame.function = "evaluate".into();
            }
        }
        let evaluate = eval.replace("fn execute()", "fn evaluate()").replace("    loop {\n", "    {\n");
        let mut sources = SourceIndex::from_texts(&[(eval_file, evaluate.as_str())]);
        record.units = crate::attribution::attribute(&counts, "/bin/walker", &mut frames, &mut sources).units;
        record.executions = vec![count(NODE, "Literal", 10), count(NODE, "Add", 53)];
        let costs = costs(&record);
        assert_eq!(costs.family, Some(NODE));
        assert!(!costs.with_calls);
        assert_eq!(row(&costs, "Add").instructions, 106);
        assert_eq!(row(&costs, "Add").per_execution(), Some(2.0));
        assert_eq!(row(&costs, "Literal").per_execution(), Some(2.0));
        // Every instruction is in a row or in the dispatch.
        assert_eq!(costs.in_rows + costs.dispatch, costs.total);
    }

    #[test]
    fn generated_code_is_one_row_per_bytecode_instruction_and_helpers_serve_their_opcode() {
        let counts = callgrind::parse(
            "positions: instr line\nevents: Ir\nsummary: 300\n\
             ob=(1) ???\nfn=(1) 0x000000000a000000\n0x0a000000 0 200\n\
             cfn=(2) jit::helpers::get_property\ncalls=1 0x30 0\n* 0 60\n\
             ob=(2) /bin/lox\nfn=(2)\n0x30 0 60\nfn=(3) jit::vm::Vm::run\n0x50 0 40\n",
        )
        .unwrap();
        let machine = super::super::machine_code(&counts, "/bin/lox").expect("generated code ran");
        assert_eq!(machine.generated, 200);
        assert_eq!(machine.functions, vec![("helpers::get_property".to_string(), 60), ("Vm::run".to_string(), 40)]);
        let record = Measured {
            total: 300,
            machine_code: Some(machine),
            executions: vec![count(OPCODE, "GetProperty", 20), count(OPCODE, "Add", 80)],
            ..measured(VM, Vec::new())
        };
        let costs = costs(&record);
        assert_eq!(row(&costs, "(generated code)").per_execution(), Some(2.0));
        assert_eq!(row(&costs, "helpers::get_property").per_execution(), Some(3.0));
        assert_eq!(row(&costs, "Vm::run").executions, None);
        assert!(super::super::machine_code(&callgrind::parse(CALLGRIND).unwrap(), "/bin/lox").is_none());
    }

    /// The counters tell binary operators apart; a walker's `Binary` arm
    /// runs them all.
    #[test]
    fn a_binary_arm_is_divided_by_every_operator_evaluated() {
        let mut record = measured(VM, Vec::new());
        record.units = vec![crate::attribution::UnitCost {
            label: "Binary".into(),
            names: vec!["Binary".into()],
            own: 90,
            called: 1000,
            helpers: 10,
        }];
        record.executions = vec![count(NODE, "Add", 20), count(NODE, "Less", 30), count(NODE, "Literal", 99)];
        let costs = costs(&record);
        assert_eq!(row(&costs, "Binary").executions, Some(50));
        assert_eq!(row(&costs, "Binary").per_execution(), Some(2.0));
    }

    /// Closures a macro makes for several node kinds are in no arm; they
    /// are a row of their own, with no executions, and the rows with the
    /// dispatch still add up to the whole.
    #[test]
    fn code_in_no_arm_is_a_row_without_executions() {
        let unit = |label: &str, names: Vec<String>, own| crate::attribution::UnitCost {
            label: label.into(),
            names,
            own,
            called: 0,
            helpers: 0,
        };
        let mut record = measured(VM, Vec::new());
        record.total = 100;
        record.units = vec![
            unit("If", vec!["If".into()], 20),
            unit("(closure)", Vec::new(), 60),
            unit("(dispatch)", Vec::new(), 20),
        ];
        record.executions = vec![count(NODE, "If", 10), count(NODE, "Call", 30)];
        let costs = costs(&record);
        assert_eq!(costs.rows[0].label, "(closure)");
        assert_eq!(row(&costs, "(closure)").executions, None);
        assert_eq!(row(&costs, "If").per_execution(), Some(2.0));
        assert!(costs.rows.iter().all(|row| row.label != "(dispatch)"), "{costs:?}");
        assert_eq!(costs.in_rows + costs.dispatch, costs.total);
    }

    #[test]
    fn the_counts_file_keeps_opcodes_and_node_kinds() {
        let text =
            "opcode\tAdd\t12\nopcode pair\tAdd → Pop\t3\nnode\tBinary\t7\nclosure\tLiteral: number\t2\nbad line\n";
        assert_eq!(super::super::parse_counts(text), vec![count(OPCODE, "Add", 12), count(NODE, "Binary", 7)]);
    }
}
