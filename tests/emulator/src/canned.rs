//! Test helpers beside the emulator: a server that answers one canned
//! response (for platform bodies the emulator does not produce), and the
//! official example bodies of `../shared/golden`.

use std::path::PathBuf;

/// `shared/golden` beside the checkout, when present. When it is absent this
/// says so loudly on stderr, and under CI (`CI` set) it panics: conformance
/// tests then check nothing, which CI must not take for a pass.
pub fn golden_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/golden");
    if dir.is_dir() {
        return Some(dir);
    }
    let warning = format!(
        "../shared/golden is ABSENT ({}): the conformance tests against Meta's official examples did NOT run",
        dir.display()
    );
    if std::env::var_os("CI").is_some() {
        panic!("{warning} (CI is set: the examples must be there)");
    }
    eprintln!("\n==================== WARNING ====================\n{warning}\n=================================================\n");
    None
}

/// Serves one canned response (`status`, JSON `body`) on 127.0.0.1 and
/// returns its base URL; every request to any path gets that response.
pub async fn serve_once(status: u16, body: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                // Read the request head and body (Content-Length) before answering.
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = socket.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(end) = find(&buf, b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
