//! Errors of the offline side: files that cannot be read or written, input that cannot be
//! used (named by file and line), settings out of range, and models that cannot be written.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{place}: {detail}")]
    Input { place: String, detail: String },
    #[error("setting {field}: {rule}")]
    Settings { field: &'static str, rule: String },
    #[error(transparent)]
    Model(#[from] tailor_model::ModelError),
}

impl LearnError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// Bad input at `file:line`.
    pub fn input(file: &str, line: u64, detail: impl Into<String>) -> Self {
        Self::Input {
            place: format!("{file}:{line}"),
            detail: detail.into(),
        }
    }
}
