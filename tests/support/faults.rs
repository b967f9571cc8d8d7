//! Origin faults on demand, for the fault suite: the test origin answers any path under
//! `/photos/faults/` or `/pages/faults/` by misbehaving as its name says (`down`, `slow-start`,
//! `slow-body`, `stalled`, `truncated`, `reset`, `mislabelled`, `not-an-image`, `flaky-…`;
//! `-small` before the extension picks a page small enough to be sent whole).
//! The harness that runs the suite gives its origin backend short timeouts
//! ([`FIRST_BYTE_TIMEOUT_MS`], [`BETWEEN_BYTES_TIMEOUT_MS`]); the slow faults outwait them.

use super::fixtures::Reply;
use super::origin::{write_head, write_reply};
use super::pages::generated_page;
use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::sync::Mutex;
use std::time::Duration;
use tailor_testing::synthetic;

/// The fault harness's origin timeouts: how long the runtime waits for the response to begin,
/// and for each next piece of its body.
pub(crate) const FIRST_BYTE_TIMEOUT_MS: u32 = 2_000;
pub(crate) const BETWEEN_BYTES_TIMEOUT_MS: u32 = 2_000;
/// How long the slow faults keep the runtime waiting: well past either timeout.
pub(crate) const OUTWAIT: Duration = Duration::from_millis(6_000);
/// The pause between the pieces of a slow body: well within the between-bytes timeout.
const TRICKLE: Duration = Duration::from_millis(300);

/// What a fault left of the connection.
pub(crate) enum Connection {
    /// Ready for the next request.
    Open,
    /// Closed (or reset) by the fault.
    Closed,
}

/// One way of failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// `503 Service Unavailable`.
    Down,
    /// The response begins only after the first-byte timeout.
    SlowStart,
    /// The whole body, in five pieces a little apart.
    SlowBody,
    /// Half the body, then nothing past the between-bytes timeout, then the connection closes.
    Stalled,
    /// `Content-Length` promises the whole body; half comes, then the connection closes.
    Truncated,
    /// The connection is reset without an answer.
    Reset,
    /// The right bytes with the wrong `Content-Type`.
    Mislabelled,
    /// An HTML error page at an image's path, sent as `200 text/html`.
    NotAnImage,
    /// `503` the first time each path is asked for, the content after that.
    Flaky,
}

/// Paths of the flaky fault that have failed once.
static FLAKED: Mutex<Vec<String>> = Mutex::new(Vec::new());

impl Fault {
    /// The fault a path asks for, if it is under a faults folder.
    pub(crate) fn of(path: &str) -> Option<Self> {
        let name = path
            .strip_prefix("/photos/faults/")
            .or_else(|| path.strip_prefix("/pages/faults/"))?;
        let stem = name.split('.').next().unwrap_or(name);
        // `-small` picks the small page; the fault is the same.
        let stem = stem.strip_suffix("-small").unwrap_or(stem);
        Some(match stem {
            "down" => Self::Down,
            "slow-start" => Self::SlowStart,
            "slow-body" => Self::SlowBody,
            "stalled" => Self::Stalled,
            "truncated" => Self::Truncated,
            "reset" => Self::Reset,
            "mislabelled" => Self::Mislabelled,
            "not-an-image" => Self::NotAnImage,
            flaky if flaky.starts_with("flaky") => Self::Flaky,
            _ => return None,
        })
    }

    /// Answers the request for `path` (already read) by failing this way.
    pub(crate) fn serve(self, out: &mut TcpStream, path: &str) -> Connection {
        let content = content(path);
        let result = match self {
            Self::Down => write_reply(out, &down()),
            Self::SlowStart => {
                std::thread::sleep(OUTWAIT);
                let _ = write_reply(out, &content);
                return close(out);
            }
            Self::SlowBody => trickle(out, &content),
            Self::Stalled => {
                let _ = send_half(out, &content);
                std::thread::sleep(OUTWAIT);
                return close(out);
            }
            Self::Truncated => {
                let _ = send_half(out, &content);
                return close(out);
            }
            Self::Reset => {
                let socket = socket2::SockRef::from(&*out);
                let _ = socket.set_linger(Some(Duration::ZERO));
                // Closing a socket that lingers zero seconds sends a reset, not a FIN: the
                // caller drops the connection at once.
                return Connection::Closed;
            }
            Self::Mislabelled => {
                let mut wrong = content.clone();
                wrong.content_type = if path.starts_with("/pages/") {
                    "application/octet-stream"
                } else {
                    "text/plain"
                };
                write_reply(out, &wrong)
            }
            Self::NotAnImage => write_reply(
                out,
                &Reply::ok(
                    "text/html",
                    b"<html><body>Image temporarily unavailable</body></html>".to_vec(),
                ),
            ),
            Self::Flaky => {
                let first = {
                    let mut flaked = FLAKED.lock().unwrap();
                    let first = !flaked.iter().any(|p| p == path);
                    if first {
                        flaked.push(path.to_owned());
                    }
                    first
                };
                write_reply(out, &if first { down() } else { content })
            }
        };
        match result {
            Ok(()) => Connection::Open,
            Err(_) => close(out),
        }
    }
}

/// What a healthy origin would send at `path`: a small photo, or a page with both slots —
/// 256 KB, so Tailor streams it, or 16 KB for a name ending in `-small`, which it sends whole.
pub(crate) fn content(path: &str) -> Reply {
    if path.starts_with("/pages/") {
        let size = if path.contains("-small.") { 16 } else { 256 };
        Reply::ok("text/html; charset=utf-8", generated_page(size * 1024))
    } else {
        Reply::ok(
            "image/jpeg",
            synthetic::jpeg(&synthetic::photo(320, 200, 77), 85),
        )
    }
}

fn down() -> Reply {
    Reply {
        status: 503,
        content_type: "text/plain",
        encoding: None,
        headers: vec![("Retry-After", "5".into())],
        body: b"origin down for maintenance".to_vec(),
    }
}

/// The head with the full length, then the first half of the body.
fn send_half(out: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    let headers = [("Content-Type", reply.content_type.to_owned())];
    write_head(out, reply.status, &headers, Some(reply.body.len()))?;
    out.write_all(&reply.body[..reply.body.len() / 2])?;
    out.flush()
}

/// The whole reply, its body in five pieces [`TRICKLE`] apart.
fn trickle(out: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    let headers = [("Content-Type", reply.content_type.to_owned())];
    write_head(out, reply.status, &headers, Some(reply.body.len()))?;
    out.flush()?;
    for piece in reply.body.chunks(reply.body.len().div_ceil(5)) {
        std::thread::sleep(TRICKLE);
        out.write_all(piece)?;
        out.flush()?;
    }
    Ok(())
}

fn close(out: &mut TcpStream) -> Connection {
    let _ = out.shutdown(Shutdown::Both);
    Connection::Closed
}
