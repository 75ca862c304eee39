//! The neutral message model round-trips through serde, every kind of it.

use serde::{Deserialize, Serialize};
use switchboard::contact::{
    Contact, ContactAddress, ContactEmail, ContactName, ContactOrg, ContactPhone, ContactUrl,
};
use switchboard::plugin::{ChannelPayload, Problem};
use switchboard::*;

/// The content of an imaginary channel `testchan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    content = "payload",
    rename_all = "snake_case",
    deny_unknown_fields
)]
enum TestContent {
    Coupon { code: String },
}

impl ChannelPayload for TestContent {
    const CHANNEL: &'static str = "testchan";
    fn kind(&self) -> &'static str {
        "coupon"
    }
}

/// The options of `testchan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tagging {
    tag: String,
}

impl ChannelPayload for Tagging {
    const CHANNEL: &'static str = "testchan";
    fn kind(&self) -> &'static str {
        "options"
    }
}

/// The options of another channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct OtherOptions {
    flag: bool,
}

impl ChannelPayload for OtherOptions {
    const CHANNEL: &'static str = "otherchan";
    fn kind(&self) -> &'static str {
        "options"
    }
}

fn coupon() -> ChannelContent {
    ChannelContent::new(TestContent::Coupon {
        code: "SAVE10".into(),
    })
}

fn every_content() -> Vec<Content> {
    vec![
        Text::new("hello").preview_url(true).into(),
        Media::image_url("https://example.com/a.png")
            .caption("A")
            .into(),
        Media::document_id("123").filename("a.pdf").into(),
        Location::new(37.48, -122.15).name("HQ").into(),
        Contacts::new([
            Contact::new(ContactName::new("Ada Lovelace").first_name("Ada"))
                .phone(
                    ContactPhone::new("+1 650 555 1234")
                        .label("WORK")
                        .wa_id("16505551234"),
                )
                .email(ContactEmail::new("ada@example.com"))
                .url(ContactUrl::new("https://example.com"))
                .address(ContactAddress::new().city("London"))
                .org(ContactOrg::new().company("Analytical Engines"))
                .birthday("1815-12-10"),
        ])
        .into(),
        Reaction::new("wamid.1", "👍").into(),
        ReplyButtons::new(
            "Pick",
            [ReplyButton::new("y", "Yes"), ReplyButton::new("n", "No")],
        )
        .header("H")
        .into(),
        ChoiceList::new(
            "Choose",
            "Menu",
            [ChoiceSection::new([Choice::new("1", "One").description("first")]).title("S")],
        )
        .footer("F")
        .into(),
        SenderAction::typing_on().message_id("wamid.2").into(),
        coupon().into(),
    ]
}

#[test]
fn every_content_kind_round_trips_through_json() {
    let kinds: std::collections::HashSet<_> = every_content().iter().map(Content::kind).collect();
    assert_eq!(kinds.len(), ContentKind::ALL.len(), "every kind is covered");
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
fn media_shortcuts_cover_every_kind_and_source() {
    let all = [
        (
            Media::image_url("u"),
            MediaKind::Image,
            MediaSource::url("u"),
        ),
        (Media::image_id("i"), MediaKind::Image, MediaSource::id("i")),
        (
            Media::audio_url("u"),
            MediaKind::Audio,
            MediaSource::url("u"),
        ),
        (Media::audio_id("i"), MediaKind::Audio, MediaSource::id("i")),
        (
            Media::video_url("u"),
            MediaKind::Video,
            MediaSource::url("u"),
        ),
        (Media::video_id("i"), MediaKind::Video, MediaSource::id("i")),
        (
            Media::document_url("u"),
            MediaKind::Document,
            MediaSource::url("u"),
        ),
        (
            Media::document_id("i"),
            MediaKind::Document,
            MediaSource::id("i"),
        ),
        (
            Media::sticker_url("u"),
            MediaKind::Sticker,
            MediaSource::url("u"),
        ),
        (
            Media::sticker_id("i"),
            MediaKind::Sticker,
            MediaSource::id("i"),
        ),
    ];
    for (media, kind, source) in all {
        assert_eq!((media.kind, media.source), (kind, source));
    }
}

#[test]
fn channel_content_decodes_back_to_its_type_after_a_round_trip() {
    let content = coupon();
    let typed = content.decode::<TestContent>("c").unwrap();
    assert!(matches!(typed, std::borrow::Cow::Borrowed(_)));
    let json = serde_json::to_value(&content).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"channel": "testchan", "kind": "coupon", "payload": {"code": "SAVE10"}})
    );
    let back: ChannelContent = serde_json::from_value(json).unwrap();
    assert_eq!(back.describe(), "coupon");
    let decoded = back.decode::<TestContent>("c").unwrap();
    assert_eq!(
        *decoded,
        TestContent::Coupon {
            code: "SAVE10".into()
        }
    );

    let wrong_channel = back.decode::<OtherOptions>("c").unwrap_err();
    assert_eq!(wrong_channel.kind(), ErrorKind::Unsupported);
    assert!(
        wrong_channel.to_string().contains("testchan"),
        "{wrong_channel}"
    );

    let bad = ChannelContent::raw(
        "testchan",
        serde_json::json!({"kind": "coupon", "payload": {"code": "X", "nope": 1}}),
    );
    let err = bad.decode::<TestContent>("c").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidMessage);
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn extensions_are_read_through_typed_accessors() {
    let msg = Message::text(Recipient::user_id("1"), "x").with_extension(Tagging {
        tag: "HUMAN_AGENT".into(),
    });
    assert_eq!(
        msg.extensions.get::<Tagging>("c").unwrap().unwrap().tag,
        "HUMAN_AGENT"
    );
    let json = serde_json::to_value(&msg).unwrap();
    assert_eq!(
        json["extensions"],
        serde_json::json!({"testchan": {"channel": "testchan", "tag": "HUMAN_AGENT"}})
    );
    let back: Message = serde_json::from_value(json).unwrap();
    assert_eq!(
        back.extensions.get::<Tagging>("c").unwrap().unwrap().tag,
        "HUMAN_AGENT"
    );
    assert!(back.extensions.get::<OtherOptions>("c").unwrap().is_none());
}

#[test]
fn receipts_and_errors_serialize() {
    let r = Receipt::new("c", "m").status(AcceptanceStatus::HeldForQualityAssessment);
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
