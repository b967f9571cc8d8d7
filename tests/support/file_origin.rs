//! The demo origin binary (`examples/demo_origin`, built by `make build`) serving a folder,
//! such as the benchmark corpus, on a free loopback port; stopped when dropped.

use super::viceroy::{free_port, project_root};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct FileOrigin {
    child: Child,
    pub port: u16,
}

impl FileOrigin {
    /// Serves the files under `dir`; waits (up to 10 s) until the port accepts connections.
    pub(crate) fn start(dir: &Path) -> Self {
        let port = free_port();
        let binary = project_root().join("target/release/examples/demo_origin");
        let child = Command::new(&binary)
            .arg(format!("127.0.0.1:{port}"))
            .arg(dir)
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {} (run `make build`): {e}", binary.display()));
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port }
    }
}

impl Drop for FileOrigin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
