//! Twin of towers.lox: AWFY's Towers of Hanoi, each pile a linked stack of
//! boxed disks.

use crate::awfy::inner_benchmark_loop;

struct TowersDisk {
    size: u64,
    next: Option<Box<TowersDisk>>,
}

struct Towers {
    piles: Vec<Option<Box<TowersDisk>>>,
    moves_done: u64,
}

impl Towers {
    fn run(&mut self) -> u64 {
        self.piles = (0..3).map(|_| None).collect();
        self.build_tower_at(0, 13);
        self.moves_done = 0;
        self.move_disks(13, 0, 1);
        self.moves_done
    }

    fn push_disk(&mut self, mut disk: Box<TowersDisk>, pile: usize) {
        let top = self.piles[pile].take();
        if let Some(top) = &top {
            assert!(disk.size < top.size, "Cannot put a big disk on a smaller one");
        }
        disk.next = top;
        self.piles[pile] = Some(disk);
    }

    fn pop_disk_from(&mut self, pile: usize) -> Box<TowersDisk> {
        let mut top = self.piles[pile].take().expect("Attempting to remove a disk from an empty pile");
        self.piles[pile] = top.next.take();
        top
    }

    fn move_top_disk(&mut self, from_pile: usize, to_pile: usize) {
        let disk = self.pop_disk_from(from_pile);
        self.push_disk(disk, to_pile);
        self.moves_done += 1;
    }

    fn build_tower_at(&mut self, pile: usize, disks: u64) {
        for i in (0..=disks).rev() {
            self.push_disk(Box::new(TowersDisk { size: i, next: None }), pile);
        }
    }

    fn move_disks(&mut self, disks: u64, from_pile: usize, to_pile: usize) {
        if disks == 1 {
            self.move_top_disk(from_pile, to_pile);
        } else {
            let other_pile = 3 - from_pile - to_pile;
            self.move_disks(disks - 1, from_pile, other_pile);
            self.move_top_disk(from_pile, to_pile);
            self.move_disks(disks - 1, other_pile, to_pile);
        }
    }
}

pub fn run(n: u64) -> String {
    inner_benchmark_loop(n, || Towers { piles: Vec::new(), moves_done: 0 }.run(), |&result| result == 8191)
}
