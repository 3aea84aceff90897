//! The `planthemes` binary: parse arguments, run, map the outcome to an exit status
//! (0 all done, 1 finished with per-document errors, 2 nothing could run).

use std::process::ExitCode;

// candle's CPU path allocates and frees a tensor per operation; with the system
// allocator a third of the run went to the kernel (shared/research/embedding-performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    planthemes::cli::main()
}
