//! Error types of the readers, the writers and the generators.

use sim::{DagError, PlatformError};
use std::path::PathBuf;
use thiserror::Error;

/// Why the text of one file could not be turned into a workload. It does not
/// know the file's path; [`LoadError::Parse`] adds it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// A syntax or content problem on a known line (1-based).
    #[error("line {line}: {message}")]
    Line {
        /// Line number, counting from 1.
        line: usize,
        /// What is wrong there.
        message: String,
    },
    /// A problem with a named task, edge or field, e.g. `task "t3"` or `tasks[4].work`.
    #[error("{context}: {message}")]
    Field {
        /// Which task, edge or field.
        context: String,
        /// What is wrong with it.
        message: String,
    },
    /// The file holds no data at all.
    #[error("the file is empty")]
    Empty,
    /// The tasks and edges read do not form a valid DAG (names the task or edge).
    #[error("{0}")]
    Dag(DagError),
    /// The platform described by the file is invalid (names the field).
    #[error("platform: {0}")]
    Platform(PlatformError),
}

impl ParseError {
    /// A [`ParseError::Line`] with a message.
    pub(crate) fn line(line: usize, message: impl Into<String>) -> ParseError {
        ParseError::Line {
            line,
            message: message.into(),
        }
    }

    /// A [`ParseError::Field`] with a context and a message.
    pub(crate) fn field(context: impl Into<String>, message: impl Into<String>) -> ParseError {
        ParseError::Field {
            context: context.into(),
            message: message.into(),
        }
    }
}

impl From<DagError> for ParseError {
    fn from(error: DagError) -> ParseError {
        ParseError::Dag(error)
    }
}

impl From<PlatformError> for ParseError {
    fn from(error: PlatformError) -> ParseError {
        ParseError::Platform(error)
    }
}

/// Why [`load`](crate::load) failed. The message always starts with the path.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file or directory could not be read.
    #[error("{path}: {error}")]
    Io {
        /// The path given.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// The format could not be told from the path (and, for `.json`, the content).
    #[error("{path}: unknown workload format ({expected})")]
    UnknownFormat {
        /// The path given.
        path: PathBuf,
        /// What the loader accepts.
        expected: &'static str,
    },
    /// The file was read but its content is invalid.
    #[error("{path}: {error}")]
    Parse {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong, with line, task or field.
        error: ParseError,
    },
}

/// Why [`save`](crate::save) failed. The message always starts with the path.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SaveError {
    /// The file could not be written.
    #[error("{path}: {error}")]
    Io {
        /// The path given.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// The extension names no format that can be written.
    #[error("{path}: cannot tell the output format from the extension ({expected})")]
    UnknownFormat {
        /// The path given.
        path: PathBuf,
        /// What the writer accepts.
        expected: &'static str,
    },
    /// The workload cannot be expressed in the chosen format.
    #[error("{path}: {message}")]
    Unsupported {
        /// The path given.
        path: PathBuf,
        /// What cannot be written.
        message: String,
    },
}
