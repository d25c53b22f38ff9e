//! The `iamz` binary: everything lives in the library; see `cli/`.

/// mimalloc rather than the system allocator: deciding a stream of
/// requests, and building solver queries, allocate many small short-lived
/// values, where glibc's allocator took about a third of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    iamz::cli::main_entry()
}
