//! Writes the fuzz targets' seed inputs into `<dir>/<target>/seed-*`, from the project's
//! fixtures (demo config, lists, model and page, test fixtures) and small synthetic images in
//! every input format: `cargo run -p tailor-fuzzing --example fuzz_seeds -- fuzz/corpus`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use tailor_testing::synthetic;

/// The binary part of a config's compiled form (what the config target also reads `data` as).
fn compiled_binary_part(json: &[u8]) -> Vec<u8> {
    let (_, compiled) = tailor_config::Config::compile(json).expect("the demo config compiles");
    let binary = tailor_config::compiled::binary_part(&compiled).expect("it reads back");
    binary.to_vec()
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: fuzz_seeds <dir>"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |path: &str| fs::read(root.join(path)).expect(path);
    let seeds: Vec<(&str, Vec<Vec<u8>>)> = vec![
        ("image_transform", image_requests()),
        ("image_url", image_urls()),
        ("sealed_cookie", cookies()),
        ("preview_token", previews()),
        (
            "config",
            vec![
                read("demo/config.json"),
                read("tests/fixtures/config-invalid.json"),
                compiled_binary_part(&read("demo/config.json")),
            ],
        ),
        ("beacon", beacons()),
        ("recs_list", lists(&root)),
        ("page", pages(&read("demo/origin/pages/index.html"))),
        ("model", vec![read("demo/kv/recs/v3/model.tlrm")]),
    ];
    for (target, inputs) in seeds {
        let folder = dir.join(target);
        fs::create_dir_all(&folder).unwrap();
        for (i, input) in inputs.iter().enumerate() {
            fs::write(folder.join(format!("seed-{i:02}")), input).unwrap();
        }
        println!("{target}: {} seeds", inputs.len());
    }
}

/// Request lines (named and free-form, each output format, fits and pads) over originals in
/// every input format: baseline, progressive, grey, CMYK and EXIF-turned JPEG; RGB and RGBA
/// PNG, and RGBA interlaced (Adam7); lossless and lossy WebP; interlaced and animated GIF.
fn image_requests() -> Vec<Vec<u8>> {
    let lines = [
        "_?w=32&format=jpeg",
        "_?w=40&h=40&fit=cover&gravity=0.3x0.7&format=png",
        "thumbnail?format=webp&dpr=2",
        "_?h=24&w=24&fit=pad&bg=000000&format=avif",
        "_?w=30&q=40&upscale=1&format=auto",
    ];
    let originals = originals();
    let request = |line: &str, original: &[u8]| {
        let mut input = line.as_bytes().to_vec();
        input.push(b'\n');
        input.extend_from_slice(original);
        input
    };
    let mut requests: Vec<Vec<u8>> = originals
        .iter()
        .zip(lines.iter().cycle())
        .map(|(original, line)| request(line, original))
        .collect();
    // Baseline JPEGs served at their own size below the quality they were saved at: their
    // coefficients are requantized (4:2:2 chroma halved) without a decode to pixels.
    let photo = synthetic::photo(48, 32, 5);
    for sampling in [
        jpeg_encoder::SamplingFactor::R_4_2_2,
        jpeg_encoder::SamplingFactor::R_4_2_0,
    ] {
        let mut saved = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut saved, 95);
        encoder.set_sampling_factor(sampling);
        encoder.set_restart_interval(2);
        encoder
            .encode(photo.as_raw(), 48, 32, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        requests.push(request("_?w=48&q=60&format=jpeg", &saved));
    }
    requests
}

