//! Twin of deltablue.lox: AWFY's DeltaBlue incremental constraint solver.
//!
//! Variables and constraints point at each other, so they live in two `Vec`s
//! of the planner and refer to each other by index. The constraint class
//! hierarchy (unary: stay, edit; binary: equality, scale) is an enum matched
//! on in each operation; AWFY's Vectors are `Vec`s, and its work lists, which
//! it consumes from the front, `VecDeque`s. Values are doubles, as in Lox.

use std::collections::VecDeque;

type VarId = usize;
type ConstraintId = usize;

/// A constraint's strength: a smaller arithmetic value is stronger.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Strength(i32);

impl Strength {
    fn stronger(self, other: Strength) -> bool {
        self.0 < other.0
    }

    fn weaker(self, other: Strength) -> bool {
        self.0 > other.0
    }

    fn weakest(self, other: Strength) -> Strength {
        if other.weaker(self) { other } else { self }
    }
}

const REQUIRED: Strength = Strength(-800);
const PREFERRED: Strength = Strength(-400);
const STRONG_DEFAULT: Strength = Strength(-200);
const DEFAULT: Strength = Strength(0);
const ABSOLUTE_WEAKEST: Strength = Strength(10000);

#[derive(Clone, Copy, PartialEq, Debug)]
enum Direction {
    Forward,
    Backward,
}

enum Kind {
    Stay {
        output: VarId,
        satisfied: bool,
    },
    Edit {
        output: VarId,
        satisfied: bool,
    },
    /// v1 == v2.
    Equality {
        v1: VarId,
        v2: VarId,
        direction: Option<Direction>,
    },
    /// v2 == v1 * scale + offset.
    Scale {
        v1: VarId,
        v2: VarId,
        scale: VarId,
        offset: VarId,
        direction: Option<Direction>,
    },
}

struct Constraint {
    strength: Strength,
    kind: Kind,
}

struct Variable {
    value: f64,
    constraints: Vec<ConstraintId>,
    determined_by: Option<ConstraintId>,
    walk_strength: Strength,
    stay: bool,
    mark: u32,
}

/// A plan: constraints in the order in which executing them recomputes the
/// variables they determine.
type Plan = Vec<ConstraintId>;

struct Planner {
    variables: Vec<Variable>,
    constraints: Vec<Constraint>,
    current_mark: u32,
}

impl Planner {
    fn new() -> Planner {
        Planner { variables: Vec::new(), constraints: Vec::new(), current_mark: 1 }
    }

    fn variable(&mut self, value: f64) -> VarId {
        self.variables.push(Variable {
            value,
            constraints: Vec::new(),
            determined_by: None,
            walk_strength: ABSOLUTE_WEAKEST,
            stay: true,
            mark: 0,
        });
        self.variables.len() - 1
    }

    /// Makes a constraint, activates it and satisfies it if it can.
    fn constraint(&mut self, strength: Strength, kind: Kind) -> ConstraintId {
        self.constraints.push(Constraint { strength, kind });
        let c = self.constraints.len() - 1;
        self.add_to_graph(c);
        self.incremental_add(c);
        c
    }

    fn stay(&mut self, v: VarId, strength: Strength) -> ConstraintId {
        self.constraint(strength, Kind::Stay { output: v, satisfied: false })
    }

    fn edit(&mut self, v: VarId, strength: Strength) -> ConstraintId {
        self.constraint(strength, Kind::Edit { output: v, satisfied: false })
    }

    fn equality(&mut self, v1: VarId, v2: VarId, strength: Strength) -> ConstraintId {
        self.constraint(strength, Kind::Equality { v1, v2, direction: None })
    }

    fn scale(&mut self, src: VarId, scale: VarId, offset: VarId, dest: VarId, strength: Strength) -> ConstraintId {
        self.constraint(strength, Kind::Scale { v1: src, v2: dest, scale, offset, direction: None })
    }

    // The constraints' operations.

    fn is_input(&self, c: ConstraintId) -> bool {
        matches!(self.constraints[c].kind, Kind::Edit { .. })
    }

    fn is_satisfied(&self, c: ConstraintId) -> bool {
        match self.constraints[c].kind {
            Kind::Stay { satisfied, .. } | Kind::Edit { satisfied, .. } => satisfied,
            Kind::Equality { direction, .. } | Kind::Scale { direction, .. } => direction.is_some(),
        }
    }

    fn add_to_graph(&mut self, c: ConstraintId) {
        match &mut self.constraints[c].kind {
            Kind::Stay { output, satisfied } | Kind::Edit { output, satisfied } => {
                *satisfied = false;
                let output = *output;
                self.variables[output].constraints.push(c);
            }
            Kind::Equality { v1, v2, direction } => {
                *direction = None;
                let (v1, v2) = (*v1, *v2);
                self.variables[v1].constraints.push(c);
                self.variables[v2].constraints.push(c);
            }
            Kind::Scale { v1, v2, scale, offset, direction } => {
                *direction = None;
                for v in [*v1, *v2, *scale, *offset] {
                    self.variables[v].constraints.push(c);
                }
            }
        }
    }

