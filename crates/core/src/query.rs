//! Reading a parsed query string (`[(key, value)]` in request order): the one way every route
//! and parser looks a parameter up.

/// The first value of `name`, if given.
pub fn first<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    values(query, name).next()
}

/// Every value of `name`, in request order: for readers that refuse a repeated parameter.
pub fn values<'q, 'n>(
    query: &'q [(String, String)],
    name: &'n str,
) -> impl Iterator<Item = &'q str> + use<'q, 'n> {
    query
        .iter()
        .filter(move |(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn first_takes_the_earliest_value_of_the_exact_key() {
        let q = query(&[("W", "1"), ("w", "2"), ("w", "3"), ("ww", "4")]);
        assert_eq!(first(&q, "w"), Some("2"));
        assert_eq!(first(&q, "h"), None);
        assert_eq!(first(&[], "w"), None);
        assert_eq!(values(&q, "w").collect::<Vec<_>>(), ["2", "3"]);
        assert_eq!(values(&q, "h").count(), 0);
    }
}
