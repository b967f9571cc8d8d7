//! What scoring reads about a visitor: the remembered interactions, oldest first.

/// What the visitor did with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionKind {
    /// The visitor viewed the item.
    View,
    /// The visitor clicked the item.
    Click,
}

/// One remembered interaction (the sealed cookie keeps the last 12), oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryItem<'h> {
    /// The item's id.
    pub item: &'h str,
    /// What the visitor did with it.
    pub kind: InteractionKind,
    /// Seconds since it happened, when known.
    pub age_s: Option<u32>,
}
