"""Twin of deltablue.lox: AWFY's DeltaBlue incremental constraint solver.

The Vector below has AWFY's Vector operations over a Python list, where the
Lox program builds its own tree-shaped Vector (Lox has no arrays); closures
are passed to for_each as in the Lox program.
"""

import sys


class Vector:
    """AWFY's Vector: the elements of a list from first_idx on."""

    def __init__(self):
        self.storage = []
        self.first_idx = 0

    def at(self, index):
        if index >= len(self.storage):
            return None
        return self.storage[index]

    def append(self, element):
        self.storage.append(element)

    def is_empty(self):
        return len(self.storage) == self.first_idx

    def size(self):
        return len(self.storage) - self.first_idx

    def for_each(self, fn):
        for i in range(self.first_idx, len(self.storage)):
            fn(self.storage[i])

    def remove_first(self):
        if self.is_empty():
            return None
        self.first_idx = self.first_idx + 1
        return self.storage[self.first_idx - 1]

    def remove(self, obj):
        """Removes every occurrence of obj; says whether there was one."""
        kept = [e for e in self.storage[self.first_idx :] if e is not obj]
        found = len(kept) != self.size()
        self.storage = kept
        self.first_idx = 0
        return found

    def sort(self, comparator):
        """Stable insertion sort, as in the Lox program."""
        storage = self.storage
        for i in range(self.first_idx + 1, len(storage)):
            element = storage[i]
            j = i - 1
            while j >= self.first_idx and comparator(storage[j], element) > 0:
                storage[j + 1] = storage[j]
                j = j - 1
            storage[j + 1] = element


class Strength:
    """A constraint's strength: a smaller arithmetic value is stronger."""

    def __init__(self, arithmetic_value):
        self.arithmetic_value = arithmetic_value

    def same_as(self, other):
        return self.arithmetic_value == other.arithmetic_value

    def stronger(self, other):
        return self.arithmetic_value < other.arithmetic_value

    def weaker(self, other):
        return self.arithmetic_value > other.arithmetic_value

    def strongest(self, other):
        if other.stronger(self):
            return other
        return self

    def weakest(self, other):
        if other.weaker(self):
            return other
        return self


ABSOLUTE_STRONGEST = Strength(-10000)
REQUIRED = Strength(-800)
STRONG_PREFERRED = Strength(-600)
PREFERRED = Strength(-400)
STRONG_DEFAULT = Strength(-200)
DEFAULT = Strength(0)
WEAK_DEFAULT = Strength(500)
ABSOLUTE_WEAKEST = Strength(10000)

FORWARD = 1
BACKWARD = 2


def compare_strength(c1, c2):
    if c1.strength.stronger(c2.strength):
        return -1
    if c2.strength.stronger(c1.strength):
        return 1
    return 0


class AbstractConstraint:
    def __init__(self, strength):
        self.strength = strength

    def is_input(self):
        return False

    def add_constraint(self, planner):
        self.add_to_graph()
        planner.incremental_add(self)

    def destroy_constraint(self, planner):
        if self.is_satisfied():
            planner.incremental_remove(self)
        self.remove_from_graph()

    def inputs_known(self, mark):
        def is_unknown(v):
            return not (v.mark == mark or v.stay or v.determined_by is None)

        return not self.inputs_has_one(is_unknown)

    def satisfy(self, mark, planner):
        self.choose_method(mark)
        if not self.is_satisfied():
            if self.strength.same_as(REQUIRED):
                raise RuntimeError("Could not satisfy a required constraint")
            return None

        def mark_input(v):
            v.mark = mark

        self.inputs_do(mark_input)
        out = self.get_output()
        overridden = out.determined_by
        if overridden is not None:
            overridden.mark_unsatisfied()
        out.determined_by = self
        if not planner.add_propagate(self, mark):
            raise RuntimeError("Cycle encountered")
        out.mark = mark
        return overridden


class UnaryConstraint(AbstractConstraint):
    def __init__(self, v, strength, planner):
        super().__init__(strength)
        self.output = v
        self.satisfied = False
        self.add_constraint(planner)

    def add_to_graph(self):
        self.output.add_constraint(self)
        self.satisfied = False

    def choose_method(self, mark):
        self.satisfied = self.output.mark != mark and self.strength.stronger(self.output.walk_strength)

    def is_satisfied(self):
        return self.satisfied

    def mark_unsatisfied(self):
        self.satisfied = False

    def get_output(self):
        return self.output

    def recalculate(self):
        self.output.walk_strength = self.strength
        self.output.stay = not self.is_input()
        if self.output.stay:
            self.execute()

    def inputs_do(self, fn):
        pass

    def inputs_has_one(self, fn):
        return False

    def remove_from_graph(self):
        if self.output is not None:
            self.output.remove_constraint(self)
        self.satisfied = False


