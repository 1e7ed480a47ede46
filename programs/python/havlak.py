"""Twin of havlak.lox: AWFY's Havlak loop recognition.

As in the Lox program, this runs main(1, 0, N, 10, 5): one dummy loop, one
search, N nests of loops (N = 10 is AWFY's graph). AWFY's Vector, Set and
IdentityDictionary are written out below over Python lists, where the Lox
program builds them over its own tree-shaped arrays (Lox has no arrays), and
the depth-first search keeps an explicit stack, as the Lox program does.
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

    def at_put(self, index, value):
        while len(self.storage) <= index:
            self.storage.append(None)
        self.storage[index] = value

    def append(self, element):
        self.storage.append(element)

    def is_empty(self):
        return len(self.storage) == self.first_idx

    def size(self):
        return len(self.storage) - self.first_idx

    def for_each(self, fn):
        for i in range(self.first_idx, len(self.storage)):
            fn(self.storage[i])

    def has_some(self, fn):
        for i in range(self.first_idx, len(self.storage)):
            if fn(self.storage[i]):
                return True
        return False

    def remove_first(self):
        if self.is_empty():
            return None
        self.first_idx = self.first_idx + 1
        return self.storage[self.first_idx - 1]

    def remove_all(self):
        self.storage = []
        self.first_idx = 0


class Set:
    """AWFY's Set: a Vector of distinct elements, searched in order."""

    def __init__(self):
        self.items = Vector()

    def for_each(self, fn):
        self.items.for_each(fn)

    def has_some(self, fn):
        return self.items.has_some(fn)

    def add(self, obj):
        if not self.contains(obj):
            self.items.append(obj)

    def contains(self, obj):
        def same(element):
            return element == obj

        return self.items.has_some(same)

    def size(self):
        return self.items.size()


class DictEntry:
    def __init__(self, hash_value, key, value, next_entry):
        self.hash = hash_value
        self.key = key
        self.value = value
        self.next = next_entry


class IdentityDictionary:
    """AWFY's IdentityDictionary: chained buckets, doubled when full."""

    def __init__(self):
        self.buckets = [None] * 16
        self.count = 0

    def at(self, key):
        hash_value = key.custom_hash()
        entry = self.buckets[hash_value & (len(self.buckets) - 1)]
        while entry is not None:
            if entry.hash == hash_value and entry.key is key:
                return entry.value
            entry = entry.next
        return None

    def at_put(self, key, value):
        hash_value = key.custom_hash()
        i = hash_value & (len(self.buckets) - 1)
        current = self.buckets[i]
        if current is None:
            self.buckets[i] = DictEntry(hash_value, key, value, None)
            self.count = self.count + 1
        else:
            self.insert_bucket_entry(key, value, hash_value, current)
        if self.count > len(self.buckets):
            self.resize()

    def insert_bucket_entry(self, key, value, hash_value, head):
        current = head
        while True:
            if current.hash == hash_value and current.key is key:
                current.value = value
                return
            if current.next is None:
                self.count = self.count + 1
                current.next = DictEntry(hash_value, key, value, None)
                return
            current = current.next

    def resize(self):
        old_storage = self.buckets
        old_count = len(old_storage)
        self.buckets = [None] * (old_count * 2)
        for i in range(old_count):
            current = old_storage[i]
            if current is not None:
                old_storage[i] = None
                if current.next is None:
                    self.buckets[current.hash & (len(self.buckets) - 1)] = current
                else:
                    self.split_bucket(old_count, i, current)

    def split_bucket(self, old_count, i, head):
        lo_head = None
        lo_tail = None
        hi_head = None
        hi_tail = None
        current = head
        while current is not None:
            if (current.hash & old_count) == 0:
                if lo_tail is None:
                    lo_head = current
                else:
                    lo_tail.next = current
                lo_tail = current
            else:
                if hi_tail is None:
                    hi_head = current
                else:
                    hi_tail.next = current
                hi_tail = current
            current = current.next
        if lo_tail is not None:
            lo_tail.next = None
            self.buckets[i] = lo_head
        if hi_tail is not None:
            hi_tail.next = None
            self.buckets[i + old_count] = hi_head

    def remove_all(self):
        self.buckets = [None] * len(self.buckets)
        self.count = 0


