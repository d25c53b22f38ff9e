//! The `iamz` binary: everything lives in the library; see `cli/`.

fn main() -> std::process::ExitCode {
    iamz::cli::main_entry()
}
