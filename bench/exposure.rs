//! `iamz exposure --inventory FOLDER` on the synthetic organization of
//! `synthetic_organization.rs` (1,000 accounts, 10,000 role trust
//! policies, 5,000 resource policies; buckets are searched twice, for the
//! bucket and for its objects), whole process.
//!
//! Runs `iamz exposure --inventory FOLDER --format json` three times
//! (`IAMZ_BENCH_RUNS` to change it) and
//! reports the wall-clock time, the policies searched per second and per
//! second per core (target: ≥ 200 per core), the findings, and whether
//! every search was complete; writes `bench/results/exposure.json`.
//!
//! Run: `cargo bench --bench exposure` (folder: `$IAMZ_BENCH_INVENTORY` or
//! the system temporary folder's `iamz-bench-inventory`).

mod synthetic_organization;
mod whole_process;

use serde_json::json;
use std::path::PathBuf;

fn main() {
    let folder = std::env::var_os("IAMZ_BENCH_INVENTORY")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("iamz-bench-inventory"));
    synthetic_organization::generate(&folder);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let (runs, report) = whole_process::time_runs(
        &[
            "exposure".to_string(),
            "--inventory".to_string(),
            folder.display().to_string(),
            "--format".to_string(),
            "json".to_string(),
        ],
        3,
    );
    let resources = report["resources"].as_array().cloned().unwrap_or_default();
    let searched = resources.len();
    let exposed = resources
        .iter()
        .filter(|resource| {
            resource["findings"]
                .as_array()
                .is_some_and(|findings| !findings.is_empty())
        })
        .count();
    let incomplete = resources
        .iter()
        .filter(|resource| resource["complete"] != true)
        .count();
    let findings: usize = resources
        .iter()
        .map(|resource| resource["findings"].as_array().map_or(0, Vec::len))
        .sum();
    let best = runs.iter().copied().fold(f64::INFINITY, f64::min);
    let worst = runs.iter().copied().fold(0.0, f64::max);
    let per_second = searched as f64 / worst;
    let per_core = per_second / threads as f64;
    println!(
        "{searched} policies searched ({exposed} exposed, {incomplete} incomplete, {findings} findings, {} solver checks); worst {worst:.2} s: {per_second:.0} policies/s, {per_core:.0} per core on {threads} threads (target 200 per core)",
        report["solver_checks"]
    );
    let result = json!({
        "benchmark": "exposure",
        "command": "iamz exposure --inventory FOLDER --format json",
        "policies_searched": searched,
        "exposed": exposed,
        "incomplete": incomplete,
        "findings": findings,
        "solver_checks": report["solver_checks"],
        "runs_seconds": runs,
        "best_seconds": best,
        "worst_seconds": worst,
        "threads": threads,
        "policies_per_second_per_core": per_core,
        "target_per_core": 200,
    });
    let output = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/results/exposure.json");
    std::fs::write(
        output,
        serde_json::to_string_pretty(&result).unwrap() + "\n",
    )
    .expect("writes the result");
}
