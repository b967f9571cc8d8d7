//! `make bench`: image variants over the benchmark corpus, in Viceroy and natively, with
//! `vipsthumbnail` on the same jobs in the same run when it is installed. Writes BENCHMARKS.md.
//!
//! Usage: `make bench [BENCH_CORPUS=dir] [BENCH_RUNS=n]` (the Makefile builds the wasm and
//! the demo origin first and sets TAILOR_WASM).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod sharp_peer;
#[path = "../../tests/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use support::client::{get, DEBUG};
use support::file_origin::FileOrigin;
use support::viceroy::{project_root, Harness};
use tailor_config::Config;

struct Row {
    image: String,
    variant: String,
    status: u16,
    out_dims: String,
    /// `jpeg`, `png`, `webp` or `avif`, as Tailor chose it.
    out_format: String,
    input_bytes: u64,
    out_bytes: u64,
    decode_path: String,
    viceroy: Stage,
    peak_mb: f64,
    native_ms: f64,
    vips: Option<(f64, f64)>,
    /// Tailor's WebP bytes and cwebp's on the same resized pixels at the same quality.
    webp: Option<(usize, usize)>,
    /// sharp-wasm's median milliseconds and bytes for the same job.
    sharp: Option<(f64, u64)>,
}

#[derive(Default, Clone, Copy)]
struct Stage {
    fetch: f64,
    decode: f64,
    resize: f64,
    encode: f64,
}

impl Stage {
    fn transform(&self) -> f64 {
        self.decode + self.resize + self.encode
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    support::report::median(&mut values)
}

fn timing(header: &str, name: &str) -> f64 {
    support::report::server_timing_ms(header, name).unwrap_or(0.0)
}

/// `Accept` of the two passes: no WebP (so `format=auto` picks JPEG, or PNG for transparency),
/// and Chrome's, naming WebP.
const ACCEPTS: [&str; 2] = ["image/jpeg,image/png,*/*", "image/webp,image/png,*/*"];

fn viceroy_runs(
    harness: &Harness,
    file: &str,
    variant: &str,
    accept: &str,
    runs: usize,
) -> (u16, Stage, Row) {
    let url = harness.url(&format!("/img/{variant}/{file}"));
    let mut stages = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let got = get(
            &url,
            &[DEBUG, ("X-Tailor-Cache", "bypass"), ("Accept", accept)],
        );
        let t = got.header("server-timing").unwrap_or("").to_string();
        stages.push(Stage {
            fetch: timing(&t, "fetch"),
            decode: timing(&t, "decode"),
            resize: timing(&t, "resize"),
            encode: timing(&t, "encode"),
        });
        last = Some(got);
    }
    let got = last.unwrap();
    let stage = Stage {
        fetch: median(stages.iter().map(|s| s.fetch).collect()),
        decode: median(stages.iter().map(|s| s.decode).collect()),
        resize: median(stages.iter().map(|s| s.resize).collect()),
        encode: median(stages.iter().map(|s| s.encode).collect()),
    };
    let info = got.header("x-tailor-image").unwrap_or("").to_string();
    let field = |prefix: &str| -> Vec<String> {
        info.split("; ")
            .find_map(|p| p.strip_prefix(prefix))
            .map(|p| p.split(' ').map(str::to_string).collect())
            .unwrap_or_default()
    };
    let (input, output) = (field("in="), field("out="));
    let bytes = |v: &[String]| {
        v.get(2)
            .and_then(|b| b.trim_end_matches('B').parse().ok())
            .unwrap_or(0)
    };
    let row = Row {
        image: file.into(),
        variant: variant.into(),
        status: got.status,
        out_dims: output.first().cloned().unwrap_or_else(|| "-".into()),
        out_format: output.get(1).cloned().unwrap_or_else(|| "-".into()),
        input_bytes: bytes(&input),
        out_bytes: bytes(&output),
        decode_path: field("decode=")
            .first()
            .cloned()
            .unwrap_or_else(|| "-".into()),
        viceroy: stage,
        peak_mb: got
            .header("x-tailor-memory-peak")
            .and_then(|m| m.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1048576.0,
        native_ms: f64::NAN,
        vips: None,
        webp: None,
        sharp: None,
    };
    (got.status, stage, row)
}

fn native_ms(path: &Path, width: u32, quality: u8, runs: usize) -> f64 {
    let bytes = std::fs::read(path).unwrap();
    let clock = Instant::now();
    let now = move || clock.elapsed().as_secs_f64() * 1000.0;
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = now();
        let job = tailor_image::Job {
            geometry: tailor_image::Geometry::width(width),
            background: [255, 255, 255],
            quality: Some(tailor_image::Qualities {
                jpeg: quality,
                webp: quality,
            }),
            format: tailor_image::FormatRequest::Fixed(tailor_image::OutputFormat::Jpeg),
            client: tailor_image::ClientFormats::default(),
            max_pixels: 50_000_000,
            max_output_side: 4096,
        };
        if tailor_image::transform(&bytes, &job, &now).is_err() {
            return f64::NAN;
        }
        times.push(now() - start);
    }
    median(times)
}

