//! The `zhaoshang` binary: parses the command line and hands over to the `api` crate.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Settings from `.env` in the working directory, if there is one (as
    // `.env.example` shows); variables already set win.
    let _ = dotenvy::dotenv();
    api::cli::run(api::cli::Cli::parse()).await
}
