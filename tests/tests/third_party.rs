//! The proof of the plugin contract: `switchboard-example-sms`, a channel
//! for a non-Meta platform written as an outside crate would, gets
//! configuration by name, webhooks through its own parser and
//! authentication, a window rule and the behaviour suite from its one
//! registration, with nothing about it in core or the bindings.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use switchboard::plugin::WebhookSecrets;
use switchboard::webhook::service::{router, WebhookConfig};
use switchboard::webhook::{DeliveryStatus, Event, EventKind, InboundContent};
use switchboard::{ErrorKind, Message, Recipient, Registry, Secret, Switchboard};
use switchboard_emulator::Emulator;
use switchboard_example_sms::SmsOptions;
use switchboard_tests as _;

fn config(emulator: &Emulator, extra: &str) -> String {
    format!(
        "[channels.alerts]\ntype = \"smsgate\"\napi_key = \"{}\"\nsender = \"ACME\"\nbase_url = \"{}\"\n{extra}",
        emulator.access_token(),
        emulator.platform_base_url("smsgate")
    )
}

#[tokio::test]
async fn configured_by_name_and_sent_with_its_settings_checked() {
    let emulator = Emulator::start().await.unwrap();
    let board = Switchboard::from_toml_str(&config(&emulator, "")).unwrap();
    let to = Recipient::phone_number("+16505551234");
    let receipt = board
        .send("alerts", &Message::text(to.clone(), "Your code is 4242"))
        .await
        .unwrap();
    let records = emulator.records_for("smsgate", Some("+16505551234"));
    assert_eq!(records[0].message_id, receipt.message_id);
    assert_eq!(records[0].account, "ACME");

    let err = Switchboard::from_toml_str(&config(&emulator, "colour = \"blue\"\n")).unwrap_err();
    assert!(
        err.to_string()
            .contains("accepted: api_key, sender, base_url"),
        "{err}"
    );
    // The gateway's own rule, and core's capability checks, before any request.
    let bad = board
        .send(
            "alerts",
            &Message::text(Recipient::phone_number("+1 (650)"), "x"),
        )
        .await
        .unwrap_err();
    assert_eq!(bad.violations()[0].field, "to");
    let psid = board
        .send("alerts", &Message::text(Recipient::user_id("42"), "x"))
        .await
        .unwrap_err();
    assert_eq!(psid.kind(), ErrorKind::Unsupported);
    assert_eq!(emulator.records_for("smsgate", None).len(), 1);
}

#[tokio::test]
async fn its_webhooks_are_authenticated_and_parsed_by_its_own_plugin() {
    let emulator = Emulator::start().await.unwrap();
    let webhooks = Registry::discover().unwrap().webhooks("smsgate").unwrap();
    let token = Secret::new("hook-token");
    let auth =
        (webhooks.auth)(&WebhookSecrets::new("smsgate").with("webhook_token", token.clone()))
            .unwrap();
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let sink = events.clone();
    let app = axum::Router::new().nest(
        "/sms",
        router(WebhookConfig::new(auth, webhooks.parse), move |e: Event| {
            let sink = sink.clone();
            async move { sink.lock().unwrap().push(e) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    emulator.set_webhook("smsgate", &url, token).unwrap();
    let board = Switchboard::from_toml_str(&config(&emulator, "")).unwrap();
    let receipt = board
        .send(
            "alerts",
            &Message::text(Recipient::phone_number("+16505551234"), "Hi"),
        )
        .await
        .unwrap();
    emulator
        .send_inbound_text("smsgate", "+16505550000", "STOP")
        .unwrap();
    for _ in 0..200 {
        if events.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let events = events.lock().unwrap().clone();
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::Status(s) if s.message_id == receipt.message_id && s.status == DeliveryStatus::Delivered)));
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::Message(m) if m.from == "+16505550000"
            && matches!(&m.content, InboundContent::Text { body } if body == "STOP"))));

    // A delivery without the gateway's token is refused.
    let client = reqwest::Client::new();
    let refused = client
        .post(&url)
        .body(r#"{"events":[]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    let forged = client
        .post(&url)
        .header("x-smsgate-token", "guess")
        .body(r#"{"events":[]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);
}

#[tokio::test]
async fn its_window_rule_applies_in_the_delivery_stack() {
    let emulator = Emulator::start().await.unwrap();
    let board = Switchboard::from_toml_str(&config(&emulator, "")).unwrap();
    let to = Recipient::phone_number("+16505551234");
    let eight_days_ago = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
        - 8 * 24 * 3600 * 1000;
    board
        .window_tracker()
        .record_inbound_at("smsgate", &to.id, eight_days_ago);
    let err = board
        .send("alerts", &Message::text(to.clone(), "Come back!"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutsideWindow);
    assert!(err.to_string().contains("transactional notices"), "{err}");
    board
        .send(
            "alerts",
            &Message::text(to, "Your parcel arrives today").with_extension(SmsOptions::notice()),
        )
        .await
        .unwrap();
    assert_eq!(emulator.records_for("smsgate", None).len(), 1);
}

#[test]
fn the_behaviour_suite_covers_it() {
    let names: Vec<String> = switchboard_tests::behaviour::trials()
        .iter()
        .map(|t| t.name().to_string())
        .collect();
    for check in [
        "smsgate::content::text",
        "smsgate::content::media",
        "smsgate::recipient::user_id",
        "smsgate::sample::notice",
        "smsgate::limits::text",
        "smsgate::errors::unauthorized",
    ] {
        assert!(names.iter().any(|n| n == check), "{check} missing");
    }
}
