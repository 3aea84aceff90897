//! The crate's error: one variant per pipeline stage, each keeping its cause.

use crate::embed::EmbedError;

/// Any error from the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Embed(#[from] EmbedError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