fn native_job(width: u32, format: tailor_image::OutputFormat, quality: u8) -> tailor_image::Job {
    tailor_image::Job {
        geometry: tailor_image::Geometry::width(width),
        background: [255, 255, 255],
        quality: Some(tailor_image::Qualities {
            jpeg: quality,
            webp: quality,
        }),
        format: tailor_image::FormatRequest::Fixed(format),
        client: tailor_image::ClientFormats::default(),
        max_pixels: 50_000_000,
        max_output_side: 4096,
    }
}

/// Tailor's WebP against `cwebp -q Q -m 4` (cwebp's defaults otherwise) on identical pixels:
/// the resized image is handed to cwebp as a lossless PNG.
fn webp_vs_cwebp(path: &Path, width: u32, quality: u8) -> Option<(usize, usize)> {
    use tailor_image::OutputFormat;
    let bytes = std::fs::read(path).ok()?;
    let clock = || 0.0;
    let reference = tailor_image::transform(
        &bytes,
        &native_job(width, OutputFormat::Png, quality),
        &clock,
    )
    .ok()?;
    let ours = tailor_image::transform(
        &bytes,
        &native_job(width, OutputFormat::Webp, quality),
        &clock,
    )
    .ok()?;
    let (png, webp) = (
        std::env::temp_dir().join("tailor-bench-ref.png"),
        std::env::temp_dir().join("tailor-bench-cwebp.webp"),
    );
    std::fs::write(&png, &reference.bytes).ok()?;
    let status = Command::new("cwebp")
        .args(["-quiet", "-q", &quality.to_string(), "-m", "4"])
        .arg(&png)
        .arg("-o")
        .arg(&webp)
        .status()
        .ok()?;
    status.success().then(|| {
        (
            ours.bytes.len(),
            std::fs::metadata(&webp).map_or(0, |m| m.len() as usize),
        )
    })
}

/// Median wall time and max RSS (MB) of `vipsthumbnail` doing the same job, minus the time
/// the same command takes on an 8x8 image (process start and library load), so the figure is
/// comparable to Tailor's in-handler time.
fn vips(path: &Path, width: u32, quality: u8, runs: usize) -> Option<(f64, f64)> {
    let tiny = std::env::temp_dir().join("tailor-bench-tiny.jpg");
    if !tiny.exists() {
        std::fs::write(
            &tiny,
            tailor_testing::synthetic::jpeg(&tailor_testing::synthetic::photo(8, 8, 1), 80),
        )
        .ok()?;
    }
    let (startup, _) = vips_raw(&tiny, 8, quality, runs)?;
    let (total, rss) = vips_raw(path, width, quality, runs)?;
    Some(((total - startup).max(0.0), rss))
}

fn vips_raw(path: &Path, width: u32, quality: u8, runs: usize) -> Option<(f64, f64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists()
        || Command::new("vipsthumbnail")
            .arg("--help")
            .output()
            .is_err()
    {
        return None;
    }
    let out = std::env::temp_dir().join("tailor-bench-vips.jpg");
    let (mut times, mut rss) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let start = Instant::now();
        let result = Command::new(time)
            .args(["-f", "%M"])
            .arg("vipsthumbnail")
            .arg(path)
            .args(["--size", &format!("{width}x>")])
            .arg("-o")
            .arg(format!("{}[Q={quality},strip]", out.display()))
            .output()
            .ok()?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        let stderr = String::from_utf8_lossy(&result.stderr);
        rss.push(
            stderr
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<f64>().ok())
                .unwrap_or(f64::NAN)
                / 1024.0,
        );
        if !result.status.success() {
            return None;
        }
    }
    Some((median(times), median(rss)))
}

