//! One evaluation run: train on a split's training set, write the model, and score the
//! popularity and model rankers on its cases in the same run.

use super::{evaluate, ModelRanker, PopularityRanker, Ranker, Report, ShardedRanker, Split};
use crate::input::{Catalogue, Interaction};
use crate::train::{train_on, TrainSettings, DEFAULT_SEGMENT};
use crate::LearnError;
use tailor_model::{encode, ScoreSettings, ShardWriter};

/// The cut-offs reported.
pub const KS: [usize; 2] = [10, 20];

/// The full catalogue of an interaction set (every id it names), for ranking and coverage.
pub fn catalogue_of(interactions: &[Interaction]) -> Catalogue {
    let mut catalogue = Catalogue::default();
    for i in interactions {
        catalogue.push_id(&i.item, i.category.as_deref());
    }
    catalogue
}

/// Trains on `split.train` (segment lists over the whole catalogue, so popularity can
/// rank everything) and evaluates both rankers on `split.cases`.
pub fn run(
    protocol: &str,
    split: &Split,
    catalogue: &Catalogue,
    train: &TrainSettings,
    score: &ScoreSettings,
) -> Result<Report, LearnError> {
    run_sharded(protocol, split, catalogue, train, score, 1)
}

/// As [`run`], and with `shards` > 1 also the model read as a head and that many shards
/// (the edge's sharded reads), to show what the approximation costs.
pub fn run_sharded(
    protocol: &str,
    split: &Split,
    catalogue: &Catalogue,
    train: &TrainSettings,
    score: &ScoreSettings,
    shards: u32,
) -> Result<Report, LearnError> {
    let settings = TrainSettings {
        segment_list_len: 0,
        ..train.clone()
    };
    let (spec, _) = train_on(
        split.train.iter().cloned(),
        Some(catalogue.clone()),
        &settings,
    )?;
    let bytes = encode(&spec)?;
    let popularity = PopularityRanker {
        bytes: bytes.clone(),
        segment: DEFAULT_SEGMENT.into(),
    };
    let model = ModelRanker {
        bytes,
        segment: DEFAULT_SEGMENT.into(),
        settings: score.clone(),
    };
    let mut rankers: Vec<&dyn Ranker> = vec![&popularity, &model];
    let sharded;
    if shards > 1 {
        let writer = ShardWriter::new(&spec, shards)?;
        sharded = ShardedRanker {
            head: writer.head()?,
            shards: (0..shards)
                .map(|s| writer.shard(s))
                .collect::<Result<_, _>>()?,
            segment: DEFAULT_SEGMENT.into(),
            settings: score.clone(),
        };
        rankers.push(&sharded);
    }
    Ok(evaluate(
        protocol,
        &split.cases,
        &rankers,
        &KS,
        catalogue.len(),
    ))
}
