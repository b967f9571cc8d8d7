//! Rule conditions: `all` / `any` / `not` over tests of one context field (`equals`, `in`,
//! `prefix`, `range`, `regex`, `present`), evaluated against a [`VisitorContext`], with a
//! compact reason when a condition does not hold.

use super::VisitorContext;

mod field;
mod values;

pub use field::{Field, Kind};
use values::values;

/// A test of one field.
#[derive(Debug, Clone)]
pub enum Test {
    /// A value equals this one (text compared ASCII case-insensitively).
    Equals(Value),
    /// A text value is one of these (ASCII case-insensitive).
    In(Vec<String>),
    /// A text value starts with this (ASCII case-insensitive).
    Prefix(String),
    /// Inclusive bounds.
    Range(f64, f64),
    /// A text value matches this regular expression.
    Regex(regex_lite::Regex),
    /// `true`: the field has a value; `false`: it has none.
    Present(bool),
}

/// A value `equals` compares with; it must be of the field's [`Kind`] to match.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// For a text field.
    Text(String),
    /// For a flag field.
    Flag(bool),
    /// For a number field.
    Number(f64),
}

/// A rule's condition: tests of fields combined with `all`, `any` and `not`.
#[derive(Debug, Clone)]
pub enum Condition {
    /// Holds when every part does (an empty `all` always holds).
    All(Vec<Condition>),
    /// Holds when some part does (an empty `any` never holds).
    Any(Vec<Condition>),
    /// Holds when the inner condition does not.
    Not(Box<Condition>),
    /// Holds when the test passes on the field's values in this request.
    Test(Field, Test),
}

/// The facts a condition is evaluated on: the context plus the consent decision.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// What the request says about the visitor.
    pub context: &'a VisitorContext,
    /// Whether the visitor consented (see [`crate::identity::has_consent`]).
    pub consent: bool,
}

impl Condition {
    /// Whether the condition holds. Allocation-free: this runs for every rule of every request.
    pub fn holds(&self, facts: Facts<'_>) -> bool {
        match self {
            Self::All(parts) => parts.iter().all(|p| p.holds(facts)),
            Self::Any(parts) => parts.iter().any(|p| p.holds(facts)),
            Self::Not(inner) => !inner.holds(facts),
            Self::Test(field, test) => test.holds(&values(field, facts)),
        }
    }

    /// Whether the condition holds; when it does not, the first failing test and the value
    /// it saw (`device=mobile`). For explanations (debug output) only.
    pub fn check(&self, facts: Facts<'_>) -> Result<(), String> {
        match self {
            Self::All(parts) => parts.iter().try_for_each(|p| p.check(facts)),
            Self::Any(parts) => {
                let mut first = None;
                for part in parts {
                    match part.check(facts) {
                        Ok(()) => return Ok(()),
                        Err(reason) => {
                            first.get_or_insert(reason);
                        }
                    }
                }
                Err(first.unwrap_or_else(|| "any[] is empty".into()))
            }
            Self::Not(inner) => match inner.check(facts) {
                Ok(()) => Err("not(...) held".into()),
                Err(_) => Ok(()),
            },
            Self::Test(field, test) => {
                let values = values(field, facts);
                if test.holds(&values) {
                    Ok(())
                } else {
                    Err(format!("{}={}", field.name(), values.shown()))
                }
            }
        }
    }

    /// True when the condition holds for every visitor (an empty `all`, `not` of a never).
    pub fn always(&self) -> bool {
        match self {
            Self::All(parts) => parts.iter().all(Self::always),
            Self::Any(parts) => parts.iter().any(Self::always),
            Self::Not(inner) => inner.never(),
            Self::Test(..) => false,
        }
    }

    /// True when the condition holds for no visitor (an empty `any` or `in`).
    pub fn never(&self) -> bool {
        match self {
            Self::All(parts) => parts.iter().any(Self::never),
            Self::Any(parts) => parts.iter().all(Self::never),
            Self::Not(inner) => inner.always(),
            Self::Test(_, Test::In(list)) => list.is_empty(),
            Self::Test(_, Test::Range(lo, hi)) => lo > hi,
            Self::Test(..) => false,
        }
    }
}

#[cfg(test)]
mod tests;
