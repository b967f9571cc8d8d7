use super::*;

/// A compiled config committed when its format was made: it must keep reading from its
/// binary part as the same config as its JSON, or `FORMAT` was not bumped.
const GOLDEN: &[u8] = include_bytes!("golden.tcfg");

/// The demo config with an arm that overrides both free-form sections, so every field the
/// compiled form carries as JSON text is exercised.
fn rich_document() -> Vec<u8> {
    let mut doc: serde_json::Value = serde_json::from_str(tailor_demo::CONFIG_JSON).unwrap();
    doc["experiments"][0]["arms"][0]["rerank"] = serde_json::json!({"click_boost": 0.9});
    doc["experiments"][0]["arms"][0]["model"] = serde_json::json!({"view_weight": 0.25});
    doc["experiments"][0]["arms"][0]["max_items"] = serde_json::json!(3);
    doc.to_string().into_bytes()
}

/// Everything a config holds but where it came from.
fn contents(config: &Config) -> String {
    format!(
        "{:?}",
        (
            (&config.debug_token, &config.stores, &config.consent),
            (&config.visitor, &config.keys, &config.segments),
            (&config.experiments, &config.variants, &config.banners),
            (&config.limits, &config.cache, &config.images),
            (&config.recs, &config.events),
        )
    )
}

fn with_checksum(mut compiled: Vec<u8>) -> Vec<u8> {
    let sum = checksum(&[&compiled[..CHECKSUM_AT], &compiled[LENGTH_AT..]]);
    compiled[CHECKSUM_AT..LENGTH_AT].copy_from_slice(&sum.to_le_bytes());
    compiled
}

#[test]
fn a_compiled_config_reads_back_as_the_config_its_json_makes() {
    let json = rich_document();
    let from_json = Config::from_json(&json).unwrap();
    let (compiled_from, compiled) = Config::compile(&json).unwrap();
    let (read, how) = Config::from_compiled(&compiled).unwrap();
    assert_eq!(how, Read::Binary);
    assert_eq!(contents(&read), contents(&from_json));
    assert_eq!(contents(&compiled_from), contents(&from_json));
    assert_eq!(read.version(), from_json.version());
    assert_eq!(read.digest(), from_json.digest());
    assert_eq!(named_digest(&compiled), Some(from_json.digest()));
    assert_eq!(read.rerank_for(&[(0, 0)]).click_boost, 0.9);
    assert_eq!(read.model_for(&[(0, 0)]).view_weight, 0.25);
    // The binary part is smaller than even the minified JSON, which rides along for other
    // builds.
    let binary = u32::from_le_bytes(compiled[LENGTH_AT..HEADER_BYTES].try_into().unwrap());
    assert!((binary as usize) < json.len(), "{binary} of {}", json.len());
}

#[test]
fn either_form_is_read_as_a_document() {
    let json = tailor_demo::CONFIG_JSON.as_bytes();
    let (_, compiled) = Config::compile(json).unwrap();
    let a = Config::from_document(json).unwrap();
    let b = Config::from_document(&compiled).unwrap();
    assert_eq!(contents(&a), contents(&b));
    assert_eq!(a.version(), b.version());
    assert!(!is_compiled(json) && is_compiled(&compiled));
}

#[test]
fn the_committed_compiled_config_still_reads_as_its_json() {
    let (read, how) = Config::from_compiled(GOLDEN).unwrap();
    assert_eq!(
        how,
        Read::Binary,
        "bump FORMAT and recompile the golden file"
    );
    let json = Parts::split(GOLDEN).unwrap().json;
    assert_eq!(contents(&read), contents(&Config::from_json(json).unwrap()));
}

#[test]
fn a_damaged_byte_anywhere_is_refused() {
    let (_, compiled) = Config::compile(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    for at in 0..compiled.len() {
        let mut damaged = compiled.clone();
        damaged[at] ^= 0x20;
        let err = Config::from_compiled(&damaged).unwrap_err();
        assert_eq!(err.path, "(compiled)", "byte {at}: {err}");
    }
}

#[test]
fn every_truncation_is_refused() {
    let (_, compiled) = Config::compile(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    for end in 0..compiled.len() {
        let err = Config::from_compiled(&compiled[..end]).unwrap_err();
        assert_eq!(err.path, "(compiled)", "{end} bytes: {err}");
    }
}

#[test]
fn another_builds_format_is_read_from_the_json_it_carries() {
    let json = rich_document();
    let (_, compiled) = Config::compile(&json).unwrap();
    let (read, how) = Config::from_compiled(&relabelled(compiled, FORMAT + 1)).unwrap();
    assert_eq!(
        how,
        Read::Json(format!(
            "format {} is not this build's ({FORMAT})",
            FORMAT + 1
        ))
    );
    assert_eq!(
        contents(&read),
        contents(&Config::from_json(&json).unwrap())
    );
}

#[test]
fn a_binary_part_that_does_not_decode_falls_back_to_the_json() {
    let (_, mut compiled) = Config::compile(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    // The schema number is the binary part's first byte: 0xff starts an unfinished varint.
    compiled[HEADER_BYTES] = 0xff;
    let (_, how) = Config::from_compiled(&with_checksum(compiled)).unwrap();
    assert!(
        matches!(how, Read::Json(ref why) if why.contains("does not decode")),
        "{how:?}"
    );
}

#[test]
fn json_that_is_not_the_named_document_is_refused() {
    let (_, mut compiled) = Config::compile(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    compiled[FORMAT_AT..DIGEST_AT].copy_from_slice(&(FORMAT + 1).to_le_bytes());
    // Reformatted JSON: the same config, another document (so another version).
    let last = compiled.len() - 1;
    assert_eq!(compiled[last], b'\n');
    compiled[last] = b' ';
    let err = Config::from_compiled(&with_checksum(compiled)).unwrap_err();
    assert_eq!(err.path, "(compiled)", "{err}");
    assert!(err.message.contains("digest"), "{err}");
}

#[test]
fn compiling_an_invalid_document_names_the_field_as_parsing_it_does() {
    let mut doc: serde_json::Value = serde_json::from_str(tailor_demo::CONFIG_JSON).unwrap();
    doc["variants"]["preview"]["width"] = serde_json::json!(0);
    let json = doc.to_string();
    let err = Config::compile(json.as_bytes()).unwrap_err();
    assert_eq!(err, Config::from_json(json.as_bytes()).unwrap_err());
    assert_eq!(err.path, "variants.preview.width");
}

#[test]
fn json_is_not_taken_for_a_compiled_config() {
    let err = Config::from_compiled(b"{\"schema\": 1}").unwrap_err();
    assert!(err.message.contains("TLRCFG"), "{err}");
    assert_eq!(named_digest(b"{}"), None);
}

#[test]
fn a_copy_without_its_json_reads_in_this_build_and_is_refused_in_another() {
    let json = rich_document();
    let (_, compiled) = Config::compile(&json).unwrap();
    let lean = without_json(&compiled).unwrap();
    assert_eq!(lean.len(), compiled.len() - json.len());
    let (read, how) = Config::from_compiled(&lean).unwrap();
    assert_eq!(how, Read::Binary);
    assert_eq!(
        contents(&read),
        contents(&Config::from_json(&json).unwrap())
    );
    assert_eq!(read.version(), Config::from_json(&json).unwrap().version());
    let err = Config::from_compiled(&relabelled(lean, FORMAT + 1)).unwrap_err();
    assert_eq!(err.path, "(compiled)");
    assert!(err.message.contains("carries no JSON"), "{err}");
}
