//! The `zhaoshang` binary: parses the command line and hands over to the `api` crate.

use clap::Parser;

/// mimalloc instead of glibc's malloc: a GraphQL response is built from many
/// small short-lived allocations made on every worker thread, which glibc
/// served through contended arena locks (see `docs/benchmarks.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Settings from `.env` in the working directory, if there is one (as
    // `.env.example` shows); variables already set win.
    let _ = dotenvy::dotenv();
    api::cli::run(api::cli::Cli::parse()).await
}
