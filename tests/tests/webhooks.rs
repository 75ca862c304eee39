//! The webhook service with the platforms: signatures are checked over
//! HTTP; the emulator's signed status webhooks arrive at the mounted service
//! as sent → delivered → read; duplicates are handed on once; the
//! customer-service window is enforced with a controllable clock; no parser
//! panics on random input. (Each platform's parsing of Meta's examples is
//! tested in its crate.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use switchboard::webhook::service::{router, WebhookConfig};
use switchboard::webhook::{
    DeliveryStatus, Event, EventKind, ManualClock, WebhookAuth, WindowPolicy, WindowTracker,
};
use switchboard::{Channel, ErrorKind, Message, Recipient, Registry, Secret};
use switchboard_emulator::{Emulator, Failure};
use switchboard_graph::webhook::{sign, HubAuth};
use switchboard_messenger::webhook as fb;
use switchboard_tests::golden_dir;
use switchboard_whatsapp::webhook as wa;

type Inbox = Arc<Mutex<Vec<Event>>>;

/// Serves a webhook router on 127.0.0.1; returns its URL and what it received.
async fn receiver(config: WebhookConfig) -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let sink = inbox.clone();
    let app = axum::Router::new().nest(
        "/hooks",
        router(config, move |e: Event| {
            let sink = sink.clone();
            async move { sink.lock().unwrap().push(e) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inbox)
}

async fn wait_for(inbox: &Inbox, n: usize) -> Vec<Event> {
    for _ in 0..200 {
        if inbox.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    inbox.lock().unwrap().clone()
}

async fn post(url: &str, body: &[u8], signature: Option<&str>) -> u16 {
    let client = switchboard::plugin::http::client(Duration::from_secs(5)).unwrap();
    let mut req = client.post(url).body(body.to_vec());
    if let Some(s) = signature {
        req = req.header("x-hub-signature-256", s);
    }
    req.send().await.unwrap().status().as_u16()
}

/// Graph webhook authentication with `app_secret` and `verify_token`.
fn hub(app_secret: Secret, verify_token: Secret) -> Arc<dyn WebhookAuth> {
    Arc::new(HubAuth::new(app_secret, verify_token).unwrap())
}

const TEXT: &[u8] = br#"{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"42"},"recipient":{"id":"1"},"timestamp":1,"message":{"mid":"m_1","text":"hi"}}]}]}"#;

#[tokio::test]
async fn the_service_checks_signatures_and_answers_the_handshake() {
    let secret = Secret::new("app-secret");
    let (url, inbox) = receiver(WebhookConfig::new(
        hub(secret.clone(), Secret::new("verify-me")),
        fb::parse,
    ))
    .await;
    let good = sign(&secret, TEXT);
    assert_eq!(post(&url, TEXT, Some(&good)).await, 200, "valid body");
    let mut tampered = TEXT.to_vec();
    tampered[60] ^= 1;
    assert_eq!(
        post(&url, &tampered, Some(&good)).await,
        401,
        "tampered body"
    );
    assert_eq!(
        post(&url, TEXT, Some(&sign(&Secret::new("wrong"), TEXT))).await,
        401,
        "wrong secret"
    );
    assert_eq!(post(&url, TEXT, None).await, 401, "missing header");
    assert_eq!(
        post(&url, TEXT, Some("sha256=nothex")).await,
        401,
        "malformed header"
    );
    assert_eq!(
        post(&url, b"not json", Some(&sign(&secret, b"not json"))).await,
        400,
        "bad payload"
    );
    // The platforms retry: the same event twice reaches the handler once.
    assert_eq!(post(&url, TEXT, Some(&good)).await, 200);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(inbox.lock().unwrap().len(), 1);

    let client = switchboard::plugin::http::client(Duration::from_secs(5)).unwrap();
    let ok = client
        .get(format!(
            "{url}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.text().await.unwrap(), "1158201444");
    let refused = client
        .get(format!(
            "{url}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
}

#[tokio::test]
async fn statuses_from_the_emulator_arrive_signed_sent_delivered_read() {
    let emulator = Emulator::start().await.unwrap();
    let secret = Secret::new("emulator-app-secret");
    let (url, inbox) = receiver(WebhookConfig::new(
        hub(secret.clone(), Secret::new("v")),
        wa::parse,
    ))
    .await;
    emulator.set_webhook("whatsapp", &url, secret).unwrap();
    let registry = Registry::discover().unwrap();
    let channel = registry
        .build(&emulator.channel_config("whatsapp", "wa").unwrap())
        .unwrap();
    let receipt = channel
        .send(
            &Message::text(Recipient::phone_number("+16505551234"), "hi").callback_data("order-7"),
        )
        .await
        .unwrap();
    let events = wait_for(&inbox, 3).await;
    let statuses: Vec<_> = events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Status(s) => {
                assert_eq!(s.message_id, receipt.message_id);
                assert_eq!(s.callback_data.as_deref(), Some("order-7"));
                s.status.clone()
            }
            other => panic!("{other:?}"),
        })
        .collect();
    // The emulator posts them in this order, each after the previous one was
    // answered; separate deliveries may reach the handler in any order (the
    // platforms do not order them either), so compare them as a set.
    let rank = |s: &DeliveryStatus| match s {
        DeliveryStatus::Sent => 0,
        DeliveryStatus::Delivered => 1,
        DeliveryStatus::Read => 2,
        _ => 3,
    };
    let mut statuses = statuses;
    statuses.sort_by_key(rank);
    assert_eq!(
        statuses,
        [
            DeliveryStatus::Sent,
            DeliveryStatus::Delivered,
            DeliveryStatus::Read
        ]
    );
    assert!(emulator
        .webhook_deliveries()
        .iter()
        .all(|d| d.status == Some(200)));

    // A delivery failure: sent, then failed with a typed error.
    emulator.fail_next("whatsapp", 1, Failure::DeliveryFailed { code: 131026 });
    channel
        .send(&Message::text(
            Recipient::phone_number("+16505551234"),
            "again",
        ))
        .await
        .unwrap();
    let events = wait_for(&inbox, 5).await;
    let failed: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Status(s) if s.status == DeliveryStatus::Failed => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 1, "{events:?}");
    assert_eq!(failed[0].errors[0].kind, ErrorKind::InvalidRecipient);
    assert_eq!(failed[0].errors[0].platform.code, 131026);
}

#[tokio::test]
async fn messenger_deliveries_and_reads_arrive_from_the_emulator() {
    let emulator = Emulator::start().await.unwrap();
    let secret = Secret::new("page-app-secret");
    let (url, inbox) = receiver(WebhookConfig::new(
        hub(secret.clone(), Secret::new("v")),
        fb::parse,
    ))
    .await;
    emulator.set_webhook("messenger", &url, secret).unwrap();
    let registry = Registry::discover().unwrap();
    let channel = registry
        .build(&emulator.channel_config("messenger", "fb").unwrap())
        .unwrap();
    let r = channel
        .send(&Message::text(Recipient::user_id("6123456789012345"), "hi"))
        .await
        .unwrap();
    let events = wait_for(&inbox, 2).await;
    assert_eq!(events.len(), 2);
    assert!(events.iter().any(
        |e| matches!(&e.kind, EventKind::Delivery(d) if d.message_ids == [r.message_id.clone()])
    ));
    assert!(events.iter().any(|e| matches!(&e.kind, EventKind::Read(_))));
}

#[tokio::test]
async fn the_window_opens_with_inbound_messages_and_closes_after_24_hours() {
    let emulator = Emulator::start().await.unwrap();
    let clock = Arc::new(ManualClock::new(1_800_000_000_000));
    let tracker = Arc::new(WindowTracker::with_clock(clock.clone()));
    let secret = Secret::new("s");
    let config = WebhookConfig::new(hub(secret.clone(), Secret::new("v")), wa::parse)
        .window_tracker(tracker.clone());
    let (url, inbox) = receiver(config).await;
    emulator.set_webhook("whatsapp", &url, secret).unwrap();
    let registry = Registry::discover().unwrap();
    let inner = registry
        .build(&emulator.channel_config("whatsapp", "wa").unwrap())
        .unwrap();
    let channel = WindowPolicy::new(inner, tracker.clone(), Arc::new(wa::Window));
    let to = Recipient::phone_number("+1 650 555 1234");
    let text = Message::text(to.clone(), "free-form");
    let template = Message::new(
        to.clone(),
        switchboard_whatsapp::Template::new("hello_world", "en_US"),
    );

    // Never heard from: only templates.
    let err = channel.send(&text).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutsideWindow);
    assert!(err.to_string().contains("template"), "{err}");
    channel.send(&template).await.unwrap();

    // The customer writes (inbound webhook through the mounted service); the
    // tracker records the time of the event, so move the clock to it.
    emulator
        .send_inbound_text("whatsapp", "16505551234", "hello?")
        .unwrap();
    wait_for(&inbox, 1).await;
    assert!(tracker
        .since_last_inbound("whatsapp", "16505551234")
        .is_some());
    // The inbound event carries the wall-clock time; pin the window to the test clock.
    tracker.record_inbound_at("whatsapp", "16505551234", clock_now(&clock));

    clock.advance(Duration::from_secs(23 * 3600 + 59 * 60));
    channel
        .send(&text)
        .await
        .expect("23 h 59 min: inside the window");
    clock.advance(Duration::from_secs(2 * 60));
    let err = channel.send(&text).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutsideWindow, "24 h 01 min: outside");
    channel
        .send(&template)
        .await
        .expect("templates are always allowed");
    // Refused locally: the emulator saw only the two templates and the one text.
    assert_eq!(emulator.records_for("whatsapp", None).len(), 3);
}

fn clock_now(clock: &ManualClock) -> u64 {
    use switchboard::webhook::Clock;
    clock.now_ms()
}

#[tokio::test]
async fn messenger_human_agent_is_allowed_for_7_days_where_enabled() {
    let clock = Arc::new(ManualClock::new(0));
    let tracker = Arc::new(WindowTracker::with_clock(clock.clone()));
    let emulator = Emulator::start().await.unwrap();
    let registry = Registry::discover().unwrap();
    let inner = registry
        .build(&emulator.channel_config("messenger", "fb").unwrap())
        .unwrap();
    let psid = "6123456789012345";
    tracker.record_inbound_at("messenger", psid, 0);
    let human = Message::text(Recipient::user_id(psid), "An agent here").with_extension(
        switchboard_messenger::MessengerOptions::default()
            .tag(switchboard_messenger::Tag::HumanAgent),
    );
    let plain = Message::text(Recipient::user_id(psid), "Hi");
    let strict = WindowPolicy::new(
        inner.clone(),
        tracker.clone(),
        Arc::new(switchboard_messenger::webhook::Window::default()),
    );
    let agents = WindowPolicy::new(
        inner,
        tracker.clone(),
        Arc::new(switchboard_messenger::webhook::Window::with_human_agent()),
    );
    clock.advance(Duration::from_secs(24 * 3600 + 60));
    assert_eq!(
        agents.send(&plain).await.unwrap_err().kind(),
        ErrorKind::OutsideWindow
    );
    assert_eq!(
        strict.send(&human).await.unwrap_err().kind(),
        ErrorKind::OutsideWindow
    );
    agents.send(&human).await.unwrap();
    clock.advance(Duration::from_secs(6 * 24 * 3600));
    let err = agents.send(&human).await.unwrap_err();
    assert!(err.to_string().contains("HUMAN_AGENT"), "{err}");
}

/// A tiny deterministic generator for the fuzz tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn json(&mut self, depth: u32) -> Value {
        const KEYS: &[&str] = &[
            "object",
            "entry",
            "changes",
            "value",
            "messages",
            "statuses",
            "messaging",
            "type",
            "text",
            "id",
            "from",
            "timestamp",
            "errors",
            "interactive",
            "message",
            "sender",
            "delivery",
            "read",
            "postback",
            "reaction",
            "button_reply",
            "list_reply",
            "nfm_reply",
            "location",
            "latitude",
            "contacts",
            "mids",
            "watermark",
            "code",
            "error_data",
            "metadata",
            "field",
            "status",
        ];
        const STRS: &[&str] = &[
            "whatsapp_business_account",
            "page",
            "messages",
            "text",
            "image",
            "interactive",
            "button_reply",
            "list_reply",
            "nfm_reply",
            "location",
            "reaction",
            "failed",
            "sent",
            "",
            "\u{0}",
            "é",
        ];
        match if depth == 0 {
            self.below(5)
        } else {
            self.below(7)
        } {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => json!(self.next() as i64),
            3 => json!(self.below(1000) as f64 / 7.0),
            4 => Value::String(STRS[self.below(STRS.len() as u64) as usize].into()),
            5 => Value::Array((0..self.below(4)).map(|_| self.json(depth - 1)).collect()),
            _ => {
                let mut m = serde_json::Map::new();
                for _ in 0..self.below(6) {
                    let k = KEYS[self.below(KEYS.len() as u64) as usize];
                    m.insert(k.into(), self.json(depth - 1));
                }
                Value::Object(m)
            }
        }
    }
}

