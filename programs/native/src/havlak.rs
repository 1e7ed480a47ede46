//! Twin of havlak.lox: AWFY's Havlak loop recognition, run as the Lox
//! program runs it: main(1, 0, N, 10, 5).
//!
//! Blocks are kept by name in a `Vec` (AWFY's Vector keyed by name), union-
//! find nodes and loops in `Vec`s and linked by index. AWFY's Set and
//! IdentitySet are `Vec`s searched in order, as AWFY's are; its
//! IdentityDictionary is written out below, a hash table of chained entries
//! whose bucket count doubles when full. The depth-first search keeps an
//! explicit stack, as the Lox program does.

type BlockId = usize;
type LoopId = usize;

struct BasicBlock {
    in_edges: Vec<BlockId>,
    out_edges: Vec<BlockId>,
}

#[derive(Default)]
#[allow(dead_code, reason = "AWFY's graph keeps its edges; the benchmark never reads them")]
struct ControlFlowGraph {
    /// Blocks by name; a name not created yet is `None`.
    basic_block_map: Vec<Option<BasicBlock>>,
    start_node: Option<BlockId>,
    edge_list: Vec<(BlockId, BlockId)>,
}

impl ControlFlowGraph {
    fn create_node(&mut self, name: BlockId) -> BlockId {
        if name >= self.basic_block_map.len() {
            self.basic_block_map.resize_with(name + 1, || None);
        }
        if self.basic_block_map[name].is_none() {
            self.basic_block_map[name] = Some(BasicBlock { in_edges: Vec::new(), out_edges: Vec::new() });
        }
        if self.num_nodes() == 1 {
            self.start_node = Some(name);
        }
        name
    }

    /// An edge, made along with any block that does not exist yet.
    fn add_edge(&mut self, from_name: BlockId, to_name: BlockId) {
        let from = self.create_node(from_name);
        let to = self.create_node(to_name);
        self.block_mut(from).out_edges.push(to);
        self.block_mut(to).in_edges.push(from);
        self.edge_list.push((from, to));
    }

    fn block(&self, name: BlockId) -> &BasicBlock {
        self.basic_block_map[name].as_ref().expect("the block exists")
    }

    fn block_mut(&mut self, name: BlockId) -> &mut BasicBlock {
        self.basic_block_map[name].as_mut().expect("the block exists")
    }

    fn num_nodes(&self) -> usize {
        self.basic_block_map.len()
    }
}

/// AWFY's Set: a vector of distinct elements, searched in order.
fn set_add(set: &mut Vec<usize>, element: usize) {
    if !set.contains(&element) {
        set.push(element);
    }
}

#[allow(dead_code, reason = "AWFY's loops record these for their users; the benchmark never reads them")]
struct SimpleLoop {
    counter: usize,
    depth_level: usize,
    parent: Option<LoopId>,
    is_root: bool,
    nesting_level: usize,
    header: Option<BlockId>,
    is_reducible: bool,
    basic_blocks: Vec<BlockId>,
    children: Vec<LoopId>,
}

struct LoopStructureGraph {
    loops: Vec<SimpleLoop>,
    loop_counter: usize,
}

impl LoopStructureGraph {
    fn new() -> LoopStructureGraph {
        let mut lsg = LoopStructureGraph { loops: Vec::new(), loop_counter: 0 };
        let root = lsg.create_new_loop(None, true);
        lsg.loops[root].is_root = true;
        lsg.loops[root].nesting_level = 0;
        lsg
    }

    const ROOT: LoopId = 0;

    fn create_new_loop(&mut self, bb: Option<BlockId>, is_reducible: bool) -> LoopId {
        let mut basic_blocks = Vec::new();
        if let Some(bb) = bb {
            set_add(&mut basic_blocks, bb);
        }
        self.loops.push(SimpleLoop {
            counter: self.loop_counter,
            depth_level: 0,
            parent: None,
            is_root: false,
            nesting_level: 0,
            header: bb,
            is_reducible,
            basic_blocks,
            children: Vec::new(),
        });
        self.loop_counter += 1;
        self.loops.len() - 1
    }

    fn set_parent(&mut self, child: LoopId, parent: LoopId) {
        self.loops[child].parent = Some(parent);
        set_add(&mut self.loops[parent].children, child);
    }

    fn calculate_nesting_level(&mut self) {
        // Link every outermost loop to the artificial root.
        for each in 0..self.loops.len() {
            if !self.loops[each].is_root && self.loops[each].parent.is_none() {
                self.set_parent(each, Self::ROOT);
            }
        }
        self.calculate_nesting_level_rec(Self::ROOT, 0);
    }

