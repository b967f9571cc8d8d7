//! What an instance remembers between requests, on hosts whose instances outlive a request
//! (Cloudflare isolates; the native test host): the parsed config, recent list versions and
//! lists, in an LRU with a time-to-live. Fastly starts an instance per request, so its adapter offers none.

use crate::config::Config;
use crate::recs::RecList;
use lru::LruCache;
use std::cell::RefCell;
use std::num::NonZeroUsize;
use std::rc::Rc;

/// Entries kept: a pointer plus a list and a last-good copy per segment, with room to spare.
const CAPACITY: usize = 64;

#[derive(Debug, Clone)]
pub enum Remembered {
    Version(String),
    List(Rc<RecList>),
    /// A parsed, validated config (templates compiled): the most expensive thing to redo.
    Config(Rc<Config>),
}

#[derive(Debug)]
struct Entry {
    stored_ms: f64,
    value: Remembered,
}

/// An LRU of remembered values, each with the time it was stored.
#[derive(Debug)]
pub struct Memo {
    entries: RefCell<LruCache<String, Entry>>,
}

impl Default for Memo {
    fn default() -> Self {
        Self {
            entries: RefCell::new(LruCache::new(
                NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl Memo {
    /// The value under `key` if it was stored less than `ttl_ms` before `now_ms` (any age
    /// with `ttl_ms` = infinity, for last-good reads).
    pub fn get(&self, key: &str, now_ms: f64, ttl_ms: f64) -> Option<Remembered> {
        let mut entries = self.entries.borrow_mut();
        let entry = entries.get(key)?;
        (now_ms - entry.stored_ms < ttl_ms).then(|| entry.value.clone())
    }

    pub fn put(&self, key: &str, value: Remembered, now_ms: f64) {
        self.entries.borrow_mut().put(
            key.to_owned(),
            Entry {
                stored_ms: now_ms,
                value,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_by_age_and_capacity() {
        let memo = Memo::default();
        memo.put("p", Remembered::Version("v3".into()), 1_000.0);
        assert!(
            matches!(memo.get("p", 1_500.0, 1_000.0), Some(Remembered::Version(v)) if v == "v3")
        );
        assert!(memo.get("p", 2_000.0, 1_000.0).is_none());
        assert!(memo.get("p", 1e12, f64::INFINITY).is_some());
        for i in 0..CAPACITY {
            memo.put(&format!("k{i}"), Remembered::Version(i.to_string()), 0.0);
        }
        assert!(memo.get("p", 0.0, f64::INFINITY).is_none());
    }
}
