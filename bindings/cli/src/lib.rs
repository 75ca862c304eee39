//! # switchboard-cli
//!
//! The `switchboard` command for operators:
//!
//! ```text
//! switchboard channels [--json]                      the platforms and the settings each takes
//! switchboard send --channel NAME --to TO --text T   one message; prints the receipt
//! switchboard validate --channel NAME FILE...        every violation, without sending
//! switchboard emulator [--port N] [...]              every platform's emulator on 127.0.0.1
//! switchboard webhook listen --platform P [...]      verified, parsed events as they arrive
//! switchboard completions bash|zsh|fish|…            shell completions
//! ```
//!
//! Exit codes: 0 done; 1 refused (the message breaks a rule, the channel
//! cannot express it, or the platform refused it for good); 2 usage or
//! configuration error; 3 temporary failure (try again later); 4 ambiguous
//! (the platform may have accepted the message: check before sending again).
//!
//! Secrets come from the configuration file (`env:VAR` references) or, on
//! the command line, as `env:VAR` or `file:PATH` — never a literal, which
//! would stay in the shell history — and are never printed.

mod bulk;
mod commands;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use switchboard::{Error, ErrorKind};

// The linking caveat: reference the channel crates so their plugins register.
use switchboard_messenger as _;
use switchboard_telegram as _;
use switchboard_whatsapp as _;

/// Done.
pub const EXIT_OK: i32 = 0;
/// The message was refused: it breaks a rule, the channel cannot express
/// it, or the platform refused it for good.
pub const EXIT_REFUSED: i32 = 1;
/// A usage or configuration error.
pub const EXIT_USAGE: i32 = 2;
/// A temporary failure: rate limited, platform or network down.
pub const EXIT_TEMPORARY: i32 = 3;
/// Ambiguous: the platform may have accepted the message.
pub const EXIT_AMBIGUOUS: i32 = 4;

/// Send messages over WhatsApp, Messenger and Telegram; run the emulator;
/// listen for webhooks.
#[derive(Debug, Parser)]
#[command(name = "switchboard", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 done, 1 refused, 2 usage or configuration, \
3 temporary failure, 4 ambiguous (may have been sent)."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The registered channel platforms and the settings each takes.
    Channels {
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Sends one message over a configured channel and prints the receipt.
    Send(SendArgs),
    /// Checks message files against a channel's rules without sending;
    /// prints every violation and exits 1 when there is any.
    Validate(ValidateArgs),
    /// Serves every platform's emulator on 127.0.0.1 until Ctrl-C.
    Emulator(EmulatorArgs),
    /// Webhooks.
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
    /// Prints a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Which configuration and channel.
#[derive(Debug, Args)]
struct ChannelArgs {
    /// The configuration file (TOML, secrets as `env:VAR`).
    #[arg(
        long,
        short,
        default_value = "switchboard.toml",
        env = "SWITCHBOARD_CONFIG"
    )]
    config: PathBuf,
    /// The channel's name in the configuration.
    #[arg(long)]
    channel: String,
}

