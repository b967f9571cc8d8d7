//! The sealed cookie's plaintext in its two forms. JSON is what every release reads. The
//! compact form is postcard behind a tag byte (a JSON object starts with `{`, so one byte
//! tells them apart): about half the bytes, which the visitor's browser sends with every
//! request to the site, and parsed in a fraction of the time (the JSON parse was half of
//! opening a 12-entry cookie in Viceroy). Both are read whatever the config says; which one is
//! written is the config's choice, so a site switches to compact only once no instance that
//! cannot read it is left serving.

use super::contents::{ArmMark, HistoryEntry, VisitorCookie};
use crate::hex::{lower_hex, parse_lower_hex};
use serde::{Deserialize, Serialize};

/// Which form new cookies are sealed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CookieForm {
    /// JSON: read by every release.
    #[default]
    Json,
    /// Postcard behind [`COMPACT_TAG`]: read by releases since it was added.
    Compact,
}

/// The compact form's first byte.
const COMPACT_TAG: u8 = 1;

/// The compact form's layout: the id as its 12 bytes, the rest as the cookie has it.
#[derive(Serialize, Deserialize)]
struct Compact<'a> {
    id: [u8; 12],
    issued_s: u64,
    #[serde(borrow)]
    history: Vec<CompactEntry<'a>>,
    #[serde(borrow)]
    arms: Vec<CompactArm<'a>>,
}

#[derive(Serialize, Deserialize)]
struct CompactEntry<'a> {
    item: &'a str,
    category: &'a str,
    kind: char,
    at_s: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct CompactArm<'a> {
    experiment: &'a str,
    arm: &'a str,
    day: u32,
}

/// `cookie` in `form`; JSON when the id is not one `sealed::new_visitor_id` makes
/// (the compact form holds the id's bytes).
pub fn encode(cookie: &VisitorCookie, form: CookieForm) -> Option<Vec<u8>> {
    let id = parse_lower_hex::<12>(&cookie.visitor_id);
    let (CookieForm::Compact, Some(id)) = (form, id) else {
        return serde_json::to_vec(cookie).ok();
    };
    let compact = Compact {
        id,
        issued_s: cookie.issued_s,
        history: cookie
            .history
            .iter()
            .map(|h| CompactEntry {
                item: &h.item,
                category: &h.category,
                kind: h.kind,
                at_s: h.at_s,
            })
            .collect(),
        arms: cookie
            .arms
            .iter()
            .map(|a| CompactArm {
                experiment: &a.experiment,
                arm: &a.arm,
                day: a.day,
            })
            .collect(),
    };
    let bytes = vec![COMPACT_TAG];
    postcard::to_extend(&compact, bytes).ok()
}

/// The cookie in `plaintext`, in either form; `None` when it is neither (or has bytes past
/// its end).
pub fn decode(plaintext: &[u8]) -> Option<VisitorCookie> {
    let Some(body) = plaintext.strip_prefix(&[COMPACT_TAG]) else {
        return serde_json::from_slice(plaintext).ok();
    };
    let (compact, rest): (Compact<'_>, _) = postcard::take_from_bytes(body).ok()?;
    if !rest.is_empty() {
        return None;
    }
    Some(VisitorCookie {
        visitor_id: lower_hex(&compact.id),
        issued_s: compact.issued_s,
        history: compact
            .history
            .into_iter()
            .map(|h| HistoryEntry {
                item: h.item.to_owned(),
                category: h.category.to_owned(),
                kind: h.kind,
                at_s: h.at_s,
            })
            .collect(),
        arms: compact
            .arms
            .into_iter()
            .map(|a| ArmMark {
                experiment: a.experiment.to_owned(),
                arm: a.arm.to_owned(),
                day: a.day,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(entries: usize) -> VisitorCookie {
        VisitorCookie {
            visitor_id: "0123456789abcdef01234567".into(),
            issued_s: 1_790_000_000,
            history: (0..entries)
                .map(|i| HistoryEntry {
                    item: format!("sku-{i}"),
                    category: "shoes".into(),
                    kind: if i % 3 == 0 { 'c' } else { 'v' },
                    at_s: (i % 2 == 0).then_some(1_790_000_100 + i as u64),
                })
                .collect(),
            arms: vec![ArmMark {
                experiment: "hero".into(),
                arm: "big".into(),
                day: 20_000,
            }],
        }
    }

    #[test]
    fn both_forms_read_back_and_compact_is_about_half() {
        let full = cookie(12);
        let json = encode(&full, CookieForm::Json).unwrap();
        let compact = encode(&full, CookieForm::Compact).unwrap();
        assert_eq!(json.first(), Some(&b'{'));
        assert_eq!(compact.first(), Some(&COMPACT_TAG));
        assert_eq!(decode(&json), Some(full.clone()));
        assert_eq!(decode(&compact), Some(full));
        assert!(
            compact.len() * 2 <= json.len() + 40,
            "{} {}",
            compact.len(),
            json.len()
        );
        for entries in [0, 1, 5] {
            let c = cookie(entries);
            assert_eq!(decode(&encode(&c, CookieForm::Compact).unwrap()), Some(c));
        }
    }

    #[test]
    fn an_id_the_compact_form_cannot_hold_is_sealed_as_json() {
        let mut odd = cookie(1);
        odd.visitor_id = "0123456789ABCDEF01234567".into();
        let bytes = encode(&odd, CookieForm::Compact).unwrap();
        assert_eq!(bytes.first(), Some(&b'{'));
        assert_eq!(decode(&bytes), Some(odd));
    }

    #[test]
    fn cut_padded_or_garbled_compact_plaintexts_are_refused() {
        let bytes = encode(&cookie(3), CookieForm::Compact).unwrap();
        for end in 0..bytes.len() {
            assert_eq!(decode(&bytes[..end]), None, "cut at {end}");
        }
        let mut padded = bytes.clone();
        padded.push(0);
        assert_eq!(decode(&padded), None);
        for garbage in [&[1u8, 255, 255, 255, 255, 255][..], &[1, 0], &[2, 0], b"{"] {
            assert_eq!(decode(garbage), None, "{garbage:?}");
        }
    }
}
