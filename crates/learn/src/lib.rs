//! Tailor's offline learning loop: read training data (the edge's event log or imported
//! history), train the neighbour model by streaming map/reduce, evaluate rankers, and
//! generate synthetic data; and report on experiments (arms, exposures, goals) from the same log. The model it writes is read at the edge by `tailor-model`.
#![warn(missing_docs)]

mod error;
pub mod eval;
pub mod experiment;
pub mod input;
pub mod synth;
pub mod train;

pub use error::LearnError;
