//! The `iamz` binary: everything lives in the library; see `cli/`.

/// mimalloc rather than the system allocator: deciding a stream of
/// requests, and building solver queries, allocate many small short-lived
/// values, where glibc's allocator took about a third of the time.
///
/// With its `override` feature mimalloc is also `malloc` for libz3: making
/// a z3 context allocates two 8.5 MB tables, which from glibc cost some
/// 4,300 page faults — half of a short `iamz diff` (21 ms; 13 ms with
/// mimalloc, 500 page faults, measured with `perf stat -r 40`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    iamz::cli::main_entry()
}
