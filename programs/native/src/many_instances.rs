//! Twin of many_instances.lox: a particle simulation over a linked list of N
//! boxed particles.

struct Particle {
    x: i64,
    y: i64,
    vx: i64,
    vy: i64,
    next: Option<Box<Particle>>,
}

impl Particle {
    /// Nudges the velocity by one towards (x, y), up to a speed of 8.
    fn steer_towards(&mut self, x: i64, y: i64) {
        if x > self.x {
            if self.vx < 8 {
                self.vx += 1;
            }
        } else if x < self.x && self.vx > -8 {
            self.vx -= 1;
        }
        if y > self.y {
            if self.vy < 8 {
                self.vy += 1;
            }
        } else if y < self.y && self.vy > -8 {
            self.vy -= 1;
        }
    }

    /// Moves one step inside [0, size) on both axes; returns the walls hit.
    fn step(&mut self, size: i64) -> i64 {
        let mut bounces = 0;
        self.x += self.vx;
        if self.x < 0 {
            self.x = -self.x;
            self.vx = -self.vx;
            bounces += 1;
        } else if self.x >= size {
            self.x = 2 * (size - 1) - self.x;
            self.vx = -self.vx;
            bounces += 1;
        }
        self.y += self.vy;
        if self.y < 0 {
            self.y = -self.y;
            self.vy = -self.vy;
            bounces += 1;
        } else if self.y >= size {
            self.y = 2 * (size - 1) - self.y;
            self.vy = -self.vy;
            bounces += 1;
        }
        bounces
    }
}

/// The Park-Miller "minimal standard" generator.
struct Random {
    seed: i64,
}

impl Random {
    fn below(&mut self, limit: i64) -> i64 {
        self.seed = (self.seed * 16807) % 2147483647;
        self.seed % limit
    }
}

pub fn run(n: u64) -> String {
    let size = 500;
    let mut random = Random { seed: 42 };
    let mut head: Option<Box<Particle>> = None;
    for _ in 0..n {
        let x = random.below(size);
        let y = random.below(size);
        let vx = random.below(17) - 8;
        let vy = random.below(17) - 8;
        head = Some(Box::new(Particle { x, y, vx, vy, next: head }));
    }

    let mut bounces = 0;
    for _ in 0..40 {
        if let Some(first) = head.as_deref_mut() {
            let mut previous = (first.x, first.y);
            let mut particle = first.next.as_deref_mut();
            while let Some(current) = particle {
                current.steer_towards(previous.0, previous.1);
                previous = (current.x, current.y);
                particle = current.next.as_deref_mut();
            }
        }
        let mut particle = head.as_deref_mut();
        while let Some(current) = particle {
            bounces += current.step(size);
            particle = current.next.as_deref_mut();
        }
    }

    let mut coordinates = 0;
    let mut particle = head.as_deref();
    while let Some(current) = particle {
        coordinates = coordinates + current.x + current.y;
        if coordinates >= 999983 {
            coordinates -= 999983;
        }
        particle = current.next.as_deref();
    }

    // Unlink the list one particle at a time: dropping it whole would recurse
    // once per particle.
    while let Some(mut current) = head {
        head = current.next.take();
    }
    format!("{bounces}\n{coordinates}\n")
}
