//! Page assembly on the in-memory host: slots filled with the rest byte-identical, compressed
//! pages decoded, pass-through cases, and a big page emitted in pieces.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::client::DESKTOP;
use support::native::{demo_host, get, send};
use support::pages::{assert_assembled, demo_page, generated_page, gzip_bomb, BOMB_MB};

#[test]
fn pages_get_their_slots_filled_and_nothing_else_changes() {
    let host = demo_host();
    let headers = [("user-agent", DESKTOP)];
    let hero = get(&host, "/banner?slot=hero", &headers);
    let page = get(&host, "/page/index.html", &headers);
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    assert!(page.headers().get("content-length").is_none());
    let hero = String::from_utf8(hero.body().clone()).unwrap();
    let sidebar = assert_assembled(&demo_page(), page.body(), &hero);
    // The sidebar leaves out what the hero already shows.
    let hero_ids: Vec<&str> = hero
        .split("data-item=\"")
        .skip(1)
        .map(|s| &s[..7])
        .collect();
    for id in hero_ids {
        assert!(
            !sidebar.contains(&format!("data-item=\"{id}")),
            "{id} twice"
        );
    }
}

#[test]
fn compressed_pages_are_decoded_and_the_rest_passes_through() {
    let host = demo_host();
    let headers = [("user-agent", DESKTOP), ("accept-encoding", "gzip")];
    let gz = get(&host, "/page/gzipped.html", &headers);
    assert_eq!(gz.status(), 200);
    assert!(gz.headers().get("content-encoding").is_none());
    let hero = get(&host, "/banner?slot=hero", &headers);
    assert_assembled(
        &demo_page(),
        gz.body(),
        std::str::from_utf8(hero.body()).unwrap(),
    );

    let brotli = get(&host, "/page/brotli.html", &headers);
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(brotli.body(), b"\x0b\x02\x80not really brotli\x03");
    let data = get(&host, "/page/data.json", &headers);
    assert_eq!(data.headers()["content-type"], "application/json");
    assert!(String::from_utf8_lossy(data.body()).contains("<div data-tailor-slot"));
    let broken = get(&host, "/page/broken.html", &headers);
    assert_eq!(broken.status(), 503);
    assert_eq!(
        broken.body(),
        b"<p data-tailor-slot=\"hero\">origin down</p>"
    );
    assert_eq!(get(&host, "/page/nowhere.html", &headers).status(), 404);
    assert_eq!(get(&host, "/page/../secret", &headers).status(), 400);
    let head = send(&host, "HEAD", "/page/index.html", &headers);
    assert_eq!(head.status(), 200);
    assert!(head.body().is_empty());
}

#[test]
fn a_big_page_streams_in_pieces() {
    let mut host = demo_host();
    let page = generated_page(2 << 20);
    host.put_origin("/pages/huge.html", 200, "text/html", page.clone());
    let request = http::Request::builder()
        .uri("/page/huge.html")
        .header("user-agent", DESKTOP)
        .body(Vec::new())
        .unwrap();
    let response =
        tailor_platform::block_on(tailor::serve(request, &host, &support::native::BUNDLE)).unwrap();
    let tailor::app::Outgoing::Page(body) = response.into_body() else {
        panic!("a page should stream");
    };
    let mut pieces = Vec::new();
    let pumped = tailor_platform::block_on(tailor::app::pump(*body, &host, &mut |chunk| {
        pieces.push(chunk.len());
        Ok(())
    }))
    .unwrap();
    assert!(pumped.is_ok());
    assert!(pieces.len() >= 30, "{} pieces", pieces.len());
    assert!(pieces.iter().all(|&n| n <= 72 * 1024), "{pieces:?}");
    let total: usize = pieces.iter().sum();
    assert!(total > page.len());
}

#[test]
fn list_fills_are_given_up_before_a_page_streams() {
    // KV down: the page's slots fall back to the bundled list. The page then streams for as
    // long as its origin takes; no fill may stay open meanwhile, or every banner and page
    // request for the same lists would wait for this one to end (Fastly collapses them).
    let host = demo_host();
    host.kv_failing.borrow_mut().push("recs/".into());
    let request = http::Request::builder()
        .uri("/page/index.html")
        .header("user-agent", DESKTOP)
        .body(Vec::new())
        .unwrap();
    let response =
        tailor_platform::block_on(tailor::serve(request, &host, &support::native::BUNDLE)).unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        host.open_fills.borrow().is_empty(),
        "fills held while the page streams: {:?}",
        host.open_fills.borrow()
    );
}

