//! The demo deployment the harnesses run against: its config (as deployed, and with unsigned
//! free-form transforms allowed so the transform harness reaches the pipeline), loaded once
//! per thread.

use tailor_config::Config;

thread_local! {
    static SIGNED: Option<&'static Config> = load(false);
    static UNSIGNED: Option<&'static Config> = load(true);
}

/// Leaked once per thread: the harness runs for the life of the process.
fn load(allow_unsigned: bool) -> Option<&'static Config> {
    let json = if allow_unsigned {
        tailor_demo::CONFIG_JSON.replacen(
            "\"images\": {",
            "\"images\": {\"allow_unsigned\": true,",
            1,
        )
    } else {
        tailor_demo::CONFIG_JSON.to_owned()
    };
    Config::from_json(json.as_bytes())
        .ok()
        .map(|config| &*Box::leak(Box::new(config)))
}

/// The demo config as deployed (free-form transforms need a signature).
pub(crate) fn signed() -> Option<&'static Config> {
    SIGNED.with(|config| *config)
}

/// The demo config with `images.allow_unsigned`.
pub(crate) fn unsigned() -> Option<&'static Config> {
    UNSIGNED.with(|config| *config)
}

/// A query string parsed the way the app parses a request's (`RequestContext::new`).
pub(crate) fn query(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect()
}

/// The text before the first newline and the bytes after it (all of `data` when there is
/// none): how harnesses that take a request line and a body split their input.
pub(crate) fn split_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(at) => (
            data.get(..at).unwrap_or_default(),
            data.get(at + 1..).unwrap_or_default(),
        ),
        None => (data, &[]),
    }
}
