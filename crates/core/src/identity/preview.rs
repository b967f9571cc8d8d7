//! Preview tokens: `?tailor_preview=<segment>.<expiry>.<signature>` forces a segment for QA.
//! The signature is HMAC-SHA256 over `<segment>.<expiry>` (hex, lowercase) with the preview
//! key from the secret store; expiry is in Unix seconds.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The query parameter carrying a token.
pub const PARAM: &str = "tailor_preview";

/// The signature of `segment` until `expiry` (Unix seconds), hex.
pub fn sign(key: &[u8], segment: &str, expiry: u64) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new(); // HMAC takes keys of any length
    };
    mac.update(format!("{segment}.{expiry}").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The segment a valid, unexpired token forces; `None` for anything else.
pub fn verify(token: &str, key: &[u8], now_s: u64) -> Option<String> {
    let mut parts = token.splitn(3, '.');
    let (segment, expiry, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if segment.is_empty() || segment.len() > 32 || signature.len() != 64 {
        return None;
    }
    let expiry: u64 = expiry.parse().ok()?;
    let expected = sign(key, segment, expiry);
    let valid = crate::constant_time::eq(
        expected.as_bytes(),
        signature.to_ascii_lowercase().as_bytes(),
    );
    (valid && now_s <= expiry).then(|| segment.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_tokens_force_and_anything_else_is_ignored() {
        let key = b"preview-key";
        let token = format!("mobile.2000.{}", sign(key, "mobile", 2000));
        assert_eq!(verify(&token, key, 1999).as_deref(), Some("mobile"));
        assert_eq!(verify(&token, key, 2001), None, "expired");
        assert_eq!(verify(&token, b"other", 1999), None, "wrong key");
        let forged = token.replace("mobile", "desktop");
        assert_eq!(verify(&forged, key, 1999), None);
        for garbage in ["", "a", "a.b.c", "mobile.x.00", "..", "mobile.2000."] {
            assert_eq!(verify(garbage, key, 0), None, "{garbage}");
        }
    }
}
