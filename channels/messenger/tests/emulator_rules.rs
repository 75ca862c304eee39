//! The Messenger emulator's rules: every official request body is accepted,
//! hand-written invalid requests are refused one rule at a time with the
//! platform's code and status.

use serde_json::json;
use switchboard_emulator::canned::{check_official_requests_accepted, check_refusals, Refusal};
use switchboard_messenger::emulator::EMULATOR_PAGE_ID;

fn page() -> String {
    format!("/messenger/v23.0/{EMULATOR_PAGE_ID}/messages")
}

#[tokio::test]
async fn every_official_request_body_is_accepted() {
    check_official_requests_accepted(&[("messenger", page())], 10).await;
}

#[tokio::test]
async fn each_rule_refuses_with_the_documented_code() {
    let cases: Vec<Refusal> = vec![
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
    check_refusals(cases).await;
}
