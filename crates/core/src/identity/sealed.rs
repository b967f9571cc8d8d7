//! The sealed visitor cookie: visitor id, issue time and recent history, encrypted and
//! authenticated with ChaCha20-Poly1305 under a key id, so it can be neither read nor forged
//! by anyone without the key, and keys can rotate. Value: `<key id>.<base64url(nonce ‖
//! ciphertext)>`. Anything that does not open — tampered, truncated, expired, unknown key —
//! is treated as no cookie.

pub use super::contents::{ArmMark, HistoryEntry, VisitorCookie};
use super::plaintext::{self, CookieForm};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use sha2::{Digest, Sha256};

/// Browsers keep cookies up to 4096 bytes; ours stays well below.
pub const MAX_VALUE_BYTES: usize = 3072;
/// The most history entries kept (oldest dropped first).
pub const MAX_HISTORY: usize = 12;
/// The most experiments whose arm a cookie records (those of the current config first).
pub const MAX_ARMS: usize = 16;
const NONCE_BYTES: usize = 12;

/// A cookie key: its id (named in the cookie) and the cipher key derived from the secret.
#[derive(Clone)]
pub struct CookieKey {
    /// Written before the `.` of a value it seals, so [`open`] knows which key to use.
    pub id: String,
    key: Key,
}

impl std::fmt::Debug for CookieKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CookieKey").field("id", &self.id).finish()
    }
}

impl CookieKey {
    /// Derives the 256-bit key from a secret of any length (SHA-256 with a purpose label, so
    /// the same secret used elsewhere yields an unrelated key).
    pub fn from_secret(id: &str, secret: &[u8]) -> Self {
        let digest = Sha256::new()
            .chain_update(b"tailor visitor cookie v1\0")
            .chain_update(secret)
            .finalize();
        Self {
            id: id.to_owned(),
            key: Key::clone_from_slice(&digest),
        }
    }
}

/// Encrypts `cookie` under `key`, its plaintext in `form`. `nonce` must be fresh random
/// bytes; `name` (the cookie's name) is authenticated too, so a value cannot be replayed
/// under another cookie.
pub fn seal(
    cookie: &VisitorCookie,
    key: &CookieKey,
    nonce: [u8; NONCE_BYTES],
    name: &str,
    form: CookieForm,
) -> Option<String> {
    let mut cookie = cookie.clone();
    let excess = cookie.history.len().saturating_sub(MAX_HISTORY);
    cookie.history.drain(..excess);
    cookie.arms.truncate(MAX_ARMS);
    let mut plaintext = plaintext::encode(&cookie, form)?;
    // Sealing adds a nonce and a tag, and base64 a third: when long ids would push the value
    // past the limit, the oldest history entries make room (identity and arms stay).
    while sealed_len(&key.id, plaintext.len()) > MAX_VALUE_BYTES && !cookie.history.is_empty() {
        cookie.history.remove(0);
        plaintext = plaintext::encode(&cookie, form)?;
    }
    let aad = associated_data(name, &key.id);
    let sealed = ChaCha20Poly1305::new(&key.key)
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &plaintext,
                aad: &aad,
            },
        )
        .ok()?;
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&sealed);
    let value = format!("{}.{}", key.id, URL_SAFE_NO_PAD.encode(bytes));
    (value.len() <= MAX_VALUE_BYTES).then_some(value)
}

/// The length of a sealed value whose plaintext has `plaintext` bytes.
fn sealed_len(key_id: &str, plaintext: usize) -> usize {
    let bytes = NONCE_BYTES + plaintext + 16;
    key_id.len() + 1 + bytes.div_ceil(3) * 4 - (3 - bytes % 3) % 3
}

/// Opens a cookie value with whichever of `keys` it names; `None` when it does not open or
/// is older than `max_age_s`.
pub fn open(
    value: &str,
    keys: &[CookieKey],
    name: &str,
    now_s: u64,
    max_age_s: u64,
) -> Option<VisitorCookie> {
    if value.len() > MAX_VALUE_BYTES {
        return None;
    }
    let (id, data) = value.split_once('.')?;
    let key = keys.iter().find(|k| k.id == id)?;
    let bytes = URL_SAFE_NO_PAD.decode(data).ok()?;
    if bytes.len() < NONCE_BYTES + 16 {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
    let aad = associated_data(name, id);
    let plaintext = ChaCha20Poly1305::new(&key.key)
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: &aad,
            },
        )
        .ok()?;
    let cookie = plaintext::decode(&plaintext)?;
    let fresh = cookie.issued_s <= now_s.saturating_add(300)
        && now_s.saturating_sub(cookie.issued_s) <= max_age_s;
    (fresh && valid_id(&cookie.visitor_id)).then_some(cookie)
}

/// The key id a cookie value names (sealed under), without opening it.
pub fn key_id(value: &str) -> Option<&str> {
    value.split_once('.').map(|(id, _)| id)
}

fn associated_data(name: &str, key_id: &str) -> Vec<u8> {
    format!("{name}\0{key_id}").into_bytes()
}

/// Visitor ids are what [`new_visitor_id`] makes: 24 lowercase hex digits.
fn valid_id(id: &str) -> bool {
    crate::hex::parse_lower_hex::<12>(id).is_some()
}

