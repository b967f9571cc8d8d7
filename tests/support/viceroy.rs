//! Runs the compiled Fastly wasm in a real Viceroy against the project's `fastly.toml`,
//! rewritten only where a test needs it: the origin URL, absolute data paths, KV overrides.

use super::origin::TestOrigin;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A KV entry to replace (with a file) or remove (with `None`) for one harness.
pub(crate) type KvOverride = (&'static str, Option<PathBuf>);

/// The origin backend's timeouts for a harness, in milliseconds: until the response begins,
/// and between pieces of its body. `None` keeps the project's (Fastly's defaults).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OriginTimeouts {
    pub first_byte_ms: u32,
    pub between_bytes_ms: u32,
}

/// The local runtime a harness runs Tailor in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runtime {
    /// Fastly's Viceroy, with the Fastly wasm.
    Viceroy,
    /// Cloudflare's workerd under `wrangler dev`, with the Worker bundle.
    Workerd,
}

pub(crate) struct Harness {
    pub(super) child: Child,
    pub base: String,
    pub log_path: PathBuf,
    pub runtime: Runtime,
    pub(super) _origin: Option<TestOrigin>,
}

pub(crate) fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn wasm_path() -> PathBuf {
    if let Ok(path) = std::env::var("TAILOR_WASM") {
        return PathBuf::from(path);
    }
    // Built into its own target dir: the outer `cargo test` holds the default one's lock.
    let target = project_root().join("target/e2e");
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-wasip1",
            "-p",
            "tailor-fastly",
        ])
        .args(["--target-dir"])
        .arg(&target)
        .current_dir(project_root())
        .status()
        .expect("run cargo build for the wasm");
    assert!(status.success(), "building the Fastly wasm failed");
    // Pre-initialized as `make build` does (see the Makefile's WASM).
    let release = target.join("wasm32-wasip1/release");
    let status = Command::new("wizer")
        .args(["--allow-wasi", "--wasm-bulk-memory", "true"])
        .args(["--rename-func", "_start=wizer.resume", "-o"])
        .arg(release.join("tailor-fastly-init.wasm"))
        .arg(release.join("tailor-fastly.wasm"))
        .status()
        .expect("run wizer (make tools installs it)");
    assert!(status.success(), "pre-initializing the Fastly wasm failed");
    release.join("tailor-fastly-init.wasm")
}

