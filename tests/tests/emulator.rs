//! The emulator: accepts every official request body, refuses hand-written
//! invalid requests one rule at a time with the platform's code and status,
//! and has rate limits, the 24-hour window, failure injection and latency.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use switchboard::{Channel, ErrorKind, Message, Recipient, Registry};
use switchboard_emulator::{Emulator, Failure, PairLimit, RateLimit, EMULATOR_ACCESS_TOKEN};
use switchboard_messenger::emulator::EMULATOR_PAGE_ID;
use switchboard_tests::golden_dir;
use switchboard_whatsapp::emulator::EMULATOR_PHONE_NUMBER_ID;

struct Raw {
    client: reqwest::Client,
    base: String,
}

impl Raw {
    fn new(emulator: &Emulator) -> Self {
        Raw {
            client: switchboard::plugin::http::client(Duration::from_secs(10)).unwrap(),
            base: emulator.base_url(),
        }
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(EMULATOR_ACCESS_TOKEN)
            .body(serde_json::to_vec(body).unwrap())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (
            status,
            serde_json::from_slice(&r.bytes().await.unwrap()).unwrap_or(Value::Null),
        )
    }
}

fn cloud() -> String {
    format!("/whatsapp/v23.0/{EMULATOR_PHONE_NUMBER_ID}/messages")
}
const ON_PREM: &str = "/whatsapp/v1/messages";
fn page() -> String {
    format!("/messenger/v23.0/{EMULATOR_PAGE_ID}/messages")
}

fn code(v: &Value) -> i64 {
    v.pointer("/error/code")
        .or_else(|| v.pointer("/errors/0/code"))
        .and_then(Value::as_i64)
        .unwrap_or(-1)
}

#[tokio::test]
async fn every_official_request_body_is_accepted() {
    let Some(dir) = golden_dir() else { return };
    let emulator = Emulator::start().await.unwrap();
    let raw = Raw::new(&emulator);
    let mut n = 0;
    for (folder, path) in [
        ("whatsapp-cloud", cloud()),
        ("whatsapp-onprem", ON_PREM.to_string()),
        ("messenger", page()),
    ] {
        for entry in std::fs::read_dir(dir.join(folder)).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("response_") {
                continue;
            }
            let body: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            let (status, answer) = raw.post(&path, &body).await;
            assert_eq!(status, 200, "{folder}/{name}: {answer}");
            n += 1;
        }
    }
    assert!(n >= 51, "{n}");
    assert_eq!(emulator.records().len(), n);
}

fn text(to: &str) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text", "text": {"body": "hi"}})
}

fn with(mut base: Value, pointer: &str, value: Option<Value>) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        &mut base
    } else {
        base.pointer_mut(parent).unwrap()
    };
    match value {
        Some(v) => target[key] = v,
        None => {
            target.as_object_mut().unwrap().remove(key);
        }
    }
    base
}

fn interactive(kind: &str, action: Value) -> Value {
    json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "interactive",
        "interactive": {"type": kind, "body": {"text": "b"}, "action": action}})
}