#[derive(Debug, Args)]
struct SendArgs {
    #[command(flatten)]
    target: ChannelArgs,
    /// The recipient: `KIND:ID` (phone_number, user_id, user_ref, group…) or
    /// an id of the channel's first recipient kind.
    #[arg(long)]
    to: Option<String>,
    /// The text to send.
    #[arg(long, conflicts_with = "message")]
    text: Option<String>,
    /// A message file (JSON, or TOML by its extension) in Switchboard's
    /// message form; `--to` replaces its recipient.
    #[arg(long)]
    message: Option<PathBuf>,
    /// A key that is never sent twice (through the delivery stack).
    #[arg(long)]
    idempotency_key: Option<String>,
    /// Print the receipt as JSON (with --recipients: one JSON line per send).
    #[arg(long)]
    json: bool,
    /// Bulk: a CSV file of recipients, one per line (`to[,text]`; a header
    /// line `to,text` is skipped), each sent the --text (or its own text)
    /// through the channel's delivery stack, with progress on stderr.
    #[arg(long, conflicts_with_all = ["to", "message"])]
    recipients: Option<PathBuf>,
    /// Bulk: sends in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Serve Prometheus metrics on this address while running
    /// (e.g. 127.0.0.1:9464).
    #[arg(long)]
    metrics_addr: Option<std::net::SocketAddr>,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    #[command(flatten)]
    target: ChannelArgs,
    /// The recipient, for files that name none.
    #[arg(long)]
    to: Option<String>,
    /// Message files (JSON, or TOML by extension).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print the result as JSON lines.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct EmulatorArgs {
    /// The port (a free one by default).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Refuse free-form messages outside each platform's window.
    #[arg(long)]
    enforce_window: bool,
    /// Delay every answer by this many milliseconds.
    #[arg(long)]
    latency_ms: Option<u64>,
    /// `PLATFORM=N`: at most N requests a second, then the platform's
    /// rate-limit error.
    #[arg(long, value_name = "PLATFORM=N")]
    rate_limit: Vec<String>,
    /// `PLATFORM=MAX/SECONDS`: at most MAX messages to one recipient per
    /// SECONDS (WhatsApp's pair limit).
    #[arg(long, value_name = "PLATFORM=MAX/SECONDS")]
    pair_limit: Vec<String>,
    /// `PLATFORM=CODE`: the next request fails with the platform error CODE
    /// (repeat to fail several).
    #[arg(long, value_name = "PLATFORM=CODE")]
    fail_next: Vec<String>,
    /// `PLATFORM=PROBABILITY:CODE`: fail that share of requests with CODE.
    #[arg(long, value_name = "PLATFORM=P:CODE")]
    failure_rate: Vec<String>,
    /// `PLATFORM=URL`: post the platform's webhooks (statuses, inbound
    /// messages) to URL, signed with `--webhook-secret`.
    #[arg(long, value_name = "PLATFORM=URL")]
    webhook: Vec<String>,
    /// The secret webhooks are signed with: `env:VAR` or `file:PATH`.
    #[arg(long, value_name = "env:VAR|file:PATH")]
    webhook_secret: Option<String>,
}

#[derive(Debug, Subcommand)]
enum WebhookCommand {
    /// Serves the platform's webhook endpoint: verifies each delivery,
    /// prints its events as they arrive, optionally forwards them.
    Listen(ListenArgs),
}

#[derive(Debug, Args)]
struct ListenArgs {
    /// The platform (`whatsapp`, `messenger`, `telegram`…).
    #[arg(long)]
    platform: String,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// The port (0: a free one, printed).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The path the platform posts to.
    #[arg(long, default_value = "/webhook")]
    path: String,
    /// `KEY=env:VAR` or `KEY=file:PATH`: the platform's webhook secrets
    /// (`switchboard channels` lists them).
    #[arg(long, value_name = "KEY=env:VAR|file:PATH")]
    secret: Vec<String>,
    /// Print each event as a JSON line.
    #[arg(long)]
    json: bool,
    /// POST each event (JSON) to this URL too.
    #[arg(long)]
    forward: Option<String>,
    /// Serve Prometheus metrics on this address while running.
    #[arg(long)]
    metrics_addr: Option<std::net::SocketAddr>,
}

/// Runs the command line `args` (the program name first) and returns the
/// exit code.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("switchboard: cannot start the runtime: {e}");
            return EXIT_USAGE;
        }
    };
    runtime.block_on(commands::dispatch(cli.command))
}

/// The exit code of an error.
pub fn exit_code(e: &Error) -> i32 {
    if e.is_ambiguous() {
        return EXIT_AMBIGUOUS;
    }
    match e.kind() {
        ErrorKind::Config => EXIT_USAGE,
        _ if e.is_temporary() => EXIT_TEMPORARY,
        _ => EXIT_REFUSED,
    }
}

/// Reports `e` on stderr and returns its exit code.
fn fail(e: &Error) -> i32 {
    eprintln!("switchboard: {e}");
    for v in e.violations() {
        eprintln!("  {v}");
    }
    exit_code(e)
}
