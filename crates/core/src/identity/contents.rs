//! What the sealed visitor cookie carries: the visitor id, when it was issued, the recent
//! history and the recorded experiment arms. Sealing and opening are `sealed`'s; the
//! plaintext's two forms are `plaintext`'s.

use serde::{Deserialize, Serialize};

/// One remembered interaction, filled by the recommendations' event beacon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The item's id.
    #[serde(rename = "i")]
    pub item: String,
    /// The item's category, from the catalogue (the model or the segment list).
    #[serde(rename = "c")]
    pub category: String,
    /// `v` (viewed) or `c` (clicked).
    #[serde(rename = "k")]
    pub kind: char,
    /// When it happened (Unix seconds), so the model can weigh older interactions less;
    /// absent in cookies written before it was recorded.
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub at_s: Option<u64>,
}

/// What the cookie carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorCookie {
    /// 24 lowercase hex digits (`sealed::new_visitor_id`); what experiments bucket by.
    #[serde(rename = "id")]
    pub visitor_id: String,
    /// When it was issued, Unix seconds.
    #[serde(rename = "iat")]
    pub issued_s: u64,
    /// Recent interactions, oldest first, at most `sealed::MAX_HISTORY`.
    #[serde(rename = "h", default)]
    pub history: Vec<HistoryEntry>,
    /// Each experiment's arm as first assigned, and the last day an exposure was logged;
    /// absent in cookies written before arms were recorded.
    #[serde(rename = "x", default, skip_serializing_if = "Vec::is_empty")]
    pub arms: Vec<ArmMark>,
}

/// An experiment's arm as recorded at the visitor's first assignment (kept when weights
/// change), and the UTC day (days since 1970-01-01) of the last exposure logged for it;
/// 0 before the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmMark {
    /// The experiment's name.
    #[serde(rename = "e")]
    pub experiment: String,
    /// The arm's name.
    #[serde(rename = "a")]
    pub arm: String,
    /// Days since 1970-01-01 (UTC) of the last exposure logged; 0 before the first.
    #[serde(rename = "d", default)]
    pub day: u32,
}
