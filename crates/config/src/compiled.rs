//! The compiled config: a validated document in a compact binary form (postcard) that a
//! request reads in a few microseconds where parsing the JSON takes tens, with the JSON it
//! was compiled from carried behind it, so a build that reads another binary format (an older
//! or newer Tailor) still loads the config from its JSON instead of failing.
//!
//! Layout, little-endian: `TLRCFG`; the format (u16); the JSON's 128-bit digest (the config
//! version is its start); a 64-bit SipHash-1-3 of every other byte, so a damaged copy is
//! refused rather than read as some other config; the binary part's length (u32); the binary
//! part; the JSON document.

use super::raw::RawConfig;
use super::{parse_json, Config, ConfigError};
use std::hash::Hasher;

/// How every compiled config starts (a JSON document cannot: it starts with `{` or space).
pub const MAGIC: &[u8; 6] = b"TLRCFG";
/// The binary part's format. Bump it whenever the raw document's layout changes: the golden
/// test `the_committed_compiled_config_still_reads_as_its_json` fails until it is.
pub const FORMAT: u16 = 2;
const FORMAT_AT: usize = MAGIC.len();
const DIGEST_AT: usize = FORMAT_AT + 2;
const CHECKSUM_AT: usize = DIGEST_AT + 16;
const LENGTH_AT: usize = CHECKSUM_AT + 8;
const HEADER_BYTES: usize = LENGTH_AT + 4;

/// How a compiled config was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// From its binary part.
    Binary,
    /// From the JSON it carries, for the reason given (another build's format).
    Json(String),
}

/// Whether `bytes` are a compiled config (else they are taken for JSON).
pub fn is_compiled(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// The 128-bit SipHash-1-3 (zero key) of a JSON document: the config's identity.
pub(crate) fn document_digest(document: &[u8]) -> [u8; 16] {
    let mut hasher = siphasher::sip128::SipHasher13::new();
    hasher.write(document);
    siphasher::sip128::Hasher128::finish128(&hasher).as_bytes()
}

/// The checksum of a compiled config's pieces: every byte but the checksum's own.
fn checksum(pieces: &[&[u8]]) -> u64 {
    let mut hasher = siphasher::sip::SipHasher13::new();
    for piece in pieces {
        hasher.write(piece);
    }
    hasher.finish()
}

/// `N` bytes of `bytes` from `at`, if it has them.
fn array<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn corrupt(message: impl Into<String>) -> ConfigError {
    ConfigError::at("(compiled)", message)
}

/// A compiled config taken apart, its checksum verified.
struct Parts<'b> {
    format: u16,
    digest: [u8; 16],
    binary: &'b [u8],
    json: &'b [u8],
}

impl<'b> Parts<'b> {
    fn split(bytes: &'b [u8]) -> Result<Self, ConfigError> {
        if !is_compiled(bytes) {
            return Err(corrupt(
                "not a compiled config (it does not start with TLRCFG)",
            ));
        }
        let short = || corrupt(format!("{} bytes are shorter than its header", bytes.len()));
        let format = u16::from_le_bytes(array(bytes, FORMAT_AT).ok_or_else(short)?);
        let digest: [u8; 16] = array(bytes, DIGEST_AT).ok_or_else(short)?;
        let stored = u64::from_le_bytes(array(bytes, CHECKSUM_AT).ok_or_else(short)?);
        let length = u32::from_le_bytes(array(bytes, LENGTH_AT).ok_or_else(short)?);
        let (head, tail) = (bytes.get(..CHECKSUM_AT), bytes.get(LENGTH_AT..));
        let (Some(head), Some(tail)) = (head, tail) else {
            return Err(short());
        };
        if checksum(&[head, tail]) != stored {
            return Err(corrupt("its checksum does not match: the copy is damaged"));
        }
        let rest = bytes.get(HEADER_BYTES..).unwrap_or_default();
        let (binary, json) = usize::try_from(length)
            .ok()
            .and_then(|n| rest.split_at_checked(n))
            .ok_or_else(|| corrupt("its binary part runs past its end"))?;
        Ok(Self {
            format,
            digest,
            binary,
            json,
        })
    }
}

/// The digest a compiled config names, read from its header without checking the rest:
/// for telling whether it is a document already in memory.
pub fn named_digest(bytes: &[u8]) -> Option<[u8; 16]> {
    is_compiled(bytes).then(|| array(bytes, DIGEST_AT))?
}

/// The binary part of a compiled config (its checksum verified).
pub fn binary_part(compiled: &[u8]) -> Result<&[u8], ConfigError> {
    Parts::split(compiled).map(|parts| parts.binary)
}

