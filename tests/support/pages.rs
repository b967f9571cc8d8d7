//! Origin pages for the page-assembly tests: the demo shop page as shipped, big generated
//! pages, a gzip-encoded one, pass-through cases, and a page whose second half waits for the
//! test (to prove the first half left before the origin finished).

use super::fixtures::Reply;
use flate2::write::GzEncoder;
use std::io::Write;

/// The slot placeholders every generated page carries.
pub(crate) const HERO_OPEN: &str = "<section class=\"hero\" data-tailor-slot=\"hero\">";
pub(crate) const SIDEBAR_OPEN: &str = "<aside data-tailor-slot=\"sidebar\">";
/// Where the gated page pauses: after this marker the origin waits for the test.
pub(crate) const GATE_MARKER: &str = "<!-- first half sent -->";

/// The demo origin's shop page, exactly as `make serve` serves it.
pub(crate) fn demo_page() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/demo/origin/pages/index.html"
    ))
    .unwrap()
}

/// A page of about `bytes` with the hero slot at the top and the sidebar at the bottom.
pub(crate) fn generated_page(bytes: usize) -> Vec<u8> {
    let mut page = format!(
        "<!doctype html><html><head><title>Catalogue</title></head><body>{HERO_OPEN}<p>loading</p></section><table>\n"
    );
    let mut row = 0;
    while page.len() < bytes {
        page.push_str(&format!(
            "<tr><td>{row}</td><td class=\"name\">Item {row} &amp; friends</td><td>{} EUR</td></tr>\n",
            row % 97
        ));
        row += 1;
    }
    page.push_str(&format!("</table>{SIDEBAR_OPEN}</aside></body></html>\n"));
    page.into_bytes()
}

/// The gated page in its two halves: the hero slot and 256 KB of rows, then the rest.
pub(crate) fn gated_halves() -> (Vec<u8>, Vec<u8>) {
    let mut first = generated_page(256 * 1024);
    let tail_at = first.len() - format!("</table>{SIDEBAR_OPEN}</aside></body></html>\n").len();
    let tail = first.split_off(tail_at);
    first.extend_from_slice(GATE_MARKER.as_bytes());
    // Enough after the marker that the origin's chunked encoder has sent the marker on.
    first.extend_from_slice(&generated_page(64 * 1024)[..64 * 1024]);
    let mut second = b"<tr><td>after the gate</td></tr>".to_vec();
    second.extend_from_slice(&tail);
    (first, second)
}

/// Decoded sizes of the gzip bombs the origin serves: one within `limits.max_page_bytes`
/// (32 MiB by default), one past it.
pub(crate) const BOMB_MB: usize = 16;
pub(crate) const BOMB_OVER_LIMIT_MB: usize = 40;

/// A page of `megabytes` MiB of spaces (with the hero slot first), gzipped about 1000:1 —
/// made once per test process.
pub(crate) fn gzip_bomb(megabytes: usize) -> Vec<u8> {
    static BOMBS: std::sync::Mutex<Vec<(usize, Vec<u8>)>> = std::sync::Mutex::new(Vec::new());
    let mut bombs = BOMBS.lock().unwrap();
    if let Some((_, bomb)) = bombs.iter().find(|(mb, _)| *mb == megabytes) {
        return bomb.clone();
    }
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(format!("<html><body>{HERO_OPEN}</section><pre>").as_bytes())
        .unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..megabytes {
        encoder.write_all(&spaces).unwrap();
    }
    encoder.write_all(b"</pre></body></html>").unwrap();
    let bomb = encoder.finish().unwrap();
    bombs.push((megabytes, bomb.clone()));
    bomb
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn gzipped_reply(body: Vec<u8>) -> Reply {
    Reply {
        encoding: Some("gzip"),
        ..Reply::ok("text/html; charset=utf-8", body)
    }
}

pub(crate) fn pages() -> Vec<(&'static str, Reply)> {
    let html = "text/html; charset=utf-8";
    let (first, second) = gated_halves();
    let gzipped = gzipped_reply(gzip(&demo_page()));
    let mut brotli = Reply::ok(html, b"\x0b\x02\x80not really brotli\x03".to_vec());
    brotli.encoding = Some("br");
    vec![
        ("/pages/index.html", Reply::ok(html, demo_page())),
        (
            "/pages/small.html",
            Reply::ok(html, generated_page(64 * 1024)),
        ),
        ("/pages/big.html", Reply::ok(html, generated_page(2 << 20))),
        (
            "/pages/gated.html",
            Reply::ok(html, [first, second].concat()),
        ),
        ("/pages/gzipped.html", gzipped),
        ("/pages/bomb.html", gzipped_reply(gzip_bomb(BOMB_MB))),
        (
            "/pages/bomb-over-limit.html",
            gzipped_reply(gzip_bomb(BOMB_OVER_LIMIT_MB)),
        ),
        ("/pages/brotli.html", brotli),
        (
            "/pages/data.json",
            Reply::ok(
                "application/json",
                br#"{"slot":"<div data-tailor-slot=\"hero\"></div>"}"#.to_vec(),
            ),
        ),
        (
            "/pages/broken.html",
            Reply {
                status: 503,
                content_type: "text/html",
                encoding: None,
                headers: Vec::new(),
                body: b"<p data-tailor-slot=\"hero\">origin down</p>".to_vec(),
            },
        ),
    ]
}

/// Checks an assembled demo page against the origin's: the hero placeholder holds exactly
/// `hero_html`, the sidebar placeholder holds a sidebar banner, and every other byte is the
/// origin's. Returns the sidebar's HTML.
pub(crate) fn assert_assembled(origin: &[u8], output: &[u8], hero_html: &str) -> String {
    let origin = std::str::from_utf8(origin).unwrap();
    let output = std::str::from_utf8(output).unwrap();
    let inner = |page: &str, open: &str, close: &str| -> (usize, usize) {
        let start = page.find(open).unwrap() + open.len();
        let end = start + page[start..].find(close).unwrap();
        (start, end)
    };
    let (hero_start, hero_end) = inner(origin, HERO_OPEN, "</section>");
    let (side_start, side_end) = inner(origin, SIDEBAR_OPEN, "</aside>");
    let (out_side_start, out_side_end) = inner(output, SIDEBAR_OPEN, "</aside>");
    let sidebar = &output[out_side_start..out_side_end];
    assert!(
        sidebar.contains("data-slot=\"sidebar\""),
        "sidebar not filled: {sidebar}"
    );
    let expected = format!(
        "{}{hero_html}{}{sidebar}{}",
        &origin[..hero_start],
        &origin[hero_end..side_start],
        &origin[side_end..]
    );
    assert!(expected == output, "the page differs outside its slots");
    sidebar.to_owned()
}
