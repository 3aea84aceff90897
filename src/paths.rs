//! Project files (`corpus/…`, `models/…`): found under the working directory first,
//! then under this source checkout, so the binary works from anywhere in a checkout
//! and from elsewhere on the machine that built it.

use std::path::{Path, PathBuf};

/// `rel` under the working directory if it exists there, else under the checkout if it
/// exists there, else `rel` itself (so an error names the path the user expects).
pub fn project_file(rel: &str) -> PathBuf {
    let here = PathBuf::from(rel);
    if here.exists() {
        return here;
    }
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    if checkout.exists() {
        return checkout;
    }
    here
}