    fn remove_from_graph(&mut self, c: ConstraintId) {
        let variables: Vec<VarId> = match &mut self.constraints[c].kind {
            Kind::Stay { output, satisfied } | Kind::Edit { output, satisfied } => {
                *satisfied = false;
                vec![*output]
            }
            Kind::Equality { v1, v2, direction } => {
                *direction = None;
                vec![*v1, *v2]
            }
            Kind::Scale { v1, v2, scale, offset, direction } => {
                *direction = None;
                vec![*v1, *v2, *scale, *offset]
            }
        };
        for v in variables {
            self.remove_constraint(v, c);
        }
    }

    fn remove_constraint(&mut self, v: VarId, c: ConstraintId) {
        let variable = &mut self.variables[v];
        variable.constraints.retain(|&each| each != c);
        if variable.determined_by == Some(c) {
            variable.determined_by = None;
        }
    }

    /// Deactivates c, removes it from the graph and updates the solution.
    fn destroy_constraint(&mut self, c: ConstraintId) {
        if self.is_satisfied(c) {
            self.incremental_remove(c);
        }
        self.remove_from_graph(c);
    }

    /// Decides whether c can be satisfied and how: its output must be
    /// unmarked and weaker than c.
    fn choose_method(&mut self, c: ConstraintId, mark: u32) {
        let strength = self.constraints[c].strength;
        match self.constraints[c].kind {
            Kind::Stay { output, .. } | Kind::Edit { output, .. } => {
                let output = &self.variables[output];
                let can = output.mark != mark && strength.stronger(output.walk_strength);
                if let Kind::Stay { satisfied, .. } | Kind::Edit { satisfied, .. } = &mut self.constraints[c].kind {
                    *satisfied = can;
                }
            }
            Kind::Equality { v1, v2, .. } | Kind::Scale { v1, v2, .. } => {
                let (v1, v2) = (&self.variables[v1], &self.variables[v2]);
                let chosen = if v1.mark == mark {
                    (v2.mark != mark && strength.stronger(v2.walk_strength)).then_some(Direction::Forward)
                } else if v2.mark == mark {
                    (v1.mark != mark && strength.stronger(v1.walk_strength)).then_some(Direction::Backward)
                } else if v1.walk_strength.weaker(v2.walk_strength) {
                    // Neither variable is marked, so there is a choice.
                    strength.stronger(v1.walk_strength).then_some(Direction::Backward)
                } else {
                    strength.stronger(v2.walk_strength).then_some(Direction::Forward)
                };
                if let Kind::Equality { direction, .. } | Kind::Scale { direction, .. } = &mut self.constraints[c].kind
                {
                    *direction = chosen;
                }
            }
        }
    }

    /// The variables c reads, in AWFY's order (none for a unary constraint).
    fn inputs(&self, c: ConstraintId) -> Vec<VarId> {
        match self.constraints[c].kind {
            Kind::Stay { .. } | Kind::Edit { .. } => Vec::new(),
            Kind::Equality { v1, v2, direction } => {
                vec![if direction == Some(Direction::Forward) { v1 } else { v2 }]
            }
            Kind::Scale { v1, v2, scale, offset, direction } => {
                vec![if direction == Some(Direction::Forward) { v1 } else { v2 }, scale, offset]
            }
        }
    }

    /// Whether every input is known: marked, stay, or determined by nothing.
    fn inputs_known(&self, c: ConstraintId, mark: u32) -> bool {
        !self.inputs(c).into_iter().any(|v| {
            let v = &self.variables[v];
            !(v.mark == mark || v.stay || v.determined_by.is_none())
        })
    }

    fn output(&self, c: ConstraintId) -> VarId {
        match self.constraints[c].kind {
            Kind::Stay { output, .. } | Kind::Edit { output, .. } => output,
            Kind::Equality { v1, v2, direction } | Kind::Scale { v1, v2, direction, .. } => {
                if direction == Some(Direction::Forward) { v2 } else { v1 }
            }
        }
    }

    fn mark_unsatisfied(&mut self, c: ConstraintId) {
        match &mut self.constraints[c].kind {
            Kind::Stay { satisfied, .. } | Kind::Edit { satisfied, .. } => *satisfied = false,
            Kind::Equality { direction, .. } | Kind::Scale { direction, .. } => *direction = None,
        }
    }

