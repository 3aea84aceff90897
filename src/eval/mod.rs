//! Evaluation: labelled passages, per-label metrics with bootstrap intervals, and
//! agreement between coders.

pub mod dataset;
pub mod metrics;

pub use dataset::{gold_matrix, read_examples, read_examples_of, DatasetError, Example};
pub use metrics::{bootstrap, cohen_kappa, macro_f1, micro_f1, Bootstrap, Counts, Judgements};
