//! The bundled config parsed and its templates compiled before the first request, for a
//! runtime that snapshots an initialized instance: the Fastly wasm is pre-initialized at build
//! time (`wizer.initialize` in `tailor-fastly`), so each fresh instance starts with them in its
//! memory instead of parsing the config and compiling the templates for every request.
//! [`LoadedConfig`] is how a request holds either that config or one parsed for it.

use crate::error::AppError;
use crate::Bundle;
use std::cell::OnceCell;
use std::rc::Rc;
use tailor_config::Config;

/// The bundled config as [`prepare`] left it.
struct Prepared {
    /// The JSON document.
    json: &'static str,
    /// Leaked: it lives as long as the instance, and handing out a reference writes nothing
    /// (a reference count would be a write to the snapshot's pages on every request).
    config: &'static Config,
    /// Its compiled form, for the platform cache when a KV key holds this document.
    compiled: Rc<[u8]>,
}

thread_local! {
    /// Set once by [`prepare`].
    static PREPARED: OnceCell<Prepared> = const { OnceCell::new() };
}

/// Parses `bundle`'s config and compiles every template it names in both environments, checks
/// its model (`prepared_model`), and keeps them for the requests this instance (or a snapshot
/// of it) serves. Touches no host: it runs before any request exists. An invalid bundled
/// config is the error a request would have met; no config is kept then, and requests report
/// it as before.
pub fn prepare(bundle: &Bundle) -> Result<(), AppError> {
    // The bundled model, checked and named: whatever the config's fate, it is the same bytes.
    if let Some(model) = bundle.model {
        super::prepared_model::prepare(model);
    }
    let (mut config, compiled) = Config::compile(bundle.config_json.as_bytes())?;
    config
        .banners
        .templates
        .precompile()
        .map_err(AppError::from)?;
    // Worked out on first use otherwise: by every request of a snapshot's instance, each
    // writing them into the snapshot's pages (a copied page and an interrupt to every other
    // core that runs the host).
    let _ = config.version();
    PREPARED.with(|cell| {
        // A second call keeps the first: both came from the same compiled-in bundle.
        let _ = cell.set(Prepared {
            json: bundle.config_json,
            config: Box::leak(Box::new(config)),
            compiled: compiled.into(),
        });
    });
    Ok(())
}

/// The prepared config when `document` is the very document it was parsed from (the bundled
/// config, or a KV copy of it: a deployment that publishes the config it bundles), else `None`
/// and the caller parses `document` itself.
pub(super) fn config_for(document: &[u8]) -> Option<&'static Config> {
    PREPARED.with(|cell| {
        let Prepared { json, config, .. } = cell.get()?;
        let same = std::ptr::eq(json.as_ptr(), document.as_ptr()) && json.len() == document.len()
            || json.as_bytes() == document;
        same.then_some(*config)
    })
}

/// The prepared config when its document's digest is `digest` (a compiled copy names it).
pub(super) fn config_named(digest: [u8; 16]) -> Option<&'static Config> {
    PREPARED.with(|cell| {
        let prepared = cell.get()?;
        (prepared.config.digest() == digest).then_some(prepared.config)
    })
}

/// The prepared config's compiled form, when `config` is the prepared one.
pub(super) fn compiled_of(config: &Config) -> Option<Rc<[u8]>> {
    PREPARED.with(|cell| {
        let prepared = cell.get()?;
        std::ptr::eq(prepared.config, config).then(|| Rc::clone(&prepared.compiled))
    })
}

/// Whether `config` is the prepared one (the debug header says so: a wasm whose build skipped
/// pre-initialization shows it).
pub(super) fn is_prepared(config: &Config) -> bool {
    PREPARED.with(|cell| {
        cell.get()
            .is_some_and(|prepared| std::ptr::eq(prepared.config, config))
    })
}

/// The config in force: the prepared one, or one parsed for this request (or instance).
#[derive(Debug, Clone)]
pub enum LoadedConfig {
    /// The config [`prepare`] kept: a plain reference, so serving it writes nothing
    /// to the snapshot's memory.
    Prepared(&'static Config),
    /// Parsed from a document that is not the prepared one.
    Parsed(Rc<Config>),
}

impl std::ops::Deref for LoadedConfig {
    type Target = Config;

    fn deref(&self) -> &Config {
        match self {
            Self::Prepared(config) => config,
            Self::Parsed(config) => config,
        }
    }
}
