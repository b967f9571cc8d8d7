//! The reduce step: per bucket, merge every partition's partial pair counts (sum), damp by
//! the target's popularity, keep the top K per item; then segment lists from popularity.

use super::count::{bucket_path, Partial};
use super::settings::{TrainSettings, FIXED_ONE};
use crate::input::Catalogue;
use crate::LearnError;
use std::io::Read;
use std::path::Path;

/// An item and its neighbours, best first.
pub(super) type Row = (u32, Vec<(u32, f32)>);

/// Reads one partial-count file: (pair key, weight) sorted by key.
pub(super) fn read_pairs(path: &Path) -> Result<Vec<(u64, u64)>, LearnError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| LearnError::io(path, e))?;
    Ok(bytes
        .chunks_exact(16)
        .map(|c| {
            let mut key = [0u8; 8];
            let mut weight = [0u8; 8];
            key.copy_from_slice(c.get(..8).unwrap_or(&[0; 8]));
            weight.copy_from_slice(c.get(8..).unwrap_or(&[0; 8]));
            (u64::from_le_bytes(key), u64::from_le_bytes(weight))
        })
        .collect())
}

/// Per item, `count^α`: what a pair's weight toward it is divided by (0: never seen).
pub(super) fn damping(counts: &[u64], settings: &TrainSettings) -> Vec<f64> {
    counts
        .iter()
        .map(|&c| {
            let count = c as f64 / FIXED_ONE;
            if count > 0.0 {
                count.powf(settings.popularity_damping)
            } else {
                0.0
            }
        })
        .collect()
}

/// Rows of the items in `bucket`: (item, its top-K neighbours best first).
pub(super) fn reduce_bucket(
    dir: &Path,
    partitions: usize,
    bucket: usize,
    damping: &[f64],
    settings: &TrainSettings,
) -> Result<Vec<Row>, LearnError> {
    let mut pairs = Vec::new();
    for partition in 0..partitions {
        let path = bucket_path(dir, partition, bucket);
        pairs.extend(read_pairs(&path)?);
        let _ = std::fs::remove_file(&path);
    }
    // Each partition's file is sorted: the stable sort merges those runs (O(n log runs)).
    pairs.sort_by_key(|p| p.0);
    let mut rows = Vec::new();
    let mut row: Vec<(u32, f64)> = Vec::new();
    let mut current: Option<u32> = None;
    let mut index = 0;
    while let Some(&(key, _)) = pairs.get(index) {
        let mut weight = 0u64;
        while let Some(&(k, w)) = pairs.get(index) {
            if k != key {
                break;
            }
            weight += w;
            index += 1;
        }
        let (a, b) = ((key >> 32) as u32, (key & 0xffff_ffff) as u32);
        if current != Some(a) {
            if let Some(done) = current {
                rows.push((done, top_k(&mut row, settings)));
            }
            current = Some(a);
            row.clear();
        }
        let denominator = damping.get(b as usize).copied().unwrap_or(0.0);
        if denominator > 0.0 {
            row.push((b, (weight as f64 / FIXED_ONE) / denominator));
        }
    }
    if let Some(done) = current {
        rows.push((done, top_k(&mut row, settings)));
    }
    Ok(rows)
}

/// The K best of a row (ties by item index), scaled so the best is 1 when asked.
fn top_k(row: &mut Vec<(u32, f64)>, settings: &TrainSettings) -> Vec<(u32, f32)> {
    let order = |x: &(u32, f64), y: &(u32, f64)| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0));
    if row.len() > settings.neighbours {
        row.select_nth_unstable_by(settings.neighbours - 1, order);
        row.truncate(settings.neighbours);
    }
    row.sort_unstable_by(order);
    let best = row.first().map_or(1.0, |r| r.1);
    let scale = if settings.normalize_rows && best > 0.0 {
        1.0 / best
    } else {
        1.0
    };
    row.iter().map(|&(b, s)| (b, (s * scale) as f32)).collect()
}

/// A segment's list: items by decayed popularity, best first, ties by id.
pub(super) fn segment_list(
    popularity: &[u64],
    catalogue: &Catalogue,
    settings: &TrainSettings,
) -> Vec<(u32, f32)> {
    let id = |i: u32| catalogue.item(i).map_or("", |item| item.id.as_str());
    let mut list: Vec<(u32, u64)> = popularity
        .iter()
        .enumerate()
        .filter(|(_, &w)| w > 0)
        .map(|(i, &w)| (i as u32, w))
        .collect();
    list.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| id(x.0).cmp(id(y.0))));
    if settings.segment_list_len > 0 {
        list.truncate(settings.segment_list_len);
    }
    list.into_iter()
        .map(|(i, w)| (i, (w as f64 / FIXED_ONE) as f32))
        .collect()
}

/// Sums partials (they are small: items and segments wide).
pub(super) fn sum_partials(partials: &[Partial], items: usize, segments: usize) -> Partial {
    let mut total = Partial::new(items, segments);
    for partial in partials {
        total.absorb(partial);
    }
    total
}
