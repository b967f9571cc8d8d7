//! The references `make bench`'s runtime block measures Tailor against in the same run: the
//! smallest Fastly programs under `benches/` (hello-world, and a pass-through of the origin's
//! page) in their own Viceroy, and reading a large original into each runtime beside the
//! smallest Worker that reads it (`benches/fetch-worker`).

use crate::support::client::{get, DEBUG, DESKTOP};
use crate::support::file_origin::FileOrigin;
use crate::support::report::{median, server_timing_ms};
use crate::support::viceroy::{free_port, project_root, run_dir, Harness};

/// A reference Fastly program under `benches/` (`hello-fastly`, or `proxy-fastly` with its
/// `origin` backend on `origin_port`), built for wasm and served by its own Viceroy, up once
/// `ready` answers; stopped when dropped.
pub(crate) struct Reference {
    child: std::process::Child,
    pub(crate) base: String,
}

impl Reference {
    pub(crate) fn start(package: &str, origin_port: Option<u16>, ready: &str) -> Self {
        let root = project_root();
        let target = root.join("target/hello");
        let built = std::process::Command::new(env!("CARGO"))
            .args([
                "build",
                "--release",
                "--target",
                "wasm32-wasip1",
                "-p",
                package,
            ])
            .arg("--target-dir")
            .arg(&target)
            .current_dir(&root)
            .status()
            .unwrap();
        assert!(built.success(), "building {package} failed");
        let port = free_port();
        let viceroy = std::env::var("VICEROY").unwrap_or_else(|_| "viceroy".into());
        let mut command = std::process::Command::new(viceroy);
        command
            .arg("serve")
            .arg(target.join(format!("wasm32-wasip1/release/{package}.wasm")))
            .args(["--addr", &format!("127.0.0.1:{port}")]);
        if let Some(origin) = origin_port {
            let manifest = run_dir().join("fastly.toml");
            std::fs::write(
                &manifest,
                format!(
                    "[local_server.backends.origin]\nurl = \"http://127.0.0.1:{origin}\"\n\
                     first_byte_timeout_ms = 15000\nbetween_bytes_timeout_ms = 10000\n"
                ),
            )
            .unwrap();
            command.arg("-C").arg(manifest);
        }
        let child = command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..600 {
            if ureq::get(format!("{base}{ready}")).call().is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Self { child, base }
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The largest original of the benchmark corpus (`../shared/corpus`): its folder and name.
fn largest_original() -> Option<(std::path::PathBuf, String, u64)> {
    let dir = project_root().join("../shared/corpus");
    std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            let image = [".jpg", ".png", ".webp"].iter().any(|x| name.ends_with(x));
            image.then_some((name, e.metadata().ok()?.len()))
        })
        .max_by_key(|(_, len)| *len)
        .map(|(name, len)| (dir.clone(), name, len))
}

/// Median `Server-Timing: fetch` (ms) of `runs` GETs of `path`, caches bypassed, so every
/// request reads the whole original from the origin into the instance.
fn fetch_ms(h: &Harness, path: &str, runs: usize) -> f64 {
    let url = h.url(path);
    let headers = [("User-Agent", DESKTOP), DEBUG, ("X-Tailor-Cache", "bypass")];
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let got = get(&url, &headers);
            assert_eq!(got.status, 200, "{path}");
            server_timing_ms(got.header("server-timing").unwrap_or(""), "fetch").unwrap_or(f64::NAN)
        })
        .collect();
    median(&mut times)
}

/// Reading one original, in medians of `Server-Timing: fetch` (ms).
pub(crate) struct OriginalRead {
    pub(crate) name: String,
    pub(crate) bytes: u64,
    pub(crate) viceroy: f64,
    pub(crate) workerd: f64,
    /// The same read by the smallest Worker (`benches/fetch-worker`) in workerd.
    pub(crate) plain_worker: f64,
}

/// The corpus's largest original read on both runtimes, one after the other, against one
/// origin serving the corpus, and by a plain JS Worker in workerd as the runtime's own cost.
pub(crate) fn original_read(runs: usize) -> Option<OriginalRead> {
    let (dir, name, bytes) = largest_original()?;
    let origin = FileOrigin::start(&dir);
    let preview = format!("/img/preview/{name}");
    let viceroy = Harness::with_origin(origin.port, &[]);
    let on_viceroy = fetch_ms(&viceroy, &preview, runs);
    drop(viceroy);
    let workerd = Harness::workerd_with_origin(origin.port, &[]);
    let on_workerd = fetch_ms(&workerd, &preview, runs);
    drop(workerd);
    let script = project_root().join("benches/fetch-worker/index.js");
    let plain = Harness::plain_worker(&script, origin.port);
    let plain_worker = fetch_ms(&plain, &format!("/{name}"), runs);
    Some(OriginalRead {
        name,
        bytes,
        viceroy: on_viceroy,
        workerd: on_workerd,
        plain_worker,
    })
}
