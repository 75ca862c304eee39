//! The `switchboard` command (see the crate documentation for its
//! subcommands and exit codes).

fn main() {
    std::process::exit(switchboard_cli::run(std::env::args_os()));
}