fn main() {
    let setting = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let corpus = setting("BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let shared = project_root().join("../shared/corpus");
            if shared.is_dir() {
                shared
            } else {
                project_root().join("demo/origin/photos")
            }
        });
    let runs: usize = setting("BENCH_RUNS")
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mut images: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            [".jpg", ".jpeg", ".png", ".webp", ".gif"]
                .iter()
                .any(|x| n.ends_with(x))
        })
        .collect();
    images.sort();
    let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    let origin = FileOrigin::start(&corpus);
    let harness = Harness::with_origin(origin.port, &[]);
    let mut rows = Vec::new();
    for accept in ACCEPTS {
        for image in &images {
            for (name, variant) in &config.variants {
                let (status, _, mut row) = viceroy_runs(&harness, image, name, accept, runs);
                let path = corpus.join(image);
                // The native and vipsthumbnail references encode JPEG: the first pass's rows.
                if status == 200 && row.out_format != "webp" {
                    row.native_ms = native_ms(&path, variant.width, variant.jpeg_quality, runs);
                    row.vips = vips(&path, variant.width, variant.jpeg_quality, runs);
                } else if status == 200 {
                    row.webp = webp_vs_cwebp(&path, variant.width, variant.webp_quality);
                }
                eprintln!(
                    "{image} {name} {}: {status} {:.1} ms",
                    row.out_format,
                    row.viceroy.transform()
                );
                rows.push(row);
            }
        }
    }
    drop(harness);
    drop(origin);
    peer_runs(&corpus, &config, runs, &mut rows);
    support::report::write_block("bench", &render(&corpus, runs, &rows));
    eprintln!("wrote BENCHMARKS.md");
}

/// sharp-wasm over the rows Tailor served, same output format and quality, same run.
fn peer_runs(corpus: &Path, config: &Config, runs: usize, rows: &mut [Row]) {
    let served: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].status == 200).collect();
    let jobs: Vec<sharp_peer::Job> = served
        .iter()
        .map(|&i| {
            let r = &rows[i];
            let variant = &config.variants[&r.variant];
            let format = r.out_format.clone();
            let quality = match format.as_str() {
                "webp" => variant.webp_quality,
                _ => variant.jpeg_quality,
            };
            sharp_peer::Job {
                file: corpus.join(&r.image),
                width: variant.width,
                format,
                quality,
            }
        })
        .collect();
    if let Some(results) = sharp_peer::run(&project_root(), &jobs, runs) {
        for (&i, result) in served.iter().zip(results) {
            rows[i].sharp = Some(result);
        }
    }
}

/// The geometric mean of sharp-wasm's time over Tailor's, over the rows both served (of one
/// output format, when `webp` says which pass).
fn sharp_geomean(rows: &[Row], webp: Option<bool>) -> Option<(f64, usize, usize)> {
    let ratios: Vec<f64> = rows
        .iter()
        .filter(|r| webp.is_none_or(|w| (r.out_format == "webp") == w))
        .filter_map(|r| r.sharp.map(|(ms, _)| ms / r.viceroy.transform()))
        .filter(|x| x.is_finite() && *x > 0.0)
        .collect();
    if ratios.is_empty() {
        return None;
    }
    let mean = (ratios.iter().map(|x| x.ln()).sum::<f64>() / ratios.len() as f64).exp();
    let at_least_one = ratios.iter().filter(|&&x| x >= 1.0).count();
    Some((mean, at_least_one, ratios.len()))
}

