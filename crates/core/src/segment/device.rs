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

/// The other substrings the class depends on, after the bot markers in [`Markers`]' bits;
/// named by their index below.
const DEVICE_MARKERS: [&str; 10] = [
    "ipad",
    "tablet",
    "kindle",
    "silk/",
    "android",
    "mobile",
    "mobi",
    "iphone",
    "ipod",
    "windows phone",
];
const IPAD: usize = 0;
const TABLET: usize = 1;
const KINDLE: usize = 2;
const SILK: usize = 3;
const ANDROID: usize = 4;
const MOBILE: usize = 5;
const MOBI: usize = 6;
const IPHONE: usize = 7;
const IPOD: usize = 8;
const WINDOWS_PHONE: usize = 9;

/// Per ASCII byte (lower case), the markers that start with it, one bit each as in
/// [`Markers`].
// Computed while compiling: an index out of range fails the build, never a request.
#[allow(clippy::indexing_slicing)]
const STARTING_WITH: [u32; 128] = {
    let mut table = [0u32; 128];
    let mut i = 0;
    while i < BOT_MARKERS.len() {
        table[BOT_MARKERS[i].as_bytes()[0] as usize] |= 1 << i;
        i += 1;
    }
    let mut i = 0;
    while i < DEVICE_MARKERS.len() {
        table[DEVICE_MARKERS[i].as_bytes()[0] as usize] |= 1 << (BOT_MARKERS.len() + i);
        i += 1;
    }
    table
};

/// The marker of bit `bit`.
fn marker(bit: usize) -> &'static str {
    match bit.checked_sub(BOT_MARKERS.len()) {
        None => BOT_MARKERS.get(bit).copied().unwrap_or_default(),
        Some(device) => DEVICE_MARKERS.get(device).copied().unwrap_or_default(),
    }
}

/// The User-Agent is only a hint; oversized ones are treated as absent rather than scanned.
const MAX_UA_BYTES: usize = 1024;

/// Which markers a User-Agent contains, one bit each: bot markers, then [`DEVICE_MARKERS`].
#[derive(Debug, Clone, Copy)]
struct Markers(u32);
const _: () = assert!(BOT_MARKERS.len() + DEVICE_MARKERS.len() <= 32);

impl Markers {
    /// One pass over the User-Agent, ignoring ASCII case, comparing at each byte only the
    /// markers that start with it (and are not found yet): no lower-case copy, and no
    /// substring searcher built per marker (searching 24 markers one by one was about 40% of
    /// a banner's segmentation in Viceroy).
    fn of(user_agent: &str) -> Self {
        let bytes = user_agent.as_bytes();
        let mut found = 0u32;
        for at in 0..bytes.len() {
            let lower = bytes.get(at).map_or(0, u8::to_ascii_lowercase);
            let mut candidates = STARTING_WITH.get(usize::from(lower)).copied().unwrap_or(0);
            candidates &= !found;
            let rest = bytes.get(at..).unwrap_or_default();
            while candidates != 0 {
                let bit = candidates.trailing_zeros() as usize;
                candidates &= candidates - 1;
                let wanted = marker(bit).as_bytes();
                if rest
                    .get(..wanted.len())
                    .is_some_and(|here| here.eq_ignore_ascii_case(wanted))
                {
                    found |= 1 << bit;
                }
            }
        }
        Self(found)
    }

    fn bot(self) -> bool {
        self.0 & ((1 << BOT_MARKERS.len()) - 1) != 0
    }

    /// Whether the device marker at `index` of [`DEVICE_MARKERS`] is there.
    fn has(self, index: usize) -> bool {
        self.0 & (1 << (BOT_MARKERS.len() + index)) != 0
    }
}

impl DeviceClass {
    /// The class of a client from its User-Agent and `Sec-CH-UA-Mobile` hint (which outranks
    /// the User-Agent unless that names a bot).
    pub fn classify(user_agent: &str, mobile_hint: Option<bool>) -> Self {
        if user_agent.len() > MAX_UA_BYTES {
            return Self::Desktop;
        }
        let ua = Markers::of(user_agent);
        if ua.bot() {
            return Self::Bot;
        }
        // The client hint is the browser's own statement: it outranks the UA heuristics
        // (Chrome's reduced UA on Android no longer says "Mobile").
        if mobile_hint == Some(true) {
            return Self::Mobile;
        }
        if ua.has(IPAD)
            || ua.has(TABLET)
            || ua.has(KINDLE)
            || ua.has(SILK)
            || (ua.has(ANDROID) && !ua.has(MOBILE))
        {
            return Self::Tablet;
        }
        if ua.has(MOBI) || ua.has(IPHONE) || ua.has(IPOD) || ua.has(WINDOWS_PHONE) {
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

    /// The classification as it was written first: each marker searched for in a
    /// lower-case copy.
    fn by_search(user_agent: &str, mobile_hint: Option<bool>) -> DeviceClass {
        if user_agent.len() > super::MAX_UA_BYTES {
            return Desktop;
        }
        let ua = user_agent.to_ascii_lowercase();
        if super::BOT_MARKERS.iter().any(|m| ua.contains(m)) {
            return Bot;
        }
        if mobile_hint == Some(true) {
            return Mobile;
        }
        if ua.contains("ipad")
            || ua.contains("tablet")
            || ua.contains("kindle")
            || ua.contains("silk/")
            || (ua.contains("android") && !ua.contains("mobile"))
        {
            return Tablet;
        }
        if ua.contains("mobi")
            || ua.contains("iphone")
            || ua.contains("ipod")
            || ua.contains("windows phone")
        {
            return Mobile;
        }
        Desktop
    }

    #[test]
    fn one_pass_classifies_as_searching_each_marker_does() {
        let pieces: Vec<&str> = super::BOT_MARKERS
            .iter()
            .chain(super::DEVICE_MARKERS.iter())
            .copied()
            .chain([
                "BOT",
                "iPad",
                "Android",
                "Mobi",
                "mobil",
                "andro",
                "ip",
                "Windows Phone",
                " ",
                "/",
                "Mozilla/5.0 (",
                "é",
                "ßx",
                "\u{212a}indle",
                "SILK/",
                "mobilE",
            ])
            .collect();
        // Every pair of pieces, then one of four others (a deterministic walk, not random).
        let n = pieces.len();
        for a in 0..n {
            for b in 0..n {
                for c in [0, 7, 19, 31].into_iter().filter(|&c| c < n) {
                    let ua = format!("{}{}x{}", pieces[a], pieces[b], pieces[c]);
                    for hint in [None, Some(true), Some(false)] {
                        assert_eq!(
                            DeviceClass::classify(&ua, hint),
                            by_search(&ua, hint),
                            "{ua}"
                        );
                    }
                }
            }
        }
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
