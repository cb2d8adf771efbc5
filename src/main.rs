mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    install_panic_message();
    cli::shell::complete_if_asked();
    let cli = cli::args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("triage: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(cli::dispatch(cli));
    // Don't wait for stray request tasks (e.g. a prefetch) on the way out.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `triage list | head`: the reader has what it wanted; stopping is
        // not a failure to report (as `ls | head` does not).
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("triage: {}", one_line(&err));
            cli::exit::exit_code(&err)
        }
    }
}

/// Whether writing to stdout failed because its reader went away. Looked
/// for along the whole chain: csv and serde_json wrap the io error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A bug should still end in one readable line (and the log), not a Rust
/// backtrace dump; `RUST_BACKTRACE` brings the full report back for debugging.
fn install_panic_message() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let line = triage::text::sanitize(&what).into_owned();
        tracing::error!("panic{place}: {line}");
        eprintln!("triage: internal error{place}: {line} (please report it)");
    }));
}

/// The error and its causes on one sanitized line: "reading config: ...: ...".
fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = triage::text::sanitize(&cause.to_string())
            .trim()
            .to_string();
        // Wrapped errors often repeat their source's text; say it once.
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    let mut line = parts.join(": ");
    // "What to do" belongs on the same line: scripts keep only the last line.
    if let Some(hint) = err
        .chain()
        .find_map(|c| c.downcast_ref::<triage::api::ApiError>())
        .and_then(|e| e.hint())
    {
        line.push_str(" (");
        line.push_str(hint);
        line.push(')');
    }
    line
}
