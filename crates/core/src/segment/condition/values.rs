//! Reading a field's values from the context without copying them, and applying a test to
//! them: the allocation-free part of evaluation.

use super::{Facts, Field, Test, Value};

/// One field value, borrowed from the context.
#[derive(Debug, Clone, Copy)]
pub(super) enum Seen<'a> {
    Text(&'a str),
    Flag(bool),
    Number(f64),
}

/// A field's values in this request, without copying them: none when absent, several for
/// `languages`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Values<'a> {
    None,
    One(Seen<'a>),
    Texts(&'a [String]),
}

impl<'a> Values<'a> {
    fn text(value: Option<&'a str>) -> Self {
        value.map_or(Self::None, |t| Self::One(Seen::Text(t)))
    }

    fn any(&self, mut test: impl FnMut(Seen<'a>) -> bool) -> bool {
        match *self {
            Self::None => false,
            Self::One(seen) => test(seen),
            Self::Texts(texts) => texts.iter().any(|t| test(Seen::Text(t))),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Self::None => true,
            Self::One(_) => false,
            Self::Texts(texts) => texts.is_empty(),
        }
    }

    /// For an explanation: short, header-safe ASCII.
    pub(super) fn shown(&self) -> String {
        let mut parts = Vec::new();
        // `any` with a test that never holds visits every value.
        self.any(|seen| {
            parts.push(match seen {
                Seen::Text(t) => t
                    .chars()
                    .filter(|c| c.is_ascii_graphic())
                    .take(32)
                    .collect(),
                Seen::Flag(b) => b.to_string(),
                Seen::Number(n) => n.to_string(),
            });
            false
        });
        if parts.is_empty() {
            "(none)".into()
        } else {
            parts.join("|")
        }
    }
}

/// ASCII case-insensitive prefix test (config values are lowercase, context values mostly).
fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

impl Test {
    pub(super) fn holds(&self, values: &Values<'_>) -> bool {
        match self {
            Self::Present(wanted) => values.is_empty() != *wanted,
            Self::Equals(expected) => values.any(|seen| match (seen, expected) {
                (Seen::Text(t), Value::Text(e)) => t.eq_ignore_ascii_case(e),
                (Seen::Flag(f), Value::Flag(e)) => f == *e,
                (Seen::Number(n), Value::Number(e)) => n == *e,
                _ => false,
            }),
            Self::In(options) => values.any(|seen| {
                matches!(seen, Seen::Text(t) if options.iter().any(|o| t.eq_ignore_ascii_case(o)))
            }),
            Self::Prefix(prefix) => values.any(
                |seen| matches!(seen, Seen::Text(t) if starts_with_ignore_case(t, prefix)),
            ),
            Self::Range(lo, hi) => values
                .any(|seen| matches!(seen, Seen::Number(n) if n >= *lo && n <= *hi)),
            Self::Regex(re) => values.any(|seen| matches!(seen, Seen::Text(t) if re.is_match(t))),
        }
    }
}

pub(super) fn values<'a>(field: &Field, facts: Facts<'a>) -> Values<'a> {
    let c = facts.context;
    match field {
        Field::Device => Values::One(Seen::Text(c.device.as_str())),
        Field::Mobile => c
            .mobile_hint
            .map_or(Values::None, |m| Values::One(Seen::Flag(m))),
        Field::Platform => Values::text(c.platform.as_deref()),
        Field::Browser => Values::text(c.browser.as_deref()),
        Field::SaveData => Values::One(Seen::Flag(c.save_data)),
        Field::Ect => Values::text(c.ect.as_deref()),
        Field::Downlink => c
            .downlink
            .map_or(Values::None, |d| Values::One(Seen::Number(d))),
        Field::Language => Values::text(c.languages.first().map(String::as_str)),
        Field::Languages => Values::Texts(&c.languages),
        Field::Country => Values::text(c.country.as_deref()),
        Field::Region => Values::text(c.region.as_deref()),
        Field::LocalHour => c
            .local_hour
            .map_or(Values::None, |h| Values::One(Seen::Number(f64::from(h)))),
        Field::Referrer => Values::text(c.referrer.as_deref()),
        Field::UtmSource => Values::text(c.utm_source.as_deref()),
        Field::UtmMedium => Values::text(c.utm_medium.as_deref()),
        Field::UtmCampaign => Values::text(c.utm_campaign.as_deref()),
        Field::Consent => Values::One(Seen::Flag(facts.consent)),
        Field::Cookie(name) => Values::text(c.cookie(name)),
    }
}
