//! The count step of one visitor partition: sessions from its spill, then per ordered item
//! pair a weight summed over sessions (1/distance within the window, kind and recency
//! weighted), written as partial counts split into reduce buckets by the first item. Also
//! the partition's item counts and segment popularity. All sums are fixed-point integers.

use super::record::Record;
use super::settings::{fixed, TrainSettings};
use crate::input::Kind;
use crate::LearnError;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// What one partition contributes besides its pair files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partial {
    /// Per item, its weighted occurrences in sessions (the damping denominator).
    pub item_counts: Vec<u64>,
    /// Per segment, per item, decayed popularity (consent or not).
    pub popularity: Vec<Vec<u64>>,
    /// Sessions counted (consenting visitors only).
    pub sessions: u64,
    /// Pair rows written to the bucket files (distinct pairs of the partition).
    pub pair_rows: u64,
}

impl Partial {
    /// All zero, for `items` items and `segments` segments.
    pub fn new(items: usize, segments: usize) -> Self {
        Self {
            item_counts: vec![0; items],
            popularity: vec![vec![0; items]; segments],
            sessions: 0,
            pair_rows: 0,
        }
    }

    /// Adds another partition's counts (the reduce of the small aggregates).
    pub fn absorb(&mut self, other: &Partial) {
        for (a, b) in self.item_counts.iter_mut().zip(&other.item_counts) {
            *a += b;
        }
        for (mine, theirs) in self.popularity.iter_mut().zip(&other.popularity) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        self.sessions += other.sessions;
        self.pair_rows += other.pair_rows;
    }
}

/// Per-event weights fixed at training time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Weigher<'s> {
    pub settings: &'s TrainSettings,
    pub now_ms: i64,
}

impl Weigher<'_> {
    /// Kind weight × recency decay of an event.
    pub(super) fn weight(&self, kind: u8, ts_ms: i64) -> f64 {
        let kind = self.settings.kind_weight(Kind::from_code(kind));
        let half_life = self.settings.half_life_days;
        if half_life <= 0.0 {
            return kind;
        }
        let age_days = (self.now_ms.saturating_sub(ts_ms)).max(0) as f64 / 86_400_000.0;
        kind * 0.5f64.powf(age_days / half_life)
    }
}

/// The path of partial-count bucket `bucket` of partition `partition`.
pub(super) fn bucket_path(dir: &Path, partition: usize, bucket: usize) -> PathBuf {
    dir.join(format!("pairs-{partition:04}-{bucket:04}.bin"))
}

/// Counts one partition and writes its pair buckets into `dir`.
pub(super) fn count_partition(
    mut records: Vec<Record>,
    partition: usize,
    dir: &Path,
    weigher: &Weigher<'_>,
    shape: (usize, usize),
) -> Result<Partial, LearnError> {
    let (items, segments) = shape;
    let mut partial = Partial::new(items, segments);
    for r in &records {
        let add = fixed(weigher.weight(r.kind, r.ts_ms));
        let slot = partial
            .popularity
            .get_mut(usize::from(r.segment))
            .and_then(|p| p.get_mut(r.item as usize));
        if let Some(slot) = slot {
            *slot += add;
        }
    }
    records.retain(|r| r.consent);
    records.sort_unstable_by_key(|r| (r.visitor, r.ts_ms, r.seq));
    let mut pairs: Vec<(u64, u64)> = Vec::new();
    let mut session: Vec<(u32, u8, i64)> = Vec::new();
    let gap_ms =
        i64::try_from(weigher.settings.session_gap_s.saturating_mul(1000)).unwrap_or(i64::MAX);
    let mut previous: Option<&Record> = None;
    for r in &records {
        let new_session = match previous {
            None => true,
            Some(p) => p.visitor != r.visitor || (gap_ms > 0 && r.ts_ms - p.ts_ms > gap_ms),
        };
        if new_session && !session.is_empty() {
            close_session(&session, weigher, &mut partial, &mut pairs);
            session.clear();
        }
        match session.last_mut() {
            // A view then a click of one item is one step, with the stronger kind.
            Some(last) if last.0 == r.item && !new_session => {
                last.1 = last.1.max(r.kind);
                last.2 = r.ts_ms;
            }
            _ => session.push((r.item, r.kind, r.ts_ms)),
        }
        previous = Some(r);
    }
    if !session.is_empty() {
        close_session(&session, weigher, &mut partial, &mut pairs);
    }
    drop(records);
    partial.pair_rows = write_buckets(pairs, partition, dir, weigher.settings.reduce_buckets)?;
    Ok(partial)
}

/// Adds one session's item counts and pair weights.
fn close_session(
    session: &[(u32, u8, i64)],
    weigher: &Weigher<'_>,
    partial: &mut Partial,
    pairs: &mut Vec<(u64, u64)>,
) {
    partial.sessions += 1;
    let settings = weigher.settings;
    for &(item, kind, ts) in session {
        if let Some(count) = partial.item_counts.get_mut(item as usize) {
            *count += fixed(weigher.weight(kind, ts));
        }
    }
    for (i, &(a, a_kind, a_ts)) in session.iter().enumerate() {
        let later = session.iter().skip(i + 1).take(settings.window);
        for (step, &(b, b_kind, b_ts)) in later.enumerate() {
            if a == b {
                continue;
            }
            let distance = (step + 1) as f64;
            let forward = fixed(weigher.weight(b_kind, b_ts) / distance);
            pairs.push(((u64::from(a) << 32) | u64::from(b), forward));
            if settings.backward_weight > 0.0 {
                let weight = settings.backward_weight * weigher.weight(a_kind, a_ts) / distance;
                pairs.push(((u64::from(b) << 32) | u64::from(a), fixed(weight)));
            }
        }
    }
}

/// Sums equal pairs and writes them, sorted, into one file per reduce bucket (by first
/// item mod bucket count): 16 bytes each, `u64` pair key (a << 32 | b), `u64` weight.
fn write_buckets(
    mut pairs: Vec<(u64, u64)>,
    partition: usize,
    dir: &Path,
    buckets: usize,
) -> Result<u64, LearnError> {
    pairs.sort_unstable_by_key(|p| p.0);
    let mut summed: Vec<(u64, u64)> = Vec::with_capacity(pairs.len() / 2);
    for (key, weight) in pairs {
        match summed.last_mut() {
            Some(last) if last.0 == key => last.1 += weight,
            _ => summed.push((key, weight)),
        }
    }
    let mut writers = Vec::with_capacity(buckets);
    for bucket in 0..buckets {
        let path = bucket_path(dir, partition, bucket);
        let file = std::fs::File::create(&path).map_err(|e| LearnError::io(&path, e))?;
        writers.push((path, BufWriter::with_capacity(1 << 16, file)));
    }
    for &(key, weight) in &summed {
        let bucket = ((key >> 32) % buckets as u64) as usize;
        if let Some((path, writer)) = writers.get_mut(bucket) {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&key.to_le_bytes());
            bytes[8..].copy_from_slice(&weight.to_le_bytes());
            writer
                .write_all(&bytes)
                .map_err(|e| LearnError::io(path.as_path(), e))?;
        }
    }
    for (path, mut writer) in writers {
        writer.flush().map_err(|e| LearnError::io(&path, e))?;
    }
    Ok(summed.len() as u64)
}
