//! WhatsApp webhooks: Meta's examples (Cloud and On-Premises) parse into the
//! right typed events; batches and unknown types all come through.

use serde_json::{json, Value};
use switchboard::webhook::{DeliveryStatus, EventKind, InboundContent};
use switchboard::{ErrorKind, MediaKind};
use switchboard_emulator::canned::{
    golden_dir, golden_webhook as golden, inbound_message as message, one_event as one,
};
use switchboard_whatsapp::webhook as wa;

#[test]
fn every_official_webhook_example_parses_into_the_right_events() {
    let Some(_) = golden_dir() else { return };
    let e = one(wa::parse(&golden("whatsapp-cloud-inbound_text.json").unwrap()).unwrap());
    assert_eq!(e.account, "106540352242922");
    assert_eq!(e.timestamp_ms, Some(1_749_416_383_000));
    let m = message(&e);
    assert_eq!(m.from, "16505551234");
    assert_eq!(m.sender_name.as_deref(), Some("Sheena Nelson"));
    assert_eq!(
        m.content,
        InboundContent::Text {
            body: "Does it come in another color?".into()
        }
    );

    let m = one(wa::parse(&golden("whatsapp-cloud-inbound_image.json").unwrap()).unwrap());
    match &message(&m).content {
        InboundContent::Media(media) => {
            assert_eq!(media.kind, MediaKind::Image);
            assert_eq!(media.id.as_deref(), Some("1003383421387256"));
            assert_eq!(media.caption.as_deref(), Some("Taj Mahal"));
            assert_eq!(media.mime_type.as_deref(), Some("image/jpeg"));
        }
        other => panic!("{other:?}"),
    }
    let m = one(wa::parse(&golden("whatsapp-cloud-inbound_button.json").unwrap()).unwrap());
    assert_eq!(
        message(&m).content,
        InboundContent::Button {
            payload: "Unsubscribe".into(),
            text: "Unsubscribe".into()
        }
    );
    assert!(message(&m).reply_to.is_some());
    let m = one(wa::parse(
        &golden("whatsapp-cloud-inbound_interactive_button_reply.json").unwrap(),
    )
    .unwrap());
    assert_eq!(
        message(&m).content,
        InboundContent::ButtonReply {
            id: "cancel-button".into(),
            title: "Cancel".into()
        }
    );
    let m = one(
        wa::parse(&golden("whatsapp-cloud-inbound_interactive_list_reply.json").unwrap()).unwrap(),
    );
    assert_eq!(
        message(&m).content,
        InboundContent::ListReply {
            id: "priority_express".into(),
            title: "Priority Mail Express".into(),
            description: Some("Next Day to 2 Days".into())
        }
    );
    let m = one(wa::parse(&golden("whatsapp-cloud-inbound_reaction.json").unwrap()).unwrap());
    assert!(
        matches!(&message(&m).content, InboundContent::Reaction { emoji, .. } if emoji == "👍")
    );
    let m = one(wa::parse(&golden("whatsapp-cloud-inbound_unsupported.json").unwrap()).unwrap());
    assert_eq!(message(&m).content, InboundContent::Unsupported);
    assert_eq!(message(&m).errors[0].platform.code, 131051);
    assert_eq!(message(&m).errors[0].kind, ErrorKind::Unsupported);

    let s = one(wa::parse(&golden("whatsapp-cloud-status_sent.json").unwrap()).unwrap());
    match &s.kind {
        EventKind::Status(st) => {
            assert_eq!(st.status, DeliveryStatus::Sent);
            assert_eq!(st.recipient_id.as_deref(), Some("16505551234"));
        }
        other => panic!("{other:?}"),
    }
    let e = one(wa::parse(&golden("whatsapp-cloud-errors_130429.json").unwrap()).unwrap());
    match &e.kind {
        EventKind::Errors { errors } => {
            assert_eq!(errors[0].platform.code, 130429);
            assert_eq!(errors[0].kind, ErrorKind::RateLimited);
            assert!(errors[0].temporary);
        }
        other => panic!("{other:?}"),
    }
    // On-Premises: one element of `statuses`, wrapped in its body.
    let status: Value =
        serde_json::from_slice(&golden("whatsapp-onprem-status_failed_470.json").unwrap()).unwrap();
    let body = serde_json::to_vec(&json!({"statuses": [status]})).unwrap();
    let s = one(wa::parse(&body).unwrap());
    match &s.kind {
        EventKind::Status(st) => {
            assert_eq!(st.status, DeliveryStatus::Failed);
            assert_eq!(st.errors[0].kind, ErrorKind::OutsideWindow);
            assert_eq!(st.errors[0].platform.code, 470);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn batches_and_unknown_types_all_come_through() {
    let body = json!({"object": "whatsapp_business_account", "entry": [
        {"id": "1", "changes": [{"field": "messages", "value": {"metadata": {"phone_number_id": "9"},
            "messages": [
                {"from": "1", "id": "a", "timestamp": "1", "type": "text", "text": {"body": "x"}},
                {"from": "1", "id": "b", "timestamp": "1", "type": "hologram", "hologram": {}},
                {"from": "1", "id": "c", "timestamp": "1", "type": "location", "location": {"latitude": "51.5", "longitude": -0.1}},
                {"from": "1", "id": "d", "timestamp": "1", "type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": {"name": "flow", "body": "Sent", "response_json": "{}"}}}
            ],
            "statuses": [{"id": "w1", "status": "played", "timestamp": "2", "recipient_id": "1"}]}},
            {"field": "account_update", "value": {"event": "x"}}]},
        {"id": "2", "changes": [{"field": "messages", "value": {"statuses": [{"id": "w2", "status": "teleported"}]}}]}
    ]});
    let events = wa::parse(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(events.len(), 7);
    assert!(
        matches!(&message(&events[1]).content, InboundContent::Other { kind, .. } if kind == "hologram")
    );
    assert!(
        matches!(&message(&events[2]).content, InboundContent::Location { latitude, .. } if (*latitude - 51.5).abs() < 1e-9)
    );
    assert!(matches!(
        &message(&events[3]).content,
        InboundContent::FlowReply { .. }
    ));
    assert!(matches!(&events[4].kind, EventKind::Status(s) if s.status == DeliveryStatus::Played));
    assert!(matches!(&events[5].kind, EventKind::Unknown { .. }));
    assert!(
        matches!(&events[6].kind, EventKind::Status(s) if s.status == DeliveryStatus::Other("teleported".into()))
    );
}