    fn calculate_nesting_level_rec(&mut self, each: LoopId, depth: usize) {
        self.loops[each].depth_level = depth;
        for i in 0..self.loops[each].children.len() {
            let child = self.loops[each].children[i];
            self.calculate_nesting_level_rec(child, depth + 1);
            let level = self.loops[each].nesting_level.max(1 + self.loops[child].nesting_level);
            self.loops[each].nesting_level = level;
        }
    }

    fn num_loops(&self) -> usize {
        self.loops.len()
    }
}

/// One entry of an IdentityDictionary bucket's chain.
struct Entry {
    hash: usize,
    key: BlockId,
    value: usize,
    next: Option<usize>,
}

/// AWFY's IdentityDictionary from blocks to numbers: chained buckets, their
/// count a power of two that doubles when there are more entries than
/// buckets. A block's hash is its name.
struct IdentityDictionary {
    buckets: Vec<Option<usize>>,
    entries: Vec<Entry>,
    size: usize,
}

impl IdentityDictionary {
    fn new() -> IdentityDictionary {
        IdentityDictionary { buckets: vec![None; 16], entries: Vec::new(), size: 0 }
    }

    fn at(&self, key: BlockId) -> Option<usize> {
        let hash = key;
        let mut entry = self.buckets[hash & (self.buckets.len() - 1)];
        while let Some(e) = entry {
            if self.entries[e].hash == hash && self.entries[e].key == key {
                return Some(self.entries[e].value);
            }
            entry = self.entries[e].next;
        }
        None
    }

    fn at_put(&mut self, key: BlockId, value: usize) {
        let hash = key;
        let i = hash & (self.buckets.len() - 1);
        match self.buckets[i] {
            None => {
                self.buckets[i] = Some(self.new_entry(hash, key, value));
                self.size += 1;
            }
            Some(head) => self.insert_bucket_entry(key, value, hash, head),
        }
        if self.size > self.buckets.len() {
            self.resize();
        }
    }

    fn new_entry(&mut self, hash: usize, key: BlockId, value: usize) -> usize {
        self.entries.push(Entry { hash, key, value, next: None });
        self.entries.len() - 1
    }

    fn insert_bucket_entry(&mut self, key: BlockId, value: usize, hash: usize, head: usize) {
        let mut current = head;
        loop {
            if self.entries[current].hash == hash && self.entries[current].key == key {
                self.entries[current].value = value;
                return;
            }
            match self.entries[current].next {
                None => {
                    self.size += 1;
                    let entry = self.new_entry(hash, key, value);
                    self.entries[current].next = Some(entry);
                    return;
                }
                Some(next) => current = next,
            }
        }
    }

    fn resize(&mut self) {
        let old_storage = std::mem::take(&mut self.buckets);
        let old_count = old_storage.len();
        self.buckets = vec![None; old_count * 2];
        for (i, &head) in old_storage.iter().enumerate() {
            let Some(current) = head else { continue };
            if self.entries[current].next.is_none() {
                let index = self.entries[current].hash & (self.buckets.len() - 1);
                self.buckets[index] = Some(current);
            } else {
                self.split_bucket(old_count, i, current);
            }
        }
    }

    /// Splits the chain of old bucket i between buckets i and i + old_count.
    fn split_bucket(&mut self, old_count: usize, i: usize, head: usize) {
        let mut lo: (Option<usize>, Option<usize>) = (None, None);
        let mut hi: (Option<usize>, Option<usize>) = (None, None);
        let mut current = Some(head);
        while let Some(c) = current {
            let half = if self.entries[c].hash & old_count == 0 { &mut lo } else { &mut hi };
            match half.1 {
                None => half.0 = Some(c),
                Some(tail) => self.entries[tail].next = Some(c),
            }
            half.1 = Some(c);
            current = self.entries[c].next;
        }
        if let (Some(head), Some(tail)) = lo {
            self.entries[tail].next = None;
            self.buckets[i] = Some(head);
        }
        if let (Some(head), Some(tail)) = hi {
            self.entries[tail].next = None;
            self.buckets[i + old_count] = Some(head);
        }
    }

    fn remove_all(&mut self) {
        self.buckets = vec![None; self.buckets.len()];
        self.entries.clear();
        self.size = 0;
    }
}

