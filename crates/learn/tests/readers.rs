//! Properties of the readers: no line, however broken, makes a parser panic; CSV fields
//! round-trip through quoting.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use tailor_learn::input::lines::Line;
use tailor_learn::input::{import, log, time, Catalogue};

proptest! {
    #[test]
    fn no_line_makes_a_parser_panic(line in ".{0,200}") {
        let _ = log::parse(&line);
        let mut unknown = false;
        let _ = import::parse_json(&line, &mut unknown);
        if let Ok(columns) = import::header("visitor,item,timestamp,kind") {
            let _ = import::parse_csv(&line, &columns, &mut unknown);
        }
        let _ = import::header(&line);
        let _ = time::from_text(&line);
        let _ = Catalogue::parse("c", vec![(1, Line::Text(line.clone())), (2, Line::Text(line))]);
    }

    #[test]
    fn json_shaped_lines_never_panic(
        event in prop::sample::select(vec!["view", "click", "impression", "goal", "x"]),
        item in proptest::option::of("[a-z0-9\"\\\\]{0,8}"),
        ts in proptest::option::of(any::<i64>()),
    ) {
        let line = serde_json::json!({"event": event, "item": item, "ts_ms": ts, "visitor": null});
        let _ = log::parse(&line.to_string());
    }

    #[test]
    fn quoted_csv_fields_round_trip(fields in proptest::collection::vec("[a-z,\" ]{0,6}", 1..5)) {
        let line: Vec<String> = fields.iter().map(|f| format!("\"{}\"", f.replace('"', "\"\""))).collect();
        prop_assert_eq!(import::fields(&line.join(",")), fields);
    }
}
