//! First-match rule evaluation, with a compact account of why the earlier rules did not match.

use super::condition::{Condition, Facts};

/// A segment rule: the first rule whose condition holds decides the segment.
#[derive(Debug)]
pub struct Rule {
    /// Shown in explanations.
    pub name: String,
    /// The segment a match puts the visitor in.
    pub segment: String,
    /// When the rule matches.
    pub when: Condition,
}

/// The ordered rules and the segment of visitors no rule matches.
#[derive(Debug)]
pub struct RuleSet {
    /// Tried in order; the first match wins.
    pub rules: Vec<Rule>,
    /// The segment when no rule matches.
    pub default: String,
}

/// The chosen segment, the rule that chose it (`None`: the default), and the explanation
/// shown in `X-Tailor-Rule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The segment the visitor is in.
    pub segment: String,
    /// The matching rule's name (`preview` for a preview token); `None` for the default.
    pub rule: Option<String>,
    /// Why, for `X-Tailor-Rule`; empty when [`choose`] was not asked to explain.
    pub explanation: String,
}

/// Explanations stop growing here: a header, not a log.
const MAX_EXPLANATION: usize = 600;

/// Evaluates the configured rules in order; the first match wins, else the default. With
/// `explain`, also says why each earlier rule did not match (debug output only: it allocates).
pub fn choose(set: &RuleSet, facts: Facts<'_>, explain: bool) -> Decision {
    let rules = &set.rules;
    let matched = rules.iter().position(|rule| rule.when.holds(facts));
    let (segment, rule) = match matched.and_then(|i| rules.get(i)) {
        Some(rule) => (rule.segment.clone(), Some(rule.name.clone())),
        None => (set.default.clone(), None),
    };
    let explanation = if explain {
        let skipped: Vec<String> = rules
            .iter()
            .take(matched.unwrap_or(rules.len()))
            .map(|r| match r.when.check(facts) {
                Err(reason) => format!("{}: {reason}", r.name),
                Ok(()) => format!("{}: ?", r.name),
            })
            .collect();
        explanation_text(rule.as_deref().unwrap_or("(default)"), &skipped)
    } else {
        String::new()
    };
    Decision {
        segment,
        rule,
        explanation,
    }
}

/// A forced decision (preview token).
pub fn forced(segment: &str) -> Decision {
    Decision {
        segment: segment.to_owned(),
        rule: Some("preview".into()),
        explanation: "preview token".into(),
    }
}

/// `phones; skipped crawlers: device=mobile, sale: utm_campaign=(none)`.
fn explanation_text(matched: &str, skipped: &[String]) -> String {
    let mut out = matched.to_owned();
    if !skipped.is_empty() {
        out.push_str("; skipped ");
        out.push_str(&skipped.join(", "));
    }
    if out.len() > MAX_EXPLANATION {
        let cut = (0..=MAX_EXPLANATION)
            .rev()
            .find(|&i| out.is_char_boundary(i))
            .unwrap_or(0);
        out.truncate(cut);
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explanations_are_bounded() {
        let long = vec!["rule: field=value".repeat(10); 20];
        let text = explanation_text("x", &long);
        assert!(text.len() <= MAX_EXPLANATION + 3);
        assert!(text.ends_with("..."));
    }
}
