//! The spill record of the map phase (32 bytes, little-endian) and reading a spill back.

use crate::LearnError;
use std::io::{BufReader, Read, Write};
use std::path::Path;

/// One interaction after catalogue lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Record {
    /// Input order, for stable ties on equal timestamps.
    pub seq: u64,
    /// FNV-1a of the visitor key; 0 with `consent == false`.
    pub visitor: u64,
    pub ts_ms: i64,
    pub item: u32,
    pub segment: u16,
    pub kind: u8,
    pub consent: bool,
}

pub(super) const RECORD_BYTES: usize = 32;

impl Record {
    pub(super) fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut bytes = [0u8; RECORD_BYTES];
        let mut put = |at: usize, field: &[u8]| {
            if let Some(slot) = bytes.get_mut(at..at + field.len()) {
                slot.copy_from_slice(field);
            }
        };
        put(0, &self.seq.to_le_bytes());
        put(8, &self.visitor.to_le_bytes());
        put(16, &self.ts_ms.to_le_bytes());
        put(24, &self.item.to_le_bytes());
        put(28, &self.segment.to_le_bytes());
        put(30, &[self.kind, u8::from(self.consent)]);
        out.write_all(&bytes)
    }

    pub(super) fn read(bytes: &[u8; RECORD_BYTES]) -> Self {
        let u64_at = |at: usize| {
            let mut raw = [0u8; 8];
            raw.copy_from_slice(bytes.get(at..at + 8).unwrap_or(&[0; 8]));
            u64::from_le_bytes(raw)
        };
        let u32_at = |at: usize| {
            let mut raw = [0u8; 4];
            raw.copy_from_slice(bytes.get(at..at + 4).unwrap_or(&[0; 4]));
            u32::from_le_bytes(raw)
        };
        Self {
            seq: u64_at(0),
            visitor: u64_at(8),
            ts_ms: u64_at(16) as i64,
            item: u32_at(24),
            segment: (u32_at(28) & 0xffff) as u16,
            kind: bytes.get(30).copied().unwrap_or(0),
            consent: bytes.get(31).copied().unwrap_or(0) != 0,
        }
    }
}

/// Reads every record of a spill file.
pub(super) fn read_spill(path: &Path) -> Result<Vec<Record>, LearnError> {
    let file = std::fs::File::open(path).map_err(|e| LearnError::io(path, e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut records = Vec::with_capacity(usize::try_from(size).unwrap_or(0) / RECORD_BYTES);
    let mut bytes = [0u8; RECORD_BYTES];
    loop {
        match reader.read_exact(&mut bytes) {
            Ok(()) => records.push(Record::read(&bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(LearnError::io(path, e)),
        }
    }
    Ok(records)
}

/// FNV-1a 64 of a visitor key (stable across runs and machines).
pub(super) fn visitor_hash(key: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let record = Record {
            seq: 7,
            visitor: u64::MAX,
            ts_ms: -3,
            item: 9,
            segment: 513,
            kind: 2,
            consent: true,
        };
        let mut bytes = Vec::new();
        record.write(&mut bytes).unwrap();
        let array: [u8; RECORD_BYTES] = bytes.try_into().unwrap();
        assert_eq!(Record::read(&array), record);
    }
}