#[tokio::test]
async fn each_rule_refuses_with_the_documented_code() {
    let emulator = Emulator::start().await.unwrap();
    let raw = Raw::new(&emulator);
    let t = text("16505551234");
    let long = |n: usize| Value::String("x".repeat(n));
    let buttons = |n: usize| json!({"buttons": (0..n).map(|i| json!({"type": "reply", "reply": {"id": format!("i{i}"), "title": format!("t{i}")}})).collect::<Vec<_>>()});
    let list = |rows: usize| json!({"button": "Menu", "sections": [{"rows": (0..rows).map(|i| json!({"id": format!("r{i}"), "title": "T"})).collect::<Vec<_>>()}]});
    let cases: Vec<(&str, String, Value, u16, i64)> = vec![
        (
            "messaging_product required",
            cloud(),
            with(t.clone(), "/messaging_product", None),
            400,
            100,
        ),
        (
            "messaging_product whatsapp",
            cloud(),
            with(t.clone(), "/messaging_product", Some(json!("sms"))),
            400,
            100,
        ),
        (
            "to required",
            cloud(),
            with(t.clone(), "/to", None),
            400,
            131008,
        ),
        (
            "type required",
            cloud(),
            with(t.clone(), "/type", None),
            400,
            131008,
        ),
        (
            "unknown type",
            cloud(),
            with(t.clone(), "/type", Some(json!("hologram"))),
            400,
            131051,
        ),
        (
            "type object required",
            cloud(),
            with(t.clone(), "/text", None),
            400,
            131008,
        ),
        (
            "text.body required",
            cloud(),
            with(t.clone(), "/text/body", None),
            400,
            131008,
        ),
        (
            "text.body 4096",
            cloud(),
            with(t.clone(), "/text/body", Some(long(4097))),
            400,
            131009,
        ),
        (
            "recipient_type enum",
            cloud(),
            with(t.clone(), "/recipient_type", Some(json!("crowd"))),
            400,
            131009,
        ),
        (
            "preview_url in text on Cloud",
            cloud(),
            with(t.clone(), "/preview_url", Some(json!(true))),
            400,
            131009,
        ),
        (
            "callback data 512",
            cloud(),
            with(t.clone(), "/biz_opaque_callback_data", Some(long(513))),
            400,
            131009,
        ),
        (
            "context.message_id",
            cloud(),
            with(t.clone(), "/context", Some(json!({}))),
            400,
            131008,
        ),
        (
            "media id or link",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "image", "image": {}}),
            400,
            131008,
        ),
        (
            "media not both",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "image", "image": {"id": "1", "link": "https://x"}}),
            400,
            131009,
        ),
        (
            "no caption on audio",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "audio", "audio": {"id": "1", "caption": "c"}}),
            400,
            131009,
        ),
        (
            "caption 1024",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "image", "image": {"id": "1", "caption": "c".repeat(1025)}}),
            400,
            131009,
        ),
        (
            "filename on documents only",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "image", "image": {"id": "1", "filename": "a.png"}}),
            400,
            131009,
        ),
        (
            "latitude",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "location", "location": {"latitude": 91, "longitude": 0}}),
            400,
            131009,
        ),
        (
            "contact name",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "contacts", "contacts": [{"name": {}}]}),
            400,
            131008,
        ),
        (
            "reaction message_id",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "reaction", "reaction": {"emoji": "x"}}),
            400,
            131008,
        ),
        (
            "buttons 1-3",
            cloud(),
            interactive("button", buttons(4)),
            400,
            131009,
        ),
        (
            "buttons at least 1",
            cloud(),
            interactive("button", buttons(0)),
            400,
            131009,
        ),
        (
            "button title 20",
            cloud(),
            interactive(
                "button",
                json!({"buttons": [{"type": "reply", "reply": {"id": "a", "title": "t".repeat(21)}}]}),
            ),
            400,
            131009,
        ),
        (
            "button id spaces",
            cloud(),
            interactive(
                "button",
                json!({"buttons": [{"type": "reply", "reply": {"id": " a", "title": "t"}}]}),
            ),
            400,
            131009,
        ),
        (
            "body 1024",
            cloud(),
            with(
                interactive("button", buttons(1)),
                "/interactive/body/text",
                Some(long(1025)),
            ),
            400,
            131009,
        ),
        (
            "footer 60",
            cloud(),
            with(
                interactive("button", buttons(1)),
                "/interactive/footer",
                Some(json!({"text": "f".repeat(61)})),
            ),
            400,
            131009,
        ),
        (
            "header 60",
            cloud(),
            with(
                interactive("button", buttons(1)),
                "/interactive/header",
                Some(json!({"type": "text", "text": "h".repeat(61)})),
            ),
            400,
            131009,
        ),
        (
            "list rows 10 in total",
            cloud(),
            interactive("list", list(11)),
            400,
            131009,
        ),
        (
            "list button 20",
            cloud(),
            with(
                interactive("list", list(1)),
                "/interactive/action/button",
                Some(long(21)),
            ),
            400,
            131009,
        ),
        (
            "no header on product",
            cloud(),
            with(
                interactive(
                    "product",
                    json!({"catalog_id": "c", "product_retailer_id": "p"}),
                ),
                "/interactive/header",
                Some(json!({"type": "text", "text": "h"})),
            ),
            400,
            131009,
        ),
        (
            "header on product_list",
            cloud(),
            interactive(
                "product_list",
                json!({"catalog_id": "c", "sections": [{"product_items": [{"product_retailer_id": "p"}]}]}),
            ),
            400,
            131008,
        ),
        (
            "flow_cta 30",
            cloud(),
            interactive(
                "flow",
                json!({"name": "flow", "parameters": {"flow_message_version": "3", "flow_id": "1", "flow_cta": "c".repeat(31)}}),
            ),
            400,
            131009,
        ),
        (
            "cta display_text 20",
            cloud(),
            interactive(
                "cta_url",
                json!({"name": "cta_url", "parameters": {"display_text": "d".repeat(21), "url": "https://x.example"}}),
            ),
            400,
            131009,
        ),
        (
            "template name",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "template", "template": {"language": {"code": "en"}}}),
            400,
            131008,
        ),
        (
            "template index 0-9",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "template", "template": {"name": "t", "language": {"code": "en"}, "components": [{"type": "button", "sub_type": "quick_reply", "index": 10, "parameters": []}]}}),
            400,
            131009,
        ),
        (
            "no namespace on Cloud",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "template", "template": {"name": "t", "namespace": "n", "language": {"code": "en"}}}),
            400,
            131009,
        ),
        (
            "mark read message_id",
            cloud(),
            json!({"messaging_product": "whatsapp", "status": "read"}),
            400,
            131008,
        ),
        (
            "On-Prem: no messaging_product",
            ON_PREM.into(),
            text("1"),
            400,
            131009,
        ),
        (
            "On-Prem: location name",
            ON_PREM.into(),
            json!({"to": "1", "type": "location", "location": {"latitude": 1, "longitude": 1}}),
            400,
            131008,
        ),
        (
            "On-Prem: no hsm on Cloud",
            cloud(),
            json!({"messaging_product": "whatsapp", "to": "1", "type": "hsm", "hsm": {}}),
            400,
            131051,
        ),
        (
            "Messenger: recipient",
            page(),
            json!({"messaging_type": "RESPONSE", "message": {"text": "x"}}),
            400,
            100,
        ),
        (
            "Messenger: one recipient id",
            page(),
            json!({"recipient": {"id": "1", "user_ref": "u"}, "message": {"text": "x"}}),
            400,
            100,
        ),
        (
            "Messenger: messaging_type enum",
            page(),
            json!({"recipient": {"id": "1"}, "messaging_type": "SPAM", "message": {"text": "x"}}),
            400,
            100,
        ),
        (
            "Messenger: tag with MESSAGE_TAG",
            page(),
            json!({"recipient": {"id": "1"}, "messaging_type": "MESSAGE_TAG", "message": {"text": "x"}}),
            400,
            100,
        ),
        (
            "Messenger: retired tag",
            page(),
            json!({"recipient": {"id": "1"}, "messaging_type": "MESSAGE_TAG", "tag": "ACCOUNT_UPDATE", "message": {"text": "x"}}),
            400,
            100,
        ),
        (
            "Messenger: message and sender_action",
            page(),
            json!({"recipient": {"id": "1"}, "sender_action": "typing_on", "message": {"text": "x"}}),
            400,
            100,
        ),
        (
            "Messenger: sender_action alone",
            page(),
            json!({"recipient": {"id": "1"}, "sender_action": "typing_on", "messaging_type": "RESPONSE"}),
            400,
            100,
        ),
        (
            "Messenger: text 2000",
            page(),
            json!({"recipient": {"id": "1"}, "message": {"text": "x".repeat(2001)}}),
            400,
            100,
        ),
        (
            "Messenger: text or attachment",
            page(),
            json!({"recipient": {"id": "1"}, "message": {}}),
            400,
            100,
        ),
        (
            "Messenger: quick replies 13",
            page(),
            json!({"recipient": {"id": "1"}, "message": {"text": "x", "quick_replies": (0..14).map(|i| json!({"content_type": "text", "title": format!("q{i}"), "payload": "p"})).collect::<Vec<_>>()}}),
            400,
            100,
        ),
        (
            "Messenger: quick reply title 20",
            page(),
            json!({"recipient": {"id": "1"}, "message": {"text": "x", "quick_replies": [{"content_type": "text", "title": "q".repeat(21), "payload": "p"}]}}),
            400,
            100,
        ),
        (
            "Messenger: button template 640",
            page(),
            json!({"recipient": {"id": "1"}, "message": {"attachment": {"type": "template", "payload": {"template_type": "button", "text": "t".repeat(641), "buttons": [{"type": "postback", "title": "a", "payload": "p"}]}}}}),
            400,
            100,
        ),
        (
            "Messenger: generic 10 elements",
            page(),
            json!({"recipient": {"id": "1"}, "message": {"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": (0..11).map(|i| json!({"title": format!("e{i}")})).collect::<Vec<_>>()}}}}),
            400,
            100,
        ),
        (
            "Messenger: attachments images 30",
            page(),
            json!({"recipient": {"id": "1"}, "message": {"attachments": (0..31).map(|_| json!({"type": "image", "payload": {"url": "https://x.example/a.png"}})).collect::<Vec<_>>()}}),
            400,
            100,
        ),
        (
            "Messenger: metadata 1000",
            page(),
            json!({"recipient": {"id": "1"}, "message": {"text": "x", "metadata": "m".repeat(1001)}}),
            400,
            100,
        ),
    ];
    for (rule, path, body, status, expected) in cases {
        let (got_status, answer) = raw.post(&path, &body).await;
        assert_eq!(
            (got_status, code(&answer)),
            (status, expected),
            "{rule}: {answer}"
        );
    }
    assert!(
        emulator.records().is_empty(),
        "nothing invalid was recorded"
    );
}

