//! Image requests: the URL, query and signature of `/img/{variant}/{path}`, and the whole
//! transform over any original.

use crate::demo;
use tailor::app::{normalize_image_request, ImageInputs};
use tailor_core::cache_key::{cache_key, KeyParts};
use tailor_image::{
    signature, transform_many, ClientFormats, FormatRequest, Geometry, Job, OutputFormat,
};

/// Accept of a browser that takes every output format, so `format=auto` can pick any.
const EVERY_FORMAT: &str = "image/avif,image/webp,image/png,image/*;q=0.8,*/*;q=0.5";

/// The path every transform input is requested under (within the demo's image paths).
const ORIGINAL_PATH: &str = "photos/fuzz.jpg";

/// The largest output side a fuzzed transform is asked for: a 4096-pixel AVIF takes seconds
/// to encode, and big outputs find nothing small ones do not, while the decode (what the
/// inputs shape) still runs at the original's full size when the fit needs it.
const MAX_FUZZ_OUTPUT_SIDE: u32 = 512;

/// One input in this many that asks for AVIF (or `auto`) is encoded as AVIF; the others get
/// WebP. rav1e spends ~14 ms on any AVIF however small (its set-up), 30 times what the rest
/// of a typical fuzzed transform costs, so without sampling nine in ten executions went to an
/// encoder whose input (pixels Tailor's own resizer made) the fuzzed bytes hardly shape.
const AVIF_ONE_IN: u32 = 64;

/// The largest output side of an input whose AVIF is encoded: rav1e's time grows with the
/// pixels it is given, not with anything the fuzzed bytes shape, and at 512 pixels those
/// inputs (the fuzzer keeps many: every new path through rav1e counts) took 78% of the
/// corpus's replay time.
const MAX_FUZZ_AVIF_SIDE: u32 = 64;

/// The width of the smaller sibling a fuzzed `full` request of a JPEG also makes, as the edge fills
/// the cache with a variant's smaller siblings from the same decode: a `full` JPEG that is
/// requantized then renders it from the blocks it reads (`jpeg::one_pass`).
const SIBLING_WIDTH: u32 = 64;

/// Whether this input's AVIF is encoded: chosen by a hash of the whole input, so a finding
/// replays the same way.
fn encodes_avif(data: &[u8]) -> bool {
    let hash = data.iter().fold(0x811c_9dc5_u32, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    // The top bits, which every bit of every byte reaches (the low ones hang on low bits only).
    hash < u32::MAX / AVIF_ONE_IN
}

/// `<variant>?<query>\n<original bytes>`: the request line is normalized as the edge does
/// (with unsigned free-form allowed), and its job runs over the original: probe, decode in
/// any input format, orient, convert colour, resize, encode (a `full` JPEG beside a smaller
/// sibling).
pub fn transform(data: &[u8]) {
    let (line, original) = demo::split_line(data);
    let Some(config) = demo::unsigned() else {
        return;
    };
    let line = String::from_utf8_lossy(line);
    let (variant, query) = line.split_once('?').unwrap_or((&line, ""));
    let query = demo::query(query);
    let inputs = ImageInputs {
        config,
        query: &query,
        client: ClientFormats::from_accept(EVERY_FORMAT),
    };
    let rest = format!("{variant}/{ORIGINAL_PATH}");
    let Ok(request) = normalize_image_request(&inputs, &rest) else {
        return;
    };
    let mut job = request.job;
    job.max_output_side = job.max_output_side.min(MAX_FUZZ_OUTPUT_SIDE);
    if encodes_avif(data) {
        job.max_output_side = job.max_output_side.min(MAX_FUZZ_AVIF_SIDE);
    } else {
        job.client.avif = false;
        if job.format == FormatRequest::Fixed(OutputFormat::Avif) {
            job.format = FormatRequest::Fixed(OutputFormat::Webp);
        }
    }
    let sibling = Job {
        geometry: Geometry::width(SIBLING_WIDTH),
        ..job
    };
    // Only a `full` JPEG has a pass to render it from (only an output at the original's own
    // size is requantized); elsewhere it would only slow the corpus's replay.
    let jobs = if variant == "full" && original.starts_with(&[0xFF, 0xD8]) {
        vec![job, sibling]
    } else {
        vec![job]
    };
    let Ok(outputs) = transform_many(original, &jobs, &|| 0.0) else {
        return;
    };
    for out in outputs {
        assert!(
            out.width <= MAX_FUZZ_OUTPUT_SIDE && out.height <= MAX_FUZZ_OUTPUT_SIDE,
            "{}x{} output over the {MAX_FUZZ_OUTPUT_SIDE}-pixel side limit",
            out.width,
            out.height
        );
        assert!(!out.bytes.is_empty(), "empty {} output", out.format);
    }
}

/// The key the fuzzed signatures are checked against (`url-signing-s1` in the demo).
const SIGNING_KEY: &[u8] = b"fuzzing signing key";

/// An image URL (`{variant}/{path}?{query}`, what follows `/img/`): parsed by `http` as the
/// host does, then normalized under the demo config as deployed and with unsigned free-form
/// allowed, its cache key made, and a free-form request's `sig` checked as the edge checks it.
pub fn url(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(uri) = http::Uri::try_from(format!("/img/{text}")) else {
        return;
    };
    let Some(rest) = uri.path().strip_prefix("/img/") else {
        return;
    };
    let query = demo::query(uri.query().unwrap_or_default());
    for config in [demo::signed(), demo::unsigned()].into_iter().flatten() {
        let inputs = ImageInputs {
            config,
            query: &query,
            client: ClientFormats::from_accept(EVERY_FORMAT),
        };
        let Ok(request) = normalize_image_request(&inputs, rest) else {
            continue;
        };
        let key = cache_key(&KeyParts::Image {
            variant: request.variant,
            format: request.format.key_token(request.job.client),
            dpr: request.dpr,
            settings: &request.settings,
            path: request.path,
        });
        assert!(!key.is_empty(), "empty cache key for {text:?}");
        if request.variant == "_" {
            check_signatures(request.path, &query);
        }
    }
}

/// Each `sig` of the query is read and verified as the edge does it; and whatever the query,
/// a signature made for its signing input verifies, and one for other parameters does not.
fn check_signatures(path: &str, query: &[(String, String)]) {
    let input = signature::signing_input(path, query);
    for sig in tailor_core::query::values(query, "sig") {
        if let Some(id) = signature::key_id(sig) {
            assert!(
                sig.starts_with(id),
                "key id {id:?} is not the start of {sig:?}"
            );
        }
        let _ = signature::verify(sig, SIGNING_KEY, &input);
    }
    let fresh = signature::sign("s1", SIGNING_KEY, &input);
    assert!(
        signature::verify(&fresh, SIGNING_KEY, &input),
        "a fresh signature does not verify: {input:?}"
    );
    assert!(
        !signature::verify(&fresh, SIGNING_KEY, &format!("{input}&w=1")),
        "a signature verifies other parameters: {input:?}"
    );
}
