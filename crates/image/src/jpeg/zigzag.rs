//! The zigzag order JPEG codes a block's 64 coefficients in.

/// Zigzag index → natural (row-major) index in an 8x8 block.
pub(super) const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Natural (row-major) index → zigzag index: [`ZIGZAG`] inverted.
// Evaluated at compile time, where an index out of range is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
pub(super) const NATURAL_TO_ZIGZAG: [usize; 64] = {
    let mut inverse = [0; 64];
    let mut zigzag = 0;
    while zigzag < 64 {
        inverse[ZIGZAG[zigzag]] = zigzag;
        zigzag += 1;
    }
    inverse
};
