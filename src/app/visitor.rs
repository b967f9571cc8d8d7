//! The visitor's identity for this request: the sealed cookie opened (or issued) with keys
//! from the secret store, and the `Set-Cookie` to send. Identity exists only with consent;
//! without it a leftover visitor cookie is deleted.

use tailor_config::Config;
use tailor_core::identity::sealed::{self, new_visitor_id};
use tailor_core::identity::{CookieKey, VisitorCookie};
use tailor_core::segment::VisitorContext;
use tailor_platform::{Platform, PlatformError};

/// A cookie older than this is re-issued with a fresh issue time (sliding expiry), at most
/// once a day per visitor.
const REFRESH_AFTER_S: u64 = 86_400;

#[derive(Debug, Default)]
pub(super) struct Identity {
    /// The opened (or newly issued) cookie; `None` without consent or keys.
    pub cookie: Option<VisitorCookie>,
    /// A `Set-Cookie` value for personalized responses.
    pub set_cookie: Option<String>,
    /// The key cookies are sealed with (read once per request).
    key: Option<CookieKey>,
    /// The cookie changed (new, refreshed, re-keyed, an arm recorded) and must be sealed.
    changed: bool,
}

impl Identity {
    pub(super) fn visitor_id(&self) -> Option<&str> {
        self.cookie.as_ref().map(|c| c.visitor_id.as_str())
    }

    /// Marks the cookie as changed (an arm was recorded), to be sealed by [`Self::seal`].
    pub(super) fn cookie_mut(&mut self) -> Option<&mut VisitorCookie> {
        self.changed = true;
        self.cookie.as_mut()
    }

    /// Seals the cookie into `set_cookie` when it changed since it was opened.
    pub(super) fn seal<P: Platform>(&mut self, config: &Config, platform: &P) {
        if !self.changed {
            return;
        }
        self.changed = false;
        if let (Some(cookie), Some(key)) = (&self.cookie, &self.key) {
            self.set_cookie = seal_header(config, cookie, key, platform);
        }
    }

    /// A `Set-Cookie` for `cookie` (this visitor's, changed by the route) under this
    /// request's key; `None` without one or without randomness.
    pub(super) fn reseal<P: Platform>(
        &self,
        config: &Config,
        cookie: &VisitorCookie,
        platform: &P,
    ) -> Option<String> {
        seal_header(config, cookie, self.key.as_ref()?, platform)
    }
}

/// `eligible` is false for bots and previews: they neither get nor keep an identity.
pub(super) async fn identify<P: Platform>(
    config: &Config,
    context: &VisitorContext,
    consent: bool,
    eligible: bool,
    platform: &P,
) -> Identity {
    let settings = &config.visitor;
    let present = context.cookie(&settings.cookie);
    if !consent {
        // Consent withdrawn (or an opt-out signal): the identity cookie goes.
        return Identity {
            set_cookie: present.map(|_| deletion(&settings.cookie)),
            ..Identity::default()
        };
    }
    if !eligible {
        return Identity::default();
    }
    let keys = cookie_keys(config, platform).await;
    let Some(current) = keys.first() else {
        return Identity::default();
    };
    let key = Some(current.clone());
    let now_s = (platform.now_ms() / 1000.0) as u64;
    let max_age = u64::from(settings.max_age_seconds);
    let opened = present.and_then(|v| sealed::open(v, &keys, &settings.cookie, now_s, max_age));
    // A cookie sealed under a previous key is re-sealed under the current one on this very
    // response, whatever its age, so a rotation completes as visitors come back.
    let under_current_key = present.and_then(sealed::key_id) == Some(current.id.as_str());
    let keep = |c: &&VisitorCookie| {
        under_current_key
            && now_s.saturating_sub(c.issued_s) < REFRESH_AFTER_S
            && c.history.len() <= sealed::MAX_HISTORY
    };
    if let Some(cookie) = opened.as_ref().filter(keep) {
        return Identity {
            cookie: Some(cookie.clone()),
            set_cookie: None,
            key,
            changed: false,
        };
    }
    let cookie = match opened {
        Some(old) => VisitorCookie {
            issued_s: now_s,
            ..old
        },
        None => match new_visitor(platform, now_s) {
            Some(cookie) => cookie,
            None => return Identity::default(),
        },
    };
    // Sealed once the request's arms are known (`Identity::seal`).
    Identity {
        cookie: Some(cookie),
        set_cookie: None,
        key,
        changed: true,
    }
}

/// A new visitor with a random id; `None` when the host has no randomness to give (no id
/// rather than a guessable or shared one: this response goes without identity).
fn new_visitor<P: Platform>(platform: &P, now_s: u64) -> Option<VisitorCookie> {
    let mut random = [0u8; 12];
    if let Err(e) = platform.fill_random(&mut random) {
        log_no_randomness(platform, "visitor id", &e);
        return None;
    }
    Some(VisitorCookie {
        visitor_id: new_visitor_id(random),
        issued_s: now_s,
        history: Vec::new(),
        arms: Vec::new(),
    })
}

/// The sealed cookie as a `Set-Cookie`; `None` when it cannot be sealed (no fresh nonce:
/// a repeated nonce would expose the key stream, so nothing is sealed instead).
fn seal_header<P: Platform>(
    config: &Config,
    cookie: &VisitorCookie,
    key: &CookieKey,
    platform: &P,
) -> Option<String> {
    let settings = &config.visitor;
    let mut nonce = [0u8; 12];
    if let Err(e) = platform.fill_random(&mut nonce) {
        log_no_randomness(platform, "cookie nonce", &e);
        return None;
    }
    sealed::seal(cookie, key, nonce, &settings.cookie, settings.cookie_form)
        .map(|value| set_cookie(&settings.cookie, &value, settings.max_age_seconds))
}

fn log_no_randomness<P: Platform>(platform: &P, what: &str, error: &PlatformError) {
    let line = serde_json::json!({"level": "error", "event": "random_failed", "for": what, "detail": error.to_string()});
    platform.log(super::LOG_ENDPOINT, &line.to_string());
}

/// The current key first, then the previous ones. A key missing from the secret store is
/// logged and skipped: visitors then go without identity rather than without a page.
async fn cookie_keys<P: Platform>(config: &Config, platform: &P) -> Vec<CookieKey> {
    let ids = std::iter::once(&config.keys.cookie).chain(&config.keys.cookie_previous);
    let mut keys = Vec::new();
    for (index, id) in ids.enumerate() {
        match platform.secret(&format!("cookie-{id}")).await {
            Ok(Some(secret)) => keys.push(CookieKey::from_secret(id, &secret)),
            other => {
                let problem = match other {
                    Err(e) => e.to_string(),
                    _ => "missing".into(),
                };
                let line = serde_json::json!({"level": "warn", "event": "cookie_key", "key": id, "detail": problem});
                platform.log(super::LOG_ENDPOINT, &line.to_string());
                if index == 0 {
                    return Vec::new(); // without the current key nothing can be sealed
                }
            }
        }
    }
    keys
}

fn set_cookie(name: &str, value: &str, max_age: u32) -> String {
    format!("{name}={value}; Path=/; Max-Age={max_age}; Secure; HttpOnly; SameSite=Lax")
}

fn deletion(name: &str) -> String {
    format!("{name}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax")
}
