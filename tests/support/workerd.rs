//! Runs the Cloudflare Worker bundle (`build/`, from `make build-cloudflare`) in workerd under
//! a real `wrangler dev`, against the same test origin and the same KV entries (the project's
//! `fastly.toml` list, with the same overrides) as the Viceroy harness: one suite, two runtimes.

use super::origin::TestOrigin;
use super::viceroy::{
    free_port, manifest, project_root, run_dir, Harness, KvOverride, OriginTimeouts, Runtime,
    CAPITALS_KEY, CAPITALS_KEY_ID,
};
use base64::Engine;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// What `request.cf` says locally: the same place as Viceroy's geo fixture for 127.0.0.1.
const CF: &str = r#"{"country": "NL", "regionCode": "NH", "region": "North Holland", "city": "Amsterdam",
  "colo": "AMS", "continent": "EU", "timezone": "Europe/Amsterdam", "asn": 64500,
  "httpProtocol": "HTTP/1.1", "clientTcpRtt": 0, "tlsVersion": "TLSv1.3",
  "tlsCipher": "AEAD-AES128-GCM-SHA256", "edgeRequestKeepAliveStatus": 0}"#;

/// The Worker bundle's folder: `build/`, or `TAILOR_WORKER_BUNDLE` (a build with optional
/// features, `make e2e-worker-avif`).
fn worker_bundle_dir() -> String {
    std::env::var("TAILOR_WORKER_BUNDLE").unwrap_or_else(|_| "build".into())
}

/// Whether the Worker under test was built with the optional `feature`
/// (`TAILOR_WORKER_FEATURES`, comma-separated, set beside `TAILOR_WORKER_BUNDLE`).
pub(crate) fn worker_has(feature: &str) -> bool {
    std::env::var("TAILOR_WORKER_FEATURES").is_ok_and(|f| f.split(',').any(|f| f == feature))
}

fn wrangler() -> std::path::PathBuf {
    project_root().join("node_modules/.bin/wrangler")
}

/// Environment for every wrangler call: no telemetry, no fetch of the real `cf` object, a
/// dev registry of its own (harnesses run side by side under one Worker name; the shared
/// registry is how separate `wrangler dev` sessions find each other), and no reload when a
/// config file is touched: a reload restarts the Worker under requests in flight.
fn quiet<'c>(command: &'c mut Command, dir: &Path) -> &'c mut Command {
    command
        .env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_REGISTRY_PATH", dir.join("registry"))
        .env("WRANGLER_CI_DISABLE_CONFIG_WATCHING", "true")
        .env("CLOUDFLARE_CF_FETCH_PATH", dir.join("cf.json"))
        .env("CI", "1")
        .env("NO_COLOR", "1")
}

/// The KV entries of the Viceroy manifest (overrides applied): the text ones as a `wrangler kv
/// bulk put` file, and the binary ones (the trained model) as `(key, file)` pairs. Local bulk
/// put decodes a base64 value as UTF-8 text, which mangles binary bytes, so those are put one by
/// one from their file (`kv key put --path` keeps the bytes).
fn kv_bulk(origin_port: u16, overrides: &[KvOverride]) -> (String, Vec<(String, String)>) {
    let doc: toml::Table = manifest(origin_port, overrides, None).parse().unwrap();
    let entries = doc["local_server"]["kv_stores"]["tailor_kv"]
        .as_array()
        .unwrap();
    let (mut bulk, mut binary) = (Vec::new(), Vec::new());
    for e in entries {
        let (key, file) = (e["key"].as_str().unwrap(), e["file"].as_str().unwrap());
        let bytes = std::fs::read(file).unwrap();
        if std::str::from_utf8(&bytes).is_err() {
            binary.push((key.to_owned(), file.to_owned()));
            continue;
        }
        bulk.push(serde_json::json!({
            "key": key,
            "value": base64::engine::general_purpose::STANDARD.encode(bytes),
            "base64": true,
        }));
    }
    (serde_json::Value::Array(bulk).to_string(), binary)
}

impl Harness {
    /// workerd under `wrangler dev` against a fresh test origin serving the fixtures.
    pub(crate) fn start_workerd(overrides: &[KvOverride]) -> Self {
        Self::launch_workerd(overrides, None)
    }

    /// workerd under `wrangler dev` against an origin already listening on `origin_port`
    /// (as [`Harness::with_origin`] is for Viceroy).
    pub(crate) fn workerd_with_origin(origin_port: u16, overrides: &[KvOverride]) -> Self {
        Self::spawn_workerd(origin_port, None, overrides, &[])
    }

    /// workerd with these KV overrides and, when given, these origin timeouts (as the vars
    /// the Worker reads them from).
    pub(super) fn launch_workerd(
        overrides: &[KvOverride],
        timeouts: Option<OriginTimeouts>,
    ) -> Self {
        let vars: Vec<(&str, String)> = timeouts
            .map(|t| {
                vec![
                    (
                        "backend_origin_first_byte_timeout_ms",
                        t.first_byte_ms.to_string(),
                    ),
                    (
                        "backend_origin_between_bytes_timeout_ms",
                        t.between_bytes_ms.to_string(),
                    ),
                ]
            })
            .unwrap_or_default();
        Self::workerd_with_vars(overrides, &vars)
    }