    /// Tries to satisfy c, and answers the constraint it overrides, if any.
    fn satisfy(&mut self, c: ConstraintId, mark: u32) -> Option<ConstraintId> {
        self.choose_method(c, mark);
        if !self.is_satisfied(c) {
            assert!(self.constraints[c].strength != REQUIRED, "Could not satisfy a required constraint");
            return None;
        }
        // Mark the inputs, so that add_propagate detects cycles.
        for v in self.inputs(c) {
            self.variables[v].mark = mark;
        }
        let out = self.output(c);
        let overridden = self.variables[out].determined_by;
        if let Some(overridden) = overridden {
            self.mark_unsatisfied(overridden);
        }
        self.variables[out].determined_by = Some(c);
        assert!(self.add_propagate(c, mark), "Cycle encountered");
        self.variables[out].mark = mark;
        overridden
    }

    /// Calculates the walkabout strength, the stay flag and, if it is a
    /// stay, the value of c's output, c being satisfied.
    fn recalculate(&mut self, c: ConstraintId) {
        let strength = self.constraints[c].strength;
        match self.constraints[c].kind {
            Kind::Stay { output, .. } | Kind::Edit { output, .. } => {
                self.variables[output].walk_strength = strength;
                self.variables[output].stay = !self.is_input(c);
                if self.variables[output].stay {
                    self.execute(c);
                }
            }
            Kind::Equality { v1, v2, direction } | Kind::Scale { v1, v2, direction, .. } => {
                let (input, output) = if direction == Some(Direction::Forward) { (v1, v2) } else { (v2, v1) };
                self.variables[output].walk_strength = strength.weakest(self.variables[input].walk_strength);
                let mut stay = self.variables[input].stay;
                if let Kind::Scale { scale, offset, .. } = self.constraints[c].kind {
                    stay = stay && self.variables[scale].stay && self.variables[offset].stay;
                }
                self.variables[output].stay = stay;
                if stay {
                    self.execute(c);
                }
            }
        }
    }

    fn execute(&mut self, c: ConstraintId) {
        match self.constraints[c].kind {
            // Stay and edit constraints do nothing.
            Kind::Stay { .. } | Kind::Edit { .. } => {}
            Kind::Equality { v1, v2, direction } => {
                if direction == Some(Direction::Forward) {
                    self.variables[v2].value = self.variables[v1].value;
                } else {
                    self.variables[v1].value = self.variables[v2].value;
                }
            }
            Kind::Scale { v1, v2, scale, offset, direction } => {
                let (scale, offset) = (self.variables[scale].value, self.variables[offset].value);
                if direction == Some(Direction::Forward) {
                    self.variables[v2].value = self.variables[v1].value * scale + offset;
                } else {
                    self.variables[v1].value = (self.variables[v2].value - offset) / scale;
                }
            }
        }
    }

    fn execute_plan(&mut self, plan: &Plan) {
        for &c in plan {
            self.execute(c);
        }
    }

    // The planner's own operations.

    /// Satisfies the new constraint c, then any constraints it overrides.
    fn incremental_add(&mut self, c: ConstraintId) {
        let mark = self.new_mark();
        let mut overridden = self.satisfy(c, mark);
        while let Some(next) = overridden {
            overridden = self.satisfy(next, mark);
        }
    }

    /// Removes c and re-satisfies, strongest first, the constraints that
    /// depended on what it determined.
    fn incremental_remove(&mut self, c: ConstraintId) {
        let out = self.output(c);
        self.mark_unsatisfied(c);
        self.remove_from_graph(c);
        let unsatisfied = self.remove_propagate_from(out);
        for u in unsatisfied {
            self.incremental_add(u);
        }
    }

    fn extract_plan_from_constraints(&mut self, constraints: &[ConstraintId]) -> Plan {
        let sources: VecDeque<ConstraintId> =
            constraints.iter().copied().filter(|&c| self.is_input(c) && self.is_satisfied(c)).collect();
        self.make_plan(sources)
    }

    fn make_plan(&mut self, sources: VecDeque<ConstraintId>) -> Plan {
        let mark = self.new_mark();
        let mut plan = Plan::new();
        let mut todo = sources;
        while let Some(c) = todo.pop_front() {
            let out = self.output(c);
            if self.variables[out].mark != mark && self.inputs_known(c, mark) {
                plan.push(c);
                self.variables[out].mark = mark;
                self.add_constraints_consuming_to(out, &mut todo);
            }
        }
        plan
    }

    /// Recomputes walkabout strengths and stay flags downstream of c, and
    /// the values of stay variables. On a cycle, removes c and answers false.
    fn add_propagate(&mut self, c: ConstraintId, mark: u32) -> bool {
        let mut todo = VecDeque::from([c]);
        while let Some(d) = todo.pop_front() {
            if self.variables[self.output(d)].mark == mark {
                self.incremental_remove(c);
                return false;
            }
            self.recalculate(d);
            self.add_constraints_consuming_to(self.output(d), &mut todo);
        }
        true
    }