class BasicBlock:
    def __init__(self, name):
        self.name = name
        self.in_edges = Vector()
        self.out_edges = Vector()

    def num_pred(self):
        return self.in_edges.size()

    def add_out_edge(self, to):
        self.out_edges.append(to)

    def add_in_edge(self, source):
        self.in_edges.append(source)

    def custom_hash(self):
        return self.name


class BasicBlockEdge:
    def __init__(self, cfg, from_name, to_name):
        self.source = cfg.create_node(from_name)
        self.to = cfg.create_node(to_name)
        self.source.add_out_edge(self.to)
        self.to.add_in_edge(self.source)
        cfg.add_edge(self)


class ControlFlowGraph:
    def __init__(self):
        self.basic_block_map = Vector()
        self.start_node = None
        self.edge_list = Vector()

    def create_node(self, name):
        node = self.basic_block_map.at(name)
        if node is None:
            node = BasicBlock(name)
            self.basic_block_map.at_put(name, node)
        if self.num_nodes() == 1:
            self.start_node = node
        return node

    def add_edge(self, edge):
        self.edge_list.append(edge)

    def num_nodes(self):
        return self.basic_block_map.size()


class SimpleLoop:
    def __init__(self, bb, is_reducible):
        self.counter = 0
        self.depth_level = 0
        self.parent = None
        self.is_root = False
        self.nesting_level = 0
        self.header = bb
        self.is_reducible = is_reducible
        self.basic_blocks = Set()
        self.children = Set()
        if bb is not None:
            self.basic_blocks.add(bb)

    def add_node(self, bb):
        self.basic_blocks.add(bb)

    def add_child_loop(self, loop):
        self.children.add(loop)

    def set_parent(self, parent):
        self.parent = parent
        parent.add_child_loop(self)

    def set_nesting_level(self, level):
        self.nesting_level = level
        if level == 0:
            self.is_root = True


class LoopStructureGraph:
    def __init__(self):
        self.loop_counter = 0
        self.loops = Vector()
        self.root = SimpleLoop(None, True)
        self.root.set_nesting_level(0)
        self.root.counter = self.loop_counter
        self.loop_counter = self.loop_counter + 1
        self.loops.append(self.root)

    def create_new_loop(self, bb, is_reducible):
        loop = SimpleLoop(bb, is_reducible)
        loop.counter = self.loop_counter
        self.loop_counter = self.loop_counter + 1
        self.loops.append(loop)
        return loop

    def calculate_nesting_level(self):
        root = self.root

        def link_to_root(loop):
            if not loop.is_root and loop.parent is None:
                loop.set_parent(root)

        self.loops.for_each(link_to_root)
        self.calculate_nesting_level_rec(self.root, 0)

    def calculate_nesting_level_rec(self, loop, depth):
        loop.depth_level = depth

        def visit_child(child):
            self.calculate_nesting_level_rec(child, depth + 1)
            if loop.nesting_level < 1 + child.nesting_level:
                loop.nesting_level = 1 + child.nesting_level

        loop.children.for_each(visit_child)

    def num_loops(self):
        return self.loops.size()


class UnionFindNode:
    def __init__(self):
        self.parent = None
        self.bb = None
        self.loop = None
        self.dfs_number = 0

    def init_node(self, bb, dfs_number):
        self.parent = self
        self.bb = bb
        self.dfs_number = dfs_number
        self.loop = None

    def find_set(self):
        node_list = Vector()
        node = self
        while node is not node.parent:
            if node.parent is not node.parent.parent:
                node_list.append(node)
            node = node.parent
        parent = self.parent

        def compress(each):
            each.union(parent)

        node_list.for_each(compress)
        return node

    def union(self, node):
        self.parent = node


BB_TOP = 0
BB_NONHEADER = 1
BB_REDUCIBLE = 2
BB_SELF = 3
BB_IRREDUCIBLE = 4
BB_DEAD = 5
BB_LAST = 6

UNVISITED = 2147483647
MAXNONBACKPREDS = 32768


class DfsFrame:
    def __init__(self, block, dfs_number, caller):
        self.block = block
        self.dfs_number = dfs_number
        self.next_edge = 0
        self.caller = caller


