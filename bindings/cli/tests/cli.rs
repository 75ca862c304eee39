//! The real `switchboard` binary, run as an operator would, against the
//! emulator: each subcommand and its exit codes.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use switchboard::Secret;
// Links the channel crates (and their emulators) into this test too.
use switchboard_cli as _;
use switchboard_emulator::Emulator;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory of this test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `args` and reads its stdout until a line
/// containing `until`; returns the process and every line read.
fn start(
    args: &[&str],
    env: &[(&str, &str)],
    until: &str,
) -> (Running, Vec<String>, BufReader<std::process::ChildStdout>) {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("the binary starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let running = Running(child);
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "ended before {until:?}: {lines:?}"
        );
        let done = line.contains(until);
        lines.push(line.trim_end().to_string());
        if done {
            break;
        }
        assert!(Instant::now() < deadline, "no {until:?} in {lines:?}");
    }
    (running, lines, out)
}

#[test]
fn channels_lists_every_platform_and_its_settings() {
    let o = run(&["channels", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plugins: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let names: Vec<&str> = plugins
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["messenger", "telegram", "whatsapp"]);
    let telegram = &plugins[1];
    assert_eq!(telegram["settings"][0]["name"], "bot_token");
    assert_eq!(telegram["settings"][0]["secret"], true);
    assert_eq!(telegram["webhook_secrets"][0]["name"], "webhook_secret");
    let text = stdout(&run(&["channels"]));
    assert!(
        text.contains("bot_token (required, secret: env:VAR)"),
        "{text}"
    );
}

#[test]
fn the_emulator_serves_a_ready_configuration_that_send_uses() {
    let (_emulator, lines, _) = start(
        &[
            "emulator",
            "--port",
            "0",
            "--fail-next",
            "whatsapp=131026",
            "--latency-ms",
            "1",
        ],
        &[],
        "Press Ctrl-C",
    );
    let text = lines.join("\n");
    let start_at = text.find("[channels.").expect("a configuration");
    let end_at = text.find("Press Ctrl-C").unwrap();
    let dir = scratch("send");
    let config = dir.join("switchboard.toml");
    std::fs::write(&config, &text[start_at..end_at]).unwrap();
    let config = config.to_str().unwrap();

    let o = run(&[
        "send",
        "-c",
        config,
        "--channel",
        "telegram",
        "--to",
        "123456789",
        "--text",
        "Your order has shipped",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let receipt: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(receipt["channel"], "telegram");
    assert_eq!(receipt["recipient_id"], "123456789");

    // The injected 131026 (undeliverable) is a refusal: exit 1, classified.
    let o = run(&[
        "send",
        "-c",
        config,
        "--channel",
        "whatsapp",
        "--to",
        "phone_number:+16505551234",
        "--text",
        "hi",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("131026"), "{}", stderr(&o));
    let o = run(&[
        "send",
        "-c",
        config,
        "--channel",
        "whatsapp",
        "--to",
        "+16505551234",
        "--text",
        "hi",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("sent via whatsapp: message_id=wamid."),
        "{}",
        stdout(&o)
    );

    // A message file, TOML.
    let file = dir.join("buttons.toml");
    std::fs::write(&file, "[content]\ntype = \"reply_buttons\"\nbody = \"Still on?\"\nbuttons = [{ id = \"yes\", title = \"Yes\" }]\n").unwrap();
    let o = run(&[
        "send",
        "-c",
        config,
        "--channel",
        "telegram",
        "--to",
        "123456789",
        "--message",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // Usage and configuration errors are exit 2.
    let o = run(&[
        "send",
        "-c",
        config,
        "--channel",
        "nope",
        "--to",
        "1",
        "--text",
        "hi",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no channel named `nope`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(run(&["send", "--bogus"]).status.code(), Some(2));
}

#[test]
fn validate_prints_every_violation_and_exits_1() {
    let dir = scratch("validate");
    let config = dir.join("switchboard.toml");
    std::fs::write(
        &config,
        "[channels.bot]\ntype = \"telegram\"\nbot_token = \"env:CLI_TEST_TOKEN\"\n",
    )
    .unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"to": {"kind": "user_id", "id": "abc"}, "content": {"type": "text", "body": "hi"},
            "options": {"reply_to": "x", "notification": "none"}}"#,
    )
    .unwrap();
    let good = dir.join("good.json");
    std::fs::write(&good, r#"{"content": {"type": "text", "body": "hi"}}"#).unwrap();
    let o = Command::new(BIN)
        .args([
            "validate",
            "-c",
            config.to_str().unwrap(),
            "--channel",
            "bot",
            "--to",
            "42",
        ])
        .arg(&bad)
        .arg(&good)
        .env("CLI_TEST_TOKEN", "123:never-printed-token")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    for field in ["to", "reply_to", "options.notification"] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("{}: {field}", bad.display()))),
            "{field}: {out}"
        );
    }
    assert_eq!(lines[3], format!("{}: valid", good.display()));
    assert!(!out.contains("never-printed-token") && !stderr(&o).contains("never-printed-token"));

    let o = Command::new(BIN)
        .args([
            "validate",
            "-c",
            config.to_str().unwrap(),
            "--channel",
            "bot",
            "--json",
        ])
        .arg(&good)
        .env("CLI_TEST_TOKEN", "123:t")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "a file without a recipient cannot be checked"
    );
    let result: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(result["valid"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_listen_prints_verified_events() {
    let (_listener, lines, mut out) = start(
        &[
            "webhook",
            "listen",
            "--platform",
            "telegram",
            "--port",
            "0",
            "--secret",
            "webhook_secret=env:CLI_HOOK",
            "--json",
        ],
        &[("CLI_HOOK", "hook-Secret_9")],
        "Listening for telegram webhooks",
    );
    let url = lines
        .last()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    let emulator = Emulator::start().await.unwrap();
    emulator
        .set_webhook("telegram", &url, Secret::new("hook-Secret_9"))
        .unwrap();
    emulator
        .send_inbound_text("telegram", "555000111", "Where is my order?")
        .unwrap();
    let event = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let event: Value = serde_json::from_str(&event).unwrap();
    assert_eq!(event["platform"], "telegram");
    assert_eq!(event["kind"]["from"], "555000111");
    assert_eq!(event["kind"]["content"]["body"], "Where is my order?");
    // A forged delivery is refused.
    let forged = reqwest::Client::new()
        .post(&url)
        .header("X-Telegram-Bot-Api-Secret-Token", "guess")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);
}

#[test]
fn secrets_are_never_taken_literally_on_the_command_line() {
    let o = run(&[
        "webhook",
        "listen",
        "--platform",
        "telegram",
        "--port",
        "0",
        "--secret",
        "webhook_secret=hunter2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("env:VAR or file:PATH"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("hunter2"));
    let dir = scratch("secret");
    let file = dir.join("secret");
    let mut f = std::fs::File::create(&file).unwrap();
    writeln!(f, "hook-Secret_9").unwrap();
    let spec = format!("webhook_secret=file:{}", file.display());
    let (_l, lines, _) = start(
        &[
            "webhook",
            "listen",
            "--platform",
            "telegram",
            "--port",
            "0",
            "--secret",
            &spec,
        ],
        &[],
        "Listening",
    );
    assert!(lines.last().unwrap().contains("http://127.0.0.1:"));
}

#[test]
fn completions_are_printed_for_a_shell() {
    let o = run(&["completions", "bash"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("switchboard"));
    assert!(stdout(&o).contains("validate"));
}

/// A configuration for the in-process `emulator`, written to a scratch file.
fn config_for(emulator: &Emulator, name: &str) -> String {
    let path = scratch(name).join("switchboard.toml");
    std::fs::write(&path, emulator.config_toml()).unwrap();
    path.to_str().unwrap().to_string()
}

fn recipients(name: &str, rows: &[String]) -> String {
    let path = scratch(name).join("recipients.csv");
    std::fs::write(&path, format!("to,text\n{}\n", rows.join("\n"))).unwrap();
    path.to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_send_reports_progress_failures_by_kind_and_metrics() {
    let emulator = Emulator::start().await.unwrap();
    emulator.set_latency("telegram", Some(Duration::from_millis(40)));
    let config = config_for(&emulator, "bulk");
    let mut rows: Vec<String> = (0..40).map(|i| format!("{}", 100_000 + i)).collect();
    rows.push("not-a-chat".into());
    rows.push("200001,Your own text".into());
    let file = recipients("bulk", &rows);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(BIN)
        .args([
            "send",
            "-c",
            &config,
            "--channel",
            "telegram",
            "--recipients",
            &file,
            "--text",
            "Sale starts now",
            "--concurrency",
            "2",
            "--metrics-addr",
            &addr,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The metrics endpoint serves the send counters while the run goes on.
    let url = format!("http://{addr}/metrics");
    let mut scraped = String::new();
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(&url).await {
            scraped = r.text().await.unwrap_or_default();
            if scraped.contains("messaging_client_sent_messages") {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        scraped.contains("messaging_client_sent_messages{"),
        "{scraped}"
    );
    assert!(
        scraped.contains("messaging_system=\"telegram\""),
        "{scraped}"
    );
    assert!(
        scraped.contains("messaging_client_operation_duration"),
        "{scraped}"
    );
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one recipient was refused: {err}"
    );
    assert!(
        err.contains("progress: "),
        "plain progress lines when not on a terminal: {err}"
    );
    assert!(
        err.contains("done: 41 sent, 1 failed (invalid_message: 1)"),
        "{err}"
    );
    let records = emulator.records_for("telegram", None);
    assert_eq!(records.len(), 41);
    assert!(records.iter().any(|r| r.body["text"] == "Your own text"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_progress_bar_advances_in_a_real_terminal() {
    let tmux = Command::new("tmux").arg("-V").output();
    assert!(
        tmux.is_ok_and(|o| o.status.success()),
        "tmux is needed (.ci/run installs it)"
    );
    let emulator = Emulator::start().await.unwrap();
    emulator.set_latency("telegram", Some(Duration::from_millis(60)));
    let config = config_for(&emulator, "tmux");
    let rows: Vec<String> = (0..60).map(|i| format!("{}", 300_000 + i)).collect();
    let file = recipients("tmux", &rows);
    let session = format!("sb-progress-{}", std::process::id());
    let command = format!("{BIN} send -c {config} --channel telegram --recipients {file} --text hi --concurrency 1; sleep 30");
    let started = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-x",
            "160",
            "-y",
            "10",
            "-s",
            &session,
            &command,
        ])
        .status()
        .unwrap();
    assert!(started.success());
    struct Kill(String);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = Command::new("tmux")
                .args(["kill-session", "-t", &self.0])
                .status();
        }
    }
    let _kill = Kill(session.clone());
    let capture = || {
        let o = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let position = |screen: &str| -> Option<u64> {
        let at = screen.find("/60 sent")?;
        screen[..at]
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let screen = capture();
        if let Some(p) = position(&screen) {
            if seen.last() != Some(&p) {
                seen.push(p);
            }
        }
        if screen.contains("done: 60 sent") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(seen.len() >= 3, "the bar advanced: {seen:?}\n{}", capture());
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert!(
        capture().contains("done: 60 sent, 0 failed"),
        "{}",
        capture()
    );
}
