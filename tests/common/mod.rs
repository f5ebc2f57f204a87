//! Shared by the integration tests.

use std::path::PathBuf;

/// The real rendered charts: `../shared/corpus` beside the checkout (as on CI), or
/// AMEIDE_TILT_CORPUS.
pub fn corpus_dir() -> PathBuf {
    std::env::var_os("AMEIDE_TILT_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    )
}
