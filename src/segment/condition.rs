//! Rule conditions: `all` / `any` / `not` over tests of one context field (`equals`, `in`,
//! `prefix`, `range`, `regex`, `present`), evaluated against a [`VisitorContext`], with a
//! compact reason when a condition does not hold.

use super::VisitorContext;

/// A context field a condition can test. Values are compared lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Device,
    Mobile,
    Platform,
    Browser,
    SaveData,
    Ect,
    Downlink,
    /// The preferred language (first of `Accept-Language`).
    Language,
    /// Any accepted language.
    Languages,
    Country,
    Region,
    LocalHour,
    Referrer,
    UtmSource,
    UtmMedium,
    UtmCampaign,
    Consent,
    Cookie(String),
}

/// The kind of value a field holds, which decides the operators it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Flag,
    Number,
}

impl Field {
    /// Every field name (cookies are `cookie.<name>`), for error messages.
    pub const NAMES: &'static str = "device, mobile, platform, browser, save_data, ect, \
        downlink, language, languages, country, region, local_hour, referrer, utm_source, \
        utm_medium, utm_campaign, consent, cookie.<name>";

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "device" => Self::Device,
            "mobile" => Self::Mobile,
            "platform" => Self::Platform,
            "browser" => Self::Browser,
            "save_data" => Self::SaveData,
            "ect" => Self::Ect,
            "downlink" => Self::Downlink,
            "language" => Self::Language,
            "languages" => Self::Languages,
            "country" => Self::Country,
            "region" => Self::Region,
            "local_hour" => Self::LocalHour,
            "referrer" => Self::Referrer,
            "utm_source" => Self::UtmSource,
            "utm_medium" => Self::UtmMedium,
            "utm_campaign" => Self::UtmCampaign,
            "consent" => Self::Consent,
            other => {
                let cookie = other.strip_prefix("cookie.")?;
                let token = !cookie.is_empty()
                    && cookie.len() <= 64
                    && cookie
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
                return token.then(|| Self::Cookie(cookie.to_owned()));
            }
        })
    }

    pub fn name(&self) -> String {
        let name = match self {
            Self::Cookie(name) => return format!("cookie.{name}"),
            Self::Device => "device",
            Self::Mobile => "mobile",
            Self::Platform => "platform",
            Self::Browser => "browser",
            Self::SaveData => "save_data",
            Self::Ect => "ect",
            Self::Downlink => "downlink",
            Self::Language => "language",
            Self::Languages => "languages",
            Self::Country => "country",
            Self::Region => "region",
            Self::LocalHour => "local_hour",
            Self::Referrer => "referrer",
            Self::UtmSource => "utm_source",
            Self::UtmMedium => "utm_medium",
            Self::UtmCampaign => "utm_campaign",
            Self::Consent => "consent",
        };
        name.to_owned()
    }

    pub fn kind(&self) -> Kind {
        match self {
            Self::Mobile | Self::SaveData | Self::Consent => Kind::Flag,
            Self::Downlink | Self::LocalHour => Kind::Number,
            _ => Kind::Text,
        }
    }
}

/// A test of one field.
#[derive(Debug, Clone)]
pub enum Test {
    Equals(Value),
    In(Vec<String>),
    Prefix(String),
    /// Inclusive bounds.
    Range(f64, f64),
    Regex(regex_lite::Regex),
    Present(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Flag(bool),
    Number(f64),
}

#[derive(Debug, Clone)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Test(Field, Test),
}

/// The facts a condition is evaluated on: the context plus the consent decision.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub context: &'a VisitorContext,
    pub consent: bool,
}

impl Condition {
    /// Whether the condition holds. Allocation-free: this runs for every rule of every request.
    pub fn holds(&self, facts: Facts<'_>) -> bool {
        match self {
            Self::All(parts) => parts.iter().all(|p| p.holds(facts)),
            Self::Any(parts) => parts.iter().any(|p| p.holds(facts)),
            Self::Not(inner) => !inner.holds(facts),
            Self::Test(field, test) => test.holds(&values(field, facts)),
        }
    }

    /// Whether the condition holds; when it does not, the first failing test and the value
    /// it saw (`device=mobile`). For explanations (debug output) only.
    pub fn check(&self, facts: Facts<'_>) -> Result<(), String> {
        match self {
            Self::All(parts) => parts.iter().try_for_each(|p| p.check(facts)),
            Self::Any(parts) => {
                let mut first = None;
                for part in parts {
                    match part.check(facts) {
                        Ok(()) => return Ok(()),
                        Err(reason) => {
                            first.get_or_insert(reason);
                        }
                    }
                }
                Err(first.unwrap_or_else(|| "any[] is empty".into()))
            }
            Self::Not(inner) => match inner.check(facts) {
                Ok(()) => Err("not(...) held".into()),
                Err(_) => Ok(()),
            },
            Self::Test(field, test) => {
                let values = values(field, facts);
                if test.holds(&values) {
                    Ok(())
                } else {
                    Err(format!("{}={}", field.name(), values.shown()))
                }
            }
        }
    }

