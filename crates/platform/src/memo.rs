//! What an instance remembers between requests, on hosts whose instances outlive a request
//! (Cloudflare isolates; the native test host): parsed values of any type under string keys,
//! in an LRU with a time-to-live. Fastly starts an instance per request, so its adapter offers
//! none. The app decides what is worth remembering (the parsed config, list versions, lists).

use lru::LruCache;
use std::any::Any;
use std::cell::RefCell;
use std::num::NonZeroUsize;
use std::rc::Rc;

/// Entries kept: a pointer plus a list and a last-good copy per segment, with room to spare.
const CAPACITY: usize = 64;

struct Entry {
    stored_ms: f64,
    value: Rc<dyn Any>,
}

/// An LRU of remembered values, each with the time it was stored.
pub struct Memo {
    entries: RefCell<LruCache<String, Entry>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo")
            .field("entries", &self.entries.borrow().len())
            .finish()
    }
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
    /// The value under `key` if it is a `T` stored less than `ttl_ms` before `now_ms` (any
    /// age with `ttl_ms` = infinity, for last-good reads).
    pub fn get<T: Any>(&self, key: &str, now_ms: f64, ttl_ms: f64) -> Option<Rc<T>> {
        let mut entries = self.entries.borrow_mut();
        let entry = entries.get(key)?;
        if now_ms - entry.stored_ms >= ttl_ms {
            return None;
        }
        Rc::clone(&entry.value).downcast::<T>().ok()
    }

    /// Remembers `value` under `key` as of `now_ms`, evicting the least recently used entry
    /// when full.
    pub fn put<T: Any>(&self, key: &str, value: Rc<T>, now_ms: f64) {
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
        memo.put("p", Rc::new(String::from("v3")), 1_000.0);
        assert_eq!(
            memo.get::<String>("p", 1_500.0, 1_000.0).as_deref(),
            Some(&"v3".to_string())
        );
        assert!(memo.get::<String>("p", 2_000.0, 1_000.0).is_none());
        assert!(memo.get::<String>("p", 1e12, f64::INFINITY).is_some());
        assert!(
            memo.get::<u32>("p", 1_500.0, 1_000.0).is_none(),
            "wrong type"
        );
        for i in 0..CAPACITY {
            memo.put(&format!("k{i}"), Rc::new(i), 0.0);
        }
        assert!(memo.get::<String>("p", 0.0, f64::INFINITY).is_none());
    }
}
