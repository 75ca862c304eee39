//! The emulator harness with the platforms: auth and accounts, rate and pair
//! limits, the customer-service window, failure injection and latency.
//! (Each platform's request rules are tested in its crate.)

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use switchboard::{Channel, ErrorKind, Message, Recipient, Registry};
use switchboard_emulator::canned::{answered_code as code, RawClient};
use switchboard_emulator::{Emulator, Failure, PairLimit, RateLimit, EMULATOR_ACCESS_TOKEN};
use switchboard_messenger::emulator::EMULATOR_PAGE_ID;
use switchboard_tests as _;
use switchboard_whatsapp::emulator::EMULATOR_PHONE_NUMBER_ID;

fn cloud() -> String {
    format!("/whatsapp/v23.0/{EMULATOR_PHONE_NUMBER_ID}/messages")
}
fn page() -> String {
    format!("/messenger/v23.0/{EMULATOR_PAGE_ID}/messages")
}

fn text(to: &str) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text", "text": {"body": "hi"}})
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
    let raw = RawClient::new(&emulator);
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
    // The first refusal waits 4^0 s (then 4, 16, …: api-contract §5).
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
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

#[tokio::test]
async fn records_are_bounded() {
    let emulator = Emulator::start().await.unwrap();
    emulator.set_record_limit(2);
    let wa = channel(&emulator, "whatsapp").await;
    for i in 0..3 {
        wa.send(&Message::text(
            Recipient::phone_number("+16505551234"),
            format!("n{i}"),
        ))
        .await
        .unwrap();
    }
    let records = emulator.records();
    assert_eq!(records.len(), 2, "the oldest went first");
    assert_eq!(records[1].body["text"]["body"], "n2");
    assert_eq!(emulator.request_count("whatsapp"), 3);
}