    /// True when the condition holds for every visitor (an empty `all`, `not` of a never).
    pub fn always(&self) -> bool {
        match self {
            Self::All(parts) => parts.iter().all(Self::always),
            Self::Any(parts) => parts.iter().any(Self::always),
            Self::Not(inner) => inner.never(),
            Self::Test(..) => false,
        }
    }

    /// True when the condition holds for no visitor (an empty `any` or `in`).
    pub fn never(&self) -> bool {
        match self {
            Self::All(parts) => parts.iter().any(Self::never),
            Self::Any(parts) => parts.iter().all(Self::never),
            Self::Not(inner) => inner.always(),
            Self::Test(_, Test::In(list)) => list.is_empty(),
            Self::Test(_, Test::Range(lo, hi)) => lo > hi,
            Self::Test(..) => false,
        }
    }
}

/// One field value, borrowed from the context.
#[derive(Debug, Clone, Copy)]
enum Seen<'a> {
    Text(&'a str),
    Flag(bool),
    Number(f64),
}

/// A field's values in this request, without copying them: none when absent, several for
/// `languages`.
#[derive(Debug, Clone, Copy)]
enum Values<'a> {
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
    fn shown(&self) -> String {
        let mut parts = Vec::new();
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
    fn holds(&self, values: &Values<'_>) -> bool {
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

fn values<'a>(field: &Field, facts: Facts<'a>) -> Values<'a> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::DeviceClass;

    fn facts(context: &VisitorContext) -> Facts<'_> {
        Facts {
            context,
            consent: true,
        }
    }

    fn test(field: &str, test: Test) -> Condition {
        Condition::Test(Field::parse(field).unwrap(), test)
    }

    #[test]
    fn each_operator() {
        let c = VisitorContext {
            device: DeviceClass::Mobile,
            languages: vec!["fr".into(), "de".into()],
            local_hour: Some(20),
            referrer: Some("news.example.org".into()),
            cookies: vec![("plan".into(), "Pro".into())],
            ..VisitorContext::default()
        };
        let f = facts(&c);
        assert!(test("device", Test::Equals(Value::Text("mobile".into())))
            .check(f)
            .is_ok());
        assert!(test("languages", Test::In(vec!["de".into()]))
            .check(f)
            .is_ok());
        assert_eq!(
            test("language", Test::In(vec!["de".into()])).check(f),
            Err("language=fr".into())
        );
        assert!(test("referrer", Test::Prefix("news.".into()))
            .check(f)
            .is_ok());
        assert!(test("local_hour", Test::Range(18.0, 23.0)).check(f).is_ok());
        assert!(test("local_hour", Test::Range(6.0, 11.0)).check(f).is_err());
        let re = regex_lite::Regex::new(r"(^|\.)example\.org$").unwrap();
        assert!(test("referrer", Test::Regex(re)).check(f).is_ok());
        assert!(test("cookie.plan", Test::Equals(Value::Text("pro".into())))
            .check(f)
            .is_ok());
        assert!(test("utm_source", Test::Present(false)).check(f).is_ok());
        assert_eq!(
            test("utm_source", Test::Present(true)).check(f),
            Err("utm_source=(none)".into())
        );
        assert!(test("consent", Test::Equals(Value::Flag(true)))
            .check(f)
            .is_ok());
        assert!(test("save_data", Test::Equals(Value::Flag(false)))
            .check(f)
            .is_ok());
    }

    #[test]
    fn combinators_and_their_reasons() {
        let c = VisitorContext::default();
        let mobile = test("device", Test::In(vec!["mobile".into()]));
        let desktop = test("device", Test::In(vec!["desktop".into()]));
        assert!(Condition::Any(vec![mobile.clone(), desktop.clone()])
            .check(facts(&c))
            .is_ok());
        assert_eq!(
            Condition::All(vec![desktop.clone(), mobile.clone()]).check(facts(&c)),
            Err("device=desktop".into())
        );
        assert!(Condition::Not(Box::new(mobile.clone()))
            .check(facts(&c))
            .is_ok());
        assert!(Condition::All(vec![]).always());
        assert!(Condition::Any(vec![]).never());
        assert!(test("device", Test::In(vec![])).never());
        assert!(Condition::Not(Box::new(Condition::Any(vec![]))).always());
        assert!(!mobile.always() && !mobile.never());
    }

    #[test]
    fn field_names_round_trip() {
        for name in Field::NAMES.split(", ") {
            let name = name.replace("<name>", "session_id");
            let field = Field::parse(&name).unwrap();
            assert_eq!(field.name(), name);
        }
        assert!(Field::parse("cookie.").is_none());
        assert!(Field::parse("cookie.a b").is_none());
        assert!(Field::parse("colour").is_none());
    }
}
