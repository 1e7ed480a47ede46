//! Twin of fields.lox: four fields of one object rotated and a counter two
//! objects away bumped, with no calls.

struct Link {
    counter: i64,
    limit: i64,
}

struct Compass {
    north: i64,
    east: i64,
    south: i64,
    west: i64,
    link: Box<Link>,
}

pub fn run(n: u64) -> String {
    let mut b =
        Box::new(Compass { north: 1, east: 2, south: 3, west: 4, link: Box::new(Link { counter: 0, limit: 1000 }) });
    for _ in 0..n {
        let spare = b.north;
        b.north = b.east;
        b.east = b.south;
        b.south = b.west;
        b.west = spare + b.link.counter;
        if b.west >= 999983 {
            b.west -= 999983;
        }

        b.link.counter += 1;
        if b.link.counter == b.link.limit {
            b.link.counter = 0;
        }
    }
    let mut total = b.north + b.east + b.south + b.west + b.link.counter;
    while total >= 999983 {
        total -= 999983;
    }
    format!("{total}\n")
}
