//! Image variants: request parameters, origin path validation, and the transform pipeline
//! (probe → decode at reduced scale → resize → encode).
#![warn(missing_docs)]

mod adam7_shrink;
mod as_is;
mod box_shrink;
mod budget;
mod canvas;
mod color_profile;
mod decode;
mod encode;
mod error;
mod format;
mod freeform;
mod geometry;
mod gif_stream;
mod grid_shrink;

pub mod jpeg;
mod jpeg_bands;
mod jpeg_output;
mod metadata;
mod original;
mod params;
mod png_stream;

mod probe;
mod resize;
mod shrink_on_load;
pub mod signature;
mod source_rows;
mod transform;
mod transformed;
mod turn;
#[cfg(feature = "webp")]
mod webp_input;

pub use budget::{DECODE_BUDGET_BYTES, OUTPUT_BUDGET_BYTES};
pub use error::ImageError;
pub use format::{ClientFormats, FormatError, FormatRequest, OutputFormat};
pub use freeform::FreeForm;
pub use geometry::{FitMode, Geometry, Gravity};
#[cfg(test)]
pub(crate) use params::test_query;
pub use params::{ParamError, VariantParams};
pub use tailor_core::image_path::{check_prefix, is_under, parse_image_path, ImagePathError};
pub use transform::{
    fit_width, transform, transform_many, transform_many_owned, Job, Qualities, Timings,
    Transformed,
};
