//! What a deployment compiles into its wasm, handed to the handler by the entry point: the
//! config served when the host names none, the recommendation list of last resort, and the
//! demo page. The library itself bundles nothing, so tests and deployments choose.

/// Files compiled into the deployment.
#[derive(Debug, Clone, Copy)]
pub struct Bundle {
    /// The config document used when the host has no `config_key` setting.
    pub config_json: &'static str,
    /// The list served when neither KV nor any cache has one (the `default` source).
    pub default_list_json: &'static str,
    /// The MiniJinja template of the demo page at `/`.
    pub demo_page: &'static str,
}
