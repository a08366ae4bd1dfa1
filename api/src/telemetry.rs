//! Logging set-up. `RUST_LOG` filters (default `info`); `OPOP_LOG_FORMAT=json`
//! gives one JSON object a line for log collectors.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("OPOP_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = fmt().with_env_filter(filter).with_target(false);
    // `try_init`: a second initialisation (tests) is not an error worth failing on.
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.compact().try_init()
    };
}
