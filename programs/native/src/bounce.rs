//! Twin of bounce.lox: AWFY's Bounce, a hundred balls in a box.

use crate::awfy::{Random, inner_benchmark_loop};

struct Ball {
    x: i64,
    y: i64,
    x_vel: i64,
    y_vel: i64,
}

impl Ball {
    fn new(random: &mut Random) -> Ball {
        let x = i64::from(random.next() % 500);
        let y = i64::from(random.next() % 500);
        let x_vel = i64::from(random.next() % 300) - 150;
        let y_vel = i64::from(random.next() % 300) - 150;
        Ball { x, y, x_vel, y_vel }
    }

    /// Moves one step; says whether the ball hit a wall.
    fn bounce(&mut self) -> bool {
        let x_limit = 500;
        let y_limit = 500;
        let mut bounced = false;
        self.x += self.x_vel;
        self.y += self.y_vel;
        if self.x > x_limit {
            self.x = x_limit;
            self.x_vel = -self.x_vel.abs();
            bounced = true;
        }
        if self.x < 0 {
            self.x = 0;
            self.x_vel = self.x_vel.abs();
            bounced = true;
        }
        if self.y > y_limit {
            self.y = y_limit;
            self.y_vel = -self.y_vel.abs();
            bounced = true;
        }
        if self.y < 0 {
            self.y = 0;
            self.y_vel = self.y_vel.abs();
            bounced = true;
        }
        bounced
    }
}

fn benchmark() -> u64 {
    let mut random = Random::new();
    let ball_count = 100;
    let mut bounces = 0;
    let mut balls: Vec<Ball> = (0..ball_count).map(|_| Ball::new(&mut random)).collect();
    for _ in 0..50 {
        for ball in &mut balls {
            if ball.bounce() {
                bounces += 1;
            }
        }
    }
    bounces
}

pub fn run(n: u64) -> String {
    inner_benchmark_loop(n, benchmark, |&result| result == 1331)
}
