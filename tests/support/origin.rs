//! A real HTTP origin on loopback serving the fixture content, for Viceroy's `origin` backend.
//! Each request is answered on its own thread, so the gated page can wait without holding up
//! anyone else.

use super::fixtures::{origin_content, Reply};
use super::pages::gated_halves;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub struct TestOrigin {
    server: Arc<tiny_http::Server>,
    pub port: u16,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Opened by the test once it has seen the gated page's first half.
static GATE: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());
/// How long the gated page waits at most, so a failing test ends instead of hanging.
const GATE_TIMEOUT: Duration = Duration::from_secs(30);
/// Set when the gated page stopped waiting because nobody opened the gate: the test never
/// saw the first half, so the page was held back somewhere between origin and client.
static GATE_TIMED_OUT: AtomicBool = AtomicBool::new(false);

pub fn open_gate() {
    *GATE.0.lock().unwrap() = true;
    GATE.1.notify_all();
}

pub fn gate_timed_out() -> bool {
    GATE_TIMED_OUT.load(Ordering::SeqCst)
}

/// The gated page's body: the first half, then (once the gate opens) the second.
struct GatedBody {
    first: Cursor<Vec<u8>>,
    second: Cursor<Vec<u8>>,
    waited: bool,
}

impl Read for GatedBody {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.first.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        if !self.waited {
            let open = GATE.0.lock().unwrap();
            let (_open, wait) = GATE
                .1
                .wait_timeout_while(open, GATE_TIMEOUT, |open| !*open)
                .unwrap();
            if wait.timed_out() {
                GATE_TIMED_OUT.store(true, Ordering::SeqCst);
            }
            self.waited = true;
        }
        self.second.read(buf)
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name, value).unwrap()
}

fn respond(request: tiny_http::Request, routes: &HashMap<String, Reply>) {
    let path = request.url().split('?').next().unwrap_or("").to_string();
    if path == "/pages/gated.html" {
        let (first, second) = gated_halves();
        let body = GatedBody {
            first: Cursor::new(first),
            second: Cursor::new(second),
            waited: false,
        };
        let response = tiny_http::Response::new(
            200.into(),
            vec![header("Content-Type", "text/html; charset=utf-8")],
            body,
            None,
            None,
        );
        let _ = request.respond(response);
        return;
    }
    let reply = routes.get(path.as_str()).cloned().unwrap_or(Reply {
        status: 404,
        content_type: "text/plain",
        encoding: None,
        body: b"not found".to_vec(),
    });
    let mut response = tiny_http::Response::from_data(reply.body)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type));
    if let Some(encoding) = reply.encoding {
        response = response.with_header(header("Content-Encoding", encoding));
    }
    let _ = request.respond(response);
}

impl TestOrigin {
    pub fn start() -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind test origin"));
        let port = server.server_addr().to_ip().expect("ip address").port();
        let routes: Arc<HashMap<String, Reply>> = Arc::new(origin_content().into_iter().collect());
        let serving = Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let routes = Arc::clone(&routes);
                std::thread::spawn(move || respond(request, &routes));
            }
        });
        Self {
            server,
            port,
            thread: Some(thread),
        }
    }
}

impl Drop for TestOrigin {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
