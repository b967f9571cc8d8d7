//! Training-data readers: Tailor's own event log, imported interaction history (CSV or
//! JSONL) and the catalogue. Every reader counts what it skips and why, and names the first
//! problems by file and line; none of them panics on any input.

pub mod catalogue;
pub mod import;
pub mod lines;
pub mod log;
pub mod time;

pub use catalogue::Catalogue;

/// What a visitor did with an item; each kind has a training weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Saw the item.
    View = 0,
    /// Clicked it (or, in imports, a cart, like or wishlist event).
    Click = 1,
    /// Bought it.
    Purchase = 2,
}

impl Kind {
    /// Import kinds by name: unknown names are views (and counted).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "view" | "impression_click" | "detail" | "pageview" | "rating" => Some(Self::View),
            "click" | "cart" | "add_to_cart" | "addtocart" | "like" | "wishlist" => {
                Some(Self::Click)
            }
            "purchase" | "buy" | "order" | "transaction" | "checkout" => Some(Self::Purchase),
            _ => None,
        }
    }

    /// The kind of a stored code (`kind as u8`); unknown codes are views.
    pub fn from_code(code: u8) -> Self {
        match code {
            1 => Self::Click,
            2 => Self::Purchase,
            _ => Self::View,
        }
    }
}

/// One interaction as read, before catalogue lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interaction {
    /// The visitor or session key; `None` without consent (popularity only).
    pub visitor: Option<String>,
    /// Item id.
    pub item: String,
    /// When it happened (Unix ms).
    pub ts_ms: i64,
    /// What the visitor did.
    pub kind: Kind,
    /// The segment it happened in (log lines); imports use `default`.
    pub segment: Option<String>,
    /// The item's category when the input names it (used when the catalogue is derived
    /// from the interactions; a given catalogue's category wins).
    pub category: Option<String>,
}

/// What a line turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// An interaction: trains the model.
    Interaction(Interaction),
    /// A known event that does not train the model (impression, goal, exposure).
    Other(&'static str),
    /// An event type this version does not know (forward compatible: skipped).
    Unknown,
}

/// Counts of everything read and skipped, with the first problems by place.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Lines read, blank and bad ones included.
    pub lines: u64,
    /// Interactions parsed, with or without consent.
    pub interactions: u64,
    /// Of those, interactions without a visitor (no consent).
    pub without_consent: u64,
    /// Impression lines (they do not train).
    pub impressions: u64,
    /// Goal lines (they do not train).
    pub goals: u64,
    /// Exposure lines (they do not train).
    pub exposures: u64,
    /// Lines of an event type this version does not know (skipped).
    pub unknown_events: u64,
    /// Imported rows whose kind was not recognised (read as views).
    pub unknown_kinds: u64,
    /// Lines that could not be used; see `problems`.
    pub malformed: u64,
    /// Lines over the length cap (skipped).
    pub too_long: u64,
    /// Interactions whose item is not in the catalogue (not trained on).
    pub items_not_in_catalogue: u64,
    /// The first problems, `file:line: detail` (at most [`Stats::KEPT_PROBLEMS`]).
    pub problems: Vec<String>,
}

impl Stats {
    /// Most problems kept in `problems`.
    pub const KEPT_PROBLEMS: usize = 20;

    /// Counts a malformed line and keeps `file:line: detail` while there is room.
    pub fn problem(&mut self, file: &str, line: u64, detail: &str) {
        self.malformed += 1;
        if self.problems.len() < Self::KEPT_PROBLEMS {
            self.problems.push(format!("{file}:{line}: {detail}"));
        }
    }

    /// Counts a parsed line by what it turned out to be.
    pub fn count(&mut self, parsed: &Parsed) {
        match parsed {
            Parsed::Interaction(i) => {
                self.interactions += 1;
                if i.visitor.is_none() {
                    self.without_consent += 1;
                }
            }
            Parsed::Other("impression") => self.impressions += 1,
            Parsed::Other("goal") => self.goals += 1,
            Parsed::Other(_) => self.exposures += 1,
            Parsed::Unknown => self.unknown_events += 1,
        }
    }

    /// Adds another reader's counts (problems kept up to the cap).
    pub fn absorb(&mut self, other: Stats) {
        self.lines += other.lines;
        self.interactions += other.interactions;
        self.without_consent += other.without_consent;
        self.impressions += other.impressions;
        self.goals += other.goals;
        self.exposures += other.exposures;
        self.unknown_events += other.unknown_events;
        self.unknown_kinds += other.unknown_kinds;
        self.malformed += other.malformed;
        self.too_long += other.too_long;
        self.items_not_in_catalogue += other.items_not_in_catalogue;
        let room = Self::KEPT_PROBLEMS.saturating_sub(self.problems.len());
        self.problems.extend(other.problems.into_iter().take(room));
    }
}
