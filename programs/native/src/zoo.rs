//! Twin of zoo.lox: thirteen small methods over ten fields of one object.

struct Greenhouse {
    basil: i64,
    clover: i64,
    daisy: i64,
    fern: i64,
    heather: i64,
    ivy: i64,
    lavender: i64,
    mint: i64,
    orchid: i64,
    thyme: i64,
}

impl Greenhouse {
    fn basil_count(&self) -> i64 {
        self.basil
    }
    fn clover_count(&self) -> i64 {
        self.clover
    }
    fn daisy_count(&self) -> i64 {
        self.daisy
    }
    fn fern_count(&self) -> i64 {
        self.fern
    }
    fn heather_count(&self) -> i64 {
        self.heather
    }
    fn ivy_count(&self) -> i64 {
        self.ivy
    }
    fn lavender_count(&self) -> i64 {
        self.lavender
    }
    fn mint_count(&self) -> i64 {
        self.mint
    }
    fn orchid_count(&self) -> i64 {
        self.orchid
    }
    fn thyme_count(&self) -> i64 {
        self.thyme
    }
    fn herbs(&self) -> i64 {
        self.basil_count() + self.mint_count() + self.thyme_count()
    }
    fn flowers(&self) -> i64 {
        self.daisy_count() + self.heather_count() + self.lavender_count() + self.orchid_count()
    }
    fn water(&mut self, amount: i64) {
        self.ivy += amount;
        if self.ivy > 100 {
            self.ivy = 6;
        }
    }
}

pub fn run(n: u64) -> String {
    let mut house = Greenhouse {
        basil: 1,
        clover: 2,
        daisy: 3,
        fern: 4,
        heather: 5,
        ivy: 6,
        lavender: 7,
        mint: 8,
        orchid: 9,
        thyme: 10,
    };
    let mut sum = 0;
    for _ in 0..n {
        sum = sum
            + house.basil_count()
            + house.clover_count()
            + house.daisy_count()
            + house.fern_count()
            + house.heather_count()
            + house.ivy_count()
            + house.lavender_count()
            + house.mint_count()
            + house.orchid_count()
            + house.thyme_count()
            + house.herbs()
            + house.flowers();
        house.water(1);
        if sum >= 999983 {
            sum -= 999983;
        }
    }
    format!("{sum}\n")
}
