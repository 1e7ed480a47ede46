//! Twin of inheritance.lox: super calls down a five-level class hierarchy.
//!
//! Each class is a struct holding the fields its initializer chain sets;
//! `weight` is a trait method (dynamically dispatched, as in Lox), and each
//! `super.weight()` a direct call to the superclass's implementation (clox
//! binds `super` statically too).

trait Shape {
    fn weight(&self) -> i64;
    fn base(&self) -> i64 {
        1
    }
}

/// The fields every class below Shape has.
struct Fields {
    size: i64,
    sides: i64,
    extra: i64,
}

fn shape_init(size: i64) -> Fields {
    Fields { size, sides: 0, extra: 0 }
}

fn polygon_init(size: i64) -> Fields {
    let mut fields = shape_init(size + 1);
    fields.sides = 3;
    fields
}

fn quad_init(size: i64) -> Fields {
    let mut fields = polygon_init(size);
    fields.sides = 4;
    fields
}

fn square_init(size: i64) -> Fields {
    // Rectangle inherits Quad's initializer.
    let mut fields = quad_init(size);
    fields.extra = 5;
    fields
}

fn shape_weight(fields: &Fields) -> i64 {
    fields.size
}

fn polygon_weight(fields: &Fields) -> i64 {
    shape_weight(fields) + fields.sides
}

fn quad_weight(fields: &Fields) -> i64 {
    polygon_weight(fields) * 2
}

fn rectangle_weight(shape: &dyn Shape, fields: &Fields) -> i64 {
    quad_weight(fields) + shape.base()
}

fn square_weight(shape: &dyn Shape, fields: &Fields) -> i64 {
    rectangle_weight(shape, fields) - fields.extra + shape.base()
}

struct Polygon(Fields);
struct Quad(Fields);
struct Square(Fields);

impl Shape for Polygon {
    fn weight(&self) -> i64 {
        polygon_weight(&self.0)
    }
}

impl Shape for Quad {
    fn weight(&self) -> i64 {
        quad_weight(&self.0)
    }
}

impl Shape for Square {
    fn weight(&self) -> i64 {
        square_weight(self, &self.0)
    }
}

pub fn run(n: u64) -> String {
    let mut square: Box<dyn Shape> = Box::new(Square(square_init(1)));
    let mut quad: Box<dyn Shape> = Box::new(Quad(quad_init(2)));
    let polygon: Box<dyn Shape> = Box::new(Polygon(polygon_init(3)));
    let mut countdown = 16;
    let mut generation = 0;
    let mut sum = 0;
    for _ in 0..n {
        sum = sum + square.weight() + quad.weight() + polygon.weight() + square.base();
        if sum >= 999983 {
            sum -= 999983;
        }

        countdown -= 1;
        if countdown == 0 {
            countdown = 16;
            generation += 1;
            if generation == 50 {
                generation = 0;
            }
            square = Box::new(Square(square_init(generation)));
            quad = Box::new(Quad(quad_init(generation + 1)));
        }
    }
    format!("{sum}\n")
}
