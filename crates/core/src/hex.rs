//! Lowercase hex, the one encoder of keys, ETags, signatures and visitor ids, and its reader.

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

/// The `N` bytes that `text` (exactly `2 * N` lowercase hex digits) encodes, as [`lower_hex`]
/// writes them; `None` for anything else.
pub fn parse_lower_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let value = |digit: u8| match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    };
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = value(*pair.first()?)? << 4 | value(*pair.get(1)?)?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_writes_and_nothing_else() {
        let bytes = [0x00, 0x7f, 0x80, 0xff, 0x12, 0xab];
        assert_eq!(parse_lower_hex::<6>(&lower_hex(&bytes)), Some(bytes));
        for bad in [
            "",
            "00",
            "0011223344gg",
            "0011223344AB",
            "00112233445566",
            "0011223344é",
        ] {
            assert_eq!(parse_lower_hex::<6>(bad), None, "{bad}");
        }
    }
}
