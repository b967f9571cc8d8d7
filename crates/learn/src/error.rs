//! Errors of the offline side: files that cannot be read or written, input that cannot be
//! used (named by file and line), settings out of range, and models that cannot be written.

use std::path::PathBuf;

/// Why an offline run failed.
#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file (or directory) concerned.
        path: PathBuf,
        /// What the OS reported.
        #[source]
        source: std::io::Error,
    },
    /// Input that cannot be used.
    #[error("{place}: {detail}")]
    Input {
        /// Where: `file:line`.
        place: String,
        /// What is wrong with it.
        detail: String,
    },
    /// A setting out of range.
    #[error("setting {field}: {rule}")]
    Settings {
        /// The setting's name.
        field: &'static str,
        /// The range or rule it breaks.
        rule: String,
    },
    /// The model could not be written (`tailor-model` refused it).
    #[error(transparent)]
    Model(#[from] tailor_model::ModelError),
}

impl LearnError {
    /// Failed I/O on `path`.
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
