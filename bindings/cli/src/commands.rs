//! What each subcommand does.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use clap::CommandFactory;
use serde_json::{json, Value};
use switchboard::plugin::WebhookSecrets;
use switchboard::webhook::service::{router, WebhookConfig};
use switchboard::webhook::Event;
use switchboard::{
    Channel, Error, Message, Recipient, RecipientKind, Registry, Secret, Switchboard,
};
use switchboard_emulator::{Emulator, Failure, FailureRate, PairLimit, RateLimit};

use crate::{
    fail, Cli, Command, EmulatorArgs, ListenArgs, SendArgs, ValidateArgs, WebhookCommand, EXIT_OK,
    EXIT_REFUSED, EXIT_USAGE,
};

pub(crate) async fn dispatch(command: Command) -> i32 {
    let result = match command {
        Command::Channels { json } => channels(json),
        Command::Send(args) => return send(args).await,
        Command::Validate(args) => return validate(args),
        Command::Emulator(args) => emulator(args).await,
        Command::Webhook {
            command: WebhookCommand::Listen(args),
        } => listen(args).await,
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "switchboard",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => fail(&e),
    }
}

pub(crate) fn usage(message: impl Into<String>) -> Error {
    Error::config(message)
}

/// A secret given on the command line: `env:VAR` or `file:PATH` only.
fn secret(value: &str) -> Result<Secret, Error> {
    if let Some(path) = value.strip_prefix("file:") {
        let text = std::fs::read_to_string(path)
            .map_err(|e| usage(format!("cannot read the secret file {path}: {e}")))?;
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            return Err(usage(format!("the secret file {path} is empty")));
        }
        return Ok(Secret::new(text));
    }
    if value.starts_with("env:") {
        return Secret::resolve(value).map_err(usage);
    }
    Err(usage(
        "give secrets as env:VAR or file:PATH, never on the command line itself",
    ))
}

