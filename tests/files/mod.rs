//! Listing the JSON files of a folder, sorted: shared by the tests that
//! walk the corpora and the claims.

use std::path::{Path, PathBuf};

/// The `*.json` files directly in `directory`, sorted by path.
pub fn json_files_in(directory: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(directory)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    files.sort();
    files
}
