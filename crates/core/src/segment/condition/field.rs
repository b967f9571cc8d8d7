//! The context fields a condition can name, and the kind of value each holds.

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
