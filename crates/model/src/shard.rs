//! Sharded models for big catalogues: a head blob (segment lists and their items' display
//! data) and shards by item hash, each holding its items' neighbour rows plus the display
//! data of every item those rows name — so a banner needs the head and one shard, no more.

use crate::layout::BlobKind;
use crate::spec::ModelSpec;
use crate::write::{encode_with, ranks, Plan};
use crate::ModelError;

/// The shard that owns `id`'s neighbour row: FNV-1a (64-bit) of the id's bytes modulo
/// `shard_count` (0 and 1 both mean one shard). Part of the format contract.
pub fn shard_of(id: &str, shard_count: u32) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let count = u64::from(shard_count.max(1));
    u32::try_from(hash % count).unwrap_or(0)
}

/// Writes a specification as a head and `shard_count` shards, one blob at a time (so a
/// caller may write shards in parallel and never hold them all).
#[derive(Debug)]
pub struct ShardWriter<'s> {
    spec: &'s ModelSpec,
    shard_count: u32,
    rank: Vec<u32>,
    /// Per shard, its owned items (spec indices) in id order.
    owned: Vec<Vec<u32>>,
}

impl<'s> ShardWriter<'s> {
    /// Checks `spec` and assigns each item to its shard; `shard_count` must be 1 to 65,536.
    pub fn new(spec: &'s ModelSpec, shard_count: u32) -> Result<Self, ModelError> {
        if shard_count == 0 || shard_count > 65_536 {
            return Err(ModelError::Invalid(
                "shard count must be from 1 to 65,536".into(),
            ));
        }
        let order = spec.checked_order()?;
        let mut owned = vec![Vec::new(); usize::try_from(shard_count).unwrap_or(1)];
        for &index in &order {
            let shard = shard_of(spec.id(index), shard_count);
            if let Some(list) = usize::try_from(shard).ok().and_then(|s| owned.get_mut(s)) {
                list.push(index);
            }
        }
        Ok(Self {
            spec,
            shard_count,
            rank: ranks(&order),
            owned,
        })
    }

    /// How many shards it writes besides the head.
    pub fn shard_count(&self) -> u32 {
        self.shard_count
    }

    /// The head: every segment list, with the display data of the items they name.
    pub fn head(&self) -> Result<Vec<u8>, ModelError> {
        let listed = self
            .spec
            .segments
            .iter()
            .flat_map(|s| s.entries.iter().map(|&(index, _)| index));
        let plan = Plan {
            kind: BlobKind::Head,
            shard_count: self.shard_count,
            members: self.members(listed),
            owns_rows: false,
            with_segments: true,
        };
        encode_with(self.spec, &self.rank, &plan, &|_| false)
    }

    /// Shard `index`: its items' rows and every item they reference.
    pub fn shard(&self, index: u32) -> Result<Vec<u8>, ModelError> {
        let owned = usize::try_from(index)
            .ok()
            .and_then(|i| self.owned.get(i))
            .ok_or_else(|| ModelError::Invalid(format!("no shard {index}")))?;
        let referenced = owned
            .iter()
            .flat_map(|&i| self.spec.row(i).iter().map(|&(target, _)| target));
        let plan = Plan {
            kind: BlobKind::Shard { index },
            shard_count: self.shard_count,
            members: self.members(owned.iter().copied().chain(referenced)),
            owns_rows: false,
            with_segments: false,
        };
        let count = self.shard_count;
        let spec = self.spec;
        encode_with(spec, &self.rank, &plan, &|i| {
            shard_of(spec.id(i), count) == index
        })
    }

    /// Spec indices, deduplicated and sorted by id.
    fn members(&self, indices: impl Iterator<Item = u32>) -> Vec<u32> {
        let rank_of = |i: u32| {
            usize::try_from(i)
                .ok()
                .and_then(|i| self.rank.get(i))
                .copied()
        };
        let mut members: Vec<u32> = indices.filter(|&i| rank_of(i).is_some()).collect();
        members.sort_unstable_by_key(|&i| rank_of(i));
        members.dedup();
        members
    }
}

/// Below this many items a single complete blob is suggested (about 5 MB at K = 20).
pub const SINGLE_BLOB_ITEMS: usize = 25_000;

/// The suggested shard count for a catalogue: 1 up to [`SINGLE_BLOB_ITEMS`], else about a
/// thousand owned items per shard, rounded up to a power of two (1 M items → 1,024 shards
/// of ~2 MB, each with the display data its rows need).
pub fn suggested_shard_count(items: usize) -> u32 {
    if items <= SINGLE_BLOB_ITEMS {
        return 1;
    }
    let shards = items.div_ceil(1000).next_power_of_two().min(65_536);
    u32::try_from(shards).unwrap_or(65_536)
}

/// The shards a banner should read besides the head: those of the newest history items,
/// distinct, newest first, at most `max_reads`. With one read (the default) only the newest
/// item's shard is read, and older items contribute when their rows happen to live there.
pub fn shards_to_read(
    history: &[crate::HistoryItem<'_>],
    shard_count: u32,
    max_reads: usize,
) -> Vec<u32> {
    let mut shards = Vec::with_capacity(max_reads);
    for h in history.iter().rev() {
        if shards.len() >= max_reads {
            break;
        }
        let shard = shard_of(h.item, shard_count);
        if !shards.contains(&shard) {
            shards.push(shard);
        }
    }
    shards
}
