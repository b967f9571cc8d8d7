//! Interaction history from elsewhere: CSV with a header, or JSONL, with the columns
//! `visitor_or_session,item,timestamp[,kind][,category]`. Timestamps are Unix seconds,
//! milliseconds or RFC 3339; kinds map to weights (unknown kinds count as views).

use super::{time, Interaction, Kind, Parsed};
use serde::Deserialize;

/// Column positions found in a CSV header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    visitor: usize,
    item: usize,
    timestamp: usize,
    kind: Option<usize>,
    category: Option<usize>,
}

fn column_role(name: &str) -> Option<&'static str> {
    match name.trim().to_ascii_lowercase().as_str() {
        "visitor_or_session" | "visitor" | "session" | "session_id" | "user" | "user_id" => {
            Some("visitor")
        }
        "item" | "item_id" => Some("item"),
        "timestamp" | "ts" | "time" => Some("timestamp"),
        "kind" | "event" | "type" => Some("kind"),
        "category" => Some("category"),
        _ => None,
    }
}

/// Splits one CSV line into fields (RFC 4180 quoting within the line).
pub fn fields(line: &str) -> Vec<String> {
    if !line.contains('"') {
        // Most lines quote nothing: a plain split is the same and much faster.
        return line.split(',').map(str::to_owned).collect();
    }
    let mut reader = csv_core::Reader::new();
    // A newline ends the record, so the last field is complete in one call.
    let terminated = format!("{line}\n");
    let mut input = terminated.as_bytes();
    let mut out = Vec::new();
    let mut field = vec![0u8; terminated.len()];
    while let (csv_core::ReadFieldResult::Field { record_end }, read, written) =
        reader.read_field(input, &mut field)
    {
        input = input.get(read..).unwrap_or(&[]);
        out.push(String::from_utf8_lossy(field.get(..written).unwrap_or(&[])).into_owned());
        if record_end {
            break;
        }
    }
    out
}

/// Reads the header; names the missing required columns.
pub fn header(line: &str) -> Result<Columns, String> {
    let names = fields(line);
    let find = |role: &str| names.iter().position(|n| column_role(n) == Some(role));
    let required = |role: &str| {
        find(role).ok_or_else(|| {
            format!("the header has no '{role}' column (expected visitor_or_session,item,timestamp[,kind][,category])")
        })
    };
    Ok(Columns {
        visitor: required("visitor")?,
        item: required("item")?,
        timestamp: required("timestamp")?,
        kind: find("kind"),
        category: find("category"),
    })
}

/// Parses one CSV data line; `unknown_kind` is set when the kind was not recognised.
pub fn parse_csv(line: &str, columns: &Columns, unknown_kind: &mut bool) -> Result<Parsed, String> {
    let quoted;
    let fields: Vec<&str> = if line.contains('"') {
        quoted = fields(line);
        quoted.iter().map(String::as_str).collect()
    } else {
        line.split(',').collect()
    };
    let get = |i: usize| fields.get(i).copied().unwrap_or("");
    let row = Row {
        visitor: get(columns.visitor),
        item: get(columns.item),
        ts_ms: time::from_text(get(columns.timestamp)),
        kind: columns.kind.map(get),
        category: columns.category.map(get),
    };
    build(&row, unknown_kind).map_err(|e| format!("{e} (timestamp '{}')", get(columns.timestamp)))
}

#[derive(Deserialize)]
struct JsonRow {
    #[serde(alias = "visitor", alias = "session", alias = "user")]
    visitor_or_session: serde_json::Value,
    item: serde_json::Value,
    timestamp: serde_json::Value,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    category: Option<String>,
}

fn text_of(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Parses one JSONL line.
pub fn parse_json(line: &str, unknown_kind: &mut bool) -> Result<Parsed, String> {
    let row: JsonRow = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let ts = match &row.timestamp {
        serde_json::Value::Number(n) => n.as_f64().and_then(time::from_number),
        serde_json::Value::String(s) => time::from_text(s),
        _ => None,
    };
    let visitor = text_of(&row.visitor_or_session);
    let item = text_of(&row.item);
    let fields = Row {
        visitor: &visitor,
        item: &item,
        ts_ms: ts,
        kind: row.kind.as_deref(),
        category: row.category.as_deref(),
    };
    build(&fields, unknown_kind)
}

/// One row's fields as text, whatever the file format.
struct Row<'r> {
    visitor: &'r str,
    item: &'r str,
    ts_ms: Option<i64>,
    kind: Option<&'r str>,
    category: Option<&'r str>,
}

fn build(row: &Row<'_>, unknown_kind: &mut bool) -> Result<Parsed, String> {
    let (visitor, item) = (row.visitor, row.item);
    if visitor.is_empty() || item.is_empty() {
        return Err("an empty visitor_or_session or item".into());
    }
    let ts_ms = row
        .ts_ms
        .ok_or("a timestamp that is not Unix seconds, ms or RFC 3339")?;
    let kind = match row.kind.filter(|k| !k.is_empty()) {
        None => Kind::View,
        Some(name) => Kind::from_name(name).unwrap_or_else(|| {
            *unknown_kind = true;
            Kind::View
        }),
    };
    Ok(Parsed::Interaction(Interaction {
        visitor: Some(visitor.to_owned()),
        item: item.to_owned(),
        ts_ms,
        kind,
        segment: None,
        category: row.category.filter(|c| !c.is_empty()).map(str::to_owned),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_with_any_column_order_and_quotes() {
        let columns = header("item,kind,user_id,timestamp,category").unwrap();
        let mut unknown = false;
        let parsed = parse_csv(
            "\"sku,1\",purchase,u7,2025-11-24T16:00:00Z,shoes",
            &columns,
            &mut unknown,
        );
        let Ok(Parsed::Interaction(i)) = parsed else {
            panic!("{parsed:?}")
        };
        assert_eq!(
            (i.item.as_str(), i.kind, i.ts_ms),
            ("sku,1", Kind::Purchase, 1_764_000_000_000)
        );
        assert!(!unknown);
        let _ = parse_csv("a,teleport,u,5", &columns, &mut unknown);
        assert!(unknown);
        assert!(parse_csv("a,view,u,never", &columns, &mut unknown).is_err());
        assert!(header("user,item").unwrap_err().contains("timestamp"));
    }

    #[test]
    fn json_rows_take_numbers_or_text() {
        let mut unknown = false;
        let row = r#"{"session":42,"item":"b","timestamp":1764000000,"kind":"click"}"#;
        let Ok(Parsed::Interaction(i)) = parse_json(row, &mut unknown) else {
            panic!()
        };
        assert_eq!((i.visitor.as_deref(), i.kind), (Some("42"), Kind::Click));
        assert!(parse_json(r#"{"item":"b","timestamp":1}"#, &mut unknown).is_err());
    }
}
