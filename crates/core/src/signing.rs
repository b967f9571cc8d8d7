//! HMAC-SHA256 signatures as lowercase hex, and their check in constant time: what signed image
//! URLs and preview tokens are both made of.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The HMAC-SHA256 of `input` under `key`, as 64 lowercase hex digits.
pub fn mac_hex(key: &[u8], input: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new(); // HMAC accepts keys of any length; this branch is unreachable
    };
    mac.update(input.as_bytes());
    crate::hex::lower_hex(&mac.finalize().into_bytes())
}

/// Whether `given_hex` is the HMAC-SHA256 of `input` under `key`, compared without an early
/// exit ([`crate::constant_time::eq`]). Hex digits match in either case.
pub fn verify_hex(key: &[u8], input: &str, given_hex: &str) -> bool {
    let expected = mac_hex(key, input);
    crate::constant_time::eq(
        expected.as_bytes(),
        given_hex.to_ascii_lowercase().as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_hex_is_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            mac_hex(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verify_hex_takes_either_case_and_refuses_anything_else() {
        let mac = mac_hex(b"key", "input");
        assert!(verify_hex(b"key", "input", &mac));
        assert!(verify_hex(b"key", "input", &mac.to_ascii_uppercase()));
        assert!(!verify_hex(b"other", "input", &mac));
        assert!(!verify_hex(b"key", "inpuT", &mac));
        assert!(!verify_hex(
            b"key",
            "input",
            mac.get(..63).unwrap_or_default()
        ));
        assert!(!verify_hex(b"key", "input", ""));
    }
}
