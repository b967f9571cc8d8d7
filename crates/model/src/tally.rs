//! Per-request candidate sums keyed by item: a small open-addressing table sized by the
//! number of votes (history × row length), never by the catalogue, so summing and the
//! segment pass are O(1) per entry without sorting.

/// A candidate being summed up; `key` is (view << 32 | item index) of the first view holding
/// the item, so one item found in several blobs is one candidate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tally {
    pub key: u64,
    pub neighbour: f32,
    pub best: f32,
    pub best_of: usize,
    pub segment: f32,
    pub list_position: u32,
}

impl Tally {
    pub(crate) fn new(key: u64) -> Self {
        Self {
            key,
            neighbour: 0.0,
            best: 0.0,
            best_of: 0,
            segment: 0.0,
            list_position: u32::MAX,
        }
    }
}

const EMPTY: u32 = u32::MAX;

#[derive(Debug, Default)]
pub(crate) struct Tallies {
    pub items: Vec<Tally>,
    slots: Vec<u32>,
}

fn slot_of(key: u64, mask: usize) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & mask
}

impl Tallies {
    pub(crate) fn with_capacity(expected: usize) -> Self {
        let size = (expected.max(4) * 2).next_power_of_two();
        Self {
            items: Vec::with_capacity(expected),
            slots: vec![EMPTY; size],
        }
    }

    fn find(&self, key: u64) -> (usize, Option<usize>) {
        let mask = self.slots.len().saturating_sub(1);
        let mut slot = slot_of(key, mask);
        loop {
            match self.slots.get(slot).copied() {
                Some(EMPTY) | None => return (slot, None),
                Some(index) => {
                    let index = index as usize;
                    if self.items.get(index).is_some_and(|t| t.key == key) {
                        return (slot, Some(index));
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    pub(crate) fn get_mut(&mut self, key: u64) -> Option<&mut Tally> {
        let (_, found) = self.find(key);
        self.items.get_mut(found?)
    }

    /// The tally of `key`, created empty when missing.
    pub(crate) fn entry(&mut self, key: u64) -> Option<&mut Tally> {
        if (self.items.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let (slot, found) = self.find(key);
        let index = match found {
            Some(index) => index,
            None => {
                let index = self.items.len();
                self.items.push(Tally::new(key));
                if let Some(s) = self.slots.get_mut(slot) {
                    *s = u32::try_from(index).unwrap_or(EMPTY);
                }
                index
            }
        };
        self.items.get_mut(index)
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(8);
        self.slots = vec![EMPTY; size];
        let mask = size - 1;
        for (index, tally) in self.items.iter().enumerate() {
            let mut slot = slot_of(tally.key, mask);
            while self.slots.get(slot).is_some_and(|&s| s != EMPTY) {
                slot = (slot + 1) & mask;
            }
            if let Some(s) = self.slots.get_mut(slot) {
                *s = u32::try_from(index).unwrap_or(EMPTY);
            }
        }
    }
}
