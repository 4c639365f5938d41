//! Command-line definitions (clap) and dispatch.

use crate::simulate::{self, SimulateArgs};
use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// schedlab: schedule task DAGs on heterogeneous platforms, simulate, compare.
#[derive(Debug, Parser)]
#[command(name = "schedlab", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one DAG on one platform with one scheduler and print the metrics.
    Simulate(SimulateCmd),
    /// List every scheduler with a one-line description and its parameters.
    Schedulers,
}

/// Arguments of `schedlab simulate`.
#[derive(Debug, Args)]
pub struct SimulateCmd {
    /// DAG file or folder (our JSON, WfCommons JSON, STG, DOT, DAX, reference CSV folder).
    #[arg(long, conflicts_with = "generate", required_unless_present = "generate")]
    pub dag: Option<PathBuf>,
    /// Generate a DAG instead: KIND:key=value,... (e.g. layered:tasks=1000,ccr=1).
    #[arg(long)]
    pub generate: Option<String>,
    /// Platform TOML file or PRESET[:NODES] (homogeneous, heterogeneous, edge-cloud);
    /// not needed when the DAG brings its own processors.
    #[arg(long)]
    pub platform: Option<String>,
    /// Scheduler: NAME or NAME:key=value,... (see `schedlab schedulers`).
    #[arg(long, default_value = "heft")]
    pub scheduler: String,
    /// Log-normal runtime noise sigma (0 = actual runtimes equal the estimates).
    #[arg(long, default_value_t = 0.0)]
    pub noise: f64,
    /// Seed for generation, noise, failures and randomised schedulers.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Node failures: mean time between failures of each node, in seconds
    /// (exponential up times); off unless given.
    #[arg(long, value_name = "SECONDS")]
    pub mtbf: Option<f64>,
    /// Seconds a failed node stays down (with --mtbf).
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, requires = "mtbf")]
    pub repair: f64,
    /// Write a Chrome trace-event JSON file (open in Perfetto or chrome://tracing).
    #[arg(long, value_name = "OUT.json")]
    pub trace: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs a parsed command line, writing its output to `out`.
///
/// # Errors
/// Whatever the command reports; `main` prints the chain and exits with 2.
pub fn run(cli: Cli, out: &mut dyn std::io::Write) -> Result<()> {
    match cli.command {
        Command::Simulate(cmd) => {
            let args = SimulateArgs {
                dag: cmd.dag,
                generate: cmd.generate,
                platform: cmd.platform,
                scheduler: cmd.scheduler,
                noise: cmd.noise,
                seed: cmd.seed,
                failures: cmd.mtbf.map(|mtbf| sim::Failures::Exponential {
                    mtbf,
                    repair: cmd.repair,
                }),
                trace: cmd.trace,
            };
            let (summary, _) = simulate::run(&args)?;
            if cmd.json {
                writeln!(out, "{}", serde_json::to_string(&summary)?)?;
            } else {
                write!(out, "{}", simulate::table(&summary))?;
            }
        }
        Command::Schedulers => {
            for info in schedulers::registry::all() {
                let nature = match info.nature {
                    schedulers::registry::Nature::Static => "static",
                    schedulers::registry::Nature::Online => "online",
                };
                writeln!(out, "{:<14} {:<7} {}", info.name, nature, info.description)?;
                for p in info.params {
                    writeln!(out, "{:<14} {:<7}   {}: {}", "", "", p.name, p.description)?;
                }
            }
        }
    }
    Ok(())
}