#[derive(Clone, Copy, PartialEq)]
enum BlockClass {
    NonHeader,
    Reducible,
    SelfLoop,
    Irreducible,
    Dead,
}

#[derive(Clone, Copy)]
struct UnionFindNode {
    parent: usize,
    bb: Option<BlockId>,
    loop_: Option<LoopId>,
    dfs_number: usize,
}

/// A block not reached yet (Java's Integer.MAX_VALUE).
const UNVISITED: usize = 2147483647;

/// Past this many non-back predecessors the algorithm gives up.
const MAXNONBACKPREDS: usize = 32 * 1024;

#[allow(dead_code, reason = "AWFY's finder records each block's loop header; the benchmark never reads them")]
struct HavlakLoopFinder<'a> {
    cfg: &'a ControlFlowGraph,
    lsg: &'a mut LoopStructureGraph,
    non_back_preds: Vec<Vec<usize>>,
    back_preds: Vec<Vec<usize>>,
    number: IdentityDictionary,
    max_size: usize,
    header: Vec<usize>,
    kind: Vec<BlockClass>,
    last: Vec<usize>,
    nodes: Vec<UnionFindNode>,
}

/// The representative of node's set, with path compression: the nodes on the
/// way get the first node's parent.
fn find_set(nodes: &mut [UnionFindNode], start: usize) -> usize {
    let mut node_list = Vec::new();
    let mut node = start;
    while node != nodes[node].parent {
        let parent = nodes[node].parent;
        if parent != nodes[parent].parent {
            node_list.push(node);
        }
        node = parent;
    }
    let parent = nodes[start].parent;
    for each in node_list {
        nodes[each].parent = parent;
    }
    node
}

