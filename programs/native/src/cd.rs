//! Twin of cd.lox: AWFY's CD, collision detection for aircraft.
//!
//! The red-black trees keep their nodes in a `Vec` and link them by index
//! (each node has a parent link); AWFY's Vectors are `Vec`s, and a voxel's
//! motions are indices into the frame's motions. The sine, cosine and square
//! root are cd.lox's own ([`crate::math`]), so that both compute the same
//! doubles.

use crate::math::{cos, sin, sqrt};

const MIN_X: f64 = 0.0;
const MIN_Y: f64 = 0.0;
const MAX_X: f64 = 1000.0;
const MAX_Y: f64 = 1000.0;
const MIN_Z: f64 = 0.0;
const MAX_Z: f64 = 10.0;
const PROXIMITY_RADIUS: f64 = 1.0;
const GOOD_VOXEL_SIZE: f64 = PROXIMITY_RADIUS * 2.0;

/// Keys of a red-black tree: negative, zero or positive as in Java.
trait CompareTo {
    fn compare_to(&self, other: &Self) -> i32;
}

/// Orders numbers, with NaN below every other number.
fn compare_numbers(a: f64, b: f64) -> i32 {
    if a == b {
        return 0;
    }
    if a < b {
        return -1;
    }
    if a > b {
        return 1;
    }
    if a.is_nan() { -1 } else { 1 }
}

#[derive(Clone, Copy)]
struct Vector2D {
    x: f64,
    y: f64,
}

impl Vector2D {
    fn plus(self, other: Vector2D) -> Vector2D {
        Vector2D { x: self.x + other.x, y: self.y + other.y }
    }

    fn minus(self, other: Vector2D) -> Vector2D {
        Vector2D { x: self.x - other.x, y: self.y - other.y }
    }
}

impl CompareTo for Vector2D {
    fn compare_to(&self, other: &Vector2D) -> i32 {
        let result = compare_numbers(self.x, other.x);
        if result != 0 {
            return result;
        }
        compare_numbers(self.y, other.y)
    }
}

#[derive(Clone, Copy)]
struct Vector3D {
    x: f64,
    y: f64,
    z: f64,
}

impl Vector3D {
    fn plus(self, other: Vector3D) -> Vector3D {
        Vector3D { x: self.x + other.x, y: self.y + other.y, z: self.z + other.z }
    }

    fn minus(self, other: Vector3D) -> Vector3D {
        Vector3D { x: self.x - other.x, y: self.y - other.y, z: self.z - other.z }
    }

    fn dot(self, other: Vector3D) -> f64 {
        self.x * other.x + self.y * other.y + self.z * other.z
    }

    fn squared_magnitude(self) -> f64 {
        self.dot(self)
    }

    fn magnitude(self) -> f64 {
        sqrt(self.squared_magnitude())
    }

