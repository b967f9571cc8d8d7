//! Who the visitor is and what they let us keep: the sealed visitor cookie (identity and
//! recent history, encrypted), the consent decision, and signed preview tokens for QA.

pub mod consent;
pub mod contents;
pub mod history;
pub mod plaintext;
pub mod preview;
pub mod sealed;

pub use consent::{has_consent, Consent};
pub use contents::{ArmMark, HistoryEntry, VisitorCookie};
pub use plaintext::CookieForm;
pub use sealed::CookieKey;
