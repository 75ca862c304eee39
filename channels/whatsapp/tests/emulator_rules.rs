//! The WhatsApp emulator's rules: every official request body is accepted,
//! hand-written invalid requests are refused one rule at a time with the
//! platform's code and status.

use serde_json::{json, Value};
use switchboard_emulator::canned::{check_official_requests_accepted, check_refusals, Refusal};
use switchboard_whatsapp::emulator::EMULATOR_PHONE_NUMBER_ID;

fn cloud() -> String {
    format!("/whatsapp/v23.0/{EMULATOR_PHONE_NUMBER_ID}/messages")
}
const ON_PREM: &str = "/whatsapp/v1/messages";

fn on_prem() -> String {
    ON_PREM.to_string()
}

#[tokio::test]
async fn every_official_request_body_is_accepted() {
    check_official_requests_accepted(
        &[("whatsapp-cloud", cloud()), ("whatsapp-onprem", on_prem())],
        41,
    )
    .await;
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
    let t = text("16505551234");
    let long = |n: usize| Value::String("x".repeat(n));
    let buttons = |n: usize| json!({"buttons": (0..n).map(|i| json!({"type": "reply", "reply": {"id": format!("i{i}"), "title": format!("t{i}")}})).collect::<Vec<_>>()});
    let list = |rows: usize| json!({"button": "Menu", "sections": [{"rows": (0..rows).map(|i| json!({"id": format!("r{i}"), "title": "T"})).collect::<Vec<_>>()}]});
    let cases: Vec<Refusal> = vec![
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
    ];
    check_refusals(cases).await;
}

#[tokio::test]
async fn list_bodies_are_4096_on_cloud_and_1024_on_premises() {
    let list = |body: String| {
        json!({"to": "16505551234", "type": "interactive",
            "interactive": {"type": "list", "body": {"text": body},
                "action": {"button": "Menu", "sections": [{"rows": [{"id": "r", "title": "T"}]}]}}})
    };
    let cloud_list = |body: String| {
        let mut b = list(body);
        b["messaging_product"] = json!("whatsapp");
        b
    };
    let emulator = switchboard_emulator::Emulator::start().await.unwrap();
    let raw = switchboard_emulator::canned::RawClient::new(&emulator);
    let (status, answer) = raw.post(&cloud(), &cloud_list("x".repeat(4096))).await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = raw.post(&cloud(), &cloud_list("x".repeat(4097))).await;
    assert_eq!(status, 400);
    let (status, _) = raw.post(&on_prem(), &list("x".repeat(1025))).await;
    assert_eq!(status, 400);
    let (status, answer) = raw.post(&on_prem(), &list("x".repeat(1024))).await;
    assert_eq!(status, 200, "{answer}");
}
