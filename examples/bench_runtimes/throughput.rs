//! Throughput under load in Viceroy (`wrk`, 16 kept-alive connections), Tailor's cached image,
//! banner and page against the hello-world Fastly program in the same run: the ratios the
//! request-path issue sets (cached image ≥ 0.8×, banner ≥ 0.6× hello-world's requests/s).

use crate::references::Reference;
use crate::support::client::DESKTOP;
use crate::support::viceroy::Harness;
use std::fmt::Write as _;
use std::process::Command;

const CONNECTIONS: u32 = 16;

/// One `wrk` run's figures.
#[derive(Debug, Clone, Copy)]
struct Load {
    requests_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Non-2xx/3xx answers plus socket errors: any makes the row void.
    errors: u64,
}

/// `wrk` against `url` for `seconds` (with `cookie` as every request's `Cookie`), or `None`
/// without `wrk` (the block says so).
fn wrk(url: &str, seconds: u32, cookie: Option<&str>) -> Option<Load> {
    let mut command = Command::new("wrk");
    command
        .args(["-t2", &format!("-c{CONNECTIONS}"), &format!("-d{seconds}s")])
        .args(["--latency", "--timeout", "10s", "-H"])
        .arg(format!("User-Agent: {DESKTOP}"));
    if let Some(cookie) = cookie {
        command.arg("-H").arg(format!("Cookie: {cookie}"));
    }
    let out = command.arg(url).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    parse(&text)
}

/// Reads `Requests/sec`, the 50% and 99% latency lines and the error counts of wrk's report.
fn parse(text: &str) -> Option<Load> {
    let mut load = Load {
        requests_per_s: f64::NAN,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
        errors: 0,
    };
    for line in text.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("Requests/sec:"), Some(n)) => load.requests_per_s = n.parse().ok()?,
            (Some("50%"), Some(t)) => load.p50_ms = duration_ms(t)?,
            (Some("99%"), Some(t)) => load.p99_ms = duration_ms(t)?,
            (Some("Non-2xx"), _) => load.errors += last_number(line),
            (Some("Socket"), _) => {
                load.errors += line
                    .split(',')
                    .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    load.requests_per_s.is_finite().then_some(load)
}

fn last_number(line: &str) -> u64 {
    line.split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// wrk's durations: `812.00us`, `1.20ms`, `2.01s`.
fn duration_ms(text: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * scale)
}

/// The block's throughput table: hello-world, then Tailor's rows on a fresh Viceroy.
pub(crate) fn throughput(seconds: u32) -> String {
    let hello = Reference::start("hello-fastly", None, "/");
    let hello_load = wrk(&format!("{}/", hello.base), seconds, None);
    drop(hello);
    let tailor = Harness::start(&[]);
    let history = crate::visitor::with_history(&tailor);
    let rows: Vec<(&str, Option<Load>)> = [
        (crate::FLOOR.0, crate::FLOOR.1, None),
        ("cached image", "/img/preview/photos/harbour.jpg", None),
        (
            crate::LARGE_CACHED_IMAGE.0,
            crate::LARGE_CACHED_IMAGE.1,
            None,
        ),
        ("banner (hero)", "/banner?slot=hero", None),
        (
            "banner (hero), consenting visitor with 12 events",
            "/banner?slot=hero",
            Some(history.as_str()),
        ),
        ("page (`/page/index.html`)", "/page/index.html", None),
    ]
    .iter()
    .map(|(name, path, cookie)| (*name, wrk(&tailor.url(path), seconds, *cookie)))
    .collect();
    drop(tailor);
    let Some(reference) = hello_load else {
        return "\nThroughput under load: `wrk` is not installed (`scripts/install-load-tools.sh`).\n"
            .into();
    };
    let mut out = format!(
        "\nThroughput in Viceroy under `wrk` ({CONNECTIONS} kept-alive connections, two \
         threads, {seconds} s per row, one row at a time, desktop User-Agent, without consent but where the row says), \
         against the hello-world program in the same run (targets: cached image ≥ 0.8×, the \
         banner of a desktop visitor with a 12-entry history ≥ 0.6×):\n\n| request | requests/s | × hello-world | p50 | p99 | errors |\n\
         |---|---:|---:|---:|---:|---:|\n"
    );
    row(&mut out, "hello-world", Some(&reference), &reference);
    for (name, load) in &rows {
        row(&mut out, name, load.as_ref(), &reference);
    }
    out
}

fn row(out: &mut String, name: &str, load: Option<&Load>, reference: &Load) {
    let _ = match load {
        Some(load) => writeln!(
            out,
            "| {name} | {:.0} | {:.2}x | {:.2} ms | {:.2} ms | {} |",
            load.requests_per_s,
            load.requests_per_s / reference.requests_per_s,
            load.p50_ms,
            load.p99_ms,
            load.errors
        ),
        None => writeln!(out, "| {name} | wrk failed | | | | |"),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_reports() {
        let report = "Running 2s test @ http://127.0.0.1:1/\n  2 threads and 16 connections\n\
            Latency Distribution\n     50%  812.00us\n     75%    1.20ms\n     90%    2.00ms\n\
            \x20    99%    2.01s\n  9000 requests in 2.00s, 1.00MB read\n\
            \x20 Socket errors: connect 0, read 1, write 2, timeout 3\n\
            \x20 Non-2xx or 3xx responses: 4\nRequests/sec:   4500.12\n";
        let load = parse(report).unwrap();
        assert!((load.requests_per_s - 4500.12).abs() < 1e-9);
        assert!((load.p50_ms - 0.812).abs() < 1e-9);
        assert!((load.p99_ms - 2010.0).abs() < 1e-9);
        assert_eq!(load.errors, 10);
        assert!(parse("nothing").is_none());
    }
}
