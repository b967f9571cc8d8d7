//! An LRU cache counted in entries that honours a TTL and a stale-while-revalidate window,
//! counting hits per day and route.

use super::traffic::{Request, Route};
use super::{DAYS, DAY_S};
use std::collections::HashMap;
use std::num::NonZeroUsize;

/// An LRU of `size` entries whose entries are fresh for `ttl_s` and then servable while
/// stale for `swr_s` (one refresh renews them), as the platform caches keep them.
pub struct Cache {
    lru: lru::LruCache<u64, u64>,
    /// Per day, per route: (hits, requests).
    days: Vec<HashMap<Route, (u64, u64)>>,
    pub transforms: Vec<u64>,
}

impl Cache {
    pub fn new(size: usize) -> Self {
        Self::with(lru::LruCache::new(NonZeroUsize::new(size).unwrap()))
    }

    pub fn unbounded() -> Self {
        Self::with(lru::LruCache::unbounded())
    }

    fn with(lru: lru::LruCache<u64, u64>) -> Self {
        Self {
            lru,
            days: vec![HashMap::new(); DAYS],
            transforms: vec![0; DAYS],
        }
    }

    pub fn serve(&mut self, request: &Request, now_s: u64, ttl_s: u64, swr_s: u64) {
        let day = (now_s / DAY_S) as usize;
        let age = self.lru.get(&request.key).map(|&stored| now_s - stored);
        let hit = age.is_some_and(|a| a < ttl_s + swr_s);
        if age.is_none_or(|a| a >= ttl_s) {
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

    pub fn ratio(&self, day: usize, routes: &[Route]) -> f64 {
        let (hits, total) = routes
            .iter()
            .filter_map(|r| self.days[day].get(r))
            .fold((0, 0), |(h, t), (a, b)| (h + a, t + b));
        hits as f64 / total.max(1) as f64
    }
}
