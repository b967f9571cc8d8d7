//! Banner templates: kept as their sources at load, and each compiled the first time a banner
//! renders with it (or includes it), so a request pays only for the template it renders and
//! a request that renders no banner (an image, a page without slots) pays for none; an instance
//! prepared ahead of its requests (the Fastly wasm's build-time snapshot) compiles them all
//! up front instead ([`Templates::precompile`]). Two environments: one without MiniJinja's
//! built-ins, which a banner tries first because it is cheaper to create, and one with them for
//! templates that use them. A template of the plain shape renders by its plan instead
//! ([`Plan`]); it is compiled all the same, so `tailor check` reports the same errors.

use super::ConfigError;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tailor_core::banner::{Builtins, Environments, Plan};

/// The `banners.templates` of a config: names and sources, and the environments that compile
/// a template when it is first asked for (templates may include one another).
pub struct Templates {
    sources: Arc<BTreeMap<String, String>>,
    fuel: u64,
    /// How many templates the environment has compiled so far.
    compiled: Arc<AtomicUsize>,
    without_builtins: OnceLock<minijinja::Environment<'static>>,
    with_builtins: OnceLock<minijinja::Environment<'static>>,
    /// The plans of the templates that have one, made on first use.
    plans: OnceLock<BTreeMap<String, Plan>>,
}

impl Templates {
    pub(crate) fn new(sources: BTreeMap<String, String>, fuel: u64) -> Self {
        Self {
            sources: Arc::new(sources),
            fuel,
            compiled: Arc::new(AtomicUsize::new(0)),
            without_builtins: OnceLock::new(),
            with_builtins: OnceLock::new(),
            plans: OnceLock::new(),
        }
    }

    fn plans(&self) -> &BTreeMap<String, Plan> {
        self.plans.get_or_init(|| {
            self.sources
                .iter()
                .filter_map(|(name, source)| Some((name.clone(), Plan::of(source)?)))
                .collect()
        })
    }

    /// Whether a template of this name is configured.
    pub fn contains(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Compiles every template now: a template that does not compile is a config error
    /// naming it.
    pub fn compile_all(&self) -> Result<(), ConfigError> {
        self.compile_in(Builtins::With)
    }

    /// Compiles every template now in both environments, for an instance prepared ahead of
    /// its requests (a snapshot): then no request compiles one. Errors as
    /// [`Templates::compile_all`]. The environments it leaves hold every template by name,
    /// borrowed from sources kept for the instance's life, and no loader: a render then finds
    /// its template in a plain map, where the loader's path takes a lock and clones a reference
    /// count, two writes to the snapshot's memory on every request.
    pub fn precompile(&mut self) -> Result<(), ConfigError> {
        let sources: Vec<(&'static str, &'static str)> = self
            .sources
            .iter()
            .map(|(name, source)| (leak(name), leak(source)))
            .collect();
        for builtins in [Builtins::With, Builtins::Without] {
            let mut env = tailor_core::banner::html_environment(self.fuel, builtins);
            for &(name, source) in &sources {
                env.add_template(name, source)
                    .map_err(|e| not_compiling(name, &e))?;
                self.compiled.fetch_add(1, Ordering::Relaxed);
            }
            let cell = match builtins {
                Builtins::Without => &mut self.without_builtins,
                Builtins::With => &mut self.with_builtins,
            };
            *cell = OnceLock::from(env);
        }
        self.plans();
        Ok(())
    }

    /// How many templates the environments have compiled so far (both counted).
    pub fn compiled_count(&self) -> usize {
        self.compiled.load(Ordering::Relaxed)
    }

    fn compile_in(&self, builtins: Builtins) -> Result<(), ConfigError> {
        let env = self.environment(builtins);
        for name in self.sources.keys() {
            env.get_template(name)
                .map_err(|e| not_compiling(name, &e))?;
        }
        Ok(())
    }
}

/// The config error naming a template that does not compile.
fn not_compiling(name: &str, error: &minijinja::Error) -> ConfigError {
    ConfigError::at(
        format!("banners.templates.{name}"),
        format!("template does not compile: {error}"),
    )
}

/// A copy of `text` that lives as long as the process: what a prepared instance's templates
/// borrow.
fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

impl Environments for Templates {
    /// The environment with HTML auto-escaping, the configured fuel and the built-ins or not,
    /// which compiles each template the first time it is rendered or included. A template that
    /// does not compile fails its render; [`Templates::compile_all`] (run by `tailor check`)
    /// finds it first.
    fn environment(&self, builtins: Builtins) -> &minijinja::Environment<'static> {
        let cell = match builtins {
            Builtins::Without => &self.without_builtins,
            Builtins::With => &self.with_builtins,
        };
        cell.get_or_init(|| {
            let mut env = tailor_core::banner::html_environment(self.fuel, builtins);
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

    fn plan(&self, template: &str) -> Option<&Plan> {
        self.plans().get(template)
    }
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("names", &self.sources.keys().collect::<Vec<_>>())
            .field("compiled", &self.compiled_count())
            .finish()
    }
}
