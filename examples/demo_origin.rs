//! The demo origin for `make serve`: a static file server over `demo/origin` on loopback.
//! Usage: `cargo run --release --example demo_origin -- [ADDR] [DIR]`.

use std::path::{Component, Path, PathBuf};

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("avif") => "image/avif",
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path into `root`, refusing anything that is not a plain relative path.
fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let relative = Path::new(url.split('?').next()?.trim_start_matches('/'));
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| root.join(relative))
}

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:7677".into());
    let root = PathBuf::from(args.next().unwrap_or_else(|| "demo/origin".into()));
    // Without TCP_NODELAY (accepted connections inherit it from the listener on Linux), a
    // response's body waits behind its headers for the client's delayed ACK: ~40 ms a
    // response on a kept-alive connection, such as the one Viceroy keeps to its backend.
    let listener = std::net::TcpListener::bind(&addr)?;
    socket2::SockRef::from(&listener).set_tcp_nodelay(true)?;
    let server = tiny_http::Server::from_listener(listener, None)?;
    println!("demo origin serving {} on http://{addr}", root.display());
    for request in server.incoming_requests() {
        let file = resolve(&root, request.url()).filter(|p| p.is_file());
        let response = match file.and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
            Some((path, bytes)) => {
                let header = tiny_http::Header::from_bytes("Content-Type", content_type(&path))
                    .map_err(|()| "bad header")?;
                // With its length, as static file servers and object stores send files:
                // tiny_http would otherwise send anything over 32 KB chunked.
                tiny_http::Response::from_data(bytes)
                    .with_header(header)
                    .with_chunked_threshold(usize::MAX)
            }
            None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
        };
        let _ = request.respond(response);
    }
    Ok(())
}
