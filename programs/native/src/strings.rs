//! Twin of strings.lox: a six-digit odometer whose digit texts are
//! concatenated forwards and backwards and appended to lines.
//!
//! Each Lox `+` makes a new string; here `forward` and `backward` are new
//! strings too, and the line grows in place, as CPython's and many engines'
//! concatenation does.

fn digit_text(d: u32) -> &'static str {
    ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"][d as usize]
}

pub fn run(n: u64) -> String {
    // The odometer's digits, least significant first, as numbers and as text.
    let mut d = [0u32; 6];
    let mut t = ["0"; 6];

    let mut palindromes = 0;
    let mut last_palindrome = String::new();
    let mut line = String::new();
    let mut in_line = 0;
    let mut last_line = String::new();

    for _ in 0..n {
        let forward = [t[5], t[4], t[3], t[2], t[1], t[0]].concat();
        let backward = [t[0], t[1], t[2], t[3], t[4], t[5]].concat();
        if forward == backward {
            palindromes += 1;
            last_palindrome = forward.clone();
        }

        line.push_str(&forward);
        line.push(';');
        in_line += 1;
        if in_line == 8 {
            last_line = std::mem::take(&mut line);
            in_line = 0;
        }

        // Advance the odometer by one, carrying into higher digits.
        for place in 0..6 {
            d[place] += 1;
            let carry = d[place] == 10;
            if carry {
                d[place] = 0;
            }
            t[place] = digit_text(d[place]);
            if !carry {
                break;
            }
        }
    }

    format!("{palindromes}\n{last_palindrome}\n{last_line}\n")
}