fn originals() -> Vec<Vec<u8>> {
    let photo = synthetic::photo(48, 32, 3);
    let baseline = synthetic::jpeg(&photo, 80);
    let mut progressive = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut progressive, 75);
    encoder.set_progressive(true);
    encoder
        .encode(photo.as_raw(), 48, 32, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let grey: Vec<u8> = photo.pixels().map(|p| p.0[1]).collect();
    let mut luma = Vec::new();
    jpeg_encoder::Encoder::new(&mut luma, 70)
        .encode(&grey, 48, 32, jpeg_encoder::ColorType::Luma)
        .unwrap();
    let cmyk: Vec<u8> = photo
        .pixels()
        .flat_map(|p| [255 - p.0[0], 255 - p.0[1], 255 - p.0[2], 20])
        .collect();
    let mut cmyk_jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut cmyk_jpeg, 70)
        .encode(&cmyk, 48, 32, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let rgba = synthetic::with_alpha(40, 30);
    let mut lossless = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut lossless)
        .encode(rgba.as_raw(), 40, 30, image::ExtendedColorType::Rgba8)
        .unwrap();
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        for shade in [40u8, 200] {
            let frame = image::RgbaImage::from_pixel(20, 12, image::Rgba([shade, 90, 30, 255]));
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    vec![
        baseline.clone(),
        progressive,
        luma,
        cmyk_jpeg,
        synthetic::with_exif_orientation(&baseline, 6),
        synthetic::with_gps_metadata(&baseline),
        synthetic::png(&photo),
        synthetic::png(&rgba),
        lossless,
        lossy_webp(&baseline),
        // Large enough to be reduced by the requests they meet (`w=32`; 40x40 `cover`).
        interlaced_gif(128, 96),
        synthetic::png_interlaced(&synthetic::with_alpha(128, 96)),
        gif,
    ]
}

/// An interlaced GIF of a diagonal pattern over a 16-colour palette.
fn interlaced_gif(width: u16, height: u16) -> Vec<u8> {
    let palette: Vec<u8> = (0..16u8)
        .flat_map(|i| [i * 16, 255 - i * 16, i * 8])
        .collect();
    let indices = (0..height)
        .flat_map(|y| (0..width).map(move |x| ((x + y) / 8 % 16) as u8))
        .collect();
    synthetic::gif_interlaced(width, height, &palette, indices)
}

/// A lossy WebP made by the pipeline itself.
fn lossy_webp(jpeg: &[u8]) -> Vec<u8> {
    let mut request = b"_?w=48&format=webp\n".to_vec();
    request.extend_from_slice(jpeg);
    let config = tailor_config::Config::from_json(
        tailor_demo::CONFIG_JSON
            .replacen("\"images\": {", "\"images\": {\"allow_unsigned\": true,", 1)
            .as_bytes(),
    )
    .unwrap();
    let query = vec![
        ("w".to_string(), "48".to_string()),
        ("format".to_string(), "webp".to_string()),
    ];
    let inputs = tailor::app::ImageInputs {
        config: &config,
        query: &query,
        client: tailor_image::ClientFormats::from_accept("image/webp"),
    };
    let job = tailor::app::normalize_image_request(&inputs, "_/photos/a.jpg")
        .unwrap()
        .job;
    tailor_image::transform(jpeg, &job, &|| 0.0).unwrap().bytes
}

fn text_seeds(lines: &[&str]) -> Vec<Vec<u8>> {
    lines.iter().map(|l| l.as_bytes().to_vec()).collect()
}

fn image_urls() -> Vec<Vec<u8>> {
    let path = "photos/item-01.jpg";
    let query = [("w", "300"), ("fit", "cover"), ("gravity", "0.3x0.7")];
    let query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let input = tailor_image::signature::signing_input(path, &query);
    let sig = tailor_image::signature::sign("s1", b"fuzzing signing key", &input);
    let signed = format!("_/{path}?w=300&fit=cover&gravity=0.3x0.7&sig={sig}&utm_source=x");
    let mut seeds = text_seeds(&[
        "thumbnail/photos/item-01.jpg?format=webp&dpr=2",
        "preview/photos/a%20b.jpg?dpr=1.5&format=auto",
        "_/photos/harbour.jpg?w=640&h=480&fit=pad&bg=%23102030&q=70&format=avif",
        "full/photos/../etc/passwd",
        "_/photos/x.png?w=100&w=200&sig=s1.00",
    ]);
    seeds.push(signed.into_bytes());
    seeds
}

