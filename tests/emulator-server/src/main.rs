//! `switchboard-emulator`: serves every shipped platform's emulator on
//! 127.0.0.1 until Ctrl-C, and prints its endpoints, the token it accepts
//! and a ready Switchboard configuration.
//!
//! ```text
//! switchboard-emulator [--port N] [--enforce-window] [--latency-ms N]
//! ```
//!
//! `--port` picks the port (a free one by default); `--enforce-window`
//! refuses free-form messages outside each platform's customer-service
//! window; `--latency-ms` delays every answer.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

// The linking caveat: reference the channel crates so their emulators register.
use switchboard_messenger as _;
use switchboard_telegram as _;
use switchboard_whatsapp as _;

/// What the command line asked for.
#[derive(Debug, Default, PartialEq)]
struct Options {
    port: u16,
    enforce_window: bool,
    latency: Option<Duration>,
}

const USAGE: &str = "usage: switchboard-emulator [--port N] [--enforce-window] [--latency-ms N]";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
                .cloned()
        };
        match arg.as_str() {
            "--port" => {
                let v = value("--port")?;
                options.port = v.parse().map_err(|_| format!("bad port {v:?}"))?;
            }
            "--latency-ms" => {
                let v = value("--latency-ms")?;
                let ms: u64 = v.parse().map_err(|_| format!("bad latency {v:?}"))?;
                options.latency = Some(Duration::from_millis(ms));
            }
            "--enforce-window" => options.enforce_window = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

async fn serve(options: Options) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], options.port));
    let emulator = switchboard_emulator::Emulator::start_on(addr)
        .await
        .map_err(|e| e.to_string())?;
    for platform in emulator.platforms() {
        emulator.enforce_window(platform, options.enforce_window);
        emulator.set_latency(platform, options.latency);
    }
    println!("{}", emulator.banner());
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    emulator.shutdown();
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = parse(&args).and_then(|options| {
        tokio::runtime::Runtime::new()
            .map_err(|e| e.to_string())?
            .block_on(serve(options))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchboard-emulator: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags() {
        assert_eq!(parse(&[]).unwrap(), Options::default());
        let o = parse(&args(&[
            "--port",
            "18181",
            "--enforce-window",
            "--latency-ms",
            "25",
        ]))
        .unwrap();
        assert_eq!(
            o,
            Options {
                port: 18181,
                enforce_window: true,
                latency: Some(Duration::from_millis(25)),
            }
        );
        assert!(parse(&args(&["--port"]))
            .unwrap_err()
            .contains("needs a value"));
        assert!(parse(&args(&["--port", "x"])).is_err());
        assert!(parse(&args(&["--colour"]))
            .unwrap_err()
            .contains("unknown argument"));
    }
}
