//! `Server-Timing` collection: named durations in the order they were measured.

use std::fmt::Write;

/// The durations of one request, for its `Server-Timing` header.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ServerTiming {
    entries: Vec<(&'static str, f64)>,
}

impl ServerTiming {
    /// Records `name` as taking `duration_ms` milliseconds (negative counts as 0).
    pub fn add(&mut self, name: &'static str, duration_ms: f64) {
        self.entries.push((name, duration_ms.max(0.0)));
    }

    /// Records `name` before every entry so far: for work done before the entries' owner
    /// existed (the config is read before the request's context is built).
    pub fn add_first(&mut self, name: &'static str, duration_ms: f64) {
        self.entries.insert(0, (name, duration_ms.max(0.0)));
    }

    /// The header value, e.g. `segment;dur=0.012, render;dur=0.400`: microsecond resolution,
    /// since segmentation takes tens of microseconds.
    pub fn header_value(&self) -> String {
        let mut out = String::new();
        for (i, (name, dur)) in self.entries.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(out, "{sep}{name};dur=");
            write_ms(&mut out, *dur);
        }
        out
    }
}

/// `value` (a `Server-Timing` header, possibly empty) with `total;dur=…` appended.
pub(super) fn with_total(value: &str, total_ms: f64) -> String {
    let mut out = String::with_capacity(value.len() + 24);
    if !value.is_empty() {
        out.push_str(value);
        out.push_str(", ");
    }
    out.push_str("total;dur=");
    write_ms(&mut out, total_ms);
    out
}

/// Milliseconds with three decimals, as `{:.3}` writes them, through integer formatting: the
/// float's exact formatting was a tenth of a cached image's own work in Viceroy.
fn write_ms(out: &mut String, ms: f64) {
    // Non-negative; NaN becomes 0 (`as` saturates).
    let micros = (ms.max(0.0) * 1000.0).round() as u64;
    let _ = write!(out, "{}.{:03}", micros / 1000, micros % 1000);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_is_appended_last() {
        assert_eq!(with_total("", 0.5), "total;dur=0.500");
        assert_eq!(
            with_total("model;dur=0.1", 0.25),
            "model;dur=0.1, total;dur=0.250"
        );
    }

    #[test]
    fn milliseconds_read_as_float_formatting_writes_them() {
        // Away from the half-microsecond ties, where the two roundings may differ.
        for i in 0..200_000u32 {
            let ms = f64::from(i) * 0.0173 + 0.000_13;
            let mut out = String::new();
            write_ms(&mut out, ms);
            assert_eq!(out, format!("{ms:.3}"), "{ms}");
        }
        let mut out = String::new();
        write_ms(&mut out, f64::NAN);
        assert_eq!(out, "0.000");
    }

    #[test]
    fn formats_entries_in_order() {
        let mut timing = ServerTiming::default();
        timing.add("segment", 0.123);
        timing.add("render", -1.0);
        timing.add_first("config", 0.5);
        assert_eq!(
            timing.header_value(),
            "config;dur=0.500, segment;dur=0.123, render;dur=0.000"
        );
    }
}
