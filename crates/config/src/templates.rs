//! Banner templates: kept as their sources at load and compiled together on first use, so a
//! request that renders no banner (an image, a page without slots) never pays for compiling.

use super::ConfigError;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The `banners.templates` of a config: names and sources, and the environment compiled from
/// all of them the first time a banner is rendered (templates may include one another).
pub struct Templates {
    sources: BTreeMap<String, String>,
    fuel: u64,
    compiled: OnceLock<Result<minijinja::Environment<'static>, ConfigError>>,
}

impl Templates {
    pub(crate) fn new(sources: BTreeMap<String, String>, fuel: u64) -> Self {
        Self {
            sources,
            fuel,
            compiled: OnceLock::new(),
        }
    }

    /// Whether a template of this name is configured.
    pub fn contains(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// The environment with every template compiled, HTML auto-escaping and the configured
    /// fuel; the first call compiles. A template that does not compile is a config error
    /// naming it (`tailor check` finds it before publishing).
    pub fn environment(&self) -> Result<&minijinja::Environment<'static>, ConfigError> {
        self.compiled
            .get_or_init(|| compile(&self.sources, self.fuel))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("names", &self.sources.keys().collect::<Vec<_>>())
            .field("compiled", &self.compiled.get().is_some())
            .finish()
    }
}

fn compile(
    sources: &BTreeMap<String, String>,
    fuel: u64,
) -> Result<minijinja::Environment<'static>, ConfigError> {
    let mut env = tailor_core::banner::html_environment(fuel);
    for (name, source) in sources {
        env.add_template_owned(name.clone(), source.clone())
            .map_err(|e| {
                ConfigError::at(
                    format!("banners.templates.{name}"),
                    format!("template does not compile: {e}"),
                )
            })?;
    }
    Ok(env)
}