#[tokio::test]
async fn auth_and_unknown_accounts_are_refused_like_the_platform() {
    let emulator = Emulator::start().await.unwrap();
    let client = switchboard::plugin::http::client(Duration::from_secs(5)).unwrap();
    let r = client
        .post(format!("{}{}", emulator.base_url(), cloud()))
        .body(serde_json::to_vec(&text("1")).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        code(&serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()),
        190
    );
    // Graph also takes the token as a query parameter.
    let r = client
        .post(format!(
            "{}{}?access_token={EMULATOR_ACCESS_TOKEN}",
            emulator.base_url(),
            page()
        ))
        .body(
            serde_json::to_vec(&json!({"recipient": {"id": "1"}, "message": {"text": "x"}}))
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let raw = Raw::new(&emulator);
    let (status, answer) = raw.post("/whatsapp/v23.0/999/messages", &text("1")).await;
    assert_eq!((status, code(&answer)), (400, 100));
}

async fn channel(emulator: &Emulator, platform: &str) -> std::sync::Arc<dyn Channel> {
    Registry::discover()
        .unwrap()
        .build(&emulator.channel_config(platform, platform).unwrap())
        .unwrap()
}

#[tokio::test]
async fn rate_limits_answer_the_platform_codes_once_exceeded() {
    let emulator = Emulator::start().await.unwrap();
    let wa = channel(&emulator, "whatsapp").await;
    emulator.set_rate_limit("whatsapp", Some(RateLimit::new(5, 130429)));
    let mut refused = Vec::new();
    let started = Instant::now();
    for i in 0..8 {
        let to = Recipient::phone_number(format!("+1650555{i:04}"));
        if let Err(e) = wa.send(&Message::text(to, "x")).await {
            refused.push(e);
        }
    }
    // Within one second, exactly the 6th, 7th and 8th are refused.
    if started.elapsed() < Duration::from_millis(900) {
        assert_eq!(refused.len(), 3);
    } else {
        assert!(
            !refused.is_empty() && refused.len() <= 3,
            "{}",
            refused.len()
        );
    }
    assert!(refused
        .iter()
        .all(|e| e.kind() == ErrorKind::RateLimited && e.code() == Some(130429)));
    emulator.advance_clock(Duration::from_secs(1));
    wa.send(&Message::text(Recipient::phone_number("+16505551234"), "x"))
        .await
        .unwrap();

    emulator.set_rate_limit("whatsapp", None);
    emulator.set_pair_limit("whatsapp", Some(PairLimit::new(2, Duration::from_secs(6))));
    let same = Recipient::phone_number("+16505559999");
    wa.send(&Message::text(same.clone(), "1")).await.unwrap();
    wa.send(&Message::text(same.clone(), "2")).await.unwrap();
    let err = wa
        .send(&Message::text(same.clone(), "3"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(131056));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(6)));
    // Others are not held up by a busy recipient.
    wa.send(&Message::text(Recipient::phone_number("+16505558888"), "x"))
        .await
        .unwrap();
    emulator.advance_clock(Duration::from_secs(6));
    wa.send(&Message::text(same, "4")).await.unwrap();

    let fb = channel(&emulator, "messenger").await;
    for (limit_code, kind) in [(613, ErrorKind::RateLimited), (4, ErrorKind::RateLimited)] {
        emulator.set_rate_limit("messenger", Some(RateLimit::new(1, limit_code)));
        emulator.advance_clock(Duration::from_secs(2));
        let to = Recipient::user_id("6123456789012345");
        fb.send(&Message::text(to.clone(), "x")).await.unwrap();
        let err = fb.send(&Message::text(to, "y")).await.unwrap_err();
        assert_eq!((err.kind(), err.code()), (kind, Some(limit_code)));
    }
    emulator.set_rate_limit("whatsapp", Some(RateLimit::new(1, 80007)));
    emulator.advance_clock(Duration::from_secs(2));
    let to = Recipient::phone_number("+16505550000");
    wa.send(&Message::text(to.clone(), "x")).await.unwrap();
    assert_eq!(
        wa.send(&Message::text(to, "y")).await.unwrap_err().code(),
        Some(80007)
    );
}

