//! The shared handler on the in-memory host, set up like the demo: every KV entry and secret
//! of `fastly.toml`, the fixture origin, and a Dutch visitor.

use super::fixtures::origin_content;
use tailor_platform::{block_on, Geo};
use tailor_testing::memory::MemoryHost;

pub(crate) const DEBUG: (&str, &str) = ("x-tailor-debug", "demo-debug");

/// The demo world of `fastly.toml` in memory: its KV entries (read from the manifest, so the
/// two never drift), its secrets, the fixture origin and NL geo.
pub(crate) fn demo_host() -> MemoryHost {
    let mut host = MemoryHost::new();
    let root = env!("CARGO_MANIFEST_DIR");
    host.settings
        .insert("config_key".into(), "config/v1".into());
    let manifest: toml::Table = std::fs::read_to_string(format!("{root}/fastly.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let local = &manifest["local_server"];
    for entry in local["kv_stores"]["tailor_kv"].as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        let bytes = std::fs::read(format!("{root}/{file}")).unwrap();
        host.put_kv("tailor_kv", entry["key"].as_str().unwrap(), bytes);
    }
    for entry in local["secret_stores"]["tailor_secrets"].as_array().unwrap() {
        let data = entry["data"].as_str().unwrap();
        host.secrets.insert(
            entry["key"].as_str().unwrap().into(),
            data.as_bytes().to_vec(),
        );
    }
    for (path, reply) in origin_content() {
        host.put_origin(&path, reply.status, reply.content_type, reply.body);
        if let Some(stored) = host.origin.get_mut(&path) {
            let encoding = reply.encoding.map(|e| ("content-encoding", e.to_owned()));
            for (name, value) in encoding.into_iter().chain(reply.headers) {
                stored.headers.push((name.into(), value));
            }
        }
    }
    host.geo = Some(Geo {
        country: Some("NL".into()),
        ..Geo::default()
    });
    host
}

/// The demo without its trained model: the JSON lists and the category re-rank serve.
pub(crate) fn lists_only_host() -> MemoryHost {
    let mut host = demo_host();
    host.kv
        .remove(&("tailor_kv".to_owned(), "recs/v3/model.tlrm".to_owned()));
    host
}

pub(crate) fn send(
    host: &MemoryHost,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
) -> http::Response<Vec<u8>> {
    send_body(host, method, uri, headers, Vec::new())
}

pub(crate) fn send_body(
    host: &MemoryHost,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> http::Response<Vec<u8>> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    block_on(tailor::handle(builder.body(body).unwrap(), host, &BUNDLE)).unwrap()
}

/// The demo deployment's compiled-in files, as the entry points bundle them.
pub(crate) const BUNDLE: tailor::Bundle = tailor::Bundle {
    config_json: tailor_demo::CONFIG_JSON,
    default_list_json: tailor_demo::DEFAULT_LIST_JSON,
    demo_page: tailor_demo::PAGE_TEMPLATE,
    model: Some(tailor_demo::MODEL),
};

pub(crate) fn get(
    host: &MemoryHost,
    uri: &str,
    headers: &[(&str, &str)],
) -> http::Response<Vec<u8>> {
    send(host, "GET", uri, headers)
}

/// `POST /admin/purge` of one surrogate key with the demo admin token.
pub(crate) fn purge(host: &MemoryHost, surrogate_key: &str) -> http::Response<Vec<u8>> {
    let body = serde_json::json!({ "surrogate_keys": [surrogate_key] })
        .to_string()
        .into_bytes();
    send_body(
        host,
        "POST",
        "/admin/purge",
        &[("authorization", "Bearer demo-admin-token-0123456789abcdef")],
        body,
    )
}

/// `name=value` of the response's `Set-Cookie`, if it sets one.
pub(crate) fn cookie_pair(response: &http::Response<Vec<u8>>) -> Option<String> {
    let value = response.headers().get("set-cookie")?.to_str().ok()?;
    Some(value.split(';').next()?.to_owned())
}

pub(crate) fn json(response: &http::Response<Vec<u8>>) -> serde_json::Value {
    serde_json::from_slice(response.body()).unwrap()
}

/// Replaces the host's `config/v1` with `edit` applied to it, and purges the copy the
/// platform cache keeps (30 s), as an operator publishing a change at once would.
pub(crate) fn publish_config(host: &mut MemoryHost, edit: impl FnOnce(&mut serde_json::Value)) {
    let key = ("tailor_kv".to_string(), "config/v1".to_string());
    let mut config: serde_json::Value = serde_json::from_slice(&host.kv[&key]).unwrap();
    edit(&mut config);
    host.put_kv("tailor_kv", "config/v1", config.to_string());
    block_on(tailor_platform::Platform::purge(&*host, "config"))
        .unwrap()
        .unwrap();
}

/// How many entries the platform cache holds besides the config's own copies (every request
/// under a config key keeps one, and its last good copy).
pub(crate) fn entries_but_config(host: &MemoryHost) -> Vec<String> {
    let cache = host.cache.borrow();
    let tags = |(key, (_, write, _)): (&String, &(_, tailor_platform::CacheWrite, f64))| {
        let config = write.surrogate_keys.iter().any(|k| k.starts_with("config"));
        (!config).then(|| key.clone())
    };
    cache.iter().filter_map(tags).collect()
}
