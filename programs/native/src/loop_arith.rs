//! Twin of loop_arith.lox: Mandelbrot escape counts over an N x N grid.

pub fn run(n: u64) -> String {
    let size = n as f64;
    let max_iterations = 50;
    let mut total_iterations: u64 = 0;
    let mut inside: u64 = 0;
    let mut row = 0.0;
    while row < size {
        let ci = 2.5 * row / size - 1.25;
        let mut column = 0.0;
        while column < size {
            let cr = 2.5 * column / size - 2.0;
            let mut zr = 0.0;
            let mut zi = 0.0;
            let mut zr2 = 0.0;
            let mut zi2 = 0.0;
            let mut i = 0;
            while i < max_iterations && zr2 + zi2 <= 4.0 {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                i += 1;
            }
            total_iterations += i;
            if i == max_iterations {
                inside += 1;
            }
            column += 1.0;
        }
        row += 1.0;
    }
    format!("{total_iterations}\n{inside}\n")
}