/// `KEY=VALUE`.
fn pair<'a>(flag: &str, value: &'a str) -> Result<(&'a str, &'a str), Error> {
    value
        .split_once('=')
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .ok_or_else(|| usage(format!("--{flag} takes KEY=VALUE, got {value:?}")))
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, Error> {
    value
        .parse()
        .map_err(|_| usage(format!("--{flag}: {value:?} is not a number")))
}

// ------------------------------------------------------------------ channels

fn channels(as_json: bool) -> Result<(), Error> {
    let registry = Registry::discover()?;
    let describe = |keys: &[switchboard::plugin::ConfigKey]| -> Vec<Value> {
        keys.iter()
            .map(|k| json!({"name": k.name, "required": k.required, "secret": k.secret, "description": k.description}))
            .collect()
    };
    let plugins: Vec<Value> = registry
        .plugins()
        .map(|p| {
            json!({
                "name": p.name(),
                "description": p.description(),
                "settings": describe(p.config_keys()),
                "webhook_secrets": p.webhooks().map(|w| describe(w.keys)).unwrap_or_default(),
            })
        })
        .collect();
    let mut out = std::io::stdout().lock();
    if as_json {
        let _ = writeln!(out, "{}", Value::Array(plugins));
        return Ok(());
    }
    for p in &plugins {
        let _ = writeln!(
            out,
            "{}  {}",
            p["name"].as_str().unwrap_or_default(),
            p["description"].as_str().unwrap_or_default()
        );
        for (title, key) in [
            ("settings", "settings"),
            ("webhook secrets", "webhook_secrets"),
        ] {
            let Some(keys) = p[key].as_array().filter(|k| !k.is_empty()) else {
                continue;
            };
            let _ = writeln!(out, "  {title}:");
            for k in keys {
                let mut marks = Vec::new();
                if k["required"] == true {
                    marks.push("required");
                }
                if k["secret"] == true {
                    marks.push("secret: env:VAR");
                }
                let marks = if marks.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", marks.join(", "))
                };
                let _ = writeln!(
                    out,
                    "    {}{marks}  {}",
                    k["name"].as_str().unwrap_or_default(),
                    k["description"].as_str().unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- messages

pub(crate) fn board(config: &Path) -> Result<Switchboard, Error> {
    Switchboard::from_config(config)
}

/// `KIND:ID`, or an id of the channel's first recipient kind.
pub(crate) fn recipient(channel: &Arc<dyn Channel>, to: &str) -> Result<Recipient, Error> {
    if let Some((kind, id)) = to.split_once(':') {
        if let Some(kind) = RecipientKind::ALL.into_iter().find(|k| k.as_str() == kind) {
            return Ok(Recipient::new(kind, id));
        }
    }
    let kind = channel
        .info()
        .capabilities
        .recipient_kinds
        .first()
        .copied()
        .ok_or_else(|| usage("the channel declares no recipient kind; write --to KIND:ID"))?;
    Ok(Recipient::new(kind, to))
}

/// A message file: JSON, or TOML by its extension, in the message's serde
/// form; `to` replaces its recipient, or (`fill_only`) is used when it has none.
fn message_file(path: &Path, to: Option<Recipient>, fill_only: bool) -> Result<Message, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
    let toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let mut value: Value = if toml {
        toml::from_str(&text)
            .map_err(|e: toml::de::Error| usage(format!("{}: {}", path.display(), e.message())))?
    } else {
        serde_json::from_str(&text).map_err(|e| usage(format!("{}: {e}", path.display())))?
    };
    if let (Some(to), Some(object)) = (to, value.as_object_mut()) {
        if !(fill_only && object.contains_key("to")) {
            let to = serde_json::to_value(to).map_err(|e| usage(e.to_string()))?;
            object.insert("to".into(), to);
        }
    }
    serde_json::from_value(value).map_err(|e| {
        let problem = switchboard::plugin::Problem::Invalid {
            reason: e.to_string(),
        };
        Error::invalid(vec![switchboard::Violation::new(
            path.display().to_string(),
            problem,
        )])
    })
}

/// Serves the metrics recorded from now on at `addr` (Prometheus text).
pub(crate) fn serve_metrics(addr: Option<std::net::SocketAddr>) -> Result<(), Error> {
    let Some(addr) = addr else { return Ok(()) };
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .with_http_listener(addr)
        .install()
        .map_err(|e| usage(format!("cannot serve metrics on {addr}: {e}")))?;
    eprintln!("switchboard: metrics on http://{addr}/metrics");
    Ok(())
}

async fn send(args: SendArgs) -> i32 {
    if let Err(e) = serve_metrics(args.metrics_addr) {
        return fail(&e);
    }
    if let Some(path) = &args.recipients {
        return crate::bulk::send_all(&args, path).await;
    }
    match build_and_send(&args).await {
        Ok(receipt) => {
            if args.json {
                println!("{}", serde_json::to_string(&receipt).unwrap_or_default());
            } else {
                println!(
                    "sent via {}: message_id={} recipient_id={} status={}",
                    receipt.channel,
                    receipt.message_id,
                    receipt.recipient_id.as_deref().unwrap_or("-"),
                    receipt.status
                );
            }
            EXIT_OK
        }
        Err(e) => fail(&e),
    }
}

async fn build_and_send(args: &SendArgs) -> Result<switchboard::Receipt, Error> {
    let board = board(&args.target.config)?;
    let channel = board.channel(&args.target.channel)?.clone();
    let to = args
        .to
        .as_deref()
        .map(|t| recipient(&channel, t))
        .transpose()?;
    let mut message = match (&args.text, &args.message) {
        (Some(text), None) => {
            let to = to.ok_or_else(|| usage("--text needs --to"))?;
            Message::text(to, text.clone())
        }
        (None, Some(path)) => message_file(path, to, false)?,
        _ => return Err(usage("give --text or --message")),
    };
    if let Some(key) = &args.idempotency_key {
        message = message.idempotency_key(key.clone());
    }
    channel.send(&message).await
}

fn validate(args: ValidateArgs) -> i32 {
    let channel =
        match board(&args.target.config).and_then(|b| b.channel(&args.target.channel).cloned()) {
            Ok(c) => c,
            Err(e) => return fail(&e),
        };
    let to = match args
        .to
        .as_deref()
        .map(|t| recipient(&channel, t))
        .transpose()
    {
        Ok(to) => to,
        Err(e) => return fail(&e),
    };
    let mut code = EXIT_OK;
    for path in &args.files {
        let result = message_file(path, to.clone(), true).and_then(|m| channel.validate(&m));
        let file = path.display();
        match result {
            Ok(()) if args.json => println!("{}", json!({"file": file.to_string(), "valid": true})),
            Ok(()) => println!("{file}: valid"),
            Err(e) => {
                code = if e.kind() == switchboard::ErrorKind::Config {
                    EXIT_USAGE.max(code)
                } else {
                    EXIT_REFUSED.max(code)
                };
                if args.json {
                    let violations = serde_json::to_value(e.violations()).unwrap_or_default();
                    println!(
                        "{}",
                        json!({"file": file.to_string(), "valid": false, "error": e.to_string(), "violations": violations})
                    );
                } else if e.violations().is_empty() {
                    println!("{file}: {e}");
                } else {
                    for v in e.violations() {
                        println!("{file}: {v}");
                    }
                }
            }
        }
    }
    code
}

// ---------------------------------------------------------------- emulator

async fn emulator(args: EmulatorArgs) -> Result<(), Error> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], args.port));
    let emulator = Emulator::start_on(addr).await?;
    configure(&emulator, &args)?;
    println!("{}", emulator.banner());
    println!("Press Ctrl-C to stop.");
    let _ = std::io::stdout().flush();
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Error::config(format!("cannot wait for Ctrl-C: {e}")))?;
    emulator.shutdown();
    Ok(())
}

