use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = kitemark::cli::Cli::parse();
    match kitemark::commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            // Errors can quote repository content (paths, ids); never let it drive the terminal.
            let text = format!("{error:#}");
            eprintln!("kitemark: {}", kitemark::model::text::sanitize(&text));
            kitemark::commands::exit_environment()
        }
    }
}
