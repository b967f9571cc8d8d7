//! A real HTTP origin on loopback serving the fixture content, for Viceroy's `origin` backend.
//! Each request is answered on its own thread, so the gated page can wait without holding up
//! anyone else.

use super::fixtures::{origin_content, Reply};
use super::pages::gated_halves;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub(crate) struct TestOrigin {
    server: Arc<tiny_http::Server>,
    pub port: u16,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The runs (`?run=` of the gated page) whose test has seen the first half. One set for the
/// process, so each runtime's run of the case uses its own id.
static GATE: (Mutex<Vec<String>>, Condvar) = (Mutex::new(Vec::new()), Condvar::new());
/// How long the gated page waits at most, so a failing test ends instead of hanging.
const GATE_TIMEOUT: Duration = Duration::from_secs(30);
/// Runs whose gated page stopped waiting because nobody opened the gate: the test never saw
/// the first half, so the page was held back somewhere between origin and client.
static GATE_TIMED_OUT: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Every request target (path and query) the test origins of this process were asked for.
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The request targets seen so far that contain `needle`.
pub(crate) fn requests_containing(needle: &str) -> Vec<String> {
    SEEN.lock()
        .unwrap()
        .iter()
        .filter(|url| url.contains(needle))
        .cloned()
        .collect()
}

pub(crate) fn open_gate(run: &str) {
    GATE.0.lock().unwrap().push(run.to_owned());
    GATE.1.notify_all();
}

pub(crate) fn gate_timed_out(run: &str) -> bool {
    GATE_TIMED_OUT.lock().unwrap().iter().any(|r| r == run)
}

/// The gated page's body: the first half, then (once the gate opens) the second.
struct GatedBody {
    run: String,
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
            let opened = GATE.0.lock().unwrap();
            let (_opened, wait) = GATE
                .1
                .wait_timeout_while(opened, GATE_TIMEOUT, |opened| !opened.contains(&self.run))
                .unwrap();
            if wait.timed_out() {
                GATE_TIMED_OUT.lock().unwrap().push(self.run.clone());
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
    SEEN.lock().unwrap().push(request.url().to_owned());
    let (path, query) = request.url().split_once('?').unwrap_or((request.url(), ""));
    let (path, query) = (path.to_owned(), query.to_owned());
    if path == "/pages/gated.html" {
        let (first, second) = gated_halves();
        let run = query.strip_prefix("run=").unwrap_or("").to_owned();
        let body = GatedBody {
            run,
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
        headers: Vec::new(),
        body: b"not found".to_vec(),
    });
    let mut response = tiny_http::Response::from_data(reply.body)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type));
    if let Some(encoding) = reply.encoding {
        response = response.with_header(header("Content-Encoding", encoding));
    }
    for (name, value) in &reply.headers {
        response = response.with_header(header(name, value));
    }
    let _ = request.respond(response);
}

impl TestOrigin {
    pub(crate) fn start() -> Self {
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
