//! A small blocking HTTP client for the end-to-end suites.

use std::collections::HashMap;

pub(crate) const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
pub(crate) const DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
pub(crate) const IPAD: &str = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
pub(crate) const GOOGLEBOT: &str =
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
pub(crate) const DEBUG: (&str, &str) = ("X-Tailor-Debug", "demo-debug");

#[derive(Debug)]
pub(crate) struct Got {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Got {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The request's peak linear memory, from the debug header.
    pub(crate) fn memory_peak(&self) -> Option<u64> {
        self.header("x-tailor-memory-peak")
            .and_then(|m| m.parse().ok())
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        // A response that never ends fails its case instead of hanging the suite.
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .build()
        .into()
}

pub(crate) fn request(method: &str, url: &str, headers: &[(&str, &str)]) -> Got {
    request_with_body(method, url, headers, Vec::new())
}

pub(crate) fn request_with_body(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Got {
    let mut builder = http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    // Browsers send GET and HEAD without a body, so without `Content-Length: 0` too; a body,
    // even an empty one, makes workerd treat the request as one it cannot replay.
    let sent = if body.is_empty() && matches!(method, "GET" | "HEAD") {
        agent().run(builder.body(()).unwrap())
    } else {
        agent().run(builder.body(body).unwrap())
    };
    let mut response = sent.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap();
    Got {
        status: response.status().as_u16(),
        headers,
        body,
    }
}

pub(crate) fn get(url: &str, headers: &[(&str, &str)]) -> Got {
    request("GET", url, headers)
}

/// A GET sent from another loopback address (`127.0.0.2`), so Viceroy's geolocation fixtures
/// for that address apply. Raw HTTP/1.1 over a socket bound before connecting (HTTP clients
/// do not expose the source address); the body is read only up to the headers' end.
pub(crate) fn get_from(source: std::net::Ipv4Addr, url: &str, headers: &[(&str, &str)]) -> Got {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let target: std::net::SocketAddr = authority.parse().unwrap();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&std::net::SocketAddr::from((source, 0)).into())
        .unwrap();
    socket.connect(&target.into()).unwrap();
    let mut stream: std::net::TcpStream = socket.into();
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(120)));
    let mut head = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Got {
        status,
        headers,
        body: body.as_bytes().to_vec(),
    }
}