fn configure(emulator: &Emulator, args: &EmulatorArgs) -> Result<(), Error> {
    let known = |platform: &str| -> Result<(), Error> {
        if emulator.platforms().contains(&platform) {
            Ok(())
        } else {
            Err(usage(format!(
                "no emulated platform {platform:?}; served: {}",
                emulator.platforms().join(", ")
            )))
        }
    };
    for platform in emulator.platforms() {
        emulator.enforce_window(platform, args.enforce_window);
        emulator.set_latency(
            platform,
            args.latency_ms.map(std::time::Duration::from_millis),
        );
    }
    for value in &args.rate_limit {
        let (platform, n) = pair("rate-limit", value)?;
        known(platform)?;
        let code = emulator.rate_limit_code(platform)?;
        emulator.set_rate_limit(
            platform,
            Some(RateLimit::new(number("rate-limit", n)?, code)),
        );
    }
    for value in &args.pair_limit {
        let (platform, limit) = pair("pair-limit", value)?;
        known(platform)?;
        let (max, secs) = limit.split_once('/').ok_or_else(|| {
            usage(format!(
                "--pair-limit takes PLATFORM=MAX/SECONDS, got {value:?}"
            ))
        })?;
        let per = std::time::Duration::from_secs(number("pair-limit", secs)?);
        emulator.set_pair_limit(
            platform,
            Some(PairLimit::new(number("pair-limit", max)?, per)),
        );
    }
    for value in &args.fail_next {
        let (platform, code) = pair("fail-next", value)?;
        known(platform)?;
        let code = number("fail-next", code)?;
        emulator.fail_next(
            platform,
            1,
            Failure::Platform {
                code,
                subcode: None,
            },
        );
    }
    for value in &args.failure_rate {
        let (platform, rate) = pair("failure-rate", value)?;
        known(platform)?;
        let (p, code) = rate.split_once(':').ok_or_else(|| {
            usage(format!(
                "--failure-rate takes PLATFORM=P:CODE, got {value:?}"
            ))
        })?;
        let p: f64 = number("failure-rate", p)?;
        if !(0.0..=1.0).contains(&p) {
            return Err(usage(format!("--failure-rate: {p} is not a probability")));
        }
        let failure = Failure::Platform {
            code: number("failure-rate", code)?,
            subcode: None,
        };
        emulator.set_failure_rate(platform, Some(FailureRate::new(p, failure)));
    }
    if !args.webhook.is_empty() {
        let signing = args
            .webhook_secret
            .as_deref()
            .ok_or_else(|| usage("--webhook needs --webhook-secret env:VAR or file:PATH"))
            .and_then(secret)?;
        for value in &args.webhook {
            let (platform, url) = pair("webhook", value)?;
            known(platform)?;
            emulator.set_webhook(platform, url, signing.clone())?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- webhooks

async fn listen(args: ListenArgs) -> Result<(), Error> {
    serve_metrics(args.metrics_addr)?;
    let registry = Registry::discover()?;
    let support = registry.webhooks(&args.platform)?;
    let mut secrets = WebhookSecrets::new(&args.platform);
    for value in &args.secret {
        let (key, source) = pair("secret", value)?;
        secrets = secrets.with(key, secret(source)?);
    }
    let auth = (support.auth)(&secrets)?;
    if !args.path.starts_with('/') || args.path.len() < 2 {
        return Err(usage(
            "--path must start with / and name a path, e.g. /webhook",
        ));
    }
    let forward = args.forward.clone();
    let client = switchboard::plugin::http::client(std::time::Duration::from_secs(10))?;
    let as_json = args.json;
    let app = axum::Router::new().nest(
        &args.path,
        router(
            WebhookConfig::new(auth, support.parse),
            move |event: Event| {
                let forward = forward.clone();
                let client = client.clone();
                async move { print_event(&event, as_json, forward.as_deref(), &client).await }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind((args.host, args.port))
        .await
        .map_err(|e| usage(format!("cannot listen on {}:{}: {e}", args.host, args.port)))?;
    let local = listener
        .local_addr()
        .map_err(|e| usage(format!("cannot read the address: {e}")))?;
    println!(
        "Listening for {} webhooks on http://{local}{}",
        args.platform, args.path
    );
    let _ = std::io::stdout().flush();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    switchboard::server::serve(
        listener,
        app,
        switchboard::server::ServerLimits::default(),
        shutdown,
    )
    .await
    .map_err(|e| {
        Error::new(
            switchboard::ErrorKind::Network,
            format!("the server failed: {e}"),
        )
    })
}

async fn print_event(
    event: &Event,
    as_json: bool,
    forward: Option<&str>,
    client: &reqwest::Client,
) {
    let line = if as_json {
        serde_json::to_string(event).unwrap_or_default()
    } else {
        summary(event)
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
    if let Some(url) = forward {
        let body = serde_json::to_vec(event).unwrap_or_default();
        let sent = client
            .post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => eprintln!(
                "switchboard: forwarding {} answered {}",
                event.id,
                r.status()
            ),
            Err(e) => eprintln!(
                "switchboard: cannot forward {}: {}",
                event.id,
                e.without_url()
            ),
        }
    }
}

/// One line for a person: platform, what happened, from whom, and the gist.
fn summary(event: &Event) -> String {
    let value = serde_json::to_value(&event.kind).unwrap_or_default();
    let kind = value["type"].as_str().unwrap_or("event");
    let from = value["from"].as_str().unwrap_or_default();
    let gist = value["content"]["body"]
        .as_str()
        .or_else(|| value["content"]["title"].as_str())
        .or_else(|| value["status"].as_str())
        .or_else(|| value["emoji"].as_str())
        .map(|g| format!(": {g}"))
        .unwrap_or_default();
    let from = if from.is_empty() {
        String::new()
    } else {
        format!(" from {from}")
    };
    format!("{} {kind}{from}{gist}", event.platform)
}