/// Pumps `/page/{path}` as a host would, recording the size of every piece sent.
fn pump_page(
    host: &tailor_testing::memory::MemoryHost,
    path: &str,
) -> (Result<(), tailor::app::PageStreamError>, Vec<usize>) {
    let request = http::Request::builder()
        .uri(format!("/page/{path}"))
        .header("user-agent", DESKTOP)
        .body(Vec::new())
        .unwrap();
    let response =
        tailor_platform::block_on(tailor::serve(request, host, &support::native::BUNDLE)).unwrap();
    assert_eq!(response.status(), 200);
    let tailor::app::Outgoing::Page(body) = response.into_body() else {
        panic!("a page should stream");
    };
    let mut pieces = Vec::new();
    let pumped = tailor_platform::block_on(tailor::app::pump(*body, host, &mut |chunk| {
        pieces.push(chunk.len());
        Ok(())
    }))
    .unwrap();
    (pumped, pieces)
}

#[test]
fn a_gzip_bomb_page_is_inflated_in_small_pieces() {
    let mut host = demo_host();
    let bomb = gzip_bomb(BOMB_MB);
    // Small enough to arrive as one origin chunk, which inflates a thousandfold.
    assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
    let (pumped, pieces) = pump_page(&host, "bomb.html");
    assert!(pumped.is_ok(), "{pumped:?}");
    // The first piece is the read-ahead (64 KB of output and the decoded piece that crossed
    // it), the others about 16 KB of joined output and one decoded piece (32 KB) at most.
    let first = pieces.first().copied().unwrap_or(0);
    assert!(first <= (64 + 32 + 1) * 1024, "first piece {first} bytes");
    let largest = pieces.iter().skip(1).max().copied().unwrap_or(0);
    assert!(
        largest <= (16 + 32 + 1) * 1024,
        "largest piece {largest} bytes"
    );
    assert!(pieces.iter().sum::<usize>() > BOMB_MB << 20);

    // Past limits.max_page_bytes the page is cut off (the host aborts the response) and
    // logged, having sent no more than the limit.
    let (pumped, pieces) = pump_page(&host, "bomb-over-limit.html");
    let error = pumped.unwrap_err().to_string();
    assert!(error.contains("limits.max_page_bytes"), "{error}");
    assert!(
        pieces.iter().sum::<usize>() <= (32 << 20) + 64 * 1024,
        "the slots aside"
    );
    assert!(host
        .logs
        .borrow()
        .iter()
        .any(|(_, l)| l.contains("\"event\":\"page\"") && l.contains("max_page_bytes")));

    // The limit is the config's.
    support::native::publish_config(&mut host, |config| {
        config["limits"] = serde_json::json!({"max_page_bytes": 1 << 20});
    });
    let (pumped, pieces) = pump_page(&host, "bomb.html");
    assert!(pumped.is_err());
    assert!(pieces.iter().sum::<usize>() <= (1 << 20) + 64 * 1024);
}

#[test]
fn a_page_that_fails_before_it_is_sent_logs_no_impression() {
    let mut host = demo_host();
    host.put_origin(
        "/pages/broken.html",
        200,
        "text/html",
        b"not gzip at all".to_vec(),
    );
    if let Some(reply) = host.origin.get_mut("/pages/broken.html") {
        reply
            .headers
            .push(("content-encoding".into(), "gzip".into()));
    }
    let impressions = |host: &tailor_testing::memory::MemoryHost| {
        host.logs
            .borrow()
            .iter()
            .filter(|(_, l)| l.contains("\"event\":\"impression\""))
            .count()
    };
    let headers = [("user-agent", DESKTOP), ("accept-encoding", "gzip")];
    let broken = get(&host, "/page/broken.html", &headers);
    assert_eq!(
        broken.status(),
        502,
        "{:?}",
        String::from_utf8_lossy(broken.body())
    );
    assert_eq!(
        impressions(&host),
        0,
        "banners nobody saw were logged as shown"
    );
    // The control: a page that goes out logs one impression per filled slot.
    let page = get(&host, "/page/index.html", &headers);
    assert_eq!(page.status(), 200);
    assert_eq!(impressions(&host), 2);
}