    /// workerd with the project's KV, these overrides and these extra vars (as a deployment
    /// sets them in its wrangler.toml).
    pub(crate) fn workerd_with_vars(overrides: &[KvOverride], vars: &[(&str, String)]) -> Self {
        let origin = TestOrigin::start();
        Self::spawn_workerd(origin.port, Some(origin), overrides, vars)
    }

    fn spawn_workerd(
        origin_port: u16,
        origin: Option<TestOrigin>,
        overrides: &[KvOverride],
        vars: &[(&str, String)],
    ) -> Self {
        let root = project_root();
        let bundle = root.join(worker_bundle_dir()).join("index.js");
        assert!(
            bundle.is_file() && wrangler().is_file(),
            "no Worker bundle or wrangler: run `make build-cloudflare` (or `make test`) first"
        );
        let dir = run_dir();
        let mut config = format!(
            "name = \"tailor-e2e\"\nmain = \"{}\"\ncompatibility_date = \"2026-04-20\"\n\n\
             [[kv_namespaces]]\nbinding = \"tailor_kv\"\nid = \"7a11015e7a11015e7a11015e7a11015e\"\n\n\
             [vars]\nconfig_key = \"config/v1\"\nconfig_kv_store = \"tailor_kv\"\n\
             backend_origin = \"http://127.0.0.1:{}\"\n",
            bundle.display(),
            origin_port
        );
        for (name, value) in vars {
            config.push_str(&format!("{name} = \"{value}\"\n"));
        }
        std::fs::write(dir.join("wrangler.toml"), config).unwrap();
        // The demo's secrets and the test signing key (`url-signing-Key-2` is URL_SIGNING_KEY_2).
        let mut vars = std::fs::read_to_string(root.join(".dev.vars")).unwrap();
        vars.push_str(&format!(
            "\nURL_SIGNING_{}={}\n",
            CAPITALS_KEY_ID.replace('-', "_").to_ascii_uppercase(),
            String::from_utf8_lossy(CAPITALS_KEY)
        ));
        std::fs::write(dir.join(".dev.vars"), vars).unwrap();
        std::fs::write(dir.join("cf.json"), CF).unwrap();
        let (bulk, binary) = kv_bulk(origin_port, overrides);
        std::fs::write(dir.join("kv.json"), bulk).unwrap();
        let state = dir.join("state");
        let seeded = quiet(&mut Command::new(wrangler()), &dir)
            .args([
                "kv",
                "bulk",
                "put",
                "kv.json",
                "--binding",
                "tailor_kv",
                "--local",
            ])
            .arg("--persist-to")
            .arg(&state)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            seeded.status.success(),
            "seeding local KV failed: {}",
            String::from_utf8_lossy(&seeded.stderr)
        );
        for (key, file) in &binary {
            let put = quiet(&mut Command::new(wrangler()), &dir)
                .args(["kv", "key", "put", key, "--path", file])
                .args(["--binding", "tailor_kv", "--local", "--persist-to"])
                .arg(&state)
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(
                put.status.success(),
                "seeding {key} failed: {}",
                String::from_utf8_lossy(&put.stderr)
            );
        }
        Self::wrangler_dev(&dir, origin)
    }

    /// A Worker that is not Tailor (`script`, an ES module) in workerd under `wrangler dev`,
    /// with the var `origin` naming `http://127.0.0.1:<origin_port>`: a reference run beside
    /// Tailor's Worker. It must answer `/healthz` with 200.
    pub(crate) fn plain_worker(script: &Path, origin_port: u16) -> Self {
        let dir = run_dir();
        let config = format!(
            "name = \"reference\"\nmain = \"{}\"\ncompatibility_date = \"2026-04-20\"\n\n\
             [vars]\norigin = \"http://127.0.0.1:{origin_port}\"\n",
            script.display()
        );
        std::fs::write(dir.join("wrangler.toml"), config).unwrap();
        std::fs::write(dir.join("cf.json"), CF).unwrap();
        Self::wrangler_dev(&dir, None)
    }

    /// `wrangler dev` of the Worker configured in `dir` (local state in `dir/state`), up and
    /// answering `/healthz`.
    fn wrangler_dev(dir: &Path, origin: Option<TestOrigin>) -> Self {
        let state = dir.join("state");
        let log_path = dir.join("wrangler.log");
        let spawn = |port: u16| {
            let log = std::fs::File::create(&log_path).unwrap();
            quiet(&mut Command::new(wrangler()), dir)
                .args([
                    "dev",
                    "--local",
                    "--ip",
                    "127.0.0.1",
                    "--port",
                    &port.to_string(),
                ])
                .arg("--persist-to")
                .arg(&state)
                .arg("--show-interactive-dev-session=false")
                .current_dir(dir)
                .process_group(0)
                .stdin(Stdio::null())
                .stdout(Stdio::from(log.try_clone().unwrap()))
                .stderr(Stdio::from(log))
                .spawn()
                .unwrap()
        };
        let port = free_port();
        let mut harness = Self {
            child: spawn(port),
            base: format!("http://127.0.0.1:{port}"),
            log_path: log_path.clone(),
            runtime: Runtime::Workerd,
            _origin: origin,
        };
        harness.come_up_on_a_free_port(spawn);
        harness
    }
}
