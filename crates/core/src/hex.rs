//! Lowercase hex, the one encoder of keys, ETags, signatures and visitor ids.

/// `bytes` as lowercase hex, digit by digit (a `format!` per byte was a string allocation per
/// byte on every cache lookup).
pub fn lower_hex(bytes: &[u8]) -> String {
    let digit = |nibble: u8| char::from_digit(u32::from(nibble), 16).unwrap_or('0');
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(digit(b >> 4));
        out.push(digit(b & 15));
    }
    out
}
