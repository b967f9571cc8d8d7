//! Signed free-form transform URLs: HMAC-SHA256 over a canonical form of the origin path and
//! the transform parameters, so a signer needs no knowledge of Tailor's normalization and no
//! two different parameter sets share a signing input.
//!
//! The canonical form is `path?k=v&k=v…`: the signed keys present, sorted by key (then value),
//! each key and value percent-encoded as RFC 3986 does it — every byte except `A-Z a-z 0-9 - .
//! _ ~` becomes `%XX` with upper-case hex. A value can therefore never carry a `&` or `=` that
//! poses as a separator: `w=300&fit=cover` and the single value `w=300%26fit%3Dcover` sign
//! differently. Plain values (numbers, `cover`, `0.3x0.7`, `000000`) are unchanged by the
//! encoding, so their signing input reads as the query does.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use tailor_core::signing::{mac_hex, verify_hex};

/// Query keys a free-form request is signed over. Anything else (tracking, cache busters) is
/// ignored by both the signature and the cache key.
pub const SIGNED_KEYS: &[&str] = &[
    "bg", "dpr", "fit", "format", "gravity", "h", "q", "upscale", "w",
];

/// Bytes encoded in the canonical form: all but RFC 3986's unreserved characters.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The exact bytes that are signed (see the module documentation).
pub fn signing_input(path: &str, query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| SIGNED_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (encode(k), encode(v)))
        .collect();
    pairs.sort_unstable();
    let joined: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{}?{}", encode_path(path), joined.join("&"))
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, ENCODED).to_string()
}

/// The path keeps its `/` separators; each segment is encoded like a value (a path Tailor
/// accepts has nothing to encode).
fn encode_path(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}

/// The signature for `input` under `key`, as `<key id>.<hex HMAC-SHA256>`.
pub fn sign(key_id: &str, key: &[u8], input: &str) -> String {
    format!("{key_id}.{}", mac_hex(key, input))
}

/// The key id and hex digest of a well-formed signature: an id of 1-32 characters of
/// `A-Z a-z 0-9 - _` (it names a secret, so nothing else may reach the store) and 64 hex digits.
fn parts(signature: &str) -> Option<(&str, &str)> {
    let (id, hex) = signature.split_once('.')?;
    let id_ok = (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let hex_ok = hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    (id_ok && hex_ok).then_some((id, hex))
}

/// The key id a signature names, if it is well-formed. Ids are case-sensitive.
pub fn key_id(signature: &str) -> Option<&str> {
    parts(signature).map(|(id, _)| id)
}

/// Checks `signature` against `input` under `key`, without an early exit. Only the hex digest
/// is case-insensitive; the key id was used as it is to find `key`.
pub fn verify(signature: &str, key: &[u8], input: &str) -> bool {
    let Some((_, hex)) = parts(signature) else {
        return false;
    };
    verify_hex(key, input, hex)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_query as query;

    #[test]
    fn signing_input_ignores_order_and_unknown_keys() {
        let a = signing_input(
            "photos/a.jpg",
            &query(&[("w", "300"), ("fit", "cover"), ("utm_source", "x")]),
        );
        let b = signing_input(
            "photos/a.jpg",
            &query(&[("fit", "cover"), ("sig", "s1.00"), ("w", "300")]),
        );
        assert_eq!(a, b);
        assert_eq!(a, "photos/a.jpg?fit=cover&w=300");
    }

    #[test]
    fn signature_canonical_form_escapes_separators_in_values() {
        let two_keys = signing_input("a.jpg", &query(&[("w", "320"), ("upscale", "0")]));
        let smuggled = signing_input("a.jpg", &query(&[("upscale", "0&w=320")]));
        assert_ne!(two_keys, smuggled);
        assert_eq!(smuggled, "a.jpg?upscale=0%26w%3D320");
        assert_eq!(
            signing_input(
                "a.jpg",
                &query(&[("bg", "#00ff00"), ("gravity", "0.3x0.7")])
            ),
            "a.jpg?bg=%2300ff00&gravity=0.3x0.7"
        );
        // The README's shell example encodes with Python's `quote(v, safe="")`; the same bytes.
        assert_eq!(
            signing_input("a.jpg", &query(&[("fit", "a b+é~#&=-._*!()'")])),
            "a.jpg?fit=a%20b%2B%C3%A9~%23%26%3D-._%2A%21%28%29%27"
        );
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let input = "photos/a.jpg?w=300";
        let sig = sign("s1", b"secret", input);
        assert_eq!(key_id(&sig), Some("s1"));
        assert!(verify(&sig, b"secret", input));
        assert!(!verify(&sig, b"secret", "photos/a.jpg?w=301"));
        assert!(!verify(&sig, b"other", input));
        assert_eq!(key_id("s1.xyz"), None);
        assert_eq!(key_id("nodot"), None);
        assert_eq!(key_id(&format!("a/b.{}", "0".repeat(64))), None);
    }

    #[test]
    fn signature_key_ids_keep_their_case_and_only_the_hex_is_case_insensitive() {
        let input = "photos/a.jpg?w=300";
        let sig = sign("Key-2", b"secret", input);
        assert_eq!(key_id(&sig), Some("Key-2"));
        assert!(verify(&sig, b"secret", input));
        let (id, hex) = sig.split_once('.').unwrap();
        let upper_hex = format!("{id}.{}", hex.to_ascii_uppercase());
        assert_eq!(key_id(&upper_hex), Some("Key-2"));
        assert!(verify(&upper_hex, b"secret", input));
    }
}
