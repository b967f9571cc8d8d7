//! Image variants: request parameters, origin path validation, and the transform pipeline.

pub mod jpeg;
mod path;
pub mod synthetic;
mod transform;

pub use path::{parse_image_path, ImagePathError};
pub use transform::{transform, ImageError, Timings, Transformed};

/// Output formats Tailor can encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Jpeg,
}

impl OutputFormat {
    pub fn token(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
        }
    }
}
