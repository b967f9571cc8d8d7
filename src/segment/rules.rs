//! First-match rule evaluation, with a compact account of why the earlier rules did not match.

use super::condition::Facts;
use crate::config::Config;

/// The chosen segment, the rule that chose it (`None`: the default), and the explanation
/// shown in `X-Tailor-Rule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub segment: String,
    pub rule: Option<String>,
    pub explanation: String,
}

/// Explanations stop growing here: a header, not a log.
const MAX_EXPLANATION: usize = 600;

/// Evaluates the configured rules in order; the first match wins, else the default.
pub fn choose(config: &Config, facts: Facts<'_>) -> Decision {
    let mut skipped: Vec<String> = Vec::new();
    for rule in &config.segments.rules {
        match rule.when.check(facts) {
            Ok(()) => {
                return Decision {
                    segment: rule.segment.clone(),
                    rule: Some(rule.name.clone()),
                    explanation: explain(&rule.name, &skipped),
                }
            }
            Err(reason) => skipped.push(format!("{}: {reason}", rule.name)),
        }
    }
    Decision {
        segment: config.segments.default.clone(),
        rule: None,
        explanation: explain("(default)", &skipped),
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
fn explain(matched: &str, skipped: &[String]) -> String {
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
    use crate::segment::{DeviceClass, VisitorContext};

    fn decide(context: &VisitorContext) -> Decision {
        let config = Config::bundled().unwrap();
        choose(
            &config,
            Facts {
                context,
                consent: false,
            },
        )
    }

    #[test]
    fn first_matching_rule_wins_and_the_skipped_ones_are_explained() {
        let phone = decide(&VisitorContext {
            device: DeviceClass::Mobile,
            ..VisitorContext::default()
        });
        assert_eq!(phone.segment, "mobile");
        assert_eq!(phone.rule.as_deref(), Some("phones"));
        assert!(
            phone
                .explanation
                .starts_with("phones; skipped crawlers: device=mobile"),
            "{}",
            phone.explanation
        );
        let desktop = decide(&VisitorContext::default());
        assert_eq!(desktop.segment, "desktop");
        assert_eq!(desktop.rule, None);
        assert!(desktop.explanation.starts_with("(default); skipped"));
        let bot = decide(&VisitorContext {
            device: DeviceClass::Bot,
            ..VisitorContext::default()
        });
        assert_eq!(
            (bot.segment.as_str(), bot.explanation.as_str()),
            ("bot", "crawlers")
        );
    }

    #[test]
    fn explanations_are_bounded() {
        let long = vec!["rule: field=value".repeat(10); 20];
        let text = explain("x", &long);
        assert!(text.len() <= MAX_EXPLANATION + 3);
        assert!(text.ends_with("..."));
    }
}