class StayConstraint(UnaryConstraint):
    def execute(self):
        pass


class EditConstraint(UnaryConstraint):
    def is_input(self):
        return True

    def execute(self):
        pass


class BinaryConstraint(AbstractConstraint):
    def __init__(self, v1, v2, strength, planner):
        super().__init__(strength)
        self.v1 = v1
        self.v2 = v2
        self.direction = None

    def is_satisfied(self):
        return self.direction is not None

    def add_to_graph(self):
        self.v1.add_constraint(self)
        self.v2.add_constraint(self)
        self.direction = None

    def remove_from_graph(self):
        if self.v1 is not None:
            self.v1.remove_constraint(self)
        if self.v2 is not None:
            self.v2.remove_constraint(self)
        self.direction = None

    def choose_method(self, mark):
        if self.v1.mark == mark:
            if self.v2.mark != mark and self.strength.stronger(self.v2.walk_strength):
                self.direction = FORWARD
            else:
                self.direction = None
            return
        if self.v2.mark == mark:
            if self.v1.mark != mark and self.strength.stronger(self.v1.walk_strength):
                self.direction = BACKWARD
            else:
                self.direction = None
            return
        if self.v1.walk_strength.weaker(self.v2.walk_strength):
            if self.strength.stronger(self.v1.walk_strength):
                self.direction = BACKWARD
            else:
                self.direction = None
        else:
            if self.strength.stronger(self.v2.walk_strength):
                self.direction = FORWARD
            else:
                self.direction = None

    def inputs_do(self, fn):
        if self.direction == FORWARD:
            fn(self.v1)
        else:
            fn(self.v2)

    def inputs_has_one(self, fn):
        if self.direction == FORWARD:
            return fn(self.v1)
        return fn(self.v2)

    def mark_unsatisfied(self):
        self.direction = None

    def get_output(self):
        if self.direction == FORWARD:
            return self.v2
        return self.v1

    def recalculate(self):
        if self.direction == FORWARD:
            source = self.v1
            output = self.v2
        else:
            source = self.v2
            output = self.v1
        output.walk_strength = self.strength.weakest(source.walk_strength)
        output.stay = source.stay
        if output.stay:
            self.execute()


class EqualityConstraint(BinaryConstraint):
    def __init__(self, v1, v2, strength, planner):
        super().__init__(v1, v2, strength, planner)
        self.add_constraint(planner)

    def execute(self):
        if self.direction == FORWARD:
            self.v2.value = self.v1.value
        else:
            self.v1.value = self.v2.value


class ScaleConstraint(BinaryConstraint):
    def __init__(self, src, scale, offset, dest, strength, planner):
        super().__init__(src, dest, strength, planner)
        self.scale = scale
        self.offset = offset
        self.add_constraint(planner)

    def add_to_graph(self):
        self.v1.add_constraint(self)
        self.v2.add_constraint(self)
        self.scale.add_constraint(self)
        self.offset.add_constraint(self)
        self.direction = None

    def remove_from_graph(self):
        if self.v1 is not None:
            self.v1.remove_constraint(self)
        if self.v2 is not None:
            self.v2.remove_constraint(self)
        if self.scale is not None:
            self.scale.remove_constraint(self)
        if self.offset is not None:
            self.offset.remove_constraint(self)
        self.direction = None

    def execute(self):
        if self.direction == FORWARD:
            self.v2.value = self.v1.value * self.scale.value + self.offset.value
        else:
            # The Lox program divides doubles; every quotient here is exact.
            self.v1.value = (self.v2.value - self.offset.value) / self.scale.value

    def inputs_do(self, fn):
        if self.direction == FORWARD:
            fn(self.v1)
        else:
            fn(self.v2)
        fn(self.scale)
        fn(self.offset)

    def inputs_has_one(self, fn):
        if self.direction == FORWARD:
            return fn(self.v1) or fn(self.scale) or fn(self.offset)
        return fn(self.v2) or fn(self.scale) or fn(self.offset)

    def recalculate(self):
        if self.direction == FORWARD:
            source = self.v1
            output = self.v2
        else:
            output = self.v1
            source = self.v2
        output.walk_strength = self.strength.weakest(source.walk_strength)
        output.stay = source.stay and self.scale.stay and self.offset.stay
        if output.stay:
            self.execute()


class Variable:
    def __init__(self, value):
        self.value = value
        self.constraints = Vector()
        self.determined_by = None
        self.walk_strength = ABSOLUTE_WEAKEST
        self.stay = True
        self.mark = 0

    def add_constraint(self, constraint):
        self.constraints.append(constraint)

    def remove_constraint(self, constraint):
        self.constraints.remove(constraint)
        if self.determined_by is constraint:
            self.determined_by = None


