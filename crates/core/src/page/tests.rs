use super::*;
use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use std::io::Write;

const PAGE: &str = r#"<!doctype html><html><head><title>Shop</title></head><body>
<header>Welcome</header>
<div class="hero" data-tailor-slot="hero"><p>fallback</p></div>
<main>Some <b>text</b> &amp; more</main>
<aside data-tailor-slot="sidebar"></aside>
<div data-tailor-slot="nope">kept</div>
</body></html>"#;

fn fills() -> SlotFills {
    SlotFills(vec![
        ("hero".into(), "<ul><li>A</li></ul>".into()),
        ("sidebar".into(), "<b>S</b>".into()),
    ])
}

fn expected() -> String {
    PAGE.replace("<p>fallback</p>", "<ul><li>A</li></ul>")
        .replace("sidebar\"></aside>", "sidebar\"><b>S</b></aside>")
}

/// Runs `input` through a stream in chunks of `size`, recording the largest emitted piece.
fn run(input: &[u8], size: usize, encoding: Option<&str>) -> (Vec<u8>, PageStats, usize) {
    let mut stream = PageStream::new(fills(), encoding).unwrap();
    let mut out = Vec::new();
    let mut largest = 0;
    let mut emit = |bytes: &[u8]| {
        largest = largest.max(bytes.len());
        out.extend_from_slice(bytes);
        Ok(())
    };
    for chunk in input.chunks(size) {
        stream.push(chunk, &mut emit).unwrap();
    }
    let stats = stream.finish(&mut emit).unwrap();
    (out, stats, largest)
}

#[test]
fn slots_are_filled_and_everything_else_is_byte_identical() {
    let (out, stats, _) = run(PAGE.as_bytes(), 1 << 20, None);
    assert_eq!(String::from_utf8(out).unwrap(), expected());
    assert_eq!(stats.filled, ["hero", "sidebar"]);
    assert_eq!(stats.unknown, ["nope"]);
    assert_eq!(stats.bytes_in, PAGE.len() as u64);
    assert_eq!(stats.bailed_out, None);
}

#[test]
fn any_chunking_gives_the_same_page() {
    for size in [1, 2, 3, 7, 16, 61] {
        let (out, _, _) = run(PAGE.as_bytes(), size, None);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            expected(),
            "chunks of {size}"
        );
    }
}

#[test]
fn gzip_and_deflate_pages_are_decoded_and_filled() {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(PAGE.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let mut zlib = ZlibEncoder::new(Vec::new(), Compression::default());
    zlib.write_all(PAGE.as_bytes()).unwrap();
    let zlib = zlib.finish().unwrap();
    for (body, encoding) in [(gz, "gzip"), (zlib, "deflate")] {
        let (out, stats, _) = run(&body, 10, Some(encoding));
        assert_eq!(String::from_utf8(out).unwrap(), expected(), "{encoding}");
        assert_eq!(stats.bytes_in, body.len() as u64);
    }
    assert!(PageStream::new(fills(), Some("br")).is_none());
}

#[test]
fn a_corrupt_compressed_page_is_an_error_not_a_panic() {
    let mut stream = PageStream::new(fills(), Some("gzip")).unwrap();
    let result = stream.push(b"\x1f\x8b\x08\x00garbage-garbage-garbage", &mut |_| Ok(()));
    let finished = result.and_then(|()| stream.finish(&mut |_| Ok(())).map(|_| ()));
    assert!(finished.is_err());
}

#[test]
fn output_keeps_pace_with_input_on_a_big_page() {
    // 4 MB of markup in 16 KB chunks: no emitted piece is much bigger than a chunk, so the
    // stream holds a chunk's worth, never the page.
    let row = "<tr><td class=\"c\">cell</td><td>another cell &amp; text</td></tr>\n";
    let mut page = String::from("<html><body><div data-tailor-slot=\"hero\"></div><table>");
    while page.len() < 4 << 20 {
        page.push_str(row);
    }
    page.push_str("</table></body></html>");
    let (out, stats, largest) = run(page.as_bytes(), 16 * 1024, None);
    assert!(largest <= 17 * 1024, "largest emitted piece {largest}");
    assert_eq!(out.len(), page.len() + "<ul><li>A</li></ul>".len());
    assert_eq!(stats.filled, ["hero"]);
}

const BOMB_HEAD: &str = "<html><body><div data-tailor-slot=\"hero\"></div><pre>";
const BOMB_TAIL: &str = "</pre></body></html>";

/// `megabytes` MB of spaces in a page, gzipped to about a thousandth of that.
fn gzip_bomb(megabytes: usize) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(BOMB_HEAD.as_bytes()).unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..megabytes {
        gz.write_all(&spaces).unwrap();
    }
    gz.write_all(BOMB_TAIL.as_bytes()).unwrap();
    gz.finish().unwrap()
}

