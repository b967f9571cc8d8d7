//! Banner templates: kept as their sources at load, and each compiled the first time a banner
//! renders with it (or includes it), so a request pays only for the template it renders and
//! a request that renders no banner (an image, a page without slots) pays for none.

use super::ConfigError;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The `banners.templates` of a config: names and sources, and the environment that compiles
/// a template when it is first asked for (templates may include one another).
pub struct Templates {
    sources: Arc<BTreeMap<String, String>>,
    fuel: u64,
    /// How many templates the environment has compiled so far.
    compiled: Arc<AtomicUsize>,
    environment: OnceLock<minijinja::Environment<'static>>,
}

impl Templates {
    pub(crate) fn new(sources: BTreeMap<String, String>, fuel: u64) -> Self {
        Self {
            sources: Arc::new(sources),
            fuel,
            compiled: Arc::new(AtomicUsize::new(0)),
            environment: OnceLock::new(),
        }
    }

    /// Whether a template of this name is configured.
    pub fn contains(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// The environment with HTML auto-escaping and the configured fuel, which compiles each
    /// template the first time it is rendered or included. A template that does not compile
    /// fails its render; [`Templates::compile_all`] (run by `tailor check`) finds it first.
    pub fn environment(&self) -> &minijinja::Environment<'static> {
        self.environment.get_or_init(|| {
            let mut env = tailor_core::banner::html_environment(self.fuel);
            let (sources, compiled) = (Arc::clone(&self.sources), Arc::clone(&self.compiled));
            env.set_loader(move |name| {
                let source = sources.get(name).cloned();
                if source.is_some() {
                    compiled.fetch_add(1, Ordering::Relaxed);
                }
                Ok(source)
            });
            env
        })
    }

    /// Compiles every template now: a template that does not compile is a config error
    /// naming it.
    pub fn compile_all(&self) -> Result<(), ConfigError> {
        let env = self.environment();
        for name in self.sources.keys() {
            env.get_template(name).map_err(|e| {
                ConfigError::at(
                    format!("banners.templates.{name}"),
                    format!("template does not compile: {e}"),
                )
            })?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("names", &self.sources.keys().collect::<Vec<_>>())
            .field("compiled", &self.compiled.load(Ordering::Relaxed))
            .finish()
    }
}
