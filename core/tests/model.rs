//! The neutral message model round-trips through serde, every kind of it.

use serde::{Deserialize, Serialize};
use switchboard::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Coupon {
    code: String,
}

impl ChannelPayload for Coupon {
    const CHANNEL: &'static str = "testchan";
    const KIND: &'static str = "coupon";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Tagging {
    tag: String,
}

impl ChannelPayload for Tagging {
    const CHANNEL: &'static str = "testchan";
    const KIND: &'static str = "tagging";
}

fn every_content() -> Vec<Content> {
    vec![
        Text::new("hello").preview_url(true).into(),
        Media::image_url("https://example.com/a.png")
            .caption("A")
            .into(),
        Media::new(MediaKind::Document, MediaSource::Id("123".into()))
            .filename("a.pdf")
            .into(),
        Location {
            latitude: 37.48,
            longitude: -122.15,
            name: Some("HQ".into()),
            address: None,
        }
        .into(),
        Contacts {
            contacts: vec![Contact {
                name: ContactName {
                    formatted_name: "Ada Lovelace".into(),
                    first_name: Some("Ada".into()),
                    ..Default::default()
                },
                phones: vec![ContactPhone {
                    phone: "+1 650 555 1234".into(),
                    label: Some("WORK".into()),
                    wa_id: Some("16505551234".into()),
                }],
                emails: vec![ContactEmail {
                    email: "ada@example.com".into(),
                    label: None,
                }],
                urls: vec![ContactUrl {
                    url: "https://example.com".into(),
                    label: None,
                }],
                addresses: vec![ContactAddress {
                    city: Some("London".into()),
                    ..Default::default()
                }],
                org: Some(ContactOrg {
                    company: Some("Analytical Engines".into()),
                    ..Default::default()
                }),
                birthday: Some("1815-12-10".into()),
            }],
        }
        .into(),
        Reaction {
            message_id: "wamid.1".into(),
            emoji: "👍".into(),
        }
        .into(),
        ReplyButtons {
            body: "Pick".into(),
            buttons: vec![ReplyButton::new("y", "Yes"), ReplyButton::new("n", "No")],
            header: Some("H".into()),
            footer: None,
        }
        .into(),
        ChoiceList {
            body: "Choose".into(),
            button: "Menu".into(),
            sections: vec![ChoiceSection {
                title: Some("S".into()),
                rows: vec![Choice {
                    id: "1".into(),
                    title: "One".into(),
                    description: Some("first".into()),
                }],
            }],
            header: None,
            footer: Some("F".into()),
        }
        .into(),
        SenderAction {
            action: SenderActionKind::TypingOn,
            message_id: Some("wamid.2".into()),
        }
        .into(),
        Content::Channel(ChannelContent::new(Coupon {
            code: "SAVE10".into(),
        })),
    ]
}

#[test]
fn every_content_kind_round_trips_through_json() {
    let kinds: std::collections::HashSet<_> = every_content().iter().map(Content::kind).collect();
    assert_eq!(kinds.len(), 9, "every neutral kind is covered");
    for content in every_content() {
        let msg = Message::new(Recipient::phone_number("+16505551234"), content)
            .reply_to("wamid.0")
            .idempotency_key("k1")
            .callback_data("cb")
            .notification(Notification::Silent)
            .with_extension(Tagging { tag: "T".into() });
        let json = serde_json::to_string(&msg).unwrap();
        let back: Message = serde_json::from_str(&json).unwrap();
        assert_eq!(back, msg, "{json}");
    }
}

#[test]
fn channel_content_decodes_back_to_its_type_after_a_round_trip() {
    let content = ChannelContent::new(Coupon {
        code: "SAVE10".into(),
    });
    let typed = content.0.get::<Coupon>().unwrap().unwrap();
    assert!(matches!(typed, std::borrow::Cow::Borrowed(_)));
    let json = serde_json::to_value(&content).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"channel": "testchan", "kind": "coupon", "payload": {"code": "SAVE10"}})
    );
    let back: ChannelContent = serde_json::from_value(json).unwrap();
    let decoded = back.0.get::<Coupon>().unwrap().unwrap();
    assert_eq!(decoded.code, "SAVE10");
    assert!(back.0.get::<Tagging>().is_none());

    let bad = ChannelContent(ChannelData::raw(
        "testchan",
        "coupon",
        serde_json::json!({"nope": 1}),
    ));
    let err = bad.0.get::<Coupon>().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidMessage);
}

#[test]
fn extensions_are_read_through_typed_accessors() {
    let msg = Message::text(Recipient::user_id("1"), "x").with_extension(Tagging {
        tag: "HUMAN_AGENT".into(),
    });
    assert_eq!(
        msg.extensions.get::<Tagging>().unwrap().unwrap().tag,
        "HUMAN_AGENT"
    );
    let json = serde_json::to_string(&msg).unwrap();
    let back: Message = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.extensions.get::<Tagging>().unwrap().unwrap().tag,
        "HUMAN_AGENT"
    );
    assert!(back.extensions.get::<Coupon>().is_none());
}

#[test]
fn receipts_and_errors_serialize() {
    let r = Receipt {
        channel: "c".into(),
        message_id: "m".into(),
        recipient_id: None,
        status: AcceptanceStatus::HeldForQualityAssessment,
    };
    let back: Receipt = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back, r);
    let v = Violation::new(
        "text.body",
        Problem::TooLong {
            limit: 1,
            actual: 2,
        },
    );
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        serde_json::json!({"field": "text.body", "problem": "too_long", "limit": 1, "actual": 2})
    );
}