    fn times(self, amount: f64) -> Vector3D {
        Vector3D { x: self.x * amount, y: self.y * amount, z: self.z * amount }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Color {
    Red,
    Black,
}

struct RbNode<K, V> {
    key: K,
    value: V,
    left: Option<usize>,
    right: Option<usize>,
    parent: Option<usize>,
    color: Color,
}

/// A red-black tree (after Cormen, Leiserson, Rivest and Stein).
struct RedBlackTree<K, V> {
    nodes: Vec<RbNode<K, V>>,
    root: Option<usize>,
}

impl<K: CompareTo, V: Clone> RedBlackTree<K, V> {
    fn new() -> RedBlackTree<K, V> {
        RedBlackTree { nodes: Vec::new(), root: None }
    }

    fn color(&self, node: Option<usize>) -> Color {
        node.map_or(Color::Black, |n| self.nodes[n].color)
    }

    fn parent(&self, node: usize) -> usize {
        self.nodes[node].parent.expect("the node has a parent")
    }

    /// Maps key to value; answers the value it replaced, if any.
    fn put(&mut self, key: K, value: V) -> Option<V> {
        let mut x = match self.tree_insert(key, value) {
            Err(old_value) => return Some(old_value),
            Ok(new_node) => new_node,
        };
        while Some(x) != self.root && self.color(self.nodes[x].parent) == Color::Red {
            let parent = self.parent(x);
            let grandparent = self.parent(parent);
            if Some(parent) == self.nodes[grandparent].left {
                let y = self.nodes[grandparent].right;
                if self.color(y) == Color::Red {
                    // Case 1: the uncle is red; recolour and go up.
                    self.nodes[parent].color = Color::Black;
                    self.nodes[y.expect("a red node")].color = Color::Black;
                    self.nodes[grandparent].color = Color::Red;
                    x = grandparent;
                } else {
                    if Some(x) == self.nodes[parent].right {
                        // Case 2: rotate into case 3.
                        x = parent;
                        self.left_rotate(x);
                    }
                    // Case 3.
                    let parent = self.parent(x);
                    let grandparent = self.parent(parent);
                    self.nodes[parent].color = Color::Black;
                    self.nodes[grandparent].color = Color::Red;
                    self.right_rotate(grandparent);
                }
            } else {
                let y = self.nodes[grandparent].left;
                if self.color(y) == Color::Red {
                    self.nodes[parent].color = Color::Black;
                    self.nodes[y.expect("a red node")].color = Color::Black;
                    self.nodes[grandparent].color = Color::Red;
                    x = grandparent;
                } else {
                    if Some(x) == self.nodes[parent].left {
                        x = parent;
                        self.right_rotate(x);
                    }
                    let parent = self.parent(x);
                    let grandparent = self.parent(parent);
                    self.nodes[parent].color = Color::Black;
                    self.nodes[grandparent].color = Color::Red;
                    self.left_rotate(grandparent);
                }
            }
        }
        let root = self.root.expect("the tree is not empty");
        self.nodes[root].color = Color::Black;
        None
    }

    /// Removes key; answers its value, if it was there.
    fn remove(&mut self, key: &K) -> Option<V> {
        let z = self.find_node(key)?;
        // y is the node to unlink: z itself, or its successor.
        let y = if self.nodes[z].left.is_none() || self.nodes[z].right.is_none() {
            z
        } else {
            self.successor(z).expect("a node with two children has a successor")
        };
        // x is y's only child (maybe none), which takes y's place.
        let x = self.nodes[y].left.or(self.nodes[y].right);
        let x_parent = self.nodes[y].parent;
        if let Some(x) = x {
            self.nodes[x].parent = x_parent;
        }
        match self.nodes[y].parent {
            None => self.root = x,
            Some(p) if self.nodes[p].left == Some(y) => self.nodes[p].left = x,
            Some(p) => self.nodes[p].right = x,
        }

        if y != z {
            if self.nodes[y].color == Color::Black {
                self.remove_fixup(x, x_parent);
            }
            // y takes z's place in the tree.
            self.nodes[y].parent = self.nodes[z].parent;
            self.nodes[y].color = self.nodes[z].color;
            self.nodes[y].left = self.nodes[z].left;
            self.nodes[y].right = self.nodes[z].right;
            if let Some(left) = self.nodes[z].left {
                self.nodes[left].parent = Some(y);
            }
            if let Some(right) = self.nodes[z].right {
                self.nodes[right].parent = Some(y);
            }
            match self.nodes[z].parent {
                Some(p) if self.nodes[p].left == Some(z) => self.nodes[p].left = Some(y),
                Some(p) => self.nodes[p].right = Some(y),
                None => self.root = Some(y),
            }
        } else if self.nodes[y].color == Color::Black {
            self.remove_fixup(x, x_parent);
        }
        Some(self.nodes[z].value.clone())
    }

    fn get(&self, key: &K) -> Option<&V> {
        self.find_node(key).map(|node| &self.nodes[node].value)
    }

    fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.find_node(key).map(|node| &mut self.nodes[node].value)
    }

    /// Calls f(key, value) for every entry in key order.
    fn for_each(&self, mut f: impl FnMut(&K, &V)) {
        let Some(root) = self.root else { return };
        let mut current = Some(self.tree_minimum(root));
        while let Some(node) = current {
            f(&self.nodes[node].key, &self.nodes[node].value);
            current = self.successor(node);
        }
    }

    fn tree_minimum(&self, x: usize) -> usize {
        let mut current = x;
        while let Some(left) = self.nodes[current].left {
            current = left;
        }
        current
    }

    /// The next node in key order.
    fn successor(&self, node: usize) -> Option<usize> {
        if let Some(right) = self.nodes[node].right {
            return Some(self.tree_minimum(right));
        }
        let mut x = node;
        let mut y = self.nodes[x].parent;
        while let Some(parent) = y {
            if self.nodes[parent].right != Some(x) {
                break;
            }
            x = parent;
            y = self.nodes[parent].parent;
        }
        y
    }

    fn find_node(&self, key: &K) -> Option<usize> {
        let mut current = self.root;
        while let Some(node) = current {
            let comparison = key.compare_to(&self.nodes[node].key);
            if comparison == 0 {
                return Some(node);
            }
            current = if comparison < 0 { self.nodes[node].left } else { self.nodes[node].right };
        }
        None
    }

    /// Inserts a new node (Ok) or replaces an old value (Err with it).
    fn tree_insert(&mut self, key: K, value: V) -> Result<usize, V> {
        let mut y = None;
        let mut x = self.root;
        while let Some(node) = x {
            y = Some(node);
            let comparison = key.compare_to(&self.nodes[node].key);
            if comparison < 0 {
                x = self.nodes[node].left;
            } else if comparison > 0 {
                x = self.nodes[node].right;
            } else {
                return Err(std::mem::replace(&mut self.nodes[node].value, value));
            }
        }
        let goes_left = y.map(|parent| key.compare_to(&self.nodes[parent].key) < 0);
        self.nodes.push(RbNode { key, value, left: None, right: None, parent: y, color: Color::Red });
        let z = self.nodes.len() - 1;
        match (y, goes_left) {
            (Some(parent), Some(true)) => self.nodes[parent].left = Some(z),
            (Some(parent), _) => self.nodes[parent].right = Some(z),
            (None, _) => self.root = Some(z),
        }
        Ok(z)
    }

    fn left_rotate(&mut self, x: usize) -> usize {
        let y = self.nodes[x].right.expect("a left rotation needs a right child");
        // y's left subtree becomes x's right subtree.
        self.nodes[x].right = self.nodes[y].left;
        if let Some(left) = self.nodes[y].left {
            self.nodes[left].parent = Some(x);
        }
        // x's parent becomes y's.
        self.nodes[y].parent = self.nodes[x].parent;
        match self.nodes[x].parent {
            None => self.root = Some(y),
            Some(p) if self.nodes[p].left == Some(x) => self.nodes[p].left = Some(y),
            Some(p) => self.nodes[p].right = Some(y),
        }
        // x goes on y's left.
        self.nodes[y].left = Some(x);
        self.nodes[x].parent = Some(y);
        y
    }

    fn right_rotate(&mut self, y: usize) -> usize {
        let x = self.nodes[y].left.expect("a right rotation needs a left child");
        // x's right subtree becomes y's left subtree.
        self.nodes[y].left = self.nodes[x].right;
        if let Some(right) = self.nodes[x].right {
            self.nodes[right].parent = Some(y);
        }
        // y's parent becomes x's.
        self.nodes[x].parent = self.nodes[y].parent;
        match self.nodes[y].parent {
            None => self.root = Some(x),
            Some(p) if self.nodes[p].left == Some(y) => self.nodes[p].left = Some(x),
            Some(p) => self.nodes[p].right = Some(x),
        }
        // y goes on x's right.
        self.nodes[x].right = Some(y);
        self.nodes[y].parent = Some(x);
        x
    }

    /// Restores the red-black properties after a black node was unlinked
    /// above x (which may be none, so its parent is passed too).
    fn remove_fixup(&mut self, mut x: Option<usize>, mut x_parent: Option<usize>) {
        while x != self.root && self.color(x) == Color::Black {
            let parent = x_parent.expect("a node below the root has a parent");
            if x == self.nodes[parent].left {
                // w, x's sibling, exists: the tree's properties require it.
                let mut w = self.nodes[parent].right.expect("a sibling");
                if self.nodes[w].color == Color::Red {
                    // Case 1.
                    self.nodes[w].color = Color::Black;
                    self.nodes[parent].color = Color::Red;
                    self.left_rotate(parent);
                    w = self.nodes[parent].right.expect("a sibling");
                }
                if self.color(self.nodes[w].left) == Color::Black && self.color(self.nodes[w].right) == Color::Black {
                    // Case 2.
                    self.nodes[w].color = Color::Red;
                    x = Some(parent);
                    x_parent = self.nodes[parent].parent;
                } else {
                    if self.color(self.nodes[w].right) == Color::Black {
                        // Case 3.
                        let left = self.nodes[w].left.expect("a red child");
                        self.nodes[left].color = Color::Black;
                        self.nodes[w].color = Color::Red;
                        self.right_rotate(w);
                        w = self.nodes[parent].right.expect("a sibling");
                    }
                    // Case 4.
                    self.nodes[w].color = self.nodes[parent].color;
                    self.nodes[parent].color = Color::Black;
                    if let Some(right) = self.nodes[w].right {
                        self.nodes[right].color = Color::Black;
                    }
                    self.left_rotate(parent);
                    x = self.root;
                    x_parent = x.and_then(|root| self.nodes[root].parent);
                }
            } else {
                // The same, with left and right exchanged.
                let mut w = self.nodes[parent].left.expect("a sibling");
                if self.nodes[w].color == Color::Red {
                    self.nodes[w].color = Color::Black;
                    self.nodes[parent].color = Color::Red;
                    self.right_rotate(parent);
                    w = self.nodes[parent].left.expect("a sibling");
                }
                if self.color(self.nodes[w].right) == Color::Black && self.color(self.nodes[w].left) == Color::Black {
                    self.nodes[w].color = Color::Red;
                    x = Some(parent);
                    x_parent = self.nodes[parent].parent;
                } else {
                    if self.color(self.nodes[w].left) == Color::Black {
                        let right = self.nodes[w].right.expect("a red child");
                        self.nodes[right].color = Color::Black;
                        self.nodes[w].color = Color::Red;
                        self.left_rotate(w);
                        w = self.nodes[parent].left.expect("a sibling");
                    }
                    self.nodes[w].color = self.nodes[parent].color;
                    self.nodes[parent].color = Color::Black;
                    if let Some(left) = self.nodes[w].left {
                        self.nodes[left].color = Color::Black;
                    }
                    self.right_rotate(parent);
                    x = self.root;
                    x_parent = x.and_then(|root| self.nodes[root].parent);
                }
            }
        }
        if let Some(x) = x {
            self.nodes[x].color = Color::Black;
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
struct CallSign(u32);

impl CompareTo for CallSign {
    fn compare_to(&self, other: &CallSign) -> i32 {
        if self.0 == other.0 {
            return 0;
        }
        if self.0 < other.0 { -1 } else { 1 }
    }
}

#[allow(dead_code, reason = "AWFY's collisions record these; the benchmark only counts them")]
struct Collision {
    aircraft_a: CallSign,
    aircraft_b: CallSign,
    position: Vector3D,
}

struct Aircraft {
    callsign: CallSign,
    position: Vector3D,
}

/// An aircraft's move during one frame, from pos_one to pos_two.
struct Motion {
    callsign: CallSign,
    pos_one: Vector3D,
    pos_two: Vector3D,
}

impl Motion {
    fn delta(&self) -> Vector3D {
        self.pos_two.minus(self.pos_one)
    }

    /// Where self and other come within the proximity radius during the
    /// frame (see cd.lox).
    fn find_intersection(&self, other: &Motion) -> Option<Vector3D> {
        let init1 = self.pos_one;
        let init2 = other.pos_one;
        let vec1 = self.delta();
        let vec2 = other.delta();
        let radius = PROXIMITY_RADIUS;

        let a = vec2.minus(vec1).squared_magnitude();
        if a != 0.0 {
            let b = 2.0 * init1.minus(init2).dot(vec1.minus(vec2));
            let c = -radius * radius + init2.minus(init1).squared_magnitude();
            let discr = b * b - 4.0 * a * c;
            if discr < 0.0 {
                return None;
            }
            let v1 = (-b - sqrt(discr)) / (2.0 * a);
            let v2 = (-b + sqrt(discr)) / (2.0 * a);
            if v1 <= v2 && ((v1 <= 1.0 && 1.0 <= v2) || (v1 <= 0.0 && 0.0 <= v2) || (0.0 <= v1 && v2 <= 1.0)) {
                // Report the collision at the frame's start if it began
                // earlier, else at the moment it began.
                let v = if v1 <= 0.0 { 0.0 } else { v1 };
                let result1 = init1.plus(vec1.times(v));
                let result2 = init2.plus(vec2.times(v));
                let result = result1.plus(result2).times(0.5);
                if result.x >= MIN_X
                    && result.x <= MAX_X
                    && result.y >= MIN_Y
                    && result.y <= MAX_Y
                    && result.z >= MIN_Z
                    && result.z <= MAX_Z
                {
                    return Some(result);
                }
            }
            return None;
        }

        // Parallel at the same speed (or still): the distance never changes.
        let dist = init2.minus(init1).magnitude();
        if dist <= radius {
            return Some(init1.plus(init2).times(0.5));
        }
        None
    }
}

const HORIZONTAL: Vector2D = Vector2D { x: GOOD_VOXEL_SIZE, y: 0.0 };
const VERTICAL: Vector2D = Vector2D { x: 0.0, y: GOOD_VOXEL_SIZE };

struct CollisionDetector {
    state: RedBlackTree<CallSign, Vector3D>,
}

impl CollisionDetector {
    /// The collisions of one frame of aircraft positions.
    fn handle_new_frame(&mut self, frame: &[Aircraft]) -> Vec<Collision> {
        let mut motions = Vec::new();
        let mut seen: RedBlackTree<CallSign, bool> = RedBlackTree::new();

        for aircraft in frame {
            let new_position = aircraft.position;
            // A new aircraft is taken to have been standing still.
            let old_position = self.state.put(aircraft.callsign, new_position).unwrap_or(new_position);
            seen.put(aircraft.callsign, true);
            motions.push(Motion { callsign: aircraft.callsign, pos_one: old_position, pos_two: new_position });
        }

        // Forget the aircraft that are gone.
        let mut to_remove = Vec::new();
        self.state.for_each(|callsign, _| {
            if !seen.get(callsign).copied().unwrap_or(false) {
                to_remove.push(*callsign);
            }
        });
        for callsign in &to_remove {
            self.state.remove(callsign);
        }

        let all_reduced = reduce_collision_set(&motions);
        let mut collisions = Vec::new();
        for reduced in &all_reduced {
            for (i, &motion1) in reduced.iter().enumerate() {
                for &motion2 in &reduced[i + 1..] {
                    let (motion1, motion2) = (&motions[motion1], &motions[motion2]);
                    if let Some(position) = motion1.find_intersection(motion2) {
                        collisions.push(Collision {
                            aircraft_a: motion1.callsign,
                            aircraft_b: motion2.callsign,
                            position,
                        });
                    }
                }
            }
        }
        collisions
    }
}

/// Whether motion passes within half the proximity radius of the voxel
/// whose lowest corner is voxel (see cd.lox).
fn is_in_voxel(voxel: Vector2D, motion: &Motion) -> bool {
    if voxel.x > MAX_X || voxel.x < MIN_X || voxel.y > MAX_Y || voxel.y < MIN_Y {
        return false;
    }

    let init = motion.pos_one;
    let fin = motion.pos_two;

    let v_s = GOOD_VOXEL_SIZE;
    let r = PROXIMITY_RADIUS / 2.0;

    let v_x = voxel.x;
    let x0 = init.x;
    let xv = fin.x - init.x;

    let v_y = voxel.y;
    let y0 = init.y;
    let yv = fin.y - init.y;

    let mut low_x = (v_x - r - x0) / xv;
    let mut high_x = (v_x + v_s + r - x0) / xv;
    if xv < 0.0 {
        std::mem::swap(&mut low_x, &mut high_x);
    }

    let mut low_y = (v_y - r - y0) / yv;
    let mut high_y = (v_y + v_s + r - y0) / yv;
    if yv < 0.0 {
        std::mem::swap(&mut low_y, &mut high_y);
    }

    ((xv == 0.0 && v_x <= x0 + r && x0 - r <= v_x + v_s)
        || ((low_x <= 1.0 && 1.0 <= high_x) || (low_x <= 0.0 && 0.0 <= high_x) || (0.0 <= low_x && high_x <= 1.0)))
        && ((yv == 0.0 && v_y <= y0 + r && y0 - r <= v_y + v_s)
            || ((low_y <= 1.0 && 1.0 <= high_y) || (low_y <= 0.0 && 0.0 <= high_y) || (0.0 <= low_y && high_y <= 1.0)))
        && (xv == 0.0
            || yv == 0.0
            || (low_y <= high_x && high_x <= high_y)
            || (low_y <= low_x && low_x <= high_y)
            || (low_x <= low_y && high_y <= high_x))
}

type VoxelMap = RedBlackTree<Vector2D, Vec<usize>>;

fn put_into_map(voxel_map: &mut VoxelMap, voxel: Vector2D, motion: usize) {
    match voxel_map.get_mut(&voxel) {
        Some(group) => group.push(motion),
        None => {
            voxel_map.put(voxel, vec![motion]);
        }
    }
}

/// Flood fill: adds the motion to next_voxel and, recursively, to its eight
/// neighbours, as long as the motion passes through them.
fn recurse(
    voxel_map: &mut VoxelMap,
    seen: &mut RedBlackTree<Vector2D, bool>,
    next_voxel: Vector2D,
    motions: &[Motion],
    motion: usize,
) {
    if !is_in_voxel(next_voxel, &motions[motion]) {
        return;
    }
    if seen.put(next_voxel, true).is_some() {
        return;
    }
    put_into_map(voxel_map, next_voxel, motion);

    recurse(voxel_map, seen, next_voxel.minus(HORIZONTAL), motions, motion);
    recurse(voxel_map, seen, next_voxel.plus(HORIZONTAL), motions, motion);
    recurse(voxel_map, seen, next_voxel.minus(VERTICAL), motions, motion);
    recurse(voxel_map, seen, next_voxel.plus(VERTICAL), motions, motion);
    recurse(voxel_map, seen, next_voxel.minus(HORIZONTAL).minus(VERTICAL), motions, motion);
    recurse(voxel_map, seen, next_voxel.minus(HORIZONTAL).plus(VERTICAL), motions, motion);
    recurse(voxel_map, seen, next_voxel.plus(HORIZONTAL).minus(VERTICAL), motions, motion);
    recurse(voxel_map, seen, next_voxel.plus(HORIZONTAL).plus(VERTICAL), motions, motion);
}

/// The lowest corner of the voxel that holds position.
fn voxel_hash(position: Vector3D) -> Vector2D {
    let x_div = (position.x / GOOD_VOXEL_SIZE).trunc();
    let y_div = (position.y / GOOD_VOXEL_SIZE).trunc();
    let mut x = GOOD_VOXEL_SIZE * x_div;
    let mut y = GOOD_VOXEL_SIZE * y_div;
    if position.x < 0.0 {
        x -= GOOD_VOXEL_SIZE;
    }
    if position.y < 0.0 {
        y -= GOOD_VOXEL_SIZE;
    }
    Vector2D { x, y }
}

/// The groups of motions that share a voxel.
fn reduce_collision_set(motions: &[Motion]) -> Vec<Vec<usize>> {
    let mut voxel_map: VoxelMap = RedBlackTree::new();
    for (motion, each) in motions.iter().enumerate() {
        let mut seen = RedBlackTree::new();
        recurse(&mut voxel_map, &mut seen, voxel_hash(each.pos_one), motions, motion);
    }
    let mut result = Vec::new();
    voxel_map.for_each(|_, group| {
        if group.len() > 1 {
            result.push(group.clone());
        }
    });
    result
}

struct Simulator {
    aircraft: Vec<CallSign>,
}

impl Simulator {
    fn new(num_aircraft: u32) -> Simulator {
        Simulator { aircraft: (0..num_aircraft).map(CallSign).collect() }
    }

    /// The aircraft's positions at time.
    fn simulate(&self, time: f64) -> Vec<Aircraft> {
        let mut frame = Vec::new();
        let mut i = 0;
        while i < self.aircraft.len() {
            let offset = (i * 3) as f64;
            frame.push(Aircraft {
                callsign: self.aircraft[i],
                position: Vector3D { x: time, y: cos(time) * 2.0 + offset, z: 10.0 },
            });
            frame.push(Aircraft {
                callsign: self.aircraft[i + 1],
                position: Vector3D { x: time, y: sin(time) * 2.0 + offset, z: 10.0 },
            });
            i += 2;
        }
        frame
    }
}

fn benchmark(num_aircraft: u32) -> usize {
    let num_frames = 200;
    let simulator = Simulator::new(num_aircraft);
    let mut detector = CollisionDetector { state: RedBlackTree::new() };
    let mut actual_collisions = 0;
    for i in 0..num_frames {
        let time = f64::from(i) / 10.0;
        let collisions = detector.handle_new_frame(&simulator.simulate(time));
        actual_collisions += collisions.len();
    }
    actual_collisions
}

/// The counts AWFY's verifyResult knows, and this suite's full size's.
fn verify_result(actual_collisions: usize, num_aircraft: u64) -> Option<bool> {
    let expected = match num_aircraft {
        40 => 1695,
        1000 | 500 => 14484,
        250 => 10830,
        200 => 8655,
        100 => 4305,
        10 => 390,
        2 => 42,
        _ => return None,
    };
    Some(actual_collisions == expected)
}

pub fn run(n: u64) -> String {
    let collisions = benchmark(n as u32);
    match verify_result(collisions, n) {
        Some(right) => format!("{collisions}\n{right}\n"),
        None => format!("{collisions}\nno collision count known for this number of aircraft\nfalse\n"),
    }
}
