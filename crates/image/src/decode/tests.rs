use super::*;

#[test]
fn stripping_alpha_keeps_each_pixels_colour_in_place() {
    assert_eq!(
        strip_alpha(vec![1, 2, 3, 4, 5, 6, 7, 8]),
        [1, 2, 3, 5, 6, 7]
    );
    assert_eq!(strip_alpha(Vec::new()), Vec::<u8>::new());
    let rgba: Vec<u8> = (0..4 * 1000).map(|i| (i * 7 % 251) as u8).collect();
    let expected: Vec<u8> = rgba
        .chunks_exact(4)
        .flat_map(|p| p.get(..3).unwrap_or_default().to_vec())
        .collect();
    assert_eq!(strip_alpha(rgba), expected);
}
