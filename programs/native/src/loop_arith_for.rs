//! Twin of loop_arith_for.lox: loop_arith's Mandelbrot counts with `for`
//! loops, squares computed afresh, an escape flag and a temporary.

pub fn run(n: u64) -> String {
    let max_iterations = 50;
    let mut total_iterations: u64 = 0;
    let mut inside: u64 = 0;
    for row in 0..n {
        let ci = 2.5 * row as f64 / n as f64 - 1.25;
        for column in 0..n {
            let cr = 2.5 * column as f64 / n as f64 - 2.0;
            let mut zr = 0.0;
            let mut zi = 0.0;
            let mut i = 0;
            let mut escaped = false;
            while !escaped && i < max_iterations {
                let zr2 = zr * zr;
                let zi2 = zi * zi;
                if zr2 + zi2 > 4.0 {
                    escaped = true;
                } else {
                    let next_zi = 2.0 * zr * zi + ci;
                    zr = zr2 - zi2 + cr;
                    zi = next_zi;
                    i += 1;
                }
            }
            total_iterations += i;
            if i == max_iterations {
                inside += 1;
            }
        }
    }
    format!("{total_iterations}\n{inside}\n")
}
