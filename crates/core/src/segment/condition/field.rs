//! The context fields a condition can name, and the kind of value each holds.

/// A context field a condition can test. Values are compared lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// The device class: `mobile`, `tablet`, `desktop` or `bot`.
    Device,
    /// The `Sec-CH-UA-Mobile` client hint, when sent.
    Mobile,
    /// `Sec-CH-UA-Platform` (`android`, `macos`, ...).
    Platform,
    /// The browser brand from `Sec-CH-UA`.
    Browser,
    /// Whether the request says `Save-Data: on`.
    SaveData,
    /// The `ECT` hint: `slow-2g`, `2g`, `3g` or `4g`.
    Ect,
    /// The `Downlink` hint, in Mbit/s.
    Downlink,
    /// The preferred language (first of `Accept-Language`).
    Language,
    /// Any accepted language.
    Languages,
    /// The country code from the platform's geo (ISO 3166-1 alpha-2).
    Country,
    /// The region code from the platform's geo.
    Region,
    /// The visitor's local hour, 0-23.
    LocalHour,
    /// The host of the `Referer`, without `www.`.
    Referrer,
    /// The `utm_source` query parameter.
    UtmSource,
    /// The `utm_medium` query parameter.
    UtmMedium,
    /// The `utm_campaign` query parameter.
    UtmCampaign,
    /// Whether the visitor consented (the consent gate's decision).
    Consent,
    /// The value of the named request cookie (`cookie.<name>`).
    Cookie(String),
}

/// The kind of value a field holds, which decides the operators it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string: most fields, cookies included.
    Text,
    /// A boolean: `mobile`, `save_data`, `consent`.
    Flag,
    /// A number: `downlink`, `local_hour`.
    Number,
}

impl Field {
    /// Every field name (cookies are `cookie.<name>`), for error messages.
    pub const NAMES: &'static str = "device, mobile, platform, browser, save_data, ect, \
        downlink, language, languages, country, region, local_hour, referrer, utm_source, \
        utm_medium, utm_campaign, consent, cookie.<name>";

    /// The field a config name means; `None` for an unknown name, or a cookie name that is not
    /// 1-64 characters of A-Z a-z 0-9 `-` `_` `.`.
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

    /// The name the config uses for it (`local_hour`, `cookie.<name>`).
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

    /// The kind of value it holds.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Mobile | Self::SaveData | Self::Consent => Kind::Flag,
            Self::Downlink | Self::LocalHour => Kind::Number,
            _ => Kind::Text,
        }
    }
}
