//! The `civic-digest` binary: parse the command line, load the config, call
//! into the library.
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        // `civic-digest extract … | head`: the reader has what it wanted.
        Err(e) if cli::output_closed(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("civic-digest: {e:#}");
            ExitCode::FAILURE
        }
    }
}
