//! `planthemes` reads a round of English integrated care system (ICS) plans, finds the
//! themes in every passage with a local transformer, and reports theme coverage per
//! ICS with the evidence, page by page.
//!
//! The pipeline, one module per arrow (see `ARCHITECTURE.md`):
//!
//! ```text
//! files ─ingest→ Document ─segment→ Passage ─embed→ Embedding ─classify→ Labels ─aggregate→ Coverage ─report→ CSV/JSON/HTML
//! ```

pub mod aggregate;
pub mod classify;
pub mod cli;
pub mod diff;
pub mod embed;
pub mod error;
pub mod eval;
pub mod facets;
pub mod honest;
pub mod ingest;
pub mod jsonl;
pub mod kpis;
pub mod merge;
pub mod paths;
pub mod pipeline;
pub mod report;
pub mod review;
pub mod round;
pub mod segment;
pub mod taxonomy;

pub use embed::{BertEncoder, Encoder, EncoderOptions, Truncation};
pub use error::{Error, Result};
