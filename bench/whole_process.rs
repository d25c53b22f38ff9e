//! Timing `iamz` as a user runs it: the whole process, a number of times,
//! for the benchmarks whose targets are whole-process figures.

use serde_json::Value;
use std::process::Command;
use std::time::Instant;

/// Runs `iamz ARGUMENTS…` `runs` times (`IAMZ_BENCH_RUNS` when set),
/// printing each run's wall-clock time; returns the times and the last
/// run's JSON output.
pub fn time_runs(arguments: &[String], runs: usize) -> (Vec<f64>, Value) {
    let binary = env!("CARGO_BIN_EXE_iamz");
    println!("command: {binary} {}", arguments.join(" "));
    let runs = std::env::var("IAMZ_BENCH_RUNS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(runs);
    let mut seconds_per_run = Vec::new();
    let mut report = Value::Null;
    for run in 0..runs {
        let started = Instant::now();
        let output = Command::new(binary)
            .args(arguments)
            .output()
            .expect("runs iamz");
        let seconds = started.elapsed().as_secs_f64();
        report = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stderr)));
        println!(
            "run {}: {seconds:.2} s (exit {:?})",
            run + 1,
            output.status.code()
        );
        seconds_per_run.push(seconds);
    }
    (seconds_per_run, report)
}
