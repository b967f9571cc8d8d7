//! The consent gate: identity and history only with the configured consent cookie, and never
//! when the browser says the visitor opted out (`Sec-GPC: 1` or `DNT: 1`).

use crate::segment::VisitorContext;
use serde::{Deserialize, Serialize};

/// The consent cookie: its name and the value that means "yes". Config section `consent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// The cookie's name (the demo's is `tailor_consent`).
    pub cookie: String,
    /// The value that grants consent (the demo's is `1`).
    pub value: String,
}

/// Whether the visitor consented to identity and history: the consent cookie holds the
/// configured value and no opt-out signal is present.
pub fn has_consent(context: &VisitorContext, consent: &Consent) -> bool {
    !context.opted_out && context.cookie(&consent.cookie) == Some(consent.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consent() -> Consent {
        Consent {
            cookie: "tailor_consent".into(),
            value: "1".into(),
        }
    }

    #[test]
    fn the_cookie_grants_and_opt_out_signals_win() {
        let mut c = VisitorContext {
            cookies: vec![("tailor_consent".into(), "1".into())],
            ..VisitorContext::default()
        };
        assert!(has_consent(&c, &consent()));
        c.opted_out = true;
        assert!(!has_consent(&c, &consent()));
        c.opted_out = false;
        c.cookies = vec![("tailor_consent".into(), "0".into())];
        assert!(!has_consent(&c, &consent()));
        c.cookies.clear();
        assert!(!has_consent(&c, &consent()));
    }
}