#[test]
fn random_bytes_and_random_json_never_panic_any_parser() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut seeds: Vec<Vec<u8>> = vec![TEXT.to_vec()];
    if let Some(dir) = golden_dir() {
        for entry in std::fs::read_dir(dir.join("webhooks")).unwrap() {
            seeds.push(std::fs::read(entry.unwrap().path()).unwrap());
        }
    }
    let secret = Secret::new("k");
    // Every registered platform's parser, first-party or not.
    let registry = Registry::discover().unwrap();
    let parsers: Vec<_> = registry
        .plugins()
        .filter_map(|p| p.webhooks().map(|w| w.parse))
        .collect();
    assert!(parsers.len() >= 3, "whatsapp, messenger and smsgate");
    for i in 0..20_000u32 {
        let body: Vec<u8> = match i % 4 {
            0 => (0..rng.below(64)).map(|_| rng.next() as u8).collect(),
            1 => {
                let mut v = serde_json::Map::new();
                v.insert(
                    "object".into(),
                    json!(["whatsapp_business_account", "page"][rng.below(2) as usize]),
                );
                v.insert("entry".into(), rng.json(5));
                serde_json::to_vec(&Value::Object(v)).unwrap()
            }
            2 => serde_json::to_vec(&rng.json(6)).unwrap(),
            _ => {
                // Mutate a real payload: flip, drop or duplicate bytes.
                let mut b = seeds[rng.below(seeds.len() as u64) as usize].clone();
                for _ in 0..=rng.below(4) {
                    if b.is_empty() {
                        break;
                    }
                    let at = rng.below(b.len() as u64) as usize;
                    match rng.below(3) {
                        0 => b[at] ^= 1 << rng.below(8),
                        1 => {
                            b.remove(at);
                        }
                        _ => b.insert(at, b[at]),
                    }
                }
                b
            }
        };
        for parse in &parsers {
            let _ = parse(&body);
        }
        let _ = switchboard_graph::errors::parse_graph_error(Some(400), &body);
        let _ = switchboard_graph::webhook::verify_signature(
            &secret,
            &body,
            std::str::from_utf8(&body).ok(),
        );
        let _ = serde_json::from_slice::<Message>(&body);
    }
}

#[tokio::test]
async fn at_least_once_marks_an_event_seen_only_after_its_handler_succeeds() {
    use switchboard::webhook::service::router_at_least_once;
    let secret = Secret::new("app-secret");
    let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counter = calls.clone();
    let app = axum::Router::new().nest(
        "/hooks",
        router_at_least_once(
            WebhookConfig::new(hub(secret.clone(), Secret::new("v")), fb::parse),
            move |_: Event| {
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async move {
                    if n == 0 {
                        Err("the database is down")
                    } else {
                        Ok(())
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let signature = sign(&secret, TEXT);
    // The handler fails: the platform is told to deliver again.
    assert_eq!(post(&url, TEXT, Some(&signature)).await, 500);
    // Delivered again: handled, then marked seen.
    assert_eq!(post(&url, TEXT, Some(&signature)).await, 200);
    // A third delivery of the same event is a duplicate.
    assert_eq!(post(&url, TEXT, Some(&signature)).await, 200);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
}
