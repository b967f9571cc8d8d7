//! A cached object's stored headers in the cache entry's user metadata: postcard behind a tag
//! byte, read on every cache hit (a cached image reads two entries' metadata, its own and the
//! config copy's). Entries written by earlier releases hold them as JSON, which is still read.

use tailor_platform::PlatformError;

/// The first byte of the compact form; JSON metadata starts with `[`.
const COMPACT_TAG: u8 = 1;

/// `headers` as they are stored.
pub(crate) fn encode(headers: &[(String, String)]) -> Result<Vec<u8>, PlatformError> {
    let out = vec![COMPACT_TAG];
    postcard::to_extend(headers, out).map_err(|e| problem(&e))
}

/// The headers stored by [`encode`], or as JSON by an earlier release.
pub(crate) fn decode(metadata: &[u8]) -> Result<Vec<(String, String)>, PlatformError> {
    match metadata.split_first() {
        Some((&COMPACT_TAG, rest)) => match postcard::take_from_bytes(rest) {
            Ok((headers, [])) => Ok(headers),
            Ok(_) => Err(PlatformError::Other(
                "cached headers: bytes after the end".into(),
            )),
            Err(e) => Err(problem(&e)),
        },
        _ => serde_json::from_slice(metadata).map_err(|e| problem(&e)),
    }
}

fn problem(e: &dyn std::fmt::Display) -> PlatformError {
    PlatformError::Other(format!("cached headers: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> Vec<(String, String)> {
        vec![
            ("content-type".into(), "image/webp".into()),
            ("etag".into(), "\"4af07285093782bdb6698179\"".into()),
            ("x-tailor-image".into(), "in=1920x1280 jpeg; ünïcode".into()),
        ]
    }

    #[test]
    fn headers_come_back_as_stored() {
        let stored = encode(&headers()).unwrap();
        assert_eq!(decode(&stored).unwrap(), headers());
        assert_eq!(decode(&encode(&[]).unwrap()).unwrap(), vec![]);
    }

    #[test]
    fn an_earlier_release_json_is_read() {
        let json = serde_json::to_vec(&headers()).unwrap();
        assert_eq!(decode(&json).unwrap(), headers());
    }

    #[test]
    fn damaged_metadata_is_an_error_not_a_panic() {
        let stored = encode(&headers()).unwrap();
        for cut in 0..stored.len() {
            let _ = decode(&stored[..cut]);
        }
        assert!(decode(&stored[..stored.len() - 1]).is_err());
        let mut padded = stored.clone();
        padded.push(0);
        assert!(decode(&padded).is_err());
        assert!(decode(&[COMPACT_TAG, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        assert!(decode(b"").is_err());
        assert!(decode(b"[[\"a\"").is_err());
    }
}
