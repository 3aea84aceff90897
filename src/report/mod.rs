//! The `report` stage: coverage → files. Every file is written atomically.

pub mod atomic;

pub use atomic::write_atomic;
