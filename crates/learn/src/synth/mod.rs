//! Seeded, deterministic synthetic data: a shop catalogue and a realistic Tailor event log
//! over it (`shop`), a 10 M-interaction import file for the speed test (`bulk`), and a
//! 1 M-item model specification for the sharding test (`big`), and an experiment log with a
//! known uplift (`experiment`).

pub mod big;
pub mod bulk;
pub mod experiment;
pub mod shop;

/// SplitMix64: tiny, fast and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Roughly Zipf-distributed index in `0..n`: small indices are much more likely.
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((n as f64).powf(u) - 1.0).max(0.0) as usize % n.max(1)
    }
}

/// Per item, a few complements: two in its own category, one in a paired category. This is
/// the item-item structure sessions follow and training should recover.
pub fn complements(categories: &[usize], category_count: usize, rng: &mut Rng) -> Vec<[u32; 3]> {
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); category_count.max(1)];
    for (item, &c) in categories.iter().enumerate() {
        if let Some(list) = members.get_mut(c) {
            list.push(item as u32);
        }
    }
    let pick =
        |list: &Vec<u32>, rng: &mut Rng| list.get(rng.below(list.len())).copied().unwrap_or(0);
    categories
        .iter()
        .map(|&c| {
            let own = members.get(c).cloned().unwrap_or_default();
            let paired = members
                .get((c + 1) % category_count.max(1))
                .cloned()
                .unwrap_or_default();
            [pick(&own, rng), pick(&own, rng), pick(&paired, rng)]
        })
        .collect()
}