impl<'a> HavlakLoopFinder<'a> {
    fn new(cfg: &'a ControlFlowGraph, lsg: &'a mut LoopStructureGraph) -> HavlakLoopFinder<'a> {
        HavlakLoopFinder {
            cfg,
            lsg,
            non_back_preds: Vec::new(),
            back_preds: Vec::new(),
            number: IdentityDictionary::new(),
            max_size: 0,
            header: Vec::new(),
            kind: Vec::new(),
            last: Vec::new(),
            nodes: Vec::new(),
        }
    }

    /// Whether w is an ancestor of v in the depth-first spanning tree.
    fn is_ancestor(&self, w: usize, v: usize) -> bool {
        w <= v && v <= self.last[w]
    }

    fn init_node(&mut self, number: usize, bb: BlockId) {
        self.nodes[number] = UnionFindNode { parent: number, bb: Some(bb), loop_: None, dfs_number: number };
        self.number.at_put(bb, number);
    }

    /// Numbers the blocks reachable from start in depth-first preorder from
    /// current on, recording the last number in each one's subtree.
    fn do_dfs(&mut self, start: BlockId, current: usize) -> usize {
        let cfg = self.cfg;
        self.init_node(current, start);
        let mut last_id = current;
        // The explicit stack: (block, its number, its next out edge).
        let mut stack = vec![(start, current, 0)];
        while let Some(frame) = stack.last_mut() {
            let (block, dfs_number, next_edge) = *frame;
            let out_edges = &cfg.block(block).out_edges;
            if next_edge < out_edges.len() {
                let target = out_edges[next_edge];
                frame.2 += 1;
                if self.number.at(target) == Some(UNVISITED) {
                    last_id += 1;
                    self.init_node(last_id, target);
                    stack.push((target, last_id, 0));
                }
            } else {
                self.last[dfs_number] = last_id;
                stack.pop();
            }
        }
        last_id
    }

    fn init_all_nodes(&mut self) {
        // Step a: every block unvisited, then depth-first numbering.
        for name in 0..self.cfg.basic_block_map.len() {
            if self.cfg.basic_block_map[name].is_some() {
                self.number.at_put(name, UNVISITED);
            }
        }
        self.do_dfs(self.cfg.start_node.expect("the graph has a start"), 0);
    }

    fn identify_edges(&mut self, size: usize) {
        // Step b: back edges come from descendants, other edges from
        // non-descendants.
        for w in 0..size {
            self.header[w] = 0;
            self.kind[w] = BlockClass::NonHeader;
            match self.nodes[w].bb {
                None => self.kind[w] = BlockClass::Dead,
                Some(node_w) => self.process_edges(node_w, w),
            }
        }
    }

    fn process_edges(&mut self, node_w: BlockId, w: usize) {
        let cfg = self.cfg;
        for &node_v in &cfg.block(node_w).in_edges {
            let v = self.number.at(node_v).expect("every block is numbered");
            if v != UNVISITED {
                if self.is_ancestor(w, v) {
                    self.back_preds[w].push(v);
                } else {
                    set_add(&mut self.non_back_preds[w], v);
                }
            }
        }
    }

    fn find_loops(&mut self) {
        if self.cfg.start_node.is_none() {
            return;
        }
        let size = self.cfg.num_nodes();
        self.non_back_preds.clear();
        self.back_preds.clear();
        self.number.remove_all();
        if size > self.max_size {
            self.header = vec![0; size];
            self.kind = vec![BlockClass::NonHeader; size];
            self.last = vec![0; size];
            self.nodes = vec![UnionFindNode { parent: 0, bb: None, loop_: None, dfs_number: 0 }; size];
            self.max_size = size;
        }
        for i in 0..size {
            self.non_back_preds.push(Vec::new());
            self.back_preds.push(Vec::new());
            self.nodes[i] = UnionFindNode { parent: 0, bb: None, loop_: None, dfs_number: 0 };
        }
        self.init_all_nodes();
        self.identify_edges(size);

        // The start node is the root of all other loops.
        self.header[0] = 0;

        // Step c: for each header w, innermost first, collect its loop's body
        // by chasing backwards from its back edges' sources.
        for w in (0..size).rev() {
            let Some(node_w) = self.nodes[w].bb else { continue };
            // This is 'P' in Havlak's paper.
            let mut node_pool = Vec::new();
            self.step_d(w, &mut node_pool);

            let mut work_list: std::collections::VecDeque<usize> = node_pool.iter().copied().collect();
            if !node_pool.is_empty() {
                self.kind[w] = BlockClass::Reducible;
            }

            while let Some(x) = work_list.pop_front() {
                // Step e: a predecessor that is not a descendant of w is
                // another way into the loop, which is then irreducible.
                let non_back_size = self.non_back_preds[self.nodes[x].dfs_number].len();
                if non_back_size > MAXNONBACKPREDS {
                    return;
                }
                self.step_e_process_non_back_preds(w, &mut node_pool, &mut work_list, x);
            }

            // Collapse the loop's body into one node, and record the loop.
            if !node_pool.is_empty() || self.kind[w] == BlockClass::SelfLoop {
                let each = self.lsg.create_new_loop(Some(node_w), self.kind[w] != BlockClass::Irreducible);
                self.set_loop_attributes(w, &node_pool, each);
            }
        }
    }

    fn step_e_process_non_back_preds(
        &mut self,
        w: usize,
        node_pool: &mut Vec<usize>,
        work_list: &mut std::collections::VecDeque<usize>,
        x: usize,
    ) {
        let x_number = self.nodes[x].dfs_number;
        let mut k = 0;
        while k < self.non_back_preds[x_number].len() {
            let predecessor = self.non_back_preds[x_number][k];
            let ydash = find_set(&mut self.nodes, predecessor);
            let ydash_number = self.nodes[ydash].dfs_number;
            if !self.is_ancestor(w, ydash_number) {
                self.kind[w] = BlockClass::Irreducible;
                set_add(&mut self.non_back_preds[w], ydash_number);
            } else if ydash_number != w && !node_pool.contains(&ydash) {
                work_list.push_back(ydash);
                node_pool.push(ydash);
            }
            k += 1;
        }
    }

    fn set_loop_attributes(&mut self, w: usize, node_pool: &[usize], each: LoopId) {
        self.nodes[w].loop_ = Some(each);
        for &node in node_pool {
            self.header[self.nodes[node].dfs_number] = w;
            self.nodes[node].parent = w;
            // Nested loops are not added but linked.
            match self.nodes[node].loop_ {
                Some(inner) => self.lsg.set_parent(inner, each),
                None => {
                    let bb = self.nodes[node].bb.expect("a live block");
                    set_add(&mut self.lsg.loops[each].basic_blocks, bb);
                }
            }
        }
    }

    fn step_d(&mut self, w: usize, node_pool: &mut Vec<usize>) {
        for i in 0..self.back_preds[w].len() {
            let v = self.back_preds[w][i];
            if v != w {
                node_pool.push(find_set(&mut self.nodes, v));
            } else {
                self.kind[w] = BlockClass::SelfLoop;
            }
        }
    }
}

struct LoopTesterApp {
    cfg: ControlFlowGraph,
    lsg: LoopStructureGraph,
}

