//! The Telegram emulator's own rules, written from the Bot API
//! documentation over the raw JSON: each invalid request is refused with
//! Telegram's status and `error_code`, and nothing invalid is recorded.

use serde_json::{json, Value};
use switchboard_emulator::canned::{check_refusals, RawClient, Refusal};
use switchboard_emulator::{Emulator, RateLimit, EMULATOR_ACCESS_TOKEN};
use switchboard_telegram::emulator::EMULATOR_BOT_ID;

fn path(method: &str) -> String {
    format!("/telegram/bot{EMULATOR_BOT_ID}:{EMULATOR_ACCESS_TOKEN}/{method}")
}

fn to(mut body: Value) -> Value {
    body["chat_id"] = json!(123456789);
    body
}

fn bad(rule: &'static str, method: &str, body: Value) -> Refusal {
    (rule, path(method), to(body), 400, 400)
}

#[tokio::test]
async fn invalid_requests_are_refused_as_telegram_refuses_them() {
    let long = "x".repeat(4097);
    let button =
        |data: &str| json!({"inline_keyboard": [[{"text": "Yes", "callback_data": data}]]});
    check_refusals(vec![
        ("a wrong token", format!("/telegram/bot{EMULATOR_BOT_ID}:nope/sendMessage"), to(json!({"text": "hi"})), 401, 401),
        ("another bot", format!("/telegram/bot42:{EMULATOR_ACCESS_TOKEN}/sendMessage"), to(json!({"text": "hi"})), 401, 401),
        ("a token without an id", format!("/telegram/bot{EMULATOR_ACCESS_TOKEN}/sendMessage"), to(json!({"text": "hi"})), 401, 401),
        ("an unknown method", path("sendTelepathy"), to(json!({"text": "hi"})), 404, 404),
        ("no chat", path("sendMessage"), json!({"text": "hi"}), 400, 400),
        ("a chat id of 0", path("sendMessage"), json!({"chat_id": 0, "text": "hi"}), 400, 400),
        bad("empty text", "sendMessage", json!({"text": " "})),
        bad("text over 4096", "sendMessage", json!({"text": long})),
        bad("callback_data over 64 bytes", "sendMessage", json!({"text": "hi", "reply_markup": button(&"ж".repeat(33))})),
        bad("empty callback_data", "sendMessage", json!({"text": "hi", "reply_markup": button("")})),
        bad("a photo missing", "sendPhoto", json!({"caption": "x"})),
        bad("a caption over 1024", "sendPhoto", json!({"photo": "id", "caption": "x".repeat(1025)})),
        bad("a sticker caption", "sendSticker", json!({"sticker": "id", "caption": "x"})),
        bad("a latitude out of range", "sendLocation", json!({"latitude": 90.5, "longitude": 0})),
        bad("a venue without address", "sendVenue", json!({"latitude": 1, "longitude": 2, "title": "Shop"})),
        bad("a contact without phone", "sendContact", json!({"first_name": "Ann"})),
        bad("a vCard over 2048 bytes", "sendContact", json!({"phone_number": "+1", "first_name": "Ann", "vcard": "x".repeat(2049)})),
        bad("two reactions", "setMessageReaction", json!({"message_id": 1, "reaction": [{"type": "emoji", "emoji": "👍"}, {"type": "emoji", "emoji": "🔥"}]})),
        bad("a reaction to no message", "setMessageReaction", json!({"reaction": []})),
        bad("an unknown action", "sendChatAction", json!({"action": "dancing"})),
        bad("a reply to no message", "sendMessage", json!({"text": "hi", "reply_parameters": {"message_id": 0}})),
    ])
    .await;
}

#[tokio::test]
async fn text_is_counted_after_entity_parsing() {
    let emulator = Emulator::start().await.unwrap();
    let raw = RawClient::new(&emulator);
    // 4096 visible characters in bold: 4103 with the tags, accepted.
    let html = format!("<b>{}</b>", "x".repeat(4096));
    let (status, answer) = raw
        .post(
            &path("sendMessage"),
            &to(json!({"text": html, "parse_mode": "HTML"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let escaped = format!("*{}*", "\\.".repeat(4096));
    let (status, answer) = raw
        .post(
            &path("sendMessage"),
            &to(json!({"text": escaped, "parse_mode": "MarkdownV2"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let over = format!("<b>{}</b>", "x".repeat(4097));
    let (status, _) = raw
        .post(
            &path("sendMessage"),
            &to(json!({"text": over, "parse_mode": "HTML"})),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn answers_have_telegram_s_shape() {
    let emulator = Emulator::start().await.unwrap();
    let raw = RawClient::new(&emulator);
    let (status, answer) = raw
        .post(&path("sendMessage"), &to(json!({"text": "hi"})))
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["ok"], true);
    assert_eq!(
        answer["result"]["chat"],
        json!({"id": 123456789, "type": "private"})
    );
    assert!(answer["result"]["message_id"].as_i64().is_some());
    let (_, answer) = raw
        .post(&path("sendChatAction"), &to(json!({"action": "typing"})))
        .await;
    assert_eq!(answer, json!({"ok": true, "result": true}));

    emulator.set_rate_limit("telegram", Some(RateLimit::new(1, 429)));
    raw.post(&path("sendMessage"), &to(json!({"text": "one"})))
        .await;
    let (status, answer) = raw
        .post(&path("sendMessage"), &to(json!({"text": "two"})))
        .await;
    assert_eq!(status, 429);
    assert_eq!(answer["ok"], false);
    assert_eq!(answer["error_code"], 429);
    assert_eq!(answer["parameters"]["retry_after"], 1);
    assert!(answer["description"]
        .as_str()
        .unwrap()
        .starts_with("Too Many Requests"));
}