/// A visitor id from 12 random bytes.
pub fn new_visitor_id(random: [u8; 12]) -> String {
    crate::hex::lower_hex(&random)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie() -> VisitorCookie {
        VisitorCookie {
            visitor_id: new_visitor_id([7; 12]),
            issued_s: 1_000,
            history: vec![HistoryEntry {
                item: "sku-1".into(),
                category: "shoes".into(),
                kind: 'c',
                at_s: None,
            }],
            arms: vec![ArmMark {
                experiment: "hero".into(),
                arm: "big".into(),
                day: 20_000,
            }],
        }
    }

    fn keys() -> Vec<CookieKey> {
        vec![
            CookieKey::from_secret("k2", b"new secret"),
            CookieKey::from_secret("k1", b"old secret"),
        ]
    }

    #[test]
    fn round_trips_under_any_known_key_in_either_form() {
        for form in [CookieForm::Json, CookieForm::Compact] {
            for key in keys() {
                let value = seal(&cookie(), &key, [1; 12], "tv", form).unwrap();
                assert!(value.starts_with(&format!("{}.", key.id)));
                assert!(!value.contains("sku-1"), "history is encrypted");
                assert_eq!(open(&value, &keys(), "tv", 2_000, 86_400), Some(cookie()));
            }
        }
        let json = seal(&cookie(), &keys()[0], [1; 12], "tv", CookieForm::Json).unwrap();
        let compact = seal(&cookie(), &keys()[0], [1; 12], "tv", CookieForm::Compact).unwrap();
        assert!(compact.len() < json.len(), "{compact} {json}");
    }

    #[test]
    fn tampered_expired_renamed_or_unknown_cookies_do_not_open() {
        let key = &keys()[0];
        let value = seal(&cookie(), key, [1; 12], "tv", CookieForm::Json).unwrap();
        let mut tampered = value.clone().into_bytes();
        let last = tampered.len() - 5;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(open(&tampered, &keys(), "tv", 2_000, 86_400), None);
        assert_eq!(
            open(&value, &keys(), "tv", 1_000 + 86_401, 86_400),
            None,
            "expired"
        );
        assert_eq!(
            open(&value, &keys(), "other", 2_000, 86_400),
            None,
            "renamed"
        );
        assert_eq!(
            open(&value, &keys()[1..], "tv", 2_000, 86_400),
            None,
            "unknown key"
        );
        assert_eq!(
            open(&value, &keys(), "tv", 0, 86_400),
            None,
            "issued in the future"
        );
        for garbage in ["", ".", "k2.", "k2.!!!", "k2.AAAA", "nokey"] {
            assert_eq!(open(garbage, &keys(), "tv", 2_000, 86_400), None);
        }
    }

    #[test]
    fn cookies_without_arms_still_open() {
        // A cookie sealed before arms were recorded: only id, issue time and history.
        let key = &keys()[0];
        let old = serde_json::json!({"id": new_visitor_id([7; 12]), "iat": 1_000, "h": []});
        let plaintext = old.to_string().into_bytes();
        let aad = associated_data("tv", &key.id);
        let sealed = ChaCha20Poly1305::new(&key.key)
            .encrypt(
                Nonce::from_slice(&[3; 12]),
                Payload {
                    msg: &plaintext,
                    aad: &aad,
                },
            )
            .unwrap();
        let mut bytes = vec![3; 12];
        bytes.extend_from_slice(&sealed);
        let value = format!("{}.{}", key.id, URL_SAFE_NO_PAD.encode(bytes));
        let opened = open(&value, &keys(), "tv", 2_000, 86_400).unwrap();
        assert!(opened.arms.is_empty());
        assert!(opened.history.is_empty());
    }

    #[test]
    fn long_cookies_stay_under_the_limit_keeping_identity_and_arms() {
        let mut long = cookie();
        long.history = (0..MAX_HISTORY)
            .map(|i| HistoryEntry {
                item: format!("{i:0>64}"),
                category: "c".repeat(64),
                kind: 'v',
                at_s: Some(1_790_000_000),
            })
            .collect();
        long.arms = (0..40)
            .map(|i| ArmMark {
                experiment: format!("{i:0>32}"),
                arm: "a".repeat(32),
                day: 20_000,
            })
            .collect();
        let value = seal(&long, &keys()[0], [4; 12], "tv", CookieForm::Json).unwrap();
        assert!(value.len() <= MAX_VALUE_BYTES, "{}", value.len());
        let opened = open(&value, &keys(), "tv", 2_000, 86_400).unwrap();
        assert_eq!(opened.arms.len(), MAX_ARMS);
        assert!(opened.history.len() < MAX_HISTORY);
        assert_eq!(opened.history.last(), long.history.last());
        for plaintext in [0, 1, 2, 3, 100, 2000] {
            let k = &keys()[0];
            let bytes = vec![0u8; NONCE_BYTES + plaintext + 16];
            let real = format!("{}.{}", k.id, URL_SAFE_NO_PAD.encode(bytes));
            assert_eq!(sealed_len(&k.id, plaintext), real.len());
        }
    }

    #[test]
    fn history_is_capped_oldest_first() {
        let mut long = cookie();
        long.history = (0..30)
            .map(|i| HistoryEntry {
                item: format!("sku-{i}"),
                category: "c".into(),
                kind: 'v',
                at_s: None,
            })
            .collect();
        let value = seal(&long, &keys()[0], [2; 12], "tv", CookieForm::Json).unwrap();
        let opened = open(&value, &keys(), "tv", 2_000, 86_400).unwrap();
        assert_eq!(opened.history.len(), MAX_HISTORY);
        assert_eq!(opened.history[0].item, "sku-18");
    }
}
