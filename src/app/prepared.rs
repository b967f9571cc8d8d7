//! The bundled config parsed and its templates compiled before the first request, for a
//! runtime that snapshots an initialized instance: the Fastly wasm is pre-initialized at build
//! time (`wizer.initialize` in `tailor-fastly`), so each fresh instance starts with them in its
//! memory instead of parsing the config and compiling the templates for every request.

use crate::error::AppError;
use crate::Bundle;
use std::cell::OnceCell;
use std::rc::Rc;
use tailor_config::Config;

thread_local! {
    /// The bundled config document and its parsed form, set once by [`prepare`].
    static PREPARED: OnceCell<(&'static str, Rc<Config>)> = const { OnceCell::new() };
}

/// Parses `bundle`'s config and compiles every template it names in both environments, and
/// keeps them for the requests this instance (or a snapshot of it) serves. Touches no host:
/// it runs before any request exists. An invalid bundled config is the error a request would
/// have met; nothing is kept then, and requests report it as before.
pub fn prepare(bundle: &Bundle) -> Result<(), AppError> {
    let config = Config::from_json(bundle.config_json.as_bytes())?;
    config
        .banners
        .templates
        .precompile()
        .map_err(AppError::from)?;
    PREPARED.with(|cell| {
        // A second call keeps the first: both came from the same compiled-in bundle.
        let _ = cell.set((bundle.config_json, Rc::new(config)));
    });
    Ok(())
}

/// The prepared config when `document` is the very document it was parsed from (the bundled
/// config, or a KV copy of it: a deployment that publishes the config it bundles), else `None`
/// and the caller parses `document` itself.
pub(super) fn config_for(document: &[u8]) -> Option<Rc<Config>> {
    PREPARED.with(|cell| {
        let (json, config) = cell.get()?;
        let same = std::ptr::eq(json.as_ptr(), document.as_ptr()) && json.len() == document.len()
            || json.as_bytes() == document;
        same.then(|| Rc::clone(config))
    })
}

/// Whether `config` is the prepared one (the debug header says so: a wasm whose build skipped
/// pre-initialization shows it).
pub(super) fn is_prepared(config: &Config) -> bool {
    PREPARED.with(|cell| {
        cell.get()
            .is_some_and(|(_, prepared)| std::ptr::eq(&**prepared, config))
    })
}
