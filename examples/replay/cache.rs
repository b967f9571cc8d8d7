//! An LRU cache counted in entries that honours a TTL and a stale-while-revalidate window,
//! keeps originals for the next variant, and counts hits per day and route.

use super::traffic::{Request, Route};
use super::{DAYS, DAY_S};
use std::collections::HashMap;
use std::num::NonZeroUsize;

/// How long entries live, as the handler stores them.
#[derive(Clone, Copy)]
pub(crate) struct Lifetimes {
    /// Fresh for this long…
    pub ttl_s: u64,
    /// …then served stale for this long while one request refreshes it.
    pub swr_s: u64,
    /// How long an original fetched for a transform is kept (no stale window).
    pub original_s: u64,
}

/// An LRU of `size` entries (variants, originals and lists alike), as the platform caches
/// keep them.
pub(crate) struct Cache {
    lru: lru::LruCache<u64, u64>,
    /// Per day, per route: (hits, requests).
    days: Vec<HashMap<Route, (u64, u64)>>,
    pub transforms: Vec<u64>,
    pub origin_fetches: Vec<u64>,
}

impl Cache {
    pub(crate) fn new(size: usize) -> Self {
        Self::with(lru::LruCache::new(NonZeroUsize::new(size).unwrap()))
    }

    pub(crate) fn unbounded() -> Self {
        Self::with(lru::LruCache::unbounded())
    }

    fn with(lru: lru::LruCache<u64, u64>) -> Self {
        Self {
            lru,
            days: vec![HashMap::new(); DAYS],
            transforms: vec![0; DAYS],
            origin_fetches: vec![0; DAYS],
        }
    }

    /// How long ago `key` was stored, if it is (touching it in the LRU, as a lookup does).
    fn age(&mut self, key: u64, now_s: u64) -> Option<u64> {
        self.lru.get(&key).map(|&stored| now_s - stored)
    }

    pub(crate) fn serve(&mut self, request: &Request, now_s: u64, life: Lifetimes) {
        let day = (now_s / DAY_S) as usize;
        let age = self.age(request.key, now_s);
        let hit = age.is_some_and(|a| a < life.ttl_s + life.swr_s);
        if age.is_none_or(|a| a >= life.ttl_s) {
            if let Some(original) = request.original {
                if self
                    .age(original, now_s)
                    .is_none_or(|a| a >= life.original_s)
                {
                    self.origin_fetches[day] += 1;
                    self.lru.put(original, now_s);
                }
            }
            // A miss, or a stale hit that one request refreshes: a transform either way.
            self.lru.put(request.key, now_s);
            for &sibling in &request.siblings {
                self.lru.put(sibling, now_s);
            }
            if request.route != Route::Banner {
                self.transforms[day] += 1;
            }
        }
        let entry = self.days[day].entry(request.route).or_default();
        entry.0 += u64::from(hit);
        entry.1 += 1;
    }

    pub(crate) fn ratio(&self, day: usize, routes: &[Route]) -> f64 {
        let (hits, total) = routes
            .iter()
            .filter_map(|r| self.days[day].get(r))
            .fold((0, 0), |(h, t), (a, b)| (h + a, t + b));
        hits as f64 / total.max(1) as f64
    }
}
