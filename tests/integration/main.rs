//! Integration tests: one binary (`autotests = false`), driving the library and the
//! real `planthemes` binary in temporary folders.

mod cli_classify;
mod cli_embed;
mod cli_run;
mod cli_shell;
mod corpus;
mod diff;
mod encoder_tiny;
mod export;
mod fuzz;
mod hostile;
mod ingest;
mod parity;
mod segment_props;
mod shard;
mod support;
