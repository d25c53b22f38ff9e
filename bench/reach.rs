//! `iamz exposure --inventory FOLDER --reach` on the synthetic organization
//! of `synthetic_organization.rs` (1,000 accounts, 10,000 roles, 5,000
//! resource policies), whole process: the exposure of every resource and
//! role trust policy, then the chains of role assumptions from outside.
//!
//! Runs the command once (`IAMZ_BENCH_RUNS` to change it) and reports the
//! wall-clock time (target: ≤ 60 s), the roles reached from outside, the
//! candidate steps that passed the filter, the chains, and whether the answer is complete;
//! writes `bench/results/reach.json`.
//!
//! Run: `cargo bench --bench reach` (folder: `$IAMZ_BENCH_INVENTORY` or the
//! system temporary folder's `iamz-bench-inventory`).

mod synthetic_organization;
mod whole_process;

use serde_json::json;
use std::path::PathBuf;

fn main() {
    let folder = std::env::var_os("IAMZ_BENCH_INVENTORY")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("iamz-bench-inventory"));
    synthetic_organization::generate(&folder);
    let (runs, report) = whole_process::time_runs(
        &[
            "exposure".to_string(),
            "--inventory".to_string(),
            folder.display().to_string(),
            "--reach".to_string(),
            "--format".to_string(),
            "json".to_string(),
        ],
        1,
    );
    let reach = &report["reach"];
    let worst = runs.iter().copied().fold(0.0, f64::max);
    println!(
        "worst {worst:.1} s (target 60 s): {} roles reached from outside, {} candidate steps ({} solver checks), {} chains, complete: {} ({} undecided)",
        reach["roles_reached"],
        reach["candidates_checked"],
        reach["solver_checks"],
        reach["paths"].as_array().map_or(0, Vec::len),
        reach["complete"],
        reach["undecided_count"],
    );
    let result = json!({
        "benchmark": "reach",
        "command": "iamz exposure --inventory FOLDER --reach --format json",
        "runs_seconds": runs,
        "worst_seconds": worst,
        "target_seconds": 60,
        "roles_reached": reach["roles_reached"],
        "candidates_checked": reach["candidates_checked"],
        "solver_checks": reach["solver_checks"],
        "chains": reach["paths"].as_array().map_or(0, Vec::len),
        "complete": reach["complete"],
        "undecided": reach["undecided_count"],
    });
    let output = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/results/reach.json");
    std::fs::write(
        output,
        serde_json::to_string_pretty(&result).unwrap() + "\n",
    )
    .expect("writes the result");
}
