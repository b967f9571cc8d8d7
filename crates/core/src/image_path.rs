//! The image URL `/img/{variant}/{path}`: building it, and validating its origin path, which
//! goes into an origin request and a cache key, so only a plain relative path is accepted.

/// Where image URLs start; the rest is `{variant}/{path}`.
pub const IMAGE_ROUTE: &str = "/img/";

/// The URL of `path` (an origin image path) rendered as `variant`: what banners and the demo
/// page link to.
pub fn image_url(variant: &str, path: &str) -> String {
    format!("{IMAGE_ROUTE}{variant}/{path}")
}

/// Why an origin image path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImagePathError {
    /// No path at all.
    #[error("the path is empty")]
    Empty,
    /// Over the byte limit, which it carries.
    #[error("the path is longer than {0} bytes")]
    TooLong(usize),
    /// A byte other than an ASCII letter, digit, `-`, `_`, `.` or `/` (a query, an escape...).
    #[error("the path may contain only letters, digits, '-', '_', '.' and '/'")]
    BadCharacter,
    /// A leading, trailing or doubled `/`, or a `.` or `..` segment.
    #[error("the path may not contain empty, '.' or '..' segments")]
    BadSegment,
}

/// Accepts `a/b-c_d.jpg`-style paths; rejects traversal, empty segments, queries and escapes.
pub fn parse_image_path(path: &str, max_bytes: usize) -> Result<&str, ImagePathError> {
    if path.is_empty() {
        return Err(ImagePathError::Empty);
    }
    if path.len() > max_bytes {
        return Err(ImagePathError::TooLong(max_bytes));
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/');
    if !path.bytes().all(allowed) {
        return Err(ImagePathError::BadCharacter);
    }
    if path
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(ImagePathError::BadSegment);
    }
    Ok(path)
}

/// Whether `path` lies under `prefix`, whole segment by whole segment: `photos` and `photos/`
/// admit `photos/a.jpg`, never `photos-private/a.jpg` (nor a file named `photos`).
pub fn is_under(path: &str, prefix: &str) -> bool {
    let prefix = prefix.strip_suffix('/').unwrap_or(prefix);
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// A configured path prefix: a valid image path (relative, no empty, `.` or `..` segments),
/// optionally ending in one `/`.
pub fn check_prefix(prefix: &str, max_bytes: usize) -> Result<(), ImagePathError> {
    parse_image_path(prefix.strip_suffix('/').unwrap_or(prefix), max_bytes).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_urls_name_the_variant_then_the_path() {
        assert_eq!(
            image_url("preview", "photos/a.jpg"),
            "/img/preview/photos/a.jpg"
        );
        assert_eq!(image_url("_", "a.jpg"), "/img/_/a.jpg");
    }

    #[test]
    fn plain_paths_pass() {
        assert_eq!(
            parse_image_path("photos/a-1_b.jpg", 100),
            Ok("photos/a-1_b.jpg")
        );
    }

    #[test]
    fn path_prefixes_match_whole_segments() {
        for prefix in ["photos", "photos/"] {
            assert!(is_under("photos/a.jpg", prefix), "{prefix}");
            assert!(is_under("photos/2024/a.jpg", prefix), "{prefix}");
            assert!(!is_under("photos-private/a.jpg", prefix), "{prefix}");
            assert!(!is_under("photosecret.jpg", prefix), "{prefix}");
            assert!(!is_under("photos", prefix), "{prefix}");
            assert!(!is_under("other/photos/a.jpg", prefix), "{prefix}");
        }
        assert!(is_under("shop/photos/a.jpg", "shop/photos"));
        assert!(!is_under("shop/photos2/a.jpg", "shop/photos/"));
    }

    #[test]
    fn path_prefixes_are_validated() {
        for good in ["photos", "photos/", "shop/photos", "a-b_c.d/"] {
            assert_eq!(check_prefix(good, 100), Ok(()), "{good}");
        }
        for bad in [
            "",
            "/",
            "/photos",
            "photos//",
            "../photos",
            "photos/./x",
            "pho tos",
            "a%2F",
        ] {
            assert!(check_prefix(bad, 100).is_err(), "{bad}");
        }
    }

    #[test]
    fn hostile_paths_fail() {
        assert_eq!(parse_image_path("", 100), Err(ImagePathError::Empty));
        assert_eq!(
            parse_image_path("../etc/passwd", 100),
            Err(ImagePathError::BadSegment)
        );
        assert_eq!(
            parse_image_path("a//b.jpg", 100),
            Err(ImagePathError::BadSegment)
        );
        assert_eq!(
            parse_image_path("/a.jpg", 100),
            Err(ImagePathError::BadSegment)
        );
        assert_eq!(
            parse_image_path("a%2e%2e/b", 100),
            Err(ImagePathError::BadCharacter)
        );
        assert_eq!(
            parse_image_path("a?b=1", 100),
            Err(ImagePathError::BadCharacter)
        );
        assert_eq!(
            parse_image_path(&"a".repeat(101), 100),
            Err(ImagePathError::TooLong(100))
        );
    }
}
