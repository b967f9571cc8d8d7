//! What scoring hands out: candidates best first, each read from its blob only when it is
//! taken ([`Candidates`] is an iterator), so a banner that needs four items reads four-odd
//! records, not the whole candidate cap.

use crate::history::HistoryItem;
use crate::item::{Item, ItemSummary};
use crate::tally::Tally;
use crate::view::ModelView;

/// Why a candidate is there: its largest contributor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason<'h> {
    /// The segment list.
    Segment,
    /// A neighbour of this history item.
    Neighbour {
        /// Id of that history item.
        of: &'h str,
    },
}

impl std::fmt::Display for Reason<'_> {
    /// The debug-header form: `segment` or `neighbour:<history item id>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Segment => f.write_str("segment"),
            Self::Neighbour { of } => write!(f, "neighbour:{of}"),
        }
    }
}

/// A scored item: what ranking and the re-rank's filters need (id, category, window),
/// with the display data a call away ([`Candidate::display`]), all borrowed from the blob.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a, 'h> {
    /// Which of the views passed to [`score`](crate::score) holds `item`.
    pub view: usize,
    /// The item's id, category and window, as read from that view.
    pub item: ItemSummary<'a>,
    pub(crate) blob: ModelView<'a>,
    /// `neighbour_score + segment_score`, the ranking key.
    pub score: f32,
    /// Sum of the history's votes for the item: kind weight × position decay × age decay ×
    /// neighbour score, over the history items whose rows name it.
    pub neighbour_score: f32,
    /// λ × the item's segment score / the list's best.
    pub segment_score: f32,
    /// Its largest contributor, for the debug header.
    pub reason: Reason<'h>,
}

impl<'a> Candidate<'a, '_> {
    /// The item's display data (title, url, image), checked only when asked for: a banner
    /// renders a few of the candidates it is given.
    pub fn display(&self) -> Option<Item<'a>> {
        self.blob.item(self.item.index)
    }
}

/// The candidates of one scoring, best first; each is read from its blob as it is taken.
/// Records that do not read (corrupt bytes) are skipped.
#[derive(Debug)]
pub struct Candidates<'v, 'a, 'h> {
    views: &'v [ModelView<'a>],
    recent: &'v [HistoryItem<'h>],
    /// Sorted best first, at most the candidate cap.
    tallies: std::vec::IntoIter<Tally>,
}

impl<'v, 'a, 'h> Candidates<'v, 'a, 'h> {
    pub(crate) fn new(
        views: &'v [ModelView<'a>],
        recent: &'v [HistoryItem<'h>],
        sorted: Vec<Tally>,
    ) -> Self {
        Self {
            views,
            recent,
            tallies: sorted.into_iter(),
        }
    }

    /// An empty sequence (no views to read from).
    pub(crate) fn none() -> Self {
        Self {
            views: &[],
            recent: &[],
            tallies: Vec::new().into_iter(),
        }
    }

    fn read(&self, t: &Tally) -> Option<Candidate<'a, 'h>> {
        let view = usize::try_from(t.key >> 32).ok()?;
        let index = u32::try_from(t.key & 0xffff_ffff).ok()?;
        let blob = self.views.get(view).copied()?;
        let item = blob.summary(index)?;
        let reason = match self.recent.get(t.best_of) {
            Some(h) if t.best > t.segment => Reason::Neighbour { of: h.item },
            _ => Reason::Segment,
        };
        Some(Candidate {
            view,
            item,
            blob,
            score: t.neighbour + t.segment,
            neighbour_score: t.neighbour,
            segment_score: t.segment,
            reason,
        })
    }
}

impl<'a, 'h> Iterator for Candidates<'_, 'a, 'h> {
    type Item = Candidate<'a, 'h>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let t = self.tallies.next()?;
            if let Some(candidate) = self.read(&t) {
                return Some(candidate);
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.tallies.len()))
    }
}