class Plan(Vector):
    def execute(self):
        def execute_one(constraint):
            constraint.execute()

        self.for_each(execute_one)


class Planner:
    def __init__(self):
        self.current_mark = 1

    def incremental_add(self, c):
        mark = self.new_mark()
        overridden = c.satisfy(mark, self)
        while overridden is not None:
            overridden = overridden.satisfy(mark, self)

    def incremental_remove(self, c):
        out = c.get_output()
        c.mark_unsatisfied()
        c.remove_from_graph()
        unsatisfied = self.remove_propagate_from(out)

        def add(u):
            self.incremental_add(u)

        unsatisfied.for_each(add)

    def extract_plan_from_constraints(self, constraints):
        sources = Vector()

        def add_source(c):
            if c.is_input() and c.is_satisfied():
                sources.append(c)

        constraints.for_each(add_source)
        return self.make_plan(sources)

    def make_plan(self, sources):
        mark = self.new_mark()
        plan = Plan()
        todo = sources
        while not todo.is_empty():
            c = todo.remove_first()
            if c.get_output().mark != mark and c.inputs_known(mark):
                plan.append(c)
                c.get_output().mark = mark
                self.add_constraints_consuming_to(c.get_output(), todo)
        return plan

    def add_propagate(self, c, mark):
        todo = Vector()
        todo.append(c)
        while not todo.is_empty():
            d = todo.remove_first()
            if d.get_output().mark == mark:
                self.incremental_remove(c)
                return False
            d.recalculate()
            self.add_constraints_consuming_to(d.get_output(), todo)
        return True

    def change(self, variable, new_value):
        edit_c = EditConstraint(variable, PREFERRED, self)
        edit_v = Vector()
        edit_v.append(edit_c)
        plan = self.extract_plan_from_constraints(edit_v)
        for _ in range(10):
            variable.value = new_value
            plan.execute()
        edit_c.destroy_constraint(self)

    def constraints_consuming(self, v, fn):
        determining_c = v.determined_by

        def each(c):
            if c is not determining_c and c.is_satisfied():
                fn(c)

        v.constraints.for_each(each)

    def add_constraints_consuming_to(self, v, collection):
        determining_c = v.determined_by

        def each(c):
            if c is not determining_c and c.is_satisfied():
                collection.append(c)

        v.constraints.for_each(each)

    def new_mark(self):
        self.current_mark = self.current_mark + 1
        return self.current_mark

    def remove_propagate_from(self, out):
        unsatisfied = Vector()
        out.determined_by = None
        out.walk_strength = ABSOLUTE_WEAKEST
        out.stay = True
        todo = Vector()
        todo.append(out)

        def collect_unsatisfied(c):
            if not c.is_satisfied():
                unsatisfied.append(c)

        def recalculate(c):
            c.recalculate()
            todo.append(c.get_output())

        while not todo.is_empty():
            v = todo.remove_first()
            v.constraints.for_each(collect_unsatisfied)
            self.constraints_consuming(v, recalculate)
        unsatisfied.sort(compare_strength)
        return unsatisfied


def chain_test(n):
    planner = Planner()
    variables = [None] * (n + 1)
    for i in range(n + 1):
        variables[i] = Variable(0)
    for i in range(n):
        EqualityConstraint(variables[i], variables[i + 1], REQUIRED, planner)
    StayConstraint(variables[n], STRONG_DEFAULT, planner)
    edit_c = EditConstraint(variables[0], PREFERRED, planner)
    edit_v = Vector()
    edit_v.append(edit_c)
    plan = planner.extract_plan_from_constraints(edit_v)
    first = variables[0]
    last = variables[n]
    for i in range(100):
        first.value = i
        plan.execute()
        if last.value != i:
            raise RuntimeError("Chain test failed!")
    edit_c.destroy_constraint(planner)
    return plan.size()


def projection_test(n):
    planner = Planner()
    scale = Variable(10)
    offset = Variable(1000)
    src = None
    dst = None
    dests = Vector()
    for i in range(n):
        src = Variable(i)
        dst = Variable(i)
        dests.append(dst)
        StayConstraint(src, DEFAULT, planner)
        ScaleConstraint(src, scale, offset, dst, REQUIRED, planner)
    planner.change(src, 17)
    if dst.value != 1170:
        raise RuntimeError("Projection test 1 failed")
    planner.change(dst, 1050)
    if src.value != 5:
        raise RuntimeError("Projection test 2 failed")
    planner.change(scale, 5)
    for i in range(n - 1):
        if dests.at(i).value != i * 5 + 1000:
            raise RuntimeError("Projection test 3 failed")
    planner.change(offset, 2000)
    for i in range(n - 1):
        if dests.at(i).value != i * 5 + 2000:
            raise RuntimeError("Projection test 4 failed")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    print(chain_test(n))
    projection_test(n)
    print("true")


main()