fn cookies() -> Vec<Vec<u8>> {
    let mut header = vec![0u8];
    header.extend_from_slice(
        tailor_fuzzing::identity::sample_cookie_header()
            .unwrap()
            .as_bytes(),
    );
    let mut roundtrip = vec![1u8];
    roundtrip.extend_from_slice(&[3; 20]);
    roundtrip.extend_from_slice(b"sku-1,shoes,c,1749990000|sku-2,bags,v|sku-3,,x,");
    // The same cookie sealed in the compact form (mode 3).
    let mut compact = vec![3u8];
    compact.extend_from_slice(roundtrip.get(1..).unwrap_or_default());
    let mut plaintext = vec![2u8];
    plaintext.extend_from_slice(&tailor_fuzzing::identity::sample_compact_plaintext());
    vec![
        header,
        roundtrip,
        b"\0tailor_visitor=k1.AAAA; a=b\nc=d; tailor_visitor=dup".to_vec(),
        compact,
        plaintext,
    ]
}

fn previews() -> Vec<Vec<u8>> {
    let mut seeds = text_seeds(&[
        "tailor_preview=p1.desktop.1750003600.0000000000000000000000000000000000000000000000000000000000000000",
        "tailor_preview=a.b.c.d&tailor_preview=x",
    ]);
    seeds.push(tailor_fuzzing::identity::sample_preview_query().into_bytes());
    seeds
}

fn beacons() -> Vec<Vec<u8>> {
    text_seeds(&[
        r#"{"type":"click","item":"sku-5","slot":"hero"}"#,
        r#"{"events":[{"type":"view","item":"a"},{"type":"click","item":"b","category":"shoes"}]}"#,
        r#"{"events":[]}"#,
        r#"{"type":"view","item":"x","extra":1}"#,
    ])
}

fn lists(root: &Path) -> Vec<Vec<u8>> {
    let mut seeds = vec![
        fs::read(root.join("demo/default-recs.json")).unwrap(),
        fs::read(root.join("tests/fixtures/recs-hostile.json")).unwrap(),
        fs::read(root.join("demo/kv/recs/current")).unwrap(),
    ];
    for name in ["lite", "mobile"] {
        seeds.push(fs::read(root.join(format!("demo/kv/recs/v3/{name}.json"))).unwrap());
    }
    // A compact list's payload (what the target also reads its bytes as).
    let mobile = fs::read(root.join("demo/kv/recs/v3/mobile.json")).unwrap();
    let list = tailor_core::recs::parse_list(&mobile, usize::MAX).unwrap();
    let compact = tailor_core::recs::compact::encode(&list);
    let payload = compact
        .get(tailor_core::recs::compact::HEADER_BYTES..)
        .unwrap();
    seeds.push(payload.to_vec());
    seeds
}

/// The demo page under each mode of the page harness: identity, sent gzip and deflate
/// compressed (mutations hit the streams), compressed by the harness, and a refused encoding.
fn pages(html: &[u8]) -> Vec<Vec<u8>> {
    use flate2::write::{GzEncoder, ZlibEncoder};
    use std::io::Write;
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(html).unwrap();
    let gz = gz.finish().unwrap();
    let mut zlib = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(html).unwrap();
    let zlib = zlib.finish().unwrap();
    let with = |mode: u8, chunk: u8, body: &[u8]| {
        let mut input = vec![mode, chunk];
        input.extend_from_slice(body);
        input
    };
    vec![
        with(0, 4, html),
        with(1, 2, &gz),
        with(2, 1, &zlib),
        with(3, 8, html),
        with(4, 3, html),
        with(7, 1, html),
        with(
            0,
            1,
            b"<div data-tailor-slot=\"hero\">x</div><p data-tailor-slot=\"nope\"></p>",
        ),
    ]
}