#[tokio::test]
async fn the_window_refuses_free_form_content_after_24_hours() {
    let emulator = Emulator::start().await.unwrap();
    let wa = channel(&emulator, "whatsapp").await;
    let fb = channel(&emulator, "messenger").await;
    emulator.enforce_window("whatsapp", true);
    emulator.enforce_window("messenger", true);
    let to = Recipient::phone_number("+16505551234");
    let err = wa.send(&Message::text(to.clone(), "hi")).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::OutsideWindow, Some(131047))
    );
    wa.send(&Message::new(
        to.clone(),
        switchboard_whatsapp::Template::new("hello_world", "en_US"),
    ))
    .await
    .unwrap();
    emulator.open_window("whatsapp", "16505551234");
    emulator.advance_clock(Duration::from_secs(23 * 3600 + 59 * 60));
    wa.send(&Message::text(to.clone(), "still open"))
        .await
        .unwrap();
    emulator.advance_clock(Duration::from_secs(2 * 60));
    assert_eq!(
        wa.send(&Message::text(to, "closed"))
            .await
            .unwrap_err()
            .code(),
        Some(131047)
    );

    let psid = Recipient::user_id("6123456789012345");
    let err = fb
        .send(&Message::text(psid.clone(), "hi"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code(), err.subcode()),
        (ErrorKind::OutsideWindow, Some(10), Some(2018278))
    );
    let tagged = Message::text(psid.clone(), "agent").with_extension(
        switchboard_messenger::MessengerOptions::default()
            .tag(switchboard_messenger::Tag::HumanAgent),
    );
    // HUMAN_AGENT goes within 7 days of the person's message, past the 24 hours.
    let err = fb.send(&tagged).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutsideWindow, "never wrote");
    emulator.open_window("messenger", &psid.id);
    emulator.advance_clock(Duration::from_secs(25 * 3600));
    fb.send(&tagged).await.unwrap();

    // On-Premises answers 470.
    let onprem = Registry::discover()
        .unwrap()
        .build(
            &emulator
                .channel_config("whatsapp", "op")
                .unwrap()
                .set("dialect", "on_premises"),
        )
        .unwrap();
    let err = onprem
        .send(&Message::text(Recipient::phone_number("+16505557777"), "x"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::OutsideWindow, Some(470))
    );
}

