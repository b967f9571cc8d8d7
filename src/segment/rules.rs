//! First-match rule evaluation over a [`VisitorContext`].

use super::VisitorContext;
use crate::config::{Config, Rule};

/// The chosen segment and the rule that chose it (`None` when the default applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub segment: String,
    pub rule: Option<String>,
}

/// Evaluates the configured rules in order; the first match wins, else the default.
pub fn choose(config: &Config, context: &VisitorContext) -> Decision {
    config
        .segments
        .rules
        .iter()
        .find(|rule| matches(rule, context))
        .map(|rule| Decision {
            segment: rule.segment.clone(),
            rule: Some(rule.name.clone()),
        })
        .unwrap_or_else(|| Decision {
            segment: config.segments.default.clone(),
            rule: None,
        })
}

fn matches(rule: &Rule, context: &VisitorContext) -> bool {
    rule.device
        .as_ref()
        .is_none_or(|classes| classes.contains(&context.device))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::DeviceClass;

    fn context(device: DeviceClass) -> VisitorContext {
        VisitorContext {
            device,
            country: None,
        }
    }

    #[test]
    fn first_matching_rule_wins_and_default_applies_otherwise() {
        let config = Config::bundled().unwrap();
        let phone = choose(&config, &context(DeviceClass::Mobile));
        assert_eq!(phone.segment, "mobile");
        assert_eq!(phone.rule.as_deref(), Some("phones"));
        let desktop = choose(&config, &context(DeviceClass::Desktop));
        assert_eq!(desktop.segment, "desktop");
        assert_eq!(desktop.rule, None);
        assert_eq!(choose(&config, &context(DeviceClass::Bot)).segment, "bot");
    }
}