/// The rewritten size of [`gzip_bomb`]'s page.
fn bomb_output(megabytes: usize) -> usize {
    (megabytes << 20) + BOMB_HEAD.len() + BOMB_TAIL.len() + "<ul><li>A</li></ul>".len()
}

#[test]
fn a_gzip_bomb_is_emitted_in_small_pieces() {
    let bomb = gzip_bomb(16);
    assert!(bomb.len() < 64 * 1024);
    let (out, stats, largest) = run(&bomb, bomb.len(), Some("gzip"));
    assert_eq!(out.len(), bomb_output(16));
    assert_eq!(stats.filled, ["hero"]);
    assert!(
        largest <= decode::PIECE + 1024,
        "largest emitted piece {largest}"
    );
}

#[test]
fn a_gzip_bomb_in_one_chunk_is_inflated_one_piece_per_step() {
    // The whole bomb arrives as one origin chunk: each step inflates and rewrites at most
    // one piece, so what is held decoded never grows with the compression ratio.
    let bomb = gzip_bomb(16);
    let mut stream = PageStream::new(fills(), Some("gzip")).unwrap();
    stream.push_input(bomb);
    let (mut steps, mut total) = (0, 0);
    loop {
        let mut emitted = Vec::new();
        let step = stream
            .step(&mut |piece: &[u8]| {
                emitted.push(piece.len());
                Ok(())
            })
            .unwrap();
        assert!(emitted.len() <= 1, "one step emitted {emitted:?}");
        let size: usize = emitted.iter().sum();
        assert!(
            size <= decode::PIECE + 1024,
            "one step emitted {size} bytes"
        );
        total += size;
        match step {
            Step::Progress => steps += 1,
            Step::NeedInput => stream.end_input(),
            Step::Done => break,
        }
    }
    assert!(steps >= (16 << 20) / decode::PIECE, "{steps} steps");
    assert_eq!(total, bomb_output(16));
}

#[test]
fn a_page_that_inflates_past_max_bytes_is_cut_off() {
    let bomb = gzip_bomb(8);
    let mut stream = PageStream::new(fills(), Some("gzip"))
        .unwrap()
        .with_max_bytes(4 << 20);
    let mut out = 0;
    let result = stream.push(&bomb, &mut |piece: &[u8]| {
        out += piece.len();
        Ok(())
    });
    let error = result.unwrap_err().to_string();
    assert!(error.contains("limits.max_page_bytes"), "{error}");
    // No more than the limit of the origin's bytes went out (plus the slot's fill).
    assert!(out <= (4 << 20) + 64, "{out} bytes emitted");
    // Plain pages are held to the same limit (a runtime may have inflated them already).
    let mut plain = PageStream::new(fills(), None).unwrap().with_max_bytes(1000);
    assert!(plain.push(&[b' '; 2000], &mut |_| Ok(())).is_err());
}

#[test]
fn deflate_input_split_anywhere_decodes_the_same() {
    let mut zlib = ZlibEncoder::new(Vec::new(), Compression::default());
    zlib.write_all(PAGE.as_bytes()).unwrap();
    let zlib = zlib.finish().unwrap();
    for size in [1, 2, 5, 64] {
        let (out, _, _) = run(&zlib, size, Some("deflate"));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            expected(),
            "chunks of {size}"
        );
    }
}

#[test]
fn past_the_memory_limit_the_rest_passes_through_unmodified() {
    // One start tag bigger than the rewriter may hold, split over chunks.
    let page = format!(
        "<div data-tailor-slot=\"hero\"></div><img alt=\"{}\"><div data-tailor-slot=\"sidebar\"></div>",
        "x".repeat(3 << 20)
    );
    let (out, stats, _) = run(page.as_bytes(), 64 * 1024, None);
    assert!(stats.bailed_out.is_some());
    let expected_head = "<div data-tailor-slot=\"hero\"><ul><li>A</li></ul></div><img";
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with(expected_head), "{}", &out[..80]);
    assert_eq!(out.len(), page.len() + "<ul><li>A</li></ul>".len());
}
