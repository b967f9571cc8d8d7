//! What a resize reads its source rows from: a decoded picture held whole, or one whose rows
//! are rendered band by band on request (a large JPEG's planes, `jpeg_bands`).

use super::decode::Decoded;

/// A decoded picture's rows: all at hand, or rendered band by band on request.
pub(crate) trait SourceRows {
    /// Width, height and channels (3 or 4).
    fn shape(&self) -> (u32, u32, u8);
    /// Whole rows from `first` to `last` at least (within the picture), and the index of the
    /// row they start at.
    fn rows(&mut self, first: u32, last: u32) -> (u32, &[u8]);
    /// Whether the rows are rendered on request, so that a band's source rows cost memory.
    fn renders(&self) -> bool;
}

impl SourceRows for Decoded {
    fn shape(&self) -> (u32, u32, u8) {
        (self.width, self.height, self.channels)
    }

    fn rows(&mut self, _first: u32, _last: u32) -> (u32, &[u8]) {
        (0, &self.pixels)
    }

    fn renders(&self) -> bool {
        false
    }
}
