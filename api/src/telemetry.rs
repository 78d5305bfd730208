//! Logging set-up: `tracing` with text or JSON output, filtered by `ZHAOSHANG_LOG`.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::{Config, LogFormat};

/// Installs the global subscriber once; later calls (tests) are no-ops.
pub fn init(config: &Config) {
    let mut filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    if !config.log_filter.contains("usvg") {
        // The briefing's PNG falls back from the Latin to the CJK font on
        // every Chinese character, and usvg warns each time.
        filter = filter.add_directive("usvg=error".parse().expect("a valid directive"));
    }
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match config.log_format {
        LogFormat::Json => registry.with(fmt::layer().json().with_writer(std::io::stderr)).try_init(),
        // Colours only on a terminal: a file or a pipe gets plain text.
        LogFormat::Text => registry
            .with(
                fmt::layer()
                    .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
}
