//! Session inference: a visitor's recent items vote for their neighbours (weighted by kind,
//! position and age), blended with the segment's list for cold start. Allocations are
//! bounded by the history length, the row length and the candidate cap — never by the
//! catalogue.

use crate::candidate::{Candidate, Candidates};
use crate::history::{HistoryItem, InteractionKind};
use crate::settings::ScoreSettings;
use crate::tally::{Tallies, Tally};
use crate::view::ModelView;

/// The most entries of one neighbour row that are read (rows are top-K; corrupt bytes could
/// declare more).
pub const MAX_ROW_ENTRIES: usize = 1024;

fn key(view: usize, index: u32) -> u64 {
    ((view as u64) << 32) | u64::from(index)
}

fn sane(score: f32) -> f32 {
    if score.is_finite() && score > 0.0 {
        score
    } else {
        0.0
    }
}

/// Ranks candidates for a visitor of `segment` with `history` (oldest first): all of
/// [`candidates`], collected.
pub fn score<'a, 'h>(
    views: &[ModelView<'a>],
    segment: &str,
    history: &[HistoryItem<'h>],
    settings: &ScoreSettings,
) -> Vec<Candidate<'a, 'h>> {
    candidates(views, segment, history, settings).collect()
}

/// The candidates for a visitor of `segment` with `history` (oldest first), best first, at
/// most `settings.max_candidates`; each is read from its blob as it is taken.
///
/// `views[0]` is a complete model or a sharded model's head (segment lists are read from
/// it); further views are the shards at hand. A history item contributes when some view
/// holds its row. With no usable history the result is exactly the segment list's order.
pub fn candidates<'v, 'a, 'h>(
    views: &'v [ModelView<'a>],
    segment: &str,
    history: &'v [HistoryItem<'h>],
    settings: &ScoreSettings,
) -> Candidates<'v, 'a, 'h> {
    let Some(first) = views.first() else {
        return Candidates::none();
    };
    let used = history.len().min(settings.max_history);
    let recent = history.get(history.len() - used..).unwrap_or(&[]);
    let (mut tallies, excluded) = neighbour_tallies(views, recent, settings);
    let list = first.segment(segment);
    let best = list.map_or(0.0, |l| l.iter().map(|(_, s)| sane(s)).fold(0.0, f32::max));
    let mut listed_only: Vec<Tally> = Vec::new();
    for (position, (index, raw)) in list.iter().flat_map(|l| l.iter()).enumerate() {
        let part = if best > 0.0 {
            settings.segment_weight * sane(raw) / best
        } else {
            0.0
        };
        let at = key(0, index);
        let position = u32::try_from(position).unwrap_or(u32::MAX);
        match tallies.get_mut(at) {
            // A list naming an item twice (corrupt bytes) counts its first place only.
            Some(t) if t.list_position == u32::MAX => {
                t.segment = part;
                t.list_position = position;
            }
            Some(_) => {}
            None if listed_only.len() < settings.max_candidates && !excluded.contains(&at) => {
                listed_only.push(Tally {
                    segment: part,
                    list_position: position,
                    ..Tally::new(at)
                })
            }
            None => {}
        }
    }
    let mut tallies = tallies.items;
    tallies.retain(|t| !excluded.contains(&t.key));
    tallies.append(&mut listed_only);
    // Keys are unique, so this order is total and an unstable sort is deterministic.
    let order = |a: &Tally, b: &Tally| {
        (b.neighbour + b.segment)
            .total_cmp(&(a.neighbour + a.segment))
            .then(a.list_position.cmp(&b.list_position))
            .then(a.key.cmp(&b.key))
    };
    if settings.max_candidates > 0 && tallies.len() > settings.max_candidates {
        tallies.select_nth_unstable_by(settings.max_candidates - 1, order);
        tallies.truncate(settings.max_candidates);
    }
    tallies.sort_unstable_by(order);
    tallies.truncate(settings.max_candidates);
    Candidates::new(views, recent, tallies)
}

/// Sums the history's neighbour votes per candidate, and lists the keys of history items
/// that may not be shown again.
fn neighbour_tallies(
    views: &[ModelView<'_>],
    recent: &[HistoryItem<'_>],
    settings: &ScoreSettings,
) -> (Tallies, Vec<u64>) {
    let mut tallies = Tallies::with_capacity(recent.len() * 24);
    let mut excluded = Vec::with_capacity(recent.len());
    let mut weight = 1.0f32;
    for (position, h) in recent.iter().enumerate().rev() {
        let kind_weight = match h.kind {
            InteractionKind::Click => settings.click_weight,
            InteractionKind::View => settings.view_weight,
        };
        let age = match (h.age_s, settings.half_life_s) {
            (Some(age), half_life) if half_life > 0 => 0.5f32.powf(age as f32 / half_life as f32),
            _ => 1.0,
        };
        let w = weight * kind_weight * age;
        weight *= settings.position_decay;
        let (home, row) = locate(views, h.item);
        let reshow = match h.kind {
            InteractionKind::Click => settings.reshow_clicked,
            InteractionKind::View => settings.reshow_viewed,
        };
        if let (Some(home), false) = (home, reshow) {
            excluded.push(home);
        }
        let Some((view, row)) = row else { continue };
        for (target, s) in row.iter().take(MAX_ROW_ENTRIES) {
            let vote = w * sane(s);
            if vote <= 0.0 {
                continue;
            }
            if let Some(t) = tallies.entry(canonical(views, view, target)) {
                t.neighbour += vote;
                // Newest first: on equal votes the newest history item is the reason.
                if vote > t.best {
                    t.best = vote;
                    t.best_of = position;
                }
            }
        }
    }
    (tallies, excluded)
}

/// The key of `id` (its first view) and the first view holding its row.
fn locate<'a>(
    views: &[ModelView<'a>],
    id: &str,
) -> (Option<u64>, Option<(usize, crate::Entries<'a>)>) {
    let mut home = None;
    for (v, view) in views.iter().enumerate() {
        if let Some(index) = view.find(id) {
            home = home.or(Some(key(v, index)));
            if let Some(row) = view.neighbours(index) {
                return (home, Some((v, row)));
            }
        }
    }
    (home, None)
}

/// The key of item `index` of view `view`: an earlier view holding the same id wins.
fn canonical(views: &[ModelView<'_>], view: usize, index: u32) -> u64 {
    if view == 0 {
        return key(0, index);
    }
    let Some(id) = views.get(view).and_then(|v| v.id(index)) else {
        return key(view, index);
    };
    for (earlier, v) in views.iter().take(view).enumerate() {
        if let Some(found) = v.find(id) {
            return key(earlier, found);
        }
    }
    key(view, index)
}
