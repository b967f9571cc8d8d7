//! The template environments every HTML template renders in: auto-escaping always on, with an
//! escaper that leaves `/` alone so URLs stay readable (`&<>"'` are what HTML needs escaped).

use minijinja::{AutoEscape, Environment, Error, ErrorKind, Value};

/// Whether an environment carries MiniJinja's built-in filters, tests and global functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtins {
    /// None of them: enough for templates that only interpolate, branch and loop (the demo's),
    /// and cheaper to create. Fastly runs every request in a fresh instance, where creating
    /// the built-ins' tables took ~40 µs of a banner's render (measured in Viceroy).
    Without,
    /// All of them, as `minijinja::Environment::new` has them.
    With,
}

/// A fresh environment with HTML auto-escaping for every template, the given fuel (a bound
/// on template work, so a hostile template or list cannot burn the CPU budget) and the
/// built-ins or not.
pub fn html_environment(fuel: u64, builtins: Builtins) -> Environment<'static> {
    let mut env = match builtins {
        Builtins::Without => Environment::empty(),
        Builtins::With => Environment::new(),
    };
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_fuel(Some(fuel));
    env.set_formatter(|out, state, value: &Value| match value.as_str() {
        Some(text) if !value.is_safe() && *state.auto_escape() == AutoEscape::Html => {
            write_escaped_html(out, text)
                .map_err(|_| Error::new(ErrorKind::WriteFailure, "template output failed"))
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
    env
}

/// Whether a render failed only for want of a built-in: a filter, test or function the lean
/// environment lacks. Rendering again with them gives what `Environment::new` would have.
pub fn needs_builtins(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::UnknownFilter | ErrorKind::UnknownTest | ErrorKind::UnknownFunction
    )
}

/// Where a banner's templates are compiled: an environment without the built-ins (tried
/// first) and one with them.
pub trait Environments {
    /// The environment with or without MiniJinja's built-ins.
    fn environment(&self, builtins: Builtins) -> &Environment<'static>;
    /// The template's rendering plan, when it has the plain shape ([`super::Plan`]): it then
    /// renders without MiniJinja. `None` by default.
    fn plan(&self, _template: &str) -> Option<&super::Plan> {
        None
    }
}

/// One environment serves both (tests, and callers that hold a single environment).
impl Environments for Environment<'static> {
    fn environment(&self, _: Builtins) -> &Environment<'static> {
        self
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let _ = write_escaped_html(&mut out, text);
    out
}

/// Writes `text` escaped as [`escape_html`] does, straight into `out`: the runs between the
/// characters to escape in one write each, and no string of its own per value rendered.
pub(super) fn write_escaped_html(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut run_start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escaped = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The five are ASCII, so `at` is a character boundary.
        out.write_str(text.get(run_start..at).unwrap_or_default())?;
        out.write_str(escaped)?;
        run_start = at + 1;
    }
    out.write_str(text.get(run_start..).unwrap_or_default())
}

/// Makes serialized JSON safe to embed in HTML (a `<script>` block or an attribute): `<`, `>`,
/// `&`, `'` and the two JavaScript line separators become `\u` escapes. serde_json emits these
/// characters only inside strings, where the escapes mean the same thing.
pub fn escape_json_for_html(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\'' => out.push_str("\\u0027"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_in_runs_writes_what_escaping_each_character_wrote() {
        let by_character = |text: &str| {
            let mut out = String::new();
            for c in text.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&#39;"),
                    other => out.push(other),
                }
            }
            out
        };
        let pieces = ["", "a", "&", "<", ">", "\"", "'", "é", "日本", "😀", "x y"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    assert_eq!(escape_html(&text), by_character(&text), "{text}");
                }
            }
        }
    }

    #[test]
    fn escapes_markup_but_not_slashes() {
        let env = html_environment(10_000, Builtins::With);
        let html = env
            .render_str(
                r#"<a href="{{ u }}" title="{{ t }}">{{ t }}</a>{{ s | safe }}"#,
                minijinja::context! { u => "/img/a.jpg", t => "<b>\"x\" & 'y'</b>", s => "<i>ok</i>" },
            )
            .unwrap();
        assert_eq!(
            html,
            r#"<a href="/img/a.jpg" title="&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;">&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;</a><i>ok</i>"#
        );
    }

    #[test]
    fn json_for_html_has_no_markup_and_means_the_same() {
        let value = serde_json::json!({"t": "<script>alert('x')</script> & \u{2028}"});
        let escaped = escape_json_for_html(&value.to_string());
        assert!(!escaped.contains('<') && !escaped.contains('&') && !escaped.contains('\''));
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn fuel_bounds_template_work() {
        let env = html_environment(1_000, Builtins::With);
        let result = env.render_str("{% for i in range(100000) %}x{% endfor %}", ());
        assert!(result.is_err());
    }
}
