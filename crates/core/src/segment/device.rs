//! Device class from the User-Agent string and the `Sec-CH-UA-Mobile` client hint.

use std::fmt;
use std::str::FromStr;

/// The kind of client a request comes from, as segmentation and experiments see it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeviceClass {
    /// A phone, or any client whose `Sec-CH-UA-Mobile` hint says mobile.
    Mobile,
    /// An iPad, a Kindle, an Android device without `Mobile` in its User-Agent, ...
    Tablet,
    /// Everything else, including a missing or oversized User-Agent.
    #[default]
    Desktop,
    /// A crawler, HTTP library or headless browser, by markers in the User-Agent.
    Bot,
}

/// Substrings (lower-case) that mark automated clients. Checked first: many bots claim to be
/// phones so that they are served mobile pages.
const BOT_MARKERS: &[&str] = &[
    "bot",
    "crawler",
    "spider",
    "slurp",
    "crawling",
    "facebookexternalhit",
    "headlesschrome",
    "lighthouse",
    "curl/",
    "wget/",
    "python-requests",
    "httpclient",
    "okhttp/",
    "go-http-client",
];

/// The User-Agent is only a hint; oversized ones are treated as absent rather than scanned.
const MAX_UA_BYTES: usize = 1024;

impl DeviceClass {
    /// The class of a client from its User-Agent and `Sec-CH-UA-Mobile` hint (which outranks
    /// the User-Agent unless that names a bot).
    pub fn classify(user_agent: &str, mobile_hint: Option<bool>) -> Self {
        if user_agent.len() > MAX_UA_BYTES {
            return Self::Desktop;
        }
        let ua = user_agent.to_ascii_lowercase();
        if BOT_MARKERS.iter().any(|m| ua.contains(m)) {
            return Self::Bot;
        }
        // The client hint is the browser's own statement: it outranks the UA heuristics
        // (Chrome's reduced UA on Android no longer says "Mobile").
        if mobile_hint == Some(true) {
            return Self::Mobile;
        }
        if ua.contains("ipad")
            || ua.contains("tablet")
            || ua.contains("kindle")
            || ua.contains("silk/")
            || (ua.contains("android") && !ua.contains("mobile"))
        {
            return Self::Tablet;
        }
        if ua.contains("mobi")
            || ua.contains("iphone")
            || ua.contains("ipod")
            || ua.contains("windows phone")
        {
            return Self::Mobile;
        }
        Self::Desktop
    }

    /// The lowercase name conditions and the config use: `mobile`, `tablet`, `desktop`, `bot`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mobile => "mobile",
            Self::Tablet => "tablet",
            Self::Desktop => "desktop",
            Self::Bot => "bot",
        }
    }
}

impl fmt::Display for DeviceClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeviceClass {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "mobile" => Ok(Self::Mobile),
            "tablet" => Ok(Self::Tablet),
            "desktop" => Ok(Self::Desktop),
            "bot" => Ok(Self::Bot),
            other => Err(format!(
                "'{other}' is not a device class (mobile, tablet, desktop, bot)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DeviceClass::{self, *};

    fn class(ua: &str) -> DeviceClass {
        DeviceClass::classify(ua, None)
    }

    #[test]
    fn real_user_agents() {
        let cases = [
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Mobile),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", Mobile),
            ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Tablet),
            ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", Tablet),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", Desktop),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", Desktop),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", Desktop),
            ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", Bot),
            ("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", Bot),
            ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", Bot),
            ("curl/8.5.0", Bot),
            ("", Desktop),
        ];
        for (ua, expected) in cases {
            assert_eq!(class(ua), expected, "{ua}");
        }
    }

    #[test]
    fn client_hint_marks_mobile() {
        let chrome = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
        assert_eq!(DeviceClass::classify(chrome, Some(true)), Mobile);
        let reduced_desktop = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36";
        assert_eq!(DeviceClass::classify(reduced_desktop, Some(true)), Mobile);
        let reduced_android = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
        assert_eq!(DeviceClass::classify(reduced_android, Some(true)), Mobile);
        assert_eq!(DeviceClass::classify(reduced_android, Some(false)), Tablet);
    }

    #[test]
    fn oversized_user_agent_is_ignored() {
        let huge = "iPhone ".repeat(500);
        assert_eq!(class(&huge), Desktop);
    }

    #[test]
    fn names_round_trip() {
        for c in [Mobile, Tablet, Desktop, Bot] {
            assert_eq!(c.as_str().parse::<DeviceClass>(), Ok(c));
        }
        assert!("phone".parse::<DeviceClass>().is_err());
    }
}
