//! Preview tokens: `?tailor_preview=<key id>.<segment>.<expiry>.<signature>` forces a segment
//! for QA. The signature is HMAC-SHA256 over `<key id>.<segment>.<expiry>` (hex, lowercase)
//! with the secret `preview-<key id>`; expiry is in Unix seconds. Key ids and segments are
//! identifiers (`a-z 0-9 - _`, no dot), so the four parts split one way only. A token names
//! its key, so the preview key can rotate while older tokens keep working, and one whose
//! expiry is further away than the configured maximum lifetime is refused, so no token
//! lives forever.

/// The query parameter carrying a token.
pub const PARAM: &str = "tailor_preview";
/// The longest key id or segment (the config's identifier limit).
const MAX_ID_BYTES: usize = 32;
/// Unix seconds fit in 20 digits; anything longer is not a time.
const MAX_EXPIRY_DIGITS: usize = 20;

/// A token split into its parts, before its signature is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The preview key it claims to be signed with (secret `preview-<key id>`).
    pub key_id: &'a str,
    /// The segment it forces.
    pub segment: &'a str,
    /// When it stops working, Unix seconds.
    pub expiry: u64,
    signature: &'a str,
}

/// The hex signature of `segment` until `expiry` (Unix seconds) under the key `key_id`.
pub fn sign(key_id: &str, key: &[u8], segment: &str, expiry: u64) -> String {
    crate::signing::mac_hex(key, &signing_input(key_id, segment, expiry))
}

/// What a token's signature covers: `<key id>.<segment>.<expiry>`.
fn signing_input(key_id: &str, segment: &str, expiry: u64) -> String {
    format!("{key_id}.{segment}.{expiry}")
}

/// A whole token: what QA tooling puts in `?tailor_preview=`.
pub fn mint(key_id: &str, key: &[u8], segment: &str, expiry: u64) -> String {
    let signature = sign(key_id, key, segment, expiry);
    format!("{key_id}.{segment}.{expiry}.{signature}")
}

/// Splits a token into its four parts; `None` for anything not shaped like one.
pub fn parse(token: &str) -> Option<Token<'_>> {
    let mut parts = token.split('.');
    let (key_id, segment, expiry, signature) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let well_formed = parts.next().is_none()
        && identifier(key_id)
        && identifier(segment)
        && (1..=MAX_EXPIRY_DIGITS).contains(&expiry.len())
        && expiry.bytes().all(|b| b.is_ascii_digit())
        && signature.len() == 64
        && signature.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        return None;
    }
    Some(Token {
        key_id,
        segment,
        expiry: expiry.parse().ok()?,
        signature,
    })
}

impl Token<'_> {
    /// Whether the token is signed with `key` (the secret of its key id), has not expired at
    /// `now_s`, and expires no more than `max_lifetime_s` from now.
    pub fn is_valid(&self, key: &[u8], now_s: u64, max_lifetime_s: u64) -> bool {
        let input = signing_input(self.key_id, self.segment, self.expiry);
        let signed = crate::signing::verify_hex(key, &input, self.signature);
        signed && now_s <= self.expiry && self.expiry - now_s <= max_lifetime_s
    }
}

/// The segment a valid token forces, given the preview keys as `(key id, secret)`; `None`
/// for anything else.
pub fn verify(
    token: &str,
    keys: &[(&str, &[u8])],
    now_s: u64,
    max_lifetime_s: u64,
) -> Option<String> {
    let token = parse(token)?;
    let (_, key) = keys.iter().find(|(id, _)| *id == token.key_id)?;
    token
        .is_valid(key, now_s, max_lifetime_s)
        .then(|| token.segment.to_owned())
}

fn identifier(value: &str) -> bool {
    (1..=MAX_ID_BYTES).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;
    const KEYS: &[(&str, &[u8])] = &[("p2", b"new key"), ("p1", b"old key")];

    #[test]
    fn valid_tokens_force_and_anything_else_is_ignored() {
        let token = mint("p2", b"new key", "mobile", 2000);
        assert_eq!(verify(&token, KEYS, 1999, DAY).as_deref(), Some("mobile"));
        assert_eq!(verify(&token, KEYS, 2001, DAY), None, "expired");
        let other_key = mint("p2", b"other", "mobile", 2000);
        assert_eq!(verify(&other_key, KEYS, 1999, DAY), None, "wrong key");
        let forged = token.replace("mobile", "desktop");
        assert_eq!(verify(&forged, KEYS, 1999, DAY), None);
        let relabelled = token.replacen("p2", "p1", 1);
        assert_eq!(
            verify(&relabelled, KEYS, 1999, DAY),
            None,
            "key id is signed"
        );
        for garbage in ["", "a", "a.b.c", "p2.mobile.x.00", "...", "p2.mobile.2000."] {
            assert_eq!(verify(garbage, KEYS, 0, DAY), None, "{garbage}");
        }
    }

    #[test]
    fn preview_tokens_past_the_maximum_lifetime_are_refused() {
        let now = 1_790_000_000;
        let year_3000 = 32_503_680_000;
        let forever = mint("p2", b"new key", "dach", year_3000);
        assert_eq!(verify(&forever, KEYS, now, 7 * DAY), None);
        let week = mint("p2", b"new key", "dach", now + 7 * DAY);
        assert_eq!(verify(&week, KEYS, now, 7 * DAY).as_deref(), Some("dach"));
        assert_eq!(
            verify(&week, KEYS, now - 1, 7 * DAY),
            None,
            "a second too long"
        );
    }

    #[test]
    fn preview_tokens_name_their_key_so_the_key_can_rotate() {
        let old = mint("p1", b"old key", "sale", 5000);
        let new = mint("p2", b"new key", "sale", 5000);
        for token in [&old, &new] {
            assert_eq!(verify(token, KEYS, 4000, DAY).as_deref(), Some("sale"));
        }
        assert_eq!(verify(&old, &KEYS[..1], 4000, DAY), None, "key retired");
        let parsed = parse(&old).unwrap();
        assert_eq!(
            (parsed.key_id, parsed.segment, parsed.expiry),
            ("p1", "sale", 5000)
        );
    }

    #[test]
    fn preview_tokens_split_one_way_only() {
        let sig = "0".repeat(64);
        for ambiguous in [
            format!("p1.dach.x.5000.{sig}"),
            format!("p1.da.ch.5000.{sig}"),
            format!("p.1.dach.5000.{sig}"),
            format!("P1.dach.5000.{sig}"),
            format!("p1.dach.+5000.{sig}"),
            format!("p1.dach.5000.{sig}0"),
            format!("p1..5000.{sig}"),
        ] {
            assert_eq!(parse(&ambiguous), None, "{ambiguous}");
        }
        assert!(parse(&format!("p1.dach.5000.{sig}")).is_some());
    }
}