impl LoopTesterApp {
    fn new() -> LoopTesterApp {
        let mut app = LoopTesterApp { cfg: ControlFlowGraph::default(), lsg: LoopStructureGraph::new() };
        app.cfg.create_node(0);
        app
    }

    /// A diamond from start; answers the block where its branches join.
    fn build_diamond(&mut self, start: usize) -> usize {
        let bb0 = start;
        self.cfg.add_edge(bb0, bb0 + 1);
        self.cfg.add_edge(bb0, bb0 + 2);
        self.cfg.add_edge(bb0 + 1, bb0 + 3);
        self.cfg.add_edge(bb0 + 2, bb0 + 3);
        bb0 + 3
    }

    fn build_connect(&mut self, start: usize, end: usize) {
        self.cfg.add_edge(start, end);
    }

    fn build_straight(&mut self, start: usize, n: usize) -> usize {
        for i in 0..n {
            self.build_connect(start + i, start + i + 1);
        }
        start + n
    }

    /// A loop around two diamonds, each of them a loop too.
    fn build_base_loop(&mut self, from: usize) -> usize {
        let header = self.build_straight(from, 1);
        let diamond1 = self.build_diamond(header);
        let d11 = self.build_straight(diamond1, 1);
        let diamond2 = self.build_diamond(d11);
        let footer = self.build_straight(diamond2, 1);
        self.build_connect(diamond2, d11);
        self.build_connect(diamond1, header);
        self.build_connect(footer, from);
        self.build_straight(footer, 1)
    }

    fn construct_simple_cfg(&mut self) {
        self.cfg.create_node(0);
        self.build_base_loop(0);
        self.cfg.create_node(1);
        self.cfg.add_edge(0, 2);
    }

    fn construct_cfg(&mut self, par_loops: usize, ppar_loops: usize, ppp_loops: usize) {
        let mut n = 2;
        for _ in 0..par_loops {
            self.cfg.create_node(n + 1);
            self.build_connect(2, n + 1);
            n += 1;
            for _ in 0..ppar_loops {
                let top = n;
                n = self.build_straight(n, 1);
                for _ in 0..ppp_loops {
                    n = self.build_base_loop(n);
                }
                let bottom = self.build_straight(n, 1);
                self.build_connect(n, top);
                n = bottom;
            }
            self.build_connect(n, 1);
        }
    }

    fn find_loops(cfg: &ControlFlowGraph, lsg: &mut LoopStructureGraph) {
        HavlakLoopFinder::new(cfg, lsg).find_loops();
    }

    /// Answers the number of loops found and the number of blocks.
    fn main(
        &mut self,
        num_dummy_loops: usize,
        find_loop_iterations: usize,
        par_loops: usize,
        ppar_loops: usize,
        ppp_loops: usize,
    ) -> (usize, usize) {
        self.construct_simple_cfg();
        for _ in 0..num_dummy_loops {
            Self::find_loops(&self.cfg, &mut self.lsg);
        }
        self.construct_cfg(par_loops, ppar_loops, ppp_loops);
        Self::find_loops(&self.cfg, &mut self.lsg);
        for _ in 0..find_loop_iterations {
            Self::find_loops(&self.cfg, &mut LoopStructureGraph::new());
        }
        self.lsg.calculate_nesting_level();
        (self.lsg.num_loops(), self.cfg.num_nodes())
    }
}

/// The results known for N nests of loops, as in the Lox program.
fn verify_result(num_loops: usize, num_nodes: usize, nests: u64) -> Option<bool> {
    match nests {
        10 => Some(num_loops == 1605 && num_nodes == 5213),
        1 => Some(num_loops == 165 && num_nodes == 524),
        _ => None,
    }
}

pub fn run(n: u64) -> String {
    let (num_loops, num_nodes) = LoopTesterApp::new().main(1, 0, n as usize, 10, 5);
    match verify_result(num_loops, num_nodes, n) {
        Some(right) => format!("{num_loops}\n{num_nodes}\n{right}\n"),
        None => format!("{num_loops}\n{num_nodes}\nno result known for this size\nfalse\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awfy_results_for_dummy_loops() {
        // AWFY's verifyResult for 1 and 15 inner iterations, with its graph.
        assert_eq!(LoopTesterApp::new().main(1, 0, 10, 10, 5), (1605, 5213));
        assert_eq!(LoopTesterApp::new().main(15, 1, 10, 10, 5), (1647, 5213));
    }
}
