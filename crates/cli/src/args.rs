//! Command-line options: `--name value...` pairs, every value up to the next `--name`.

use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub(crate) struct Args {
    options: BTreeMap<String, Vec<String>>,
}

impl Args {
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let mut options: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut current: Option<String> = None;
        for arg in args {
            if let Some(name) = arg.strip_prefix("--") {
                options.entry(name.to_owned()).or_default();
                current = Some(name.to_owned());
            } else if let Some(values) = current.as_ref().and_then(|c| options.get_mut(c)) {
                values.push(arg.clone());
            } else {
                return Err(format!("'{arg}' is not after an option"));
            }
        }
        Ok(Self { options })
    }

    /// Every value of `--name` (none when absent).
    pub(crate) fn all(&self, name: &str) -> &[String] {
        self.options.get(name).map_or(&[], Vec::as_slice)
    }

    /// The single value of `--name`, if given.
    pub(crate) fn one(&self, name: &str) -> Result<Option<&str>, String> {
        match self.all(name) {
            [] if self.options.contains_key(name) => Err(format!("--{name} needs a value")),
            [] => Ok(None),
            [value] => Ok(Some(value)),
            _ => Err(format!("--{name} takes one value")),
        }
    }

    /// `--name` parsed as a number, or `default`.
    pub(crate) fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.one(name)? {
            Some(text) => text
                .parse()
                .map_err(|_| format!("--{name} must be a number, not '{text}'")),
            None => Ok(default),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(line: &str) -> Result<Args, String> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        Args::parse(&args)
    }

    #[test]
    fn options_take_every_value_up_to_the_next() {
        let args = parse("--log a.log b.log.gz --out dir --k 20").unwrap();
        assert_eq!(args.all("log"), ["a.log", "b.log.gz"]);
        assert_eq!(args.one("out").unwrap(), Some("dir"));
        assert_eq!(args.number("k", 10usize).unwrap(), 20);
        assert_eq!(args.number("shards", 1u32).unwrap(), 1);
        assert!(args.one("log").is_err());
        assert!(parse("stray --out x").is_err());
        assert!(parse("--k ten").unwrap().number("k", 1usize).is_err());
    }
}
