//! The visitor's UTC offset on Cloudflare: `request.cf` names the time zone (`timezone`, an
//! IANA name such as `Europe/Amsterdam`), not an offset, so the runtime's own `Intl` (which
//! has the time-zone database) says the zone's offset at the request's time. Remembered per
//! zone for the quarter of an hour it was asked in: every offset change (daylight saving
//! included) happens on a quarter hour, and an isolate serves many requests.

use std::cell::RefCell;
use std::collections::BTreeMap;
use worker::js_sys::{Array, Date, Function, Object, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue};

/// How long an asked offset stands: a quarter of an hour, in milliseconds.
const QUARTER_HOUR_MS: f64 = 15.0 * 60_000.0;
/// Zones remembered at most; the memory is cleared when it is full (there are ~600 zones).
const MAX_ZONES: usize = 1024;
/// A zone name longer than this is not one (the longest IANA name has 32 characters).
const MAX_ZONE_NAME: usize = 64;

thread_local! {
    /// Zone name → (the quarter hour it was asked in, its offset then).
    static OFFSETS: RefCell<BTreeMap<String, (i64, Option<i32>)>> =
        const { RefCell::new(BTreeMap::new()) };
}

/// The `timezone` named by the request's `cf` object, if it names one.
pub(crate) fn of_request(request: &worker::Request) -> Option<String> {
    let cf = Reflect::get(request.inner(), &JsValue::from_str("cf")).ok()?;
    if !cf.is_object() {
        return None;
    }
    let zone = Reflect::get(&cf, &JsValue::from_str("timezone"))
        .ok()?
        .as_string()?;
    (!zone.is_empty() && zone.len() <= MAX_ZONE_NAME).then_some(zone)
}

/// Minutes east of UTC in `zone` at `now_ms`; `None` for a zone the runtime does not know.
pub(crate) fn utc_offset_minutes(zone: &str, now_ms: f64) -> Option<i32> {
    let quarter = (now_ms / QUARTER_HOUR_MS).floor() as i64;
    let remembered = OFFSETS.with(|offsets| {
        offsets
            .borrow()
            .get(zone)
            .filter(|(asked, _)| *asked == quarter)
            .map(|(_, offset)| *offset)
    });
    if let Some(offset) = remembered {
        return offset;
    }
    let offset = ask_intl(zone, now_ms).as_deref().and_then(parse_gmt_offset);
    OFFSETS.with(|offsets| {
        let mut offsets = offsets.borrow_mut();
        if offsets.len() >= MAX_ZONES {
            offsets.clear();
        }
        offsets.insert(zone.to_owned(), (quarter, offset));
    });
    offset
}

/// `new Date(now_ms).toLocaleString("en-US", {timeZone: zone, timeZoneName: "longOffset"})`,
/// called through `Reflect` so that a zone `Intl` rejects (a `RangeError`) is an `Err` here
/// rather than an exception unwinding through the wasm.
fn ask_intl(zone: &str, now_ms: f64) -> Option<String> {
    let date = Date::new(&JsValue::from_f64(now_ms));
    let options = Object::new();
    Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    Reflect::set(&options, &"timeZoneName".into(), &"longOffset".into()).ok()?;
    let format: Function = Reflect::get(&date, &"toLocaleString".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let args = Array::of2(&"en-US".into(), &options);
    Reflect::apply(&format, &date, &args).ok()?.as_string()
}

/// The offset at the end of a date `Intl` wrote with `timeZoneName: "longOffset"`:
/// `… GMT+01:00`, `… GMT-08:00`, `… GMT+05:45`, or `… GMT` for UTC itself.
fn parse_gmt_offset(formatted: &str) -> Option<i32> {
    let (_, offset) = formatted.rsplit_once("GMT")?;
    if offset.is_empty() {
        return Some(0);
    }
    let (sign, rest) = match offset.as_bytes().first()? {
        b'+' => (1, offset.get(1..)?),
        // `Intl` may write U+2212 MINUS SIGN in some locales; en-US writes '-'.
        b'-' => (-1, offset.get(1..)?),
        _ => (-1, offset.strip_prefix('\u{2212}')?),
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours) || !digits(minutes) {
        return None;
    }
    let (hours, minutes): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

#[cfg(test)]
mod tests {
    use super::parse_gmt_offset;

    #[test]
    fn offsets_as_intl_writes_them() {
        assert_eq!(
            parse_gmt_offset("12/6/2026, 11:45:00 PM GMT+01:00"),
            Some(60)
        );
        assert_eq!(
            parse_gmt_offset("12/6/2026, 2:45:00 PM GMT-08:00"),
            Some(-480)
        );
        assert_eq!(
            parse_gmt_offset("12/7/2026, 5:30:00 AM GMT+05:45"),
            Some(345)
        );
        assert_eq!(parse_gmt_offset("12/6/2026, 10:45:00 PM GMT"), Some(0));
        assert_eq!(
            parse_gmt_offset("12/6/2026, 7:15:00 PM GMT\u{2212}03:30"),
            Some(-210)
        );
        assert_eq!(parse_gmt_offset("GMT+14:00"), Some(840));
        assert_eq!(parse_gmt_offset("GMT+9"), Some(540));
    }

    #[test]
    fn anything_else_is_no_offset() {
        for not_one in [
            "",
            "12/6/2026, 11:45:00 PM CET",
            "GMT+",
            "GMT+1:",
            "GMT+15:00",
            "GMT+01:60",
            "GMT+001:00",
            "GMT 01:00",
            "GMT+0a:00",
            "GMT-é",
        ] {
            assert_eq!(parse_gmt_offset(not_one), None, "{not_one}");
        }
    }
}
