//! A real HTTP/1.1 origin on loopback serving the fixture content, for the runtimes' `origin`
//! backend. It is written on plain sockets (HTTP/1.1 keep-alive, `Content-Length` or chunked
//! bodies) so that it can also fail the way real origins do, down to the byte: see `faults`.
//! Each connection is served on its own thread, so the gated page can wait without holding up
//! anyone else.

use super::faults;
use super::fixtures::{
    fifty_megapixel_images, noisy_alpha_png, origin_content, poster_webp, wallpaper_interlaced_gif,
    wallpaper_interlaced_png, wallpaper_png, Reply,
};
use super::large_files::fifty_megabyte_files;
use super::large_jpeg::{
    camera_photo, large_camera_photo, portrait_camera_photo, progressive_photos,
};
use super::pages::gated_halves;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub(crate) struct TestOrigin {
    pub port: u16,
    stopping: Arc<AtomicBool>,
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

/// Waits until the test opened the gate of `run` (or the gate timed out).
fn wait_for_gate(run: &str) {
    let opened = GATE.0.lock().unwrap();
    let (_opened, wait) = GATE
        .1
        .wait_timeout_while(opened, GATE_TIMEOUT, |opened| {
            !opened.iter().any(|r| r == run)
        })
        .unwrap();
    if wait.timed_out() {
        GATE_TIMED_OUT.lock().unwrap().push(run.to_owned());
    }
}

/// Writes a status line and headers; `length` `None` means a chunked body follows.
pub(crate) fn write_head(
    out: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    length: Option<usize>,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} Test\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match length {
        Some(length) => head.push_str(&format!("Content-Length: {length}\r\n\r\n")),
        None => head.push_str("Transfer-Encoding: chunked\r\n\r\n"),
    }
    out.write_all(head.as_bytes())
}

fn write_chunk(out: &mut TcpStream, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(format!("{:x}\r\n", bytes.len()).as_bytes())?;
    out.write_all(bytes)?;
    out.write_all(b"\r\n")?;
    out.flush()
}

/// A whole reply with its length.
pub(crate) fn write_reply(out: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    let mut headers = vec![("Content-Type", reply.content_type.to_owned())];
    if let Some(encoding) = reply.encoding {
        headers.push(("Content-Encoding", encoding.to_owned()));
    }
    headers.extend(reply.headers.iter().cloned());
    write_head(out, reply.status, &headers, Some(reply.body.len()))?;
    out.write_all(&reply.body)?;
    out.flush()
}

/// The gated page: the first half, then (once the test opened the gate) the second, chunked.
fn write_gated(out: &mut TcpStream, query: &str) -> std::io::Result<()> {
    let (first, second) = gated_halves();
    let run = query.strip_prefix("run=").unwrap_or("");
    let html = ("Content-Type", "text/html; charset=utf-8".to_owned());
    write_head(out, 200, &[html], None)?;
    write_chunk(out, &first)?;
    wait_for_gate(run);
    write_chunk(out, &second)?;
    out.write_all(b"0\r\n\r\n")?;
    out.flush()
}

/// The request target of the next request on the connection, its head read to the end;
/// `None` when the client closed the connection.
fn next_target(reader: &mut BufReader<TcpStream>) -> Option<String> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let target = line.split_whitespace().nth(1)?.to_owned();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        if header.trim_end().is_empty() {
            return Some(target);
        }
    }
}

/// Serves one connection's requests (GETs without bodies) until the client closes it or a
/// fault ends it.
fn serve_connection(stream: TcpStream, routes: &HashMap<String, Reply>) {
    // Each response leaves as it is written, as from a production server: without this, a
    // body written after its head waits for the client's delayed ACK on a kept-alive
    // connection (~40 ms).
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut out = stream;
    while let Some(target) = next_target(&mut reader) {
        SEEN.lock().unwrap().push(target.clone());
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let served = if path == "/pages/gated.html" {
            write_gated(&mut out, query)
        } else if let Some(fault) = faults::Fault::of(path) {
            match fault.serve(&mut out, path) {
                // The fault ended the connection.
                faults::Connection::Closed => return,
                faults::Connection::Open => Ok(()),
            }
        } else {
            let reply = routes.get(path).cloned().unwrap_or(Reply {
                status: 404,
                content_type: "text/plain",
                encoding: None,
                headers: Vec::new(),
                body: b"not found".to_vec(),
            });
            write_reply(&mut out, &reply)
        };
        if served.is_err() {
            return;
        }
    }
}

impl TestOrigin {
    pub(crate) fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind test origin");
        let port = listener.local_addr().expect("local address").port();
        let wallpaper = (
            "/photos/wallpaper.png".to_owned(),
            Reply::ok("image/png", wallpaper_png()),
        );
        let poster = (
            "/photos/poster.webp".to_owned(),
            Reply::ok("image/webp", poster_webp()),
        );
        let interlaced = (
            "/photos/wallpaper-interlaced.png".to_owned(),
            Reply::ok("image/png", wallpaper_interlaced_png()),
        );
        let interlaced_gif = (
            "/photos/wallpaper-interlaced.gif".to_owned(),
            Reply::ok("image/gif", wallpaper_interlaced_gif()),
        );
        let noisy = (
            "/photos/noisy-alpha.png".to_owned(),
            Reply::ok("image/png", noisy_alpha_png()),
        );
        let routes: Arc<HashMap<String, Reply>> = Arc::new(
            origin_content()
                .into_iter()
                .chain([wallpaper, poster, noisy, interlaced, interlaced_gif])
                .chain(progressive_photos())
                .chain([
                    camera_photo(),
                    portrait_camera_photo(),
                    large_camera_photo(),
                ])
                .chain(fifty_megabyte_files())
                .chain(fifty_megapixel_images())
                .collect(),
        );
        let stopping = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stopping);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let routes = Arc::clone(&routes);
                std::thread::spawn(move || serve_connection(stream, &routes));
            }
        });
        Self {
            port,
            stopping,
            thread: Some(thread),
        }
    }
}

impl Drop for TestOrigin {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
