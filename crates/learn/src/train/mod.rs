//! Training as a streaming map/reduce: (i) the map phase partitions interactions by
//! visitor hash into spill files (bounded memory), (ii) each partition counts item pairs
//! into partial count files, (iii) the reduce merges partial counts per item bucket, keeps
//! the top K per item and builds the model. Partitions and buckets run on all cores.

mod count;
pub mod ingest;
mod record;
mod reduce;
mod settings;

pub use count::Partial;
pub use settings::TrainSettings;

use crate::input::{Catalogue, Interaction, Stats};
use crate::LearnError;
use count::{count_partition, Weigher};
use rayon::prelude::*;
use record::{visitor_hash, Record};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tailor_model::{ModelSpec, SegmentSpec};

/// The segment of interactions that name none (imports, old log lines).
pub const DEFAULT_SEGMENT: &str = "default";

/// What a training run did, for the report.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TrainReport {
    /// What was read and skipped.
    pub input: Stats,
    /// Items in the catalogue (and the model).
    pub items: usize,
    /// Segment lists in the model (empty ones dropped, except `default`).
    pub segments: usize,
    /// Sessions of consenting visitors.
    pub sessions: u64,
    /// Pair rows written by all partitions (a pair counts once per partition holding it).
    pub partial_pair_rows: u64,
    /// Items with at least one neighbour.
    pub items_with_neighbours: usize,
    /// Neighbour entries over all rows.
    pub neighbour_entries: usize,
    /// Seconds spent counting partitions and reducing buckets.
    pub count_s: f64,
    /// Seconds spent in the reduce phase.
    pub reduce_s: f64,
}

/// The map phase: takes interactions one by one and spills them by visitor partition.
#[derive(Debug)]
pub struct Trainer {
    settings: TrainSettings,
    catalogue: Catalogue,
    derive_catalogue: bool,
    dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
    spills: Vec<(PathBuf, BufWriter<std::fs::File>)>,
    segments: Vec<String>,
    seq: u64,
    newest_ms: i64,
    stats: Stats,
}

impl Trainer {
    /// A trainer spilling into a fresh temporary directory (removed when dropped). Without
    /// a catalogue, one is derived from the interactions' item ids.
    pub fn new(settings: TrainSettings, catalogue: Option<Catalogue>) -> Result<Self, LearnError> {
        let temp = tempfile::tempdir().map_err(|e| LearnError::io(std::env::temp_dir(), e))?;
        let dir = temp.path().to_path_buf();
        Self::in_dir(settings, catalogue, &dir, Some(temp))
    }

    /// A trainer spilling into `dir` (which must exist).
    pub fn in_dir(
        settings: TrainSettings,
        catalogue: Option<Catalogue>,
        dir: &Path,
        temp: Option<tempfile::TempDir>,
    ) -> Result<Self, LearnError> {
        settings.validate()?;
        let mut spills = Vec::with_capacity(settings.partitions);
        for partition in 0..settings.partitions {
            let path = dir.join(format!("spill-{partition:04}.bin"));
            let file = std::fs::File::create(&path).map_err(|e| LearnError::io(&path, e))?;
            spills.push((path, BufWriter::with_capacity(1 << 16, file)));
        }
        Ok(Self {
            derive_catalogue: catalogue.is_none(),
            catalogue: catalogue.unwrap_or_default(),
            settings,
            dir: dir.to_path_buf(),
            _temp: temp,
            spills,
            segments: vec![DEFAULT_SEGMENT.to_owned()],
            seq: 0,
            newest_ms: i64::MIN,
            stats: Stats::default(),
        })
    }

    /// The catalogue so far (when derived, it grows with each new id).
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Counts an input's stats into the report.
    pub fn absorb_stats(&mut self, stats: Stats) {
        self.stats.absorb(stats);
    }