    /// Sets variable to new_value through an edit constraint and a plan.
    fn change(&mut self, variable: VarId, new_value: f64) {
        let edit = self.edit(variable, PREFERRED);
        let plan = self.extract_plan_from_constraints(&[edit]);
        for _ in 0..10 {
            self.variables[variable].value = new_value;
            self.execute_plan(&plan);
        }
        self.destroy_constraint(edit);
    }

    /// The satisfied constraints that read v, other than the one that
    /// determines it.
    fn constraints_consuming(&self, v: VarId) -> impl Iterator<Item = ConstraintId> + '_ {
        let determining = self.variables[v].determined_by;
        self.variables[v].constraints.iter().copied().filter(move |&c| Some(c) != determining && self.is_satisfied(c))
    }

    fn add_constraints_consuming_to(&self, v: VarId, collection: &mut VecDeque<ConstraintId>) {
        collection.extend(self.constraints_consuming(v));
    }

    fn new_mark(&mut self) -> u32 {
        self.current_mark += 1;
        self.current_mark
    }

    /// Updates walkabout strengths and stay flags downstream of out, which
    /// lost its determining constraint; answers the unsatisfied constraints
    /// found there, strongest first.
    fn remove_propagate_from(&mut self, out: VarId) -> Vec<ConstraintId> {
        let mut unsatisfied = Vec::new();
        self.variables[out].determined_by = None;
        self.variables[out].walk_strength = ABSOLUTE_WEAKEST;
        self.variables[out].stay = true;
        let mut todo = VecDeque::from([out]);
        while let Some(v) = todo.pop_front() {
            for &c in &self.variables[v].constraints {
                if !self.is_satisfied(c) {
                    unsatisfied.push(c);
                }
            }
            let consuming: Vec<ConstraintId> = self.constraints_consuming(v).collect();
            for c in consuming {
                self.recalculate(c);
                todo.push_back(self.output(c));
            }
        }
        let strength = |c: ConstraintId| self.constraints[c].strength;
        // A stable sort, as the Lox program's insertion sort.
        unsatisfied.sort_by(|&c1, &c2| {
            if strength(c1).stronger(strength(c2)) {
                std::cmp::Ordering::Less
            } else if strength(c2).stronger(strength(c1)) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        });
        unsatisfied
    }
}

/// The chain test; answers the size of the plan.
fn chain_test(n: usize) -> usize {
    let mut planner = Planner::new();
    let vars: Vec<VarId> = (0..=n).map(|_| planner.variable(0.0)).collect();
    for i in 0..n {
        planner.equality(vars[i], vars[i + 1], REQUIRED);
    }
    planner.stay(vars[n], STRONG_DEFAULT);
    let edit = planner.edit(vars[0], PREFERRED);
    let plan = planner.extract_plan_from_constraints(&[edit]);
    for i in 0..100 {
        planner.variables[vars[0]].value = f64::from(i);
        planner.execute_plan(&plan);
        assert!(planner.variables[vars[n]].value == f64::from(i), "Chain test failed!");
    }
    planner.destroy_constraint(edit);
    plan.len()
}

/// The projection test.
fn projection_test(n: usize) {
    let mut planner = Planner::new();
    let scale = planner.variable(10.0);
    let offset = planner.variable(1000.0);
    let mut src = None;
    let mut dst = None;
    let mut dests = Vec::new();
    for i in 0..n {
        let s = planner.variable(i as f64);
        let d = planner.variable(i as f64);
        dests.push(d);
        planner.stay(s, DEFAULT);
        planner.scale(s, scale, offset, d, REQUIRED);
        src = Some(s);
        dst = Some(d);
    }
    let (src, dst) = (src.expect("n > 0"), dst.expect("n > 0"));
    planner.change(src, 17.0);
    assert!(planner.variables[dst].value == 1170.0, "Projection test 1 failed");
    planner.change(dst, 1050.0);
    assert!(planner.variables[src].value == 5.0, "Projection test 2 failed");
    planner.change(scale, 5.0);
    for (i, &d) in dests.iter().enumerate().take(n - 1) {
        assert!(planner.variables[d].value == (i * 5 + 1000) as f64, "Projection test 3 failed");
    }
    planner.change(offset, 2000.0);
    for (i, &d) in dests.iter().enumerate().take(n - 1) {
        assert!(planner.variables[d].value == (i * 5 + 2000) as f64, "Projection test 4 failed");
    }
}

pub fn run(n: u64) -> String {
    let n = n as usize;
    let plan_size = chain_test(n);
    projection_test(n);
    format!("{plan_size}\ntrue\n")
}
