//! Peers that never finish: stalled headers, idle connections, impossible
//! and slow bodies, against the emulator and a webhook receiver, both
//! served by `switchboard::server::serve`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard::server::{serve, ServerLimits};
use switchboard::webhook::service::{router, WebhookConfig};
use switchboard::Secret;
use switchboard_emulator::Emulator;
use switchboard_graph::webhook::HubAuth;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Short bounds, so that the tests see them act.
fn limits() -> ServerLimits {
    ServerLimits::default()
        .header_timeout(Duration::from_millis(300))
        .request_timeout(Duration::from_millis(600))
        .max_body_bytes(64 * 1024)
}

/// Far above every bound of [`limits`]: what the server is given to act.
const PATIENCE: Duration = Duration::from_secs(5);

async fn emulator() -> (Emulator, SocketAddr) {
    let emulator = Emulator::start_with(SocketAddr::from(([127, 0, 0, 1], 0)), limits())
        .await
        .unwrap();
    let addr = emulator.address();
    (emulator, addr)
}

async fn webhook_receiver() -> SocketAddr {
    let auth = HubAuth::new(Secret::new("app-secret"), Secret::new("verify")).unwrap();
    let config = WebhookConfig::new(Arc::new(auth), switchboard_whatsapp::webhook::parse);
    let app = axum::Router::new().nest("/hooks", router(config, |_| async {}));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, app, limits(), std::future::pending()));
    addr
}

/// Writes `request`, then reads until the server closes; what it answered
/// and how long it took.
async fn exchange(addr: SocketAddr, request: &[u8]) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("the server kept the connection open")
        .ok();
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

async fn both() -> Vec<(SocketAddr, &'static str)> {
    let (emulator, addr) = emulator().await;
    std::mem::forget(emulator); // served for the whole test process
    vec![
        (addr, "/whatsapp/v23.0/106540352242922/messages"),
        (webhook_receiver().await, "/hooks"),
    ]
}

#[tokio::test]
async fn stalled_headers_are_cut_off() {
    for (addr, path) in both().await {
        let partial = format!("POST {path} HTTP/1.1\r\nHost: x\r\n");
        let (_, took) = exchange(addr, partial.as_bytes()).await;
        assert!(took < PATIENCE, "{path}: closed after {took:?}");
    }
}

#[tokio::test]
async fn idle_connections_are_closed() {
    for (addr, path) in both().await {
        let (answer, took) = exchange(addr, b"").await;
        assert!(answer.is_empty(), "{path}: {answer}");
        assert!(took < PATIENCE, "{path}: closed after {took:?}");
    }
}

#[tokio::test]
async fn an_impossible_body_is_refused_at_once() {
    for (addr, path) in both().await {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: 1000000000000000000\r\nConnection: close\r\n\r\n"
        );
        let started = Instant::now();
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0; 1024];
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut answer))
            .await
            .expect("no answer")
            .unwrap();
        let answer = String::from_utf8_lossy(&answer[..n]);
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer}");
        assert!(
            answer.contains("larger than 65536 bytes"),
            "{path}: {answer}"
        );
        // Before the request time runs out: refused, not waited for.
        assert!(started.elapsed() < limits().request_timeout, "{path}");
    }
}

#[tokio::test]
async fn a_body_one_byte_over_the_limit_is_refused_and_at_the_limit_is_read() {
    let limit = limits().max_body_bytes;
    for (addr, path) in both().await {
        for (len, refused) in [(limit, false), (limit + 1, true)] {
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                 Content-Length: {len}\r\nConnection: close\r\n\r\n"
            );
            let mut request = head.into_bytes();
            request.extend(std::iter::repeat_n(b' ', len));
            let (answer, _) = exchange(addr, &request).await;
            assert_eq!(
                answer.starts_with("HTTP/1.1 413"),
                refused,
                "{path}, {len} bytes: {answer}"
            );
            // At the limit, the body reaches the endpoint, which refuses it
            // for what it says (not a JSON message, not signed).
            assert!(answer.starts_with("HTTP/1.1 4"), "{path}, {len}: {answer}");
        }
    }
}

#[tokio::test]
async fn a_slow_body_times_out() {
    for (addr, path) in both().await {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: 10\r\nConnection: close\r\n\r\n{{"
        );
        let (answer, took) = exchange(addr, head.as_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer}");
        assert!(took >= limits().request_timeout, "{path}: {took:?}");
    }
}
