//! The bot token travels in the URL path (`/bot<token>/sendMessage`), so
//! everything that may print a URL is a leak: errors (message, `Debug`,
//! platform details, the whole source chain), logs and spans at TRACE
//! level, and the channel's own `Debug`. Sends through failing servers of
//! every kind, then greps every output for the token.

use std::error::Error as _;
use std::sync::Arc;

use switchboard::delivery::Delivery;
use switchboard::plugin::ChannelConfig;
use switchboard::{Channel, ErrorKind, Message, Recipient, Registry};
use switchboard_emulator::canned::{read_request, serve_canned, LogCapture};
use switchboard_telegram::webhook::SecretTokenAuth;
use tokio::io::AsyncWriteExt;

const SECRET: &str = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const TOKEN: &str = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

fn bot(base_url: &str, timeout_secs: f64) -> Arc<dyn Channel> {
    let mut settings = toml::Table::new();
    settings.insert("bot_token".into(), TOKEN.into());
    settings.insert("base_url".into(), base_url.into());
    settings.insert("timeout_secs".into(), timeout_secs.into());
    let config = ChannelConfig::new("leaky", "telegram", settings);
    Registry::discover().unwrap().build(&config).unwrap()
}

/// A server that answers every request with `status` and a body that
/// repeats the request line (path and token included) inside `template`.
async fn echo_server(status: u16, template: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Some(request) = read_request(&mut socket).await else {
                    return;
                };
                let line = String::from_utf8_lossy(&request)
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .replace('"', "'");
                let body = template.replace("{request}", &line);
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

/// A server that accepts and never answers.
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://{addr}")
}

fn everything_shown(err: &switchboard::Error) -> Vec<String> {
    let mut shown = vec![
        err.to_string(),
        format!("{err:?}"),
        format!("{:?}", err.platform()),
    ];
    let mut source = err.source();
    while let Some(s) = source {
        shown.push(s.to_string());
        shown.push(format!("{s:?}"));
        source = s.source();
    }
    shown
}

fn assert_hidden(what: &str, shown: &[String]) {
    for text in shown {
        for secret in [TOKEN, SECRET] {
            assert!(!text.contains(secret), "{what}: token leaked: {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_in_the_url_never_leaks() {
    let capture = LogCapture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let to = Recipient::user_id("987654321");
    let msg = Message::text(to, "hi");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cases: Vec<(&str, String, ErrorKind)> = vec![
        (
            "a Telegram error echoing the request",
            echo_server(
                400,
                r#"{"ok":false,"error_code":400,"description":"Bad Request: {request}"}"#,
            )
            .await,
            ErrorKind::InvalidMessage,
        ),
        (
            "a flood wait echoing the request",
            echo_server(
                429,
                r#"{"ok":false,"error_code":429,"description":"{request}","parameters":{"retry_after":0}}"#,
            )
            .await,
            ErrorKind::RateLimited,
        ),
        (
            "a proxy page echoing the request",
            echo_server(502, "<html>upstream failed for {request}</html>").await,
            ErrorKind::PlatformUnavailable,
        ),
        (
            "a success that is not Telegram's",
            echo_server(200, r#"{"echo":"{request}"}"#).await,
            ErrorKind::UnexpectedResponse,
        ),
        (
            "a redirect to a URL with the token",
            serve_canned(
                302,
                &[("location", "http://127.0.0.1:9/bot110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/x")],
                Vec::new(),
            )
            .await,
            ErrorKind::UnexpectedResponse,
        ),
        (
            "an unreachable host",
            format!("http://127.0.0.1:{port}"),
            ErrorKind::Network,
        ),
        ("a host that never answers", silent_server().await, ErrorKind::Timeout),
    ];
    for (what, base, kind) in cases {
        let channel = bot(&base, 0.5);
        assert_hidden(what, &[format!("{channel:?}")]);
        let err = channel.send(&msg).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{what}: {err}");
        assert_hidden(what, &everything_shown(&err));
        // Through the delivery stack too: its trace layer records the error.
        let delivered = Delivery::for_channel(channel)
            .retry(None)
            .build()
            .send(&msg)
            .await
            .unwrap_err();
        assert_hidden(what, &everything_shown(&delivered));
        tracing::error!(error = %err, debug = ?err, "send failed: {what}");
    }

    let auth = SecretTokenAuth::new(switchboard::Secret::new(SECRET)).unwrap();
    assert_hidden("the webhook authentication", &[format!("{auth:?}")]);

    let logs = capture.text();
    assert!(
        logs.contains("send failed: an unreachable host"),
        "the capture works"
    );
    for secret in [TOKEN, SECRET] {
        if let Some(i) = logs.find(secret) {
            panic!(
                "token logged: {}",
                &logs[i.saturating_sub(600)..(i + 100).min(logs.len())]
            );
        }
    }
}

#[test]
fn configuration_errors_never_repeat_the_token() {
    let mut settings = toml::Table::new();
    settings.insert("bot_token".into(), TOKEN.into());
    settings.insert(
        "base_url".into(),
        format!("ftp://api.example/bot{TOKEN}").into(),
    );
    let config = ChannelConfig::new("leaky", "telegram", settings);
    let err = Registry::discover().unwrap().build(&config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_hidden("a bad base_url", &everything_shown(&err));
    assert_hidden("the configuration", &[format!("{config:?}")]);
}
