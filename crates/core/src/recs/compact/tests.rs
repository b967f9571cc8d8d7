use super::*;
use crate::recs::parse_list;

fn demo_list() -> RecList {
    let mut list = parse_list(
        br#"{"segment":"desktop","version":"v3","items":[
            {"id":"sku-1","title":"Boots <b>","url":"/p/1","image":"photos/a.jpg","category":"shoes","score":90.5},
            {"id":"sku-2","title":"Coat","url":"/p/2","image":"photos/b.jpg","category":"coats","score":3,
             "starts":"2026-11-27T00:00:00Z","ends":"2026-12-01T00:00:00Z"}]}"#,
        10_000,
    )
    .unwrap();
    list.items[0].title.push('é');
    list
}

#[test]
fn a_list_reads_back_as_itself() {
    let list = demo_list();
    let compact = encode(&list);
    assert!(is_compact(&compact));
    assert_eq!(decode(&compact).unwrap(), list);
    assert_eq!(crate::recs::read_list(&compact, 10_000).unwrap(), list);
}

#[test]
fn a_damaged_byte_anywhere_or_a_truncation_is_refused() {
    let compact = encode(&demo_list());
    for at in 0..compact.len() {
        let mut damaged = compact.clone();
        damaged[at] ^= 0x20;
        assert!(decode(&damaged).is_err(), "byte {at}");
        assert!(decode(&compact[..at]).is_err(), "{at} bytes");
    }
}

#[test]
fn its_items_are_checked_as_a_json_lists_are() {
    let mut list = demo_list();
    list.items[1].image = "https://evil.example/x.jpg".into();
    let err = decode(&encode(&list)).unwrap_err();
    assert!(err.to_string().contains("origin image path"), "{err}");
}

#[test]
fn another_format_is_refused_and_the_limit_holds() {
    let mut compact = encode(&demo_list());
    compact[6..8].copy_from_slice(&(FORMAT + 1).to_le_bytes());
    let payload = compact[HEADER_BYTES..].to_vec();
    let sum = checksum(&compact[6..8], &payload);
    compact[8..16].copy_from_slice(&sum.to_le_bytes());
    let err = decode(&compact).unwrap_err();
    assert!(err.to_string().contains("not this build's"), "{err}");
    let small = crate::recs::read_list(&encode(&demo_list()), 10);
    assert!(matches!(small, Err(RecsError::TooLarge { .. })));
}