fn render(corpus: &Path, runs: usize, rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Written by `make bench` (`examples/bench/`) over `{}`: every image in every named variant,\n\
         twice: with an `Accept` that does not name WebP (JPEG, or PNG for transparency) and with\n\
         Chrome's (WebP); {runs} runs each, medians. **Viceroy** columns are in-handler stage times from `Server-Timing`\n\
         (cache bypassed), **transform** = decode + resize + encode, **fetch** = reading the original from\n\
         the loopback origin. **peak** is the wasm linear memory at the end of the request (it never\n\
         shrinks; one request per instance). **native** is the same core transform compiled natively.\n\
         **vips** is `vipsthumbnail --size Wx> -o out.jpg[Q=q,strip]` run in the same session: wall time\n\
         minus the same command on an 8x8 image (process start-up), and max RSS; **vips/Tailor** is that\n\
         time over Tailor's Viceroy transform time (natively compiled libvips vs Tailor in wasm).\n\
         **WebP/cwebp** compares Tailor's WebP with `cwebp -q Q -m 4` on identical resized pixels\n\
         (handed to cwebp as lossless PNG) at the variant's WebP quality. **sharp-wasm** is sharp\n\
         0.35 on libvips 8.18 compiled to wasm32 (`@img/sharp-wasm32`, checked to be the binding\n\
         loaded), in Node on one thread, the same file fitted to the same width (never enlarged,\n\
         EXIF-oriented) and encoded in the format Tailor chose at the same quality: median of the\n\
         same number of runs after a warm-up, input already in memory; **sharp/Tailor** is its time\n\
         over Tailor's transform (above 1: Tailor is faster).\n",
        corpus.display()
    );
    let _ = writeln!(out, "| image | variant | status | out | decode path | Viceroy decode / resize / encode ms | transform ms | fetch ms | out KB | reduction | peak MB | native ms | vips ms | vips MB | vips/Tailor | sharp-wasm ms | sharp/Tailor | WebP KB | cwebp KB | WebP/cwebp |");
    let _ = writeln!(
        out,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for r in rows {
        let v = r.viceroy;
        let reduction = if r.input_bytes > 0 {
            100.0 * (1.0 - r.out_bytes as f64 / r.input_bytes as f64)
        } else {
            f64::NAN
        };
        let webp = match r.webp {
            Some((ours, cwebp)) => format!(
                "{:.1} | {:.1} | {:.3}",
                ours as f64 / 1024.0,
                cwebp as f64 / 1024.0,
                ours as f64 / cwebp.max(1) as f64
            ),
            None => "- | - | -".into(),
        };
        let native = if r.native_ms.is_finite() {
            format!("{:.1}", r.native_ms)
        } else {
            "-".into()
        };
        let (vips_ms, vips_mb, ratio) = match r.vips {
            Some((ms, mb)) => (
                format!("{ms:.0}"),
                format!("{mb:.0}"),
                format!("{:.1}x", ms / v.transform()),
            ),
            None => ("-".into(), "-".into(), "-".into()),
        };
        if r.status != 200 {
            let _ = writeln!(
                out,
                "| {} | {} | {} | | | | | | | | | | | | | | | | | |",
                r.image, r.variant, r.status
            );
            continue;
        }
        let sharp = match r.sharp {
            Some((ms, _)) => format!("{ms:.1} | {:.2}x", ms / v.transform()),
            None => "- | -".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} {} | {} | {:.1} / {:.1} / {:.1} | {:.1} | {:.1} | {:.1} | {:.0}% | {:.1} | {} | {} | {} | {} | {} | {} |",
            r.image, r.variant, r.status, r.out_dims, r.out_format, r.decode_path, v.decode, v.resize, v.encode,
            v.transform(), v.fetch, r.out_bytes as f64 / 1024.0, reduction, r.peak_mb, native,
            vips_ms, vips_mb, ratio, sharp, webp
        );
    }
    if let Some((mean, faster, of)) = sharp_geomean(rows, None) {
        let _ = writeln!(
            out,
            "\nAgainst sharp-wasm in this run: geometric mean of sharp/Tailor **{mean:.2}x**; Tailor at \
             least as fast on {faster} of {of} rows."
        );
    }
    for (webp, pass) in [(false, "JPEG/PNG output"), (true, "WebP output")] {
        if let Some((mean, faster, of)) = sharp_geomean(rows, Some(webp)) {
            let _ = writeln!(
                out,
                "- {pass}: geometric mean **{mean:.2}x**, Tailor at least as fast on {faster} of {of} rows."
            );
        }
    }
    out
}
