//! The `civic-digest` binary: parse the command line, load the config, call
//! into the library.
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Every log line, teloxide's own included, has the bot token redacted.
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn"))
        .format(|buf, record| {
            use std::io::Write;
            let message = civic_digest::redact_tokens(&record.args().to_string());
            writeln!(
                buf,
                "[{} {:<5} {}] {message}",
                buf.timestamp(),
                record.level(),
                record.target()
            )
        })
        .init();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        // `civic-digest extract … | head`: the reader has what it wanted.
        Err(e) if cli::output_closed(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let message = civic_digest::redact_tokens(&format!("{e:#}"));
            eprintln!("civic-digest: {message}");
            ExitCode::FAILURE
        }
    }
}
