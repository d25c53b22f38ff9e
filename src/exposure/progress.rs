//! Progress of long scans on standard error: a line now and then (at most
//! one every two seconds), only when standard error is a terminal or
//! `IAMZ_PROGRESS` is set, so that pipelines and tests stay quiet.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A progress reporter shared by a scan's threads.
pub struct Progress {
    enabled: bool,
    started: Instant,
    last: Mutex<Option<Instant>>,
    done: AtomicUsize,
}

const EVERY: Duration = Duration::from_secs(2);

impl Progress {
    /// On when standard error is a terminal or `IAMZ_PROGRESS` is set.
    pub fn to_standard_error() -> Progress {
        Progress::new(
            std::io::stderr().is_terminal() || std::env::var_os("IAMZ_PROGRESS").is_some(),
        )
    }

    /// Never says anything.
    pub fn silent() -> Progress {
        Progress::new(false)
    }

    fn new(enabled: bool) -> Progress {
        Progress {
            enabled,
            started: Instant::now(),
            last: Mutex::new(None),
            done: AtomicUsize::new(0),
        }
    }

    /// One more of `total` items done: says so when it is time.
    pub fn step(&self, what: &str, total: usize) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.enabled && (self.due() || done == total) {
            self.write(&format!("{what}: {done}/{total}"));
        }
    }

    /// Says `message` when it is time.
    pub fn say(&self, message: &str) {
        if self.enabled && self.due() {
            self.write(message);
        }
    }

    fn due(&self) -> bool {
        let Ok(mut last) = self.last.lock() else {
            return false;
        };
        let now = Instant::now();
        if last.is_some_and(|last| now.duration_since(last) < EVERY) {
            return false;
        }
        *last = Some(now);
        true
    }

    fn write(&self, message: &str) {
        let _ = writeln!(
            std::io::stderr(),
            "[{:>6.1} s] {message}",
            self.started.elapsed().as_secs_f64()
        );
    }
}
