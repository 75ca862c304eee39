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
    serve_canned(status, &[], body).await
}

/// Like [`serve_once`], with extra response `headers` (e.g. a `Location`).
pub async fn serve_canned(status: u16, headers: &[(&str, &str)], body: Vec<u8>) -> String {
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            let extra = extra.clone();
            tokio::spawn(async move {
                if read_request(&mut socket).await.is_none() {
                    return;
                }
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
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

/// Reads one whole HTTP/1.1 request (head, then `Content-Length` bytes);
/// `None` when the peer closes first.
pub async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
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
                return Some(buf);
            }
        }
    }
}

/// One emulator rule: its name, the path and body posted, the HTTP status
/// and platform error code it must be refused with.
pub type Refusal = (&'static str, String, serde_json::Value, u16, i64);

/// Posts each invalid request of `cases` to a fresh emulator and checks that
/// each is refused with its status and code, and that none is recorded.
pub async fn check_refusals(cases: Vec<Refusal>) {
    let emulator = crate::Emulator::start().await.expect("the emulator starts");
    let raw = RawClient::new(&emulator);
    for (rule, path, body, status, expected) in cases {
        let (got_status, answer) = raw.post(&path, &body).await;
        assert_eq!(
            (got_status, answered_code(&answer)),
            (status, expected),
            "{rule}: {answer}"
        );
    }
    assert!(
        emulator.records().is_empty(),
        "nothing invalid was recorded"
    );
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Compares the bodies a channel builds with the official examples in the
/// `subdirs` of `shared/golden`: `build(file, to)` builds the body of one
/// file (its recipient id given), `normalize` evens out the examples' known
/// quirks. Every file must be built, or listed in `pending` (path prefix →
/// the issue that will build it). Panics with every mismatch at once.
pub fn check_official_requests(
    subdirs: &[&str],
    pending: &[(&str, &str)],
    build: impl Fn(&str, &str) -> Option<serde_json::Value>,
    normalize: impl Fn(&mut serde_json::Value, &mut serde_json::Value),
) {
    let Some(dir) = golden_dir() else {
        return;
    };
    let mut files = Vec::new();
    for sub in subdirs {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(sub))
            .unwrap_or_else(|e| panic!("{sub}: {e}"))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".json") && !n.starts_with("response_"))
            .collect();
        names.sort();
        files.extend(names.into_iter().map(|n| format!("{sub}/{n}")));
    }
    let (mut built, mut mismatches) = (0, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
        let to = expected
            .get("to")
            .or_else(|| expected.pointer("/recipient/id"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string();
        let Some(mut produced) = build(file, &to) else {
            let why = pending
                .iter()
                .find(|(prefix, _)| file.starts_with(prefix))
                .map(|(_, why)| *why)
                .unwrap_or_else(|| panic!("{file}: no builder and not listed as pending"));
            eprintln!("conformance pending ({why}): {file}");
            continue;
        };
        let mut expected = expected;
        normalize(&mut produced, &mut expected);
        if produced != expected {
            mismatches.push(format!(
                "{file}:\n  produced {produced}\n  expected {expected}"
            ));
        }
        built += 1;
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert_eq!(built + count_pending(&files, pending), files.len());
}

fn count_pending(files: &[String], pending: &[(&str, &str)]) -> usize {
    files
        .iter()
        .filter(|f| pending.iter().any(|(p, _)| f.starts_with(p)))
        .count()
}

/// The official webhook example `name` (`shared/golden/webhooks/…`).
pub fn golden_webhook(name: &str) -> Option<Vec<u8>> {
    let dir = golden_dir()?;
    Some(std::fs::read(dir.join("webhooks").join(name)).unwrap_or_else(|e| panic!("{name}: {e}")))
}

/// Posts every official request body of each `(folder, path)` to a fresh
/// emulator and checks that each is accepted (200) and recorded, and that
/// there are at least `min_examples` of them. Returns quietly only when the
/// golden examples are absent outside CI (see [`golden_dir`]).
pub async fn check_official_requests_accepted(folders: &[(&str, String)], min_examples: usize) {
    let emulator = crate::Emulator::start().await.expect("the emulator starts");
    let raw = RawClient::new(&emulator);
    let mut n = 0;
    for (folder, path) in folders {
        let Some(examples) = official_requests(folder) else {
            return;
        };
        for (name, body) in examples {
            let (status, answer) = raw.post(path, &body).await;
            assert_eq!(status, 200, "{folder}/{name}: {answer}");
            n += 1;
        }
    }
    assert!(n >= min_examples, "only {n} official examples");
    assert_eq!(emulator.records().len(), n);
}

/// The only event of a parsed delivery (panics, naming them, otherwise).
pub fn one_event(events: Vec<switchboard::webhook::Event>) -> switchboard::webhook::Event {
    assert_eq!(events.len(), 1, "{events:?}");
    events.into_iter().next().expect("one event")
}

/// The inbound message an event carries (panics when it carries another kind).
pub fn inbound_message(
    event: &switchboard::webhook::Event,
) -> &switchboard::webhook::InboundMessage {
    match &event.kind {
        switchboard::webhook::EventKind::Message(m) => m,
        other => panic!("not a message: {other:?}"),
    }
}

/// Posts raw JSON bodies to the emulator with its token, for rule tests
/// written over the wire format.
pub struct RawClient {
    client: reqwest::Client,
    base: String,
}

impl RawClient {
    /// A client of `emulator`.
    pub fn new(emulator: &crate::Emulator) -> Self {
        RawClient {
            client: switchboard::plugin::http::client(std::time::Duration::from_secs(10))
                .expect("an HTTP client"),
            base: emulator.base_url(),
        }
    }

    /// POSTs `body` to `path` (under the emulator's base URL); the status and
    /// the JSON answer (`null` when not JSON).
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(crate::EMULATOR_ACCESS_TOKEN)
            .body(serde_json::to_vec(body).unwrap_or_default())
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = r.status().as_u16();
        let answer = r.bytes().await.unwrap_or_default();
        (
            status,
            serde_json::from_slice(&answer).unwrap_or(serde_json::Value::Null),
        )
    }
}

/// The official request examples of `subdir` (`shared/golden/…`), by file
/// name, sorted; `None` when the examples are absent (see [`golden_dir`]).
pub fn official_requests(subdir: &str) -> Option<Vec<(String, serde_json::Value)>> {
    let dir = golden_dir()?.join(subdir);
    let mut out: Vec<(String, serde_json::Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{subdir}: {e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.ends_with(".json") && !name.starts_with("response_")
        })
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let body = std::fs::read(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            let body = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, body)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Some(out)
}

/// The platform error code of an answer (Graph `error.code`, On-Premises
/// `errors[0].code`, a gateway's `error.code`, or a top-level `error_code`
/// as the Telegram Bot API answers); -1 when there is none.
pub fn answered_code(answer: &serde_json::Value) -> i64 {
    answer
        .pointer("/error/code")
        .or_else(|| answer.pointer("/errors/0/code"))
        .or_else(|| answer.get("error_code"))
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(-1)
}

/// A log writer that keeps everything written, for tests that grep logs
/// (give `move || capture.clone()` to `tracing_subscriber`'s `with_writer`).
#[derive(Clone, Default)]
pub struct LogCapture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogCapture {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