/// `compiled` without the JSON it carries: all this build needs, at a third of the size, for a
/// copy only this build's instances read (the platform cache's; another build's instances
/// refuse it and read KV instead).
pub fn without_json(compiled: &[u8]) -> Result<Vec<u8>, ConfigError> {
    let parts = Parts::split(compiled)?;
    let length = u32::try_from(parts.binary.len()).unwrap_or(u32::MAX);
    Ok(assemble(
        parts.format,
        parts.digest,
        length,
        parts.binary,
        &[],
    ))
}

/// `compiled` relabelled as `format`, its checksum made to match: what another build would
/// have written, for trying how this one reads it.
pub fn relabelled(compiled: Vec<u8>, format: u16) -> Vec<u8> {
    let Ok(parts) = Parts::split(&compiled) else {
        return compiled;
    };
    let length = u32::try_from(parts.binary.len()).unwrap_or(u32::MAX);
    assemble(format, parts.digest, length, parts.binary, parts.json)
}

/// A compiled config of this build's format made of `binary` and `json` as they are, its
/// digest that of `json` and its checksum worked out: for trying what reading arbitrary
/// binary parts does (fuzzing), since a forged copy cannot otherwise pass the checksum.
pub fn sealed(binary: &[u8], json: &[u8]) -> Vec<u8> {
    let length = u32::try_from(binary.len()).unwrap_or(u32::MAX);
    assemble(FORMAT, document_digest(json), length, binary, json)
}

/// A compiled config of these parts, its checksum worked out.
fn assemble(format: u16, digest: [u8; 16], length: u32, binary: &[u8], json: &[u8]) -> Vec<u8> {
    let (format, length) = (format.to_le_bytes(), length.to_le_bytes());
    let sum = checksum(&[MAGIC, &format, &digest, &length, binary, json]);
    let mut compiled = Vec::with_capacity(HEADER_BYTES + binary.len() + json.len());
    let pieces: [&[u8]; 7] = [
        MAGIC,
        &format,
        &digest,
        &sum.to_le_bytes(),
        &length,
        binary,
        json,
    ];
    for piece in pieces {
        compiled.extend_from_slice(piece);
    }
    compiled
}

impl Config {
    /// Parses and validates a JSON document, as [`Config::from_json`] does, and returns it
    /// with its compiled form.
    pub fn compile(json: &[u8]) -> Result<(Self, Vec<u8>), ConfigError> {
        let raw = parse_json(json)?;
        let binary = postcard::to_allocvec(&raw)
            .map_err(|e| ConfigError::at("(document)", format!("cannot be compiled: {e}")))?;
        let config = Self::from_raw(raw, json)?;
        let length = u32::try_from(binary.len())
            .map_err(|_| ConfigError::at("(document)", "too large to compile"))?;
        let compiled = assemble(FORMAT, config.digest(), length, &binary, json);
        Ok((config, compiled))
    }

    /// Reads a compiled config: a damaged one is refused (field `(compiled)`); one of another
    /// format, or whose binary part does not decode, is read from the JSON it carries.
    pub fn from_compiled(bytes: &[u8]) -> Result<(Self, Read), ConfigError> {
        let parts = Parts::split(bytes)?;
        let why = if parts.format == FORMAT {
            match postcard::take_from_bytes::<RawConfig>(parts.binary) {
                Ok((raw, [])) => {
                    let config = Self::try_from(raw)?;
                    let _ = config.digest.set(parts.digest);
                    return Ok((config, Read::Binary));
                }
                Ok((_, left)) => format!("its binary part has {} bytes left over", left.len()),
                Err(e) => format!("its binary part does not decode ({e})"),
            }
        } else {
            format!("format {} is not this build's ({FORMAT})", parts.format)
        };
        if parts.json.is_empty() {
            return Err(corrupt(format!(
                "{why}, and it carries no JSON to read instead"
            )));
        }
        let config = Self::from_json(parts.json)?;
        if config.digest() != parts.digest {
            return Err(corrupt("its JSON is not the document its digest names"));
        }
        Ok((config, Read::Json(why)))
    }

    /// Reads a config document in either form and returns it with this build's compiled
    /// form: the document itself when it is that, else compiled from its JSON.
    pub fn compile_document(bytes: &[u8]) -> Result<(Self, Vec<u8>), ConfigError> {
        if !is_compiled(bytes) {
            return Self::compile(bytes);
        }
        match Self::from_compiled(bytes)? {
            (config, Read::Binary) => Ok((config, bytes.to_vec())),
            (_, Read::Json(_)) => Self::compile(Parts::split(bytes)?.json),
        }
    }

    /// Reads a config document in either form: compiled, or JSON.
    pub fn from_document(bytes: &[u8]) -> Result<Self, ConfigError> {
        if is_compiled(bytes) {
            Self::from_compiled(bytes).map(|(config, _)| config)
        } else {
            Self::from_json(bytes)
        }
    }
}

#[cfg(test)]
mod tests;
