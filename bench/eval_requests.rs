//! `iamz eval SCENARIO --requests FILE.jsonl --format json` as a user runs
//! it: the whole process on 100,000 requests against one scenario.
//!
//! The scenario is `examples/cross-account-bucket` (an assumed-role
//! session, an identity policy, a bucket policy in another account, an
//! organization with SCPs and RCPs). The requests, drawn with a fixed seed,
//! vary the action (reads, writes, deletes, listing), the object, the
//! principal's session, the Region, the source address, transport and
//! time, so the decisions mix Allow, ExplicitDeny and ImplicitDeny; each
//! line spells out its principal, action, resource and context as a
//! CloudTrail-derived request would (about 300 bytes a line).
//!
//! Prints each run's wall-clock time and decisions per second (target:
//! ≥ 500,000 per second), the decisions per kind, and the peak memory of
//! one more run (from `/usr/bin/time`, where present); writes
//! `bench/results/eval-requests.json`.
//!
//! Run: `cargo bench --bench eval_requests` (`IAMZ_BENCH_REQUESTS=N` for
//! another count, `IAMZ_BENCH_RUNS=N` for another number of runs,
//! `IAMZ_BENCH_KEEP=1` to keep the files for profiling).

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const TARGET_PER_SECOND: f64 = 500_000.0;

/// A small deterministic generator (xorshift), so every run reads the
/// same file.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
        choices[(self.next() % choices.len() as u64) as usize]
    }
}

fn request_line(index: usize, draw: &mut Draw) -> String {
    let action = draw.pick(&[
        "s3:GetObject",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:GetObjectTagging",
        "s3:ListBucket",
    ]);
    let object = format!(
        "{}/q{}-{index}.csv",
        draw.pick(&["2025", "2026"]),
        draw.next() % 4 + 1
    );
    let resource = if action == "s3:ListBucket" {
        "arn:aws:s3:::reports-prod".to_string()
    } else {
        format!(
            "arn:aws:s3:::{}/{object}",
            draw.pick(&["reports-prod", "reports-prod", "reports-dev"])
        )
    };
    let session = draw.pick(&["alice", "bob", "carol", "dave"]);
    let region = draw.pick(&["eu-west-1", "eu-west-1", "us-east-1", "ap-southeast-2"]);
    let address = format!("203.0.113.{}", draw.next() % 250 + 1);
    let secure = draw.pick(&["true", "true", "true", "false"]);
    let day = draw.next() % 28 + 1;
    let line = json!({
        "id": format!("request-{index}"),
        "principal": format!("arn:aws:sts::111111111111:assumed-role/Analyst/{session}"),
        "action": action,
        "resource": resource,
        "resource_account": "222222222222",
        "context": {
            "aws:RequestedRegion": region,
            "aws:SourceIp": address,
            "aws:SecureTransport": secure,
            "aws:CurrentTime": format!("2026-11-{day:02}T12:00:00Z"),
        }
    });
    line.to_string()
}

/// Peak resident memory of one more run, in KiB, as `/usr/bin/time`
/// reports it (`None` where that tool is missing).
fn peak_kib(binary: &str, arguments: &[String], output: &Path) -> Option<u64> {
    let measured = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("peak-kib %M")
        .arg(binary)
        .args(arguments)
        .stdout(Stdio::from(std::fs::File::create(output).ok()?))
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    String::from_utf8_lossy(&measured.stderr)
        .lines()
        .find_map(|line| line.strip_prefix("peak-kib ")?.trim().parse().ok())
}

fn main() {
    let count: usize = std::env::var("IAMZ_BENCH_REQUESTS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = std::env::var("IAMZ_BENCH_RUNS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(3);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = root.join("examples/cross-account-bucket/scenario.json");
    let directory = tempfile::tempdir().expect("a temporary directory");
    let requests = directory.path().join("requests.jsonl");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&requests).unwrap());
        let mut draw = Draw(0x9e37_79b9_7f4a_7c15);
        for index in 0..count {
            writeln!(file, "{}", request_line(index, &mut draw)).unwrap();
        }
    }
    let bytes = std::fs::metadata(&requests).unwrap().len();
    let output = directory.path().join("decisions.jsonl");
    let binary = env!("CARGO_BIN_EXE_iamz");
    let arguments = [
        "eval".to_string(),
        scenario.display().to_string(),
        "--requests".to_string(),
        requests.display().to_string(),
        "--format".to_string(),
        "json".to_string(),
    ];
    println!(
        "command: {binary} {} > decisions.jsonl ({count} requests, {:.1} MB)",
        arguments.join(" "),
        bytes as f64 / 1e6
    );
    let mut seconds = Vec::new();
    let mut exit = None;
    for run in 0..runs {
        let started = Instant::now();
        let status = Command::new(binary)
            .args(&arguments)
            .stdout(Stdio::from(std::fs::File::create(&output).unwrap()))
            .stderr(Stdio::inherit())
            .status()
            .expect("runs iamz");
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "run {}: {elapsed:.3} s, {:.0} decisions/s (exit {:?})",
            run + 1,
            count as f64 / elapsed,
            status.code()
        );
        exit = status.code();
        seconds.push(elapsed);
    }
    let peak = peak_kib(binary, &arguments, &output);
    // The decisions of the last run, by kind; every line must be decided.
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut lines = 0;
    for line in std::io::BufReader::new(std::fs::File::open(&output).unwrap()).lines() {
        let line = line.unwrap();
        lines += 1;
        let value: Value =
            serde_json::from_str(&line).unwrap_or_else(|error| panic!("{error}: {line}"));
        let kind = value["decision"].as_str().unwrap_or("error").to_string();
        *kinds.entry(kind).or_default() += 1;
    }
    assert_eq!(lines, count, "one decision per request");
    seconds.sort_by(f64::total_cmp);
    let best = seconds[0];
    let median = seconds[seconds.len() / 2];
    println!(
        "eval --requests: {count} requests, median {median:.3} s ({:.0}/s), best {best:.3} s ({:.0}/s); target >= {TARGET_PER_SECOND:.0}/s",
        count as f64 / median,
        count as f64 / best
    );
    for (kind, number) in &kinds {
        println!("  {kind}: {number}");
    }
    if let Some(peak) = peak {
        println!("  peak memory: {:.1} MiB", peak as f64 / 1024.0);
    }
    let results = json!({
        "benchmark": "eval-requests",
        "requests": count,
        "input_bytes": bytes,
        "runs_seconds": seconds,
        "median_seconds": median,
        "decisions_per_second_median": (count as f64 / median).round(),
        "decisions": kinds,
        "exit": exit,
        "peak_kib": peak,
        "target_per_second": TARGET_PER_SECOND,
    });
    if std::env::var_os("IAMZ_BENCH_KEEP").is_some() {
        println!("kept: {}", directory.keep().display());
    }
    let path = root.join("bench/results/eval-requests.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&results).unwrap() + "\n",
    )
    .unwrap();
}
