//! Messenger webhooks: Meta's examples parse into the right typed events.

use serde_json::{json, Value};
use switchboard::webhook::{EventKind, InboundContent};
use switchboard_emulator::canned::{
    golden_dir, golden_webhook as golden, inbound_message as message, one_event as one,
};
use switchboard_messenger::webhook as fb;

/// Meta's Messenger examples are single `messaging` items: wrap them in the page envelope.
fn page(item: Vec<u8>) -> Vec<u8> {
    let item: Value = serde_json::from_slice(&item).unwrap();
    serde_json::to_vec(
        &json!({"object": "page", "entry": [{"id": "<PAGE_ID>", "time": 1, "messaging": [item]}]}),
    )
    .unwrap()
}

#[test]
fn every_official_webhook_example_parses_into_the_right_events() {
    let Some(_) = golden_dir() else { return };
    let m = one(fb::parse(&page(golden("messenger-message_text.json").unwrap())).unwrap());
    assert_eq!(
        message(&m).content,
        InboundContent::QuickReply {
            text: "hello, world!".into(),
            payload: "<DEVELOPER_DEFINED_PAYLOAD>".into()
        }
    );
    assert_eq!(m.timestamp_ms, Some(1_458_692_752_478));
    let d = one(fb::parse(&page(golden("messenger-message_deliveries.json").unwrap())).unwrap());
    assert!(
        matches!(&d.kind, EventKind::Delivery(w) if w.watermark == 1_458_668_856_253 && w.message_ids.len() == 1)
    );
    let r = one(fb::parse(&page(golden("messenger-message_reads.json").unwrap())).unwrap());
    assert!(matches!(&r.kind, EventKind::Read(w) if w.watermark == 1_458_668_856_253));
}
