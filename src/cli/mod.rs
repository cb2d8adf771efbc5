//! The `triage` command: argument parsing and one function per subcommand.

pub mod apply;
pub mod args;
pub mod columns_out;
pub mod config_cmd;
pub mod demo;
pub mod entries_table;
pub mod exit;
pub mod list;
pub mod logging;
pub mod macros_cmd;
pub mod output;
pub mod replies_cmd;
pub mod serve;
pub mod session;
pub mod shell;
pub mod views_cmd;

use args::{Cli, Command};

pub async fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let global = cli.resolved()?;
    match &cli.command {
        None => {
            logging::init_file_logging();
            session::run_tui(&global, &cli.start).await
        }
        Some(Command::Demo(args)) => {
            logging::init_file_logging();
            demo::run(&global, args).await
        }
        Some(Command::Serve(args)) => serve::run(args).await,
        Some(Command::List(args)) => {
            logging::init_file_logging();
            list::run(&global, args).await
        }
        Some(Command::Config(cmd)) => config_cmd::run(&global, cmd).await,
        Some(Command::Views(args)) => {
            logging::init_file_logging();
            views_cmd::run(&global, args).await
        }
        Some(Command::Macros(args)) => {
            logging::init_file_logging();
            macros_cmd::run(&global, args).await
        }
        Some(Command::Replies(args)) => {
            logging::init_file_logging();
            replies_cmd::run(&global, args).await
        }
        Some(Command::Apply(args)) => {
            logging::init_file_logging();
            apply::run(&global, args).await
        }
        Some(Command::Completions { shell }) => {
            Ok(shell::completions(*shell, &mut std::io::stdout().lock())?)
        }
        Some(Command::Man) => Ok(shell::man(&mut std::io::stdout().lock())?),
    }
}
