//! The `schedlab` binary: parses the command line and maps errors to exit codes
//! (0 success, 1 when a sweep finished but some of its runs failed, 2 fatal
//! error, with the error chain printed to stderr).

use clap::Parser as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = experiments::cli::Cli::parse();
    let stdout = std::io::stdout();
    match experiments::cli::run(cli, &mut stdout.lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            if err.is::<experiments::grid::sweep::SomeRunsFailed>() {
                ExitCode::from(1)
            } else {
                ExitCode::from(2)
            }
        }
    }
}
