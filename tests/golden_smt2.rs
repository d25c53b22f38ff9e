//! The golden SMT-LIB files in `encodings/golden/` are the exact solver
//! queries `iamz diff --emit-smt2` writes for the bundled examples. This
//! test regenerates each one and compares it byte for byte, so that any
//! change to the encoding shows up in review. Set `IAMZ_UPDATE_GOLDEN=1` to
//! rewrite them after an intended change.

use std::path::Path;
use std::process::Command;

/// (golden file, old, new, policy type)
const GOLDEN: &[(&str, &str, &str, &str)] = &[
    (
        "refactor-equivalent.smt2",
        "examples/refactor-equivalent/old.json",
        "examples/refactor-equivalent/new.json",
        "identity",
    ),
    (
        "refactor-widening.smt2",
        "examples/refactor-widening/old.json",
        "examples/refactor-widening/new.json",
        "identity",
    ),
];

#[test]
fn golden_smt2_files_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("IAMZ_UPDATE_GOLDEN").is_some();
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let mut stale = Vec::new();
    for (golden, old, new, policy_type) in GOLDEN {
        let emitted = scratch.path().join(golden);
        let status = Command::new(env!("CARGO_BIN_EXE_iamz"))
            .current_dir(root)
            .args([
                "diff",
                old,
                new,
                "--policy-type",
                policy_type,
                "--emit-smt2",
            ])
            .arg(&emitted)
            .output()
            .expect("iamz runs");
        assert!(
            matches!(status.status.code(), Some(0) | Some(1)),
            "iamz diff {old} {new} failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let text = std::fs::read_to_string(&emitted).expect("the query was written");
        assert!(
            text.contains("(check-sat)"),
            "{golden}: no check-sat in the emitted query"
        );
        let golden_path = root.join("encodings/golden").join(golden);
        if update {
            std::fs::write(&golden_path, &text).expect("golden file written");
            continue;
        }
        let expected = std::fs::read_to_string(&golden_path).unwrap_or_default();
        if expected != text {
            stale.push(golden.to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "golden SMT-LIB files differ from what iamz emits now: {stale:?}; review the encoding change, then run IAMZ_UPDATE_GOLDEN=1 cargo test --test golden_smt2"
    );
}
