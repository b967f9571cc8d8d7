//! Accept-style headers (`Accept`, `Accept-Encoding`, `Accept-Language`): comma-separated
//! tokens, each with an optional `;q=` weight. One reader for all of them; what a weight means
//! (refused at 0, ranked by it) is up to each caller.

/// Each range of `header` as `(token, q)`, in header order: the token trimmed, `q` the first
/// `q=` parameter's value, `Some(1.0)` when none is given and `None` when it is not a number.
/// Nothing is validated here: an out-of-range weight comes back as it was sent.
pub fn q_values(header: &str) -> impl Iterator<Item = (&str, Option<f32>)> {
    header.split(',').map(|range| {
        let mut pieces = range.split(';').map(str::trim);
        let token = pieces.next().unwrap_or_default();
        let q = pieces
            .find_map(|p| p.strip_prefix("q="))
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
        (token, q)
    })
}

#[cfg(test)]
mod tests {
    use super::q_values;

    #[test]
    fn q_values_reads_tokens_and_their_weights_in_order() {
        let ranges: Vec<_> = q_values("gzip, br;q=0.8 , *;level=1;q=0, en;q=x, ;q=2").collect();
        assert_eq!(
            ranges,
            [
                ("gzip", Some(1.0)),
                ("br", Some(0.8)),
                ("*", Some(0.0)),
                ("en", None),
                ("", Some(2.0)),
            ]
        );
        assert_eq!(q_values("").collect::<Vec<_>>(), [("", Some(1.0))]);
    }
}
