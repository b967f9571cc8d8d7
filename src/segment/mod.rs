//! Visitor segmentation: the request context a decision is made from, and the rule engine.

mod device;
mod rules;

pub use device::DeviceClass;
pub use rules::{choose, Decision};

/// What Tailor knows about the visitor, parsed once per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorContext {
    pub device: DeviceClass,
    pub country: Option<String>,
}

impl VisitorContext {
    /// Builds the context from request headers and the host's geo answer.
    pub fn from_request(headers: &http::HeaderMap, country: Option<String>) -> Self {
        let user_agent = headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mobile_hint = headers
            .get("sec-ch-ua-mobile")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim() == "?1");
        Self {
            device: DeviceClass::classify(user_agent, mobile_hint),
            country,
        }
    }
}