/// A fresh temporary directory for one harness.
pub(crate) fn run_dir() -> PathBuf {
    static RUN: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tailor-e2e-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A signing key whose id has capitals, in the secret store of every harness (not the demo's):
/// ids are case-sensitive, and one with capitals must verify.
pub(crate) const CAPITALS_KEY_ID: &str = "Key-2";
pub(crate) const CAPITALS_KEY: &[u8] = b"e2e-url-signing-key-with-a-capitalised-id";

/// The project's fastly.toml with the origin pointed at `origin_port`, every data file made
/// absolute, the KV overrides applied and the test signing key added.
pub(super) fn manifest(
    origin_port: u16,
    overrides: &[KvOverride],
    timeouts: Option<OriginTimeouts>,
) -> String {
    let root = project_root();
    let text = std::fs::read_to_string(root.join("fastly.toml")).unwrap();
    let mut doc: toml::Table = text.parse().unwrap();
    let local = doc["local_server"].as_table_mut().unwrap();
    local["backends"]["origin"]["url"] =
        toml::Value::String(format!("http://127.0.0.1:{origin_port}"));
    if let Some(timeouts) = timeouts {
        let origin = local["backends"]["origin"].as_table_mut().unwrap();
        origin.insert(
            "first_byte_timeout_ms".into(),
            toml::Value::Integer(timeouts.first_byte_ms.into()),
        );
        origin.insert(
            "between_bytes_timeout_ms".into(),
            toml::Value::Integer(timeouts.between_bytes_ms.into()),
        );
    }
    let mut key = toml::Table::new();
    key.insert(
        "key".into(),
        toml::Value::String(format!("url-signing-{CAPITALS_KEY_ID}")),
    );
    key.insert(
        "data".into(),
        toml::Value::String(String::from_utf8_lossy(CAPITALS_KEY).into_owned()),
    );
    local["secret_stores"]["tailor_secrets"]
        .as_array_mut()
        .unwrap()
        .push(toml::Value::Table(key));
    let entries = local["kv_stores"]["tailor_kv"].as_array_mut().unwrap();
    for entry in entries.iter_mut() {
        let file = entry["file"].as_str().unwrap().to_string();
        entry["file"] = toml::Value::String(root.join(file).display().to_string());
    }
    for (key, replacement) in overrides {
        entries.retain(|e| e["key"].as_str() != Some(key));
        if let Some(path) = replacement {
            let mut entry = toml::Table::new();
            entry.insert("key".into(), toml::Value::String((*key).into()));
            entry.insert(
                "file".into(),
                toml::Value::String(path.display().to_string()),
            );
            entries.push(toml::Value::Table(entry));
        }
    }
    toml::to_string(&doc).unwrap()
}

impl Harness {
    /// Viceroy against a fresh test origin serving the fixtures.
    pub(crate) fn start(overrides: &[KvOverride]) -> Self {
        let origin = TestOrigin::start();
        Self::launch(origin.port, Some(origin), overrides, None)
    }

    /// Viceroy against an origin the caller runs on `origin_port`.
    pub(crate) fn with_origin(origin_port: u16, overrides: &[KvOverride]) -> Self {
        Self::launch(origin_port, None, overrides, None)
    }

    /// A harness of `runtime` with the project's KV and these origin timeouts.
    pub(crate) fn with_timeouts(runtime: Runtime, timeouts: OriginTimeouts) -> Self {
        match runtime {
            Runtime::Viceroy => {
                let origin = TestOrigin::start();
                Self::launch(origin.port, Some(origin), &[], Some(timeouts))
            }
            Runtime::Workerd => Self::launch_workerd(&[], Some(timeouts)),
        }
    }

    fn launch(
        origin_port: u16,
        origin: Option<TestOrigin>,
        overrides: &[KvOverride],
        timeouts: Option<OriginTimeouts>,
    ) -> Self {
        let dir = run_dir();
        let manifest_path = dir.join("fastly.toml");
        let text = manifest(origin_port, overrides, timeouts);
        std::fs::write(&manifest_path, text).unwrap();
        let log_path = dir.join("viceroy.log");
        let viceroy = std::env::var("VICEROY").unwrap_or_else(|_| "viceroy".into());
        let spawn = |port: u16| {
            let log = std::fs::File::create(&log_path).unwrap();
            Command::new(&viceroy)
                .arg("serve")
                .arg(wasm_path())
                .arg("-C")
                .arg(&manifest_path)
                .args(["--addr", &format!("127.0.0.1:{port}")])
                .stdout(Stdio::from(log.try_clone().unwrap()))
                .stderr(Stdio::from(log))
                .spawn()
                .unwrap_or_else(|e| panic!("could not start '{viceroy}' (run `make test`): {e}"))
        };
        let port = free_port();
        let mut harness = Self {
            child: spawn(port),
            base: format!("http://127.0.0.1:{port}"),
            log_path: log_path.clone(),
            runtime: Runtime::Viceroy,
            _origin: origin,
        };
        harness.come_up_on_a_free_port(spawn);
        harness
    }

    /// Waits for the runtime `spawn` started on this harness's port to answer. `free_port`
    /// releases the port before the runtime binds it, and a harness starting beside this one
    /// (or a test's own origin) can take it meanwhile; then the runtime exits with "Address
    /// already in use", and it is started again on another port instead of failing the case.
    pub(super) fn come_up_on_a_free_port(&mut self, spawn: impl Fn(u16) -> Child) {
        for _ in 0..3 {
            match self.wait_until_up_or_exit() {
                Ok(()) => return,
                Err(log) if log.contains("Address already in use") => {
                    self.stop_child();
                    let port = free_port();
                    self.child = spawn(port);
                    self.base = format!("http://127.0.0.1:{port}");
                }
                Err(log) => panic!("{:?} did not come up; log:\n{log}", self.runtime),
            }
        }
        self.wait_until_up();
    }

    /// Another harness of the same runtime, with other KV overrides.
    pub(crate) fn restart_with(&self, overrides: &[KvOverride]) -> Self {
        match self.runtime {
            Runtime::Viceroy => Self::start(overrides),
            Runtime::Workerd => Self::start_workerd(overrides),
        }
    }

    pub(super) fn wait_until_up(&mut self) {
        if let Err(log) = self.wait_until_up_or_exit() {
            panic!("{:?} did not come up; log:\n{log}", self.runtime);
        }
    }

    /// Waits for `/healthz` to answer; the log as the error when the runtime exits first or
    /// does not answer within a minute.
    pub(super) fn wait_until_up_or_exit(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if ureq::get(&format!("{}/healthz", self.base)).call().is_ok() {
                return Ok(());
            }
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                // wrangler may still be writing its last lines.
                std::thread::sleep(Duration::from_millis(200));
                return Err(self.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(self.log())
    }

    /// Ends the runtime (for workerd, wrangler's whole process group) and waits for it.
    pub(super) fn stop_child(&mut self) {
        if self.runtime == Runtime::Workerd {
            let _ = Command::new("kill")
                .args(["-TERM", "--", &format!("-{}", self.child.id())])
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Whether this runtime's build encodes AVIF: the Fastly wasm always does, the Worker
    /// only when built with its `avif` feature.
    pub(crate) fn has_avif(&self) -> bool {
        self.runtime == Runtime::Viceroy || super::workerd::worker_has("avif")
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The URL of `path` on this harness's own test origin, if it started one.
    pub(crate) fn origin_url(&self, path: &str) -> Option<String> {
        Some(format!("http://127.0.0.1:{}{path}", self.origin_port()?))
    }

    /// The port of the test origin this harness started, if it started one.
    pub(crate) fn origin_port(&self) -> Option<u16> {
        Some(self._origin.as_ref()?.port)
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // wrangler runs workerd as a child: `stop_child` ends the whole process group.
        self.stop_child();
        if let Some(dir) = self
            .log_path
            .parent()
            .filter(|d| d.starts_with(std::env::temp_dir()))
        {
            let _ = std::fs::remove_dir_all(Path::new(dir));
        }
    }
}
