//! The client's geolocation, asked of the host and read for the four fields Tailor uses.
//! Not through the `fastly` crate's `geo_lookup`: that parses all seventeen fields of the
//! host's JSON (latitude and longitude as floats, enums by name) for each banner, and turns
//! a negative `utc_offset` into none at all (it divides the ±HHMM number as unsigned, so a
//! visitor west of Greenwich had no local hour).
#![allow(unsafe_code)]

use serde::Deserialize;
use std::borrow::Cow;
use std::net::IpAddr;
use tailor_platform::Geo;

/// The first buffer for the host's answer (the `fastly` crate's size); a larger answer is
/// asked for again once with the size the host names, up to [`MAX_GEO_BYTES`].
const GEO_BUFFER: usize = 1024;
const MAX_GEO_BYTES: usize = 64 * 1024;
/// The host's `utc_offset` when the offset is unknown.
const UNKNOWN_OFFSET: i32 = 9999;

/// The fields read; the rest of the host's answer is skipped unparsed.
#[derive(Deserialize)]
struct HostGeo<'a> {
    #[serde(borrow, default)]
    country_code: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    region: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    city: Option<Cow<'a, str>>,
    #[serde(default)]
    utc_offset: Option<i32>,
}

/// The geolocation of `ip`, or `None` when the host has none (a private address) or
/// answers with something unreadable.
pub(crate) fn lookup(ip: IpAddr) -> Option<Geo> {
    let (v4, v6);
    let octets: &[u8] = match ip {
        IpAddr::V4(ip) => {
            v4 = ip.octets();
            &v4
        }
        IpAddr::V6(ip) => {
            v6 = ip.octets();
            &v6
        }
    };
    // SAFETY: the host reads `octets` and writes at most `size` bytes into the buffer,
    // saying how many (or, when they do not fit, how many it needs).
    let answer = unsafe {
        crate::host_bytes::read(GEO_BUFFER, MAX_GEO_BYTES, |buffer, size, written| {
            fastly_sys::fastly_geo::lookup(octets.as_ptr(), octets.len(), buffer, size, written)
                .is_ok()
        })
    }?;
    parse(&answer)
}

/// The four fields of the host's JSON answer; empty strings are absent values, as the host
/// writes them for what it does not know.
fn parse(json: &[u8]) -> Option<Geo> {
    let host: HostGeo<'_> = serde_json::from_slice(json).ok()?;
    let present =
        |value: Option<Cow<'_, str>>| value.filter(|v| !v.is_empty()).map(Cow::into_owned);
    Some(Geo {
        country: present(host.country_code),
        region: present(host.region),
        city: present(host.city),
        utc_offset_minutes: host.utc_offset.and_then(offset_minutes),
    })
}

/// Minutes east of UTC from the host's ±HHMM number (`-800` is UTC−08:00, `530` UTC+05:30);
/// `None` for the unknown marker and for anything that is not an offset.
fn offset_minutes(hhmm: i32) -> Option<i32> {
    if hhmm == UNKNOWN_OFFSET {
        return None;
    }
    let (hours, minutes) = (hhmm / 100, hhmm % 100);
    (hours.abs() <= 14 && minutes.abs() < 60).then_some(hours * 60 + minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The host's answer for the demo's second address (`fastly.toml`), as Viceroy writes it.
    const SAN_FRANCISCO: &str = r#"{"as_name":"Tailor demo network","as_number":64500,"area_code":0,"city":"San Francisco","conn_speed":"broadband","conn_type":"wifi","continent":"NA","country_code":"US","country_code3":"USA","country_name":"United States of America","latitude":37.77,"longitude":-122.42,"metro_code":807,"postal_code":"94103","proxy_description":"?","proxy_type":"?","region":"CA","utc_offset":-800}"#;

    #[test]
    fn the_four_fields_are_read_and_the_rest_skipped() {
        let geo = parse(SAN_FRANCISCO.as_bytes()).unwrap();
        assert_eq!(geo.country.as_deref(), Some("US"));
        assert_eq!(geo.region.as_deref(), Some("CA"));
        assert_eq!(geo.city.as_deref(), Some("San Francisco"));
        // West of Greenwich: the `fastly` crate's conversion gave none.
        assert_eq!(geo.utc_offset_minutes, Some(-480));
    }

    #[test]
    fn offsets_are_read_as_hours_and_minutes() {
        assert_eq!(offset_minutes(100), Some(60));
        assert_eq!(offset_minutes(530), Some(330));
        assert_eq!(offset_minutes(-330), Some(-210));
        assert_eq!(offset_minutes(0), Some(0));
        assert_eq!(offset_minutes(1400), Some(840));
        for not_an_offset in [UNKNOWN_OFFSET, 1500, 175, -99_999, i32::MIN, i32::MAX] {
            assert_eq!(offset_minutes(not_an_offset), None, "{not_an_offset}");
        }
    }

    #[test]
    fn unknown_and_escaped_values() {
        let geo = parse(
            br#"{"country_code":"","region":null,"city":"Z\u00fcrich \"Altstadt\"","utc_offset":9999}"#,
        )
        .unwrap();
        assert_eq!(geo.country, None);
        assert_eq!(geo.region, None);
        assert_eq!(geo.city.as_deref(), Some("Zürich \"Altstadt\""));
        assert_eq!(geo.utc_offset_minutes, None);
        // Fields the host leaves out are absent too.
        let bare = parse(b"{}").unwrap();
        assert_eq!((bare.country, bare.utc_offset_minutes), (None, None));
    }

    #[test]
    fn an_unreadable_answer_is_no_geo() {
        for bad in [
            &b""[..],
            b"null",
            b"{\"country_code\":7}",
            b"{\"utc_offset\":1.5}",
            b"{\"city\":\"\xff\"}",
            b"{\"country_code\":\"NL\"",
        ] {
            assert!(parse(bad).is_none(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