#[tokio::test]
async fn failures_hangs_and_latency_can_be_scripted() {
    let emulator = Emulator::start().await.unwrap();
    let wa = Registry::discover()
        .unwrap()
        .build(
            &emulator
                .channel_config("whatsapp", "wa")
                .unwrap()
                .set("timeout_secs", 1),
        )
        .unwrap();
    let msg = Message::text(Recipient::phone_number("+16505551234"), "x");
    emulator.fail_next(
        "whatsapp",
        2,
        Failure::Platform {
            code: 131000,
            subcode: None,
        },
    );
    for _ in 0..2 {
        let e = wa.send(&msg).await.unwrap_err();
        assert!(e.is_temporary() && e.code() == Some(131000));
    }
    emulator.fail_next("whatsapp", 1, Failure::Status(502));
    assert_eq!(
        wa.send(&msg).await.unwrap_err().kind(),
        ErrorKind::PlatformUnavailable
    );

    // A hang past the client's timeout: the client sees a timeout, yet the
    // platform accepted the message (the ambiguous case).
    emulator.fail_next("whatsapp", 1, Failure::Hang(Duration::from_millis(1500)));
    let e = wa.send(&msg).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(emulator.records().len(), 1);

    emulator.set_latency("whatsapp", Some(Duration::from_millis(150)));
    let started = Instant::now();
    wa.send(&msg).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
    emulator.set_latency("whatsapp", None);
}