    /// Spills one interaction; `Ok(false)` when its item is not in the catalogue.
    pub fn add(&mut self, interaction: &Interaction) -> Result<bool, LearnError> {
        let item = if self.derive_catalogue {
            self.catalogue
                .push_id(&interaction.item, interaction.category.as_deref())
        } else {
            self.catalogue.index_of(&interaction.item)
        };
        let Some(item) = item else {
            self.stats.items_not_in_catalogue += 1;
            return Ok(false);
        };
        let segment = self.segment_index(interaction.segment.as_deref());
        let visitor = interaction.visitor.as_deref().map(visitor_hash);
        let record = Record {
            seq: self.seq,
            visitor: visitor.unwrap_or(0),
            ts_ms: interaction.ts_ms,
            item,
            segment,
            kind: interaction.kind as u8,
            consent: visitor.is_some(),
        };
        // Interactions without consent only feed popularity: spread them by sequence.
        let spread = visitor.unwrap_or(self.seq);
        let partition = (spread % self.spills.len() as u64) as usize;
        self.seq += 1;
        self.newest_ms = self.newest_ms.max(interaction.ts_ms);
        if let Some((path, writer)) = self.spills.get_mut(partition) {
            record
                .write(writer)
                .map_err(|e| LearnError::io(path.as_path(), e))?;
        }
        Ok(true)
    }

    fn segment_index(&mut self, name: Option<&str>) -> u16 {
        let name = name.unwrap_or(DEFAULT_SEGMENT);
        if let Some(i) = self.segments.iter().position(|s| s == name) {
            return i as u16;
        }
        if self.segments.len() >= usize::from(u16::MAX) {
            return 0;
        }
        self.segments.push(name.to_owned());
        (self.segments.len() - 1) as u16
    }

    /// Runs the count and reduce phases and returns the model specification.
    pub fn finish(mut self) -> Result<(ModelSpec, TrainReport), LearnError> {
        let mut paths = Vec::with_capacity(self.spills.len());
        for (path, mut writer) in std::mem::take(&mut self.spills) {
            writer.flush().map_err(|e| LearnError::io(&path, e))?;
            paths.push(path);
        }
        let settings = &self.settings;
        let weigher = Weigher {
            settings,
            now_ms: settings.now_ms.unwrap_or(self.newest_ms.max(0)),
        };
        let shape = (self.catalogue.len(), self.segments.len());
        let started = std::time::Instant::now();
        let dir = self.dir.as_path();
        let partials = paths
            .par_iter()
            .enumerate()
            .map(|(partition, path)| {
                let records = record::read_spill(path)?;
                let _ = std::fs::remove_file(path);
                count_partition(records, partition, dir, &weigher, shape)
            })
            .collect::<Result<Vec<Partial>, LearnError>>()?;
        let count_s = started.elapsed().as_secs_f64();
        let total = reduce::sum_partials(&partials, shape.0, shape.1);
        drop(partials);
        let damping = reduce::damping(&total.item_counts, settings);
        let buckets = (0..settings.reduce_buckets)
            .into_par_iter()
            .map(|b| reduce::reduce_bucket(dir, settings.partitions, b, &damping, settings))
            .collect::<Result<Vec<_>, LearnError>>()?;
        let reduce_s = started.elapsed().as_secs_f64() - count_s;
        let mut neighbours = vec![Vec::new(); self.catalogue.len()];
        for (item, row) in buckets.into_iter().flatten() {
            if let Some(slot) = neighbours.get_mut(item as usize) {
                *slot = row;
            }
        }
        let segments = self
            .segments
            .iter()
            .zip(&total.popularity)
            .map(|(name, popularity)| SegmentSpec {
                name: name.clone(),
                entries: reduce::segment_list(popularity, &self.catalogue, settings),
            })
            .filter(|s| !s.entries.is_empty() || s.name == DEFAULT_SEGMENT)
            .collect::<Vec<_>>();
        let report = TrainReport {
            input: self.stats.clone(),
            items: self.catalogue.len(),
            segments: segments.len(),
            sessions: total.sessions,
            partial_pair_rows: total.pair_rows,
            items_with_neighbours: neighbours.iter().filter(|r| !r.is_empty()).count(),
            neighbour_entries: neighbours.iter().map(Vec::len).sum(),
            count_s,
            reduce_s,
        };
        let spec = ModelSpec {
            version: settings.version.clone(),
            items: self.catalogue.items().to_vec(),
            segments,
            neighbours,
        };
        Ok((spec, report))
    }
}

/// Trains on interactions held in memory (evaluation, tests).
pub fn train_on(
    interactions: impl IntoIterator<Item = Interaction>,
    catalogue: Option<Catalogue>,
    settings: &TrainSettings,
) -> Result<(ModelSpec, TrainReport), LearnError> {
    let mut trainer = Trainer::new(settings.clone(), catalogue)?;
    for interaction in interactions {
        trainer.add(&interaction)?;
    }
    trainer.finish()
}