class HavlakLoopFinder:
    def __init__(self, cfg, lsg):
        self.cfg = cfg
        self.lsg = lsg
        self.non_back_preds = Vector()
        self.back_preds = Vector()
        self.number = IdentityDictionary()
        self.max_size = 0
        self.header = None
        self.type = None
        self.last = None
        self.nodes = None

    def is_ancestor(self, w, v):
        return w <= v and v <= self.last[w]

    def do_dfs(self, start, current):
        self.nodes[current].init_node(start, current)
        self.number.at_put(start, current)
        last_id = current
        frame = DfsFrame(start, current, None)
        while frame is not None:
            out_edges = frame.block.out_edges
            if frame.next_edge < out_edges.size():
                target = out_edges.at(frame.next_edge)
                frame.next_edge = frame.next_edge + 1
                if self.number.at(target) == UNVISITED:
                    last_id = last_id + 1
                    self.nodes[last_id].init_node(target, last_id)
                    self.number.at_put(target, last_id)
                    frame = DfsFrame(target, last_id, frame)
            else:
                self.last[frame.dfs_number] = last_id
                frame = frame.caller
        return last_id

    def init_all_nodes(self):
        number = self.number

        def mark_unvisited(bb):
            number.at_put(bb, UNVISITED)

        self.cfg.basic_block_map.for_each(mark_unvisited)
        self.do_dfs(self.cfg.start_node, 0)

    def identify_edges(self, size):
        for w in range(size):
            self.header[w] = 0
            self.type[w] = BB_NONHEADER
            node_w = self.nodes[w].bb
            if node_w is None:
                self.type[w] = BB_DEAD
            else:
                self.process_edges(node_w, w)

    def process_edges(self, node_w, w):
        if node_w.num_pred() > 0:

            def classify(node_v):
                v = self.number.at(node_v)
                if v != UNVISITED:
                    if self.is_ancestor(w, v):
                        self.back_preds.at(w).append(v)
                    else:
                        self.non_back_preds.at(w).add(v)

            node_w.in_edges.for_each(classify)

    def find_loops(self):
        if self.cfg.start_node is None:
            return
        size = self.cfg.num_nodes()
        self.non_back_preds.remove_all()
        self.back_preds.remove_all()
        self.number.remove_all()
        if size > self.max_size:
            self.header = [0] * size
            self.type = [0] * size
            self.last = [0] * size
            self.nodes = [None] * size
            self.max_size = size
        for i in range(size):
            self.non_back_preds.append(Set())
            self.back_preds.append(Vector())
            self.nodes[i] = UnionFindNode()
        self.init_all_nodes()
        self.identify_edges(size)
        self.header[0] = 0

        for w in range(size - 1, -1, -1):
            node_pool = Vector()
            node_w = self.nodes[w].bb
            if node_w is not None:
                self.step_d(w, node_pool)

                work_list = Vector()

                def copy_to_work_list(node):
                    work_list.append(node)

                node_pool.for_each(copy_to_work_list)
                if node_pool.size() != 0:
                    self.type[w] = BB_REDUCIBLE

                while not work_list.is_empty():
                    x = work_list.remove_first()
                    non_back_size = self.non_back_preds.at(x.dfs_number).size()
                    if non_back_size > MAXNONBACKPREDS:
                        return
                    self.step_e_process_non_back_preds(w, node_pool, work_list, x)

                if node_pool.size() > 0 or self.type[w] == BB_SELF:
                    loop = self.lsg.create_new_loop(node_w, self.type[w] != BB_IRREDUCIBLE)
                    self.set_loop_attributes(w, node_pool, loop)

    def step_e_process_non_back_preds(self, w, node_pool, work_list, x):
        def process(predecessor):
            y = self.nodes[predecessor]
            ydash = y.find_set()
            if not self.is_ancestor(w, ydash.dfs_number):
                self.type[w] = BB_IRREDUCIBLE
                self.non_back_preds.at(w).add(ydash.dfs_number)
            elif ydash.dfs_number != w:

                def is_ydash(node):
                    return node is ydash

                if not node_pool.has_some(is_ydash):
                    work_list.append(ydash)
                    node_pool.append(ydash)

        self.non_back_preds.at(x.dfs_number).for_each(process)

    def set_loop_attributes(self, w, node_pool, loop):
        node_w = self.nodes[w]
        node_w.loop = loop

        def add_to_loop(node):
            self.header[node.dfs_number] = w
            node.union(node_w)
            if node.loop is not None:
                node.loop.set_parent(loop)
            else:
                loop.add_node(node.bb)

        node_pool.for_each(add_to_loop)

    def step_d(self, w, node_pool):
        def collect(v):
            if v != w:
                node_pool.append(self.nodes[v].find_set())
            else:
                self.type[w] = BB_SELF

        self.back_preds.at(w).for_each(collect)


