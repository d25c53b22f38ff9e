//! `iamz inventory` on a large synthetic organization, whole process.
//!
//! Writes the synthetic organization of `synthetic_organization.rs`
//! (1,000 accounts, 10,000 roles, 5,000 resource policies).
//!
//! Then runs `/usr/bin/time -v iamz inventory FOLDER --format json` three
//! times and reports the wall-clock time and peak resident memory of each
//! (targets: ≤ 2 s and ≤ 1 GiB), and writes `bench/results/inventory-read.json`.
//!
//! Run: `cargo bench --bench inventory_read` (folder: `$IAMZ_BENCH_INVENTORY`
//! or the system temporary folder's `iamz-bench-inventory`), or
//! `cargo bench --bench inventory_read -- --generate-only FOLDER`.

mod synthetic_organization;

use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use synthetic_organization::{
    generate, ACCOUNTS, RESOURCES_PER_ACCOUNT, ROLES_PER_ACCOUNT, TOP_UNITS, UNITS_PER_TOP,
};

/// One `/usr/bin/time -v` run: seconds and peak resident kilobytes.
fn measure(binary: &Path, folder: &Path) -> (f64, u64) {
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(binary)
        .arg("inventory")
        .arg(folder)
        .arg("--format")
        .arg("json")
        .output()
        .expect("/usr/bin/time runs");
    assert!(
        output.status.success(),
        "iamz inventory failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8_lossy(&output.stderr);
    let mut seconds = 0.0;
    let mut kilobytes = 0;
    for line in report.lines() {
        let line = line.trim();
        if let Some(elapsed) = line.strip_prefix("Elapsed (wall clock) time (h:mm:ss or m:ss): ") {
            seconds = elapsed.split(':').fold(0.0, |total, part| {
                total * 60.0 + part.parse::<f64>().unwrap_or(0.0)
            });
        }
        if let Some(resident) = line.strip_prefix("Maximum resident set size (kbytes): ") {
            kilobytes = resident.parse().unwrap_or(0);
        }
    }
    (seconds, kilobytes)
}

fn folder_size(folder: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    let mut stack = vec![folder.to_path_buf()];
    while let Some(directory) = stack.pop() {
        for entry in std::fs::read_dir(&directory).expect("lists").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files += 1;
                bytes += entry.metadata().map(|metadata| metadata.len()).unwrap_or(0);
            }
        }
    }
    (files, bytes)
}

fn main() {
    let arguments: Vec<String> = std::env::args()
        .skip(1)
        .filter(|argument| argument != "--bench")
        .collect();
    if let Some(position) = arguments
        .iter()
        .position(|argument| argument == "--generate-only")
    {
        let folder = PathBuf::from(arguments.get(position + 1).expect("--generate-only FOLDER"));
        generate(&folder);
        println!("generated {}", folder.display());
        return;
    }
    let folder = std::env::var_os("IAMZ_BENCH_INVENTORY")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("iamz-bench-inventory"));
    generate(&folder);
    let (files, bytes) = folder_size(&folder);
    let binary = Path::new(env!("CARGO_BIN_EXE_iamz"));
    let command = format!(
        "/usr/bin/time -v {} inventory {} --format json",
        binary.display(),
        folder.display()
    );
    println!(
        "generated {} ({files} files, {:.1} MB)",
        folder.display(),
        bytes as f64 / 1e6
    );
    println!("command: {command}");
    let runs: Vec<(f64, u64)> = (0..3).map(|_| measure(binary, &folder)).collect();
    for (run, (seconds, kilobytes)) in runs.iter().enumerate() {
        println!(
            "run {}: {seconds:.2} s, peak RSS {:.0} MiB",
            run + 1,
            *kilobytes as f64 / 1024.0
        );
    }
    let worst_seconds = runs.iter().map(|run| run.0).fold(0.0, f64::max);
    let worst_kilobytes = runs.iter().map(|run| run.1).max().unwrap_or(0);
    println!(
        "worst: {worst_seconds:.2} s (target 2 s), {:.0} MiB (target 1024 MiB)",
        worst_kilobytes as f64 / 1024.0
    );
    let result = json!({
        "benchmark": "inventory-read",
        "accounts": ACCOUNTS,
        "organizational_units": TOP_UNITS * (1 + UNITS_PER_TOP),
        "roles": ACCOUNTS * ROLES_PER_ACCOUNT,
        "resource_policies": ACCOUNTS * RESOURCES_PER_ACCOUNT,
        "files": files,
        "bytes": bytes,
        "command": "/usr/bin/time -v iamz inventory FOLDER --format json",
        "runs": runs.iter().map(|(seconds, kilobytes)| json!({"seconds": seconds, "peak_rss_kib": kilobytes})).collect::<Vec<_>>(),
        "worst_seconds": worst_seconds,
        "worst_peak_rss_mib": worst_kilobytes as f64 / 1024.0,
        "targets": {"seconds": 2.0, "peak_rss_mib": 1024.0},
    });
    let output = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/bench/results/inventory-read.json"
    );
    if let Err(error) = std::fs::write(output, format!("{result:#}\n")) {
        eprintln!("could not write {output}: {error}");
    }
}
