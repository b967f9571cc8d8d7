//! What a deployment compiles into its wasm, handed to the handler by the entry point: the
//! config served when the host names none, the recommendation list of last resort, the demo
//! page, and the trained model a snapshot prepares. The library itself bundles nothing, so
//! tests and deployments choose.

/// Files compiled into the deployment.
#[derive(Debug, Clone, Copy)]
pub struct Bundle {
    /// The config document used when the host has no `config_key` setting.
    pub config_json: &'static str,
    /// The list served when neither KV nor any cache has one (the `default` source).
    pub default_list_json: &'static str,
    /// The MiniJinja template of the demo page at `/`.
    pub demo_page: &'static str,
    /// A trained model (`model.tlrm`) a snapshot prepares: when the live head names these
    /// very bytes, a banner ranks with them instead of reading the cached copy. Never served
    /// on its own account: with no model published, the lists serve as before.
    pub model: Option<&'static [u8]>,
}