class LoopTesterApp:
    def __init__(self):
        self.cfg = ControlFlowGraph()
        self.lsg = LoopStructureGraph()
        self.cfg.create_node(0)
        self.num_loops = 0
        self.num_nodes = 0

    def build_diamond(self, start):
        bb0 = start
        BasicBlockEdge(self.cfg, bb0, bb0 + 1)
        BasicBlockEdge(self.cfg, bb0, bb0 + 2)
        BasicBlockEdge(self.cfg, bb0 + 1, bb0 + 3)
        BasicBlockEdge(self.cfg, bb0 + 2, bb0 + 3)
        return bb0 + 3

    def build_connect(self, start, end):
        BasicBlockEdge(self.cfg, start, end)

    def build_straight(self, start, n):
        for i in range(n):
            self.build_connect(start + i, start + i + 1)
        return start + n

    def build_base_loop(self, source):
        header = self.build_straight(source, 1)
        diamond1 = self.build_diamond(header)
        d11 = self.build_straight(diamond1, 1)
        diamond2 = self.build_diamond(d11)
        footer = self.build_straight(diamond2, 1)
        self.build_connect(diamond2, d11)
        self.build_connect(diamond1, header)
        self.build_connect(footer, source)
        footer = self.build_straight(footer, 1)
        return footer

    def construct_simple_cfg(self):
        self.cfg.create_node(0)
        self.build_base_loop(0)
        self.cfg.create_node(1)
        BasicBlockEdge(self.cfg, 0, 2)

    def add_dummy_loops(self, num_dummy_loops):
        for _ in range(num_dummy_loops):
            self.find_loops(self.lsg)

    def construct_cfg(self, par_loops, ppar_loops, ppp_loops):
        n = 2
        for _ in range(par_loops):
            self.cfg.create_node(n + 1)
            self.build_connect(2, n + 1)
            n = n + 1
            for _ in range(ppar_loops):
                top = n
                n = self.build_straight(n, 1)
                for _ in range(ppp_loops):
                    n = self.build_base_loop(n)
                bottom = self.build_straight(n, 1)
                self.build_connect(n, top)
                n = bottom
            self.build_connect(n, 1)

    def find_loops(self, loop_structure):
        finder = HavlakLoopFinder(self.cfg, loop_structure)
        finder.find_loops()

    def main(self, num_dummy_loops, find_loop_iterations, par_loops, ppar_loops, ppp_loops):
        self.construct_simple_cfg()
        self.add_dummy_loops(num_dummy_loops)
        self.construct_cfg(par_loops, ppar_loops, ppp_loops)
        self.find_loops(self.lsg)
        for _ in range(find_loop_iterations):
            self.find_loops(LoopStructureGraph())
        self.lsg.calculate_nesting_level()
        self.num_loops = self.lsg.num_loops()
        self.num_nodes = self.cfg.num_nodes()


def verify_result(num_loops, num_nodes, nests):
    """The results known for N nests of loops, as in the Lox program."""
    if nests == 10:
        return num_loops == 1605 and num_nodes == 5213
    if nests == 1:
        return num_loops == 165 and num_nodes == 524
    print("no result known for this size")
    return False


def run(nests):
    app = LoopTesterApp()
    app.main(1, 0, nests, 10, 5)
    print(app.num_loops)
    print(app.num_nodes)
    print("true" if verify_result(app.num_loops, app.num_nodes, nests) else "false")


run(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
