//! Twin of binary_trees.lox: complete binary trees of boxed nodes built,
//! counted and dropped.

struct Tree {
    children: Option<(Box<Tree>, Box<Tree>)>,
}

impl Tree {
    fn count(&self) -> u64 {
        match &self.children {
            None => 1,
            Some((left, right)) => 1 + left.count() + right.count(),
        }
    }
}

fn build(depth: u64) -> Box<Tree> {
    if depth == 0 {
        return Box::new(Tree { children: None });
    }
    Box::new(Tree { children: Some((build(depth - 1), build(depth - 1))) })
}

pub fn run(n: u64) -> String {
    let min_depth = 4;
    let max_depth = n.max(min_depth + 2);
    let mut output = format!("{}\n", build(max_depth + 1).count());
    let long_lived = build(max_depth);
    let mut depth = min_depth;
    while depth <= max_depth {
        let iterations: u64 = 1 << (max_depth - depth + min_depth);
        let mut total = 0;
        for _ in 0..iterations {
            total += build(depth).count();
        }
        output.push_str(&format!("{total}\n"));
        depth += 2;
    }
    output.push_str(&format!("{}\n", long_lived.count()));
    output
}
