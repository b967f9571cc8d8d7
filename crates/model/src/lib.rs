//! Tailor's recommendation model on the edge: a versioned binary format read in place
//! ([`Model::open`], layout in FORMAT.md), its writer ([`encode`], [`ShardWriter`]) and
//! session inference ([`candidates`], [`score`]). No I/O, no threads: it compiles to `wasm32-wasip1` and
//! `wasm32-unknown-unknown`, and no input bytes can make it panic.
#![warn(missing_docs)]

mod candidate;
mod entries;
mod error;
mod history;
mod item;
pub mod layout;
mod score;
mod settings;
mod shard;
mod spec;
mod tally;
mod view;
mod write;

pub use candidate::{Candidate, Candidates, Reason};
pub use entries::Entries;
pub use error::ModelError;
pub use history::{HistoryItem, InteractionKind};
pub use item::{Item, ItemSummary};
pub use layout::BlobKind;
pub use score::{candidates, score, MAX_ROW_ENTRIES};
pub use settings::{ScoreSettings, SettingsError};
pub use shard::{shard_of, shards_to_read, suggested_shard_count, ShardWriter, SINGLE_BLOB_ITEMS};
pub use spec::{ItemSpec, ModelSpec, SegmentSpec};
pub use view::{Model, ModelView};
pub use write::encode;
