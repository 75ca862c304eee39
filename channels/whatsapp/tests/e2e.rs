//! Every WhatsApp message kind goes through the emulator end to end, on both
//! dialects where the kind exists, and the emulator records the body sent.

use switchboard::contact::{Contact, ContactName};
use switchboard::{
    Channel, Choice, ChoiceList, ChoiceSection, Contacts, Location, Media, MediaKind, MediaSource,
    Message, Reaction, Recipient, ReplyButton, ReplyButtons, Secret, SenderAction,
    SenderActionKind, Text,
};
use switchboard_emulator::Emulator;
use switchboard_whatsapp::emulator::EMULATOR_PHONE_NUMBER_ID;
use switchboard_whatsapp::{
    FlowAction, FlowRef, Header, Interactive, InteractiveAction, MediaRef, Parameter,
    ProductSection, Template, Ttl, WhatsApp, WhatsAppConfig, WhatsAppOptions,
};

/// A Cloud API channel sending to `emulator`.
fn cloud_channel(emulator: &Emulator) -> WhatsApp {
    WhatsApp::new(
        "wa",
        WhatsAppConfig::cloud(
            EMULATOR_PHONE_NUMBER_ID,
            Secret::new(emulator.access_token()),
        )
        .base_url(emulator.platform_base_url("whatsapp")),
    )
    .unwrap()
}

fn to() -> Recipient {
    Recipient::phone_number("+16505551234")
}

fn messages() -> Vec<(&'static str, Message)> {
    let list = ChoiceList::new(
        "Pick a slot",
        "Slots",
        vec![ChoiceSection::new(vec![
            Choice::new("mon", "Monday").description("9-12")
        ])],
    )
    .header("Booking");
    vec![
        (
            "text",
            Message::new(
                to(),
                Text::new("Hello https://example.com").preview_url(true),
            ),
        ),
        (
            "image",
            Message::new(
                to(),
                Media::image_url("https://example.com/a.png").caption("A"),
            ),
        ),
        (
            "document",
            Message::new(
                to(),
                Media::new(MediaKind::Document, MediaSource::Id("42".into()))
                    .filename("invoice.pdf"),
            ),
        ),
        (
            "audio",
            Message::new(
                to(),
                Media::new(MediaKind::Audio, MediaSource::Id("7".into())),
            ),
        ),
        (
            "sticker",
            Message::new(
                to(),
                Media::new(MediaKind::Sticker, MediaSource::Id("8".into())),
            ),
        ),
        (
            "location",
            Message::new(
                to(),
                Location::new(51.5, -0.12).name("Shop").address("1 High St"),
            ),
        ),
        (
            "contacts",
            Message::new(to(), Contacts::new([Contact::new(ContactName::new("Ada"))])),
        ),
        (
            "reaction",
            Message::new(to(), Reaction::new("wamid.1", "👍")),
        ),
        (
            "interactive",
            Message::new(
                to(),
                ReplyButtons::new(
                    "Confirm?",
                    vec![ReplyButton::new("y", "Yes"), ReplyButton::new("n", "No")],
                )
                .footer("Reply below"),
            ),
        ),
        ("interactive", Message::new(to(), list)),
        (
            "template",
            Message::new(
                to(),
                Template::new("order_update", "en_US")
                    .body([Parameter::text("1042")])
                    .quick_reply_button(0, "track"),
            ),
        ),
    ]
}

fn cloud_only() -> Vec<(&'static str, Message)> {
    vec![
        (
            "voice",
            Message::new(
                to(),
                Media::new(MediaKind::Audio, MediaSource::Id("7".into())),
            )
            .with_extension(WhatsAppOptions::default().voice()),
        ),
        (
            "interactive",
            Message::new(
                to(),
                Interactive::new(InteractiveAction::Product {
                    catalog_id: "c1".into(),
                    product_retailer_id: "sku1".into(),
                }),
            ),
        ),
        (
            "interactive",
            Message::new(
                to(),
                Interactive::new(InteractiveAction::ProductList {
                    catalog_id: "c1".into(),
                    sections: vec![ProductSection::new(["sku1", "sku2"]).title("Bread")],
                })
                .header(Header::text("Our bakery"))
                .body("Fresh today"),
            ),
        ),
        (
            "interactive",
            Message::new(
                to(),
                Interactive::new(InteractiveAction::CatalogMessage {
                    thumbnail_product_retailer_id: None,
                })
                .body("Browse"),
            ),
        ),
        (
            "interactive",
            Message::new(
                to(),
                Interactive::new(InteractiveAction::Flow(
                    FlowAction::new(FlowRef::Name("signup".into()), "Sign up")
                        .flow_token("tok")
                        .flow_action_payload(switchboard_whatsapp::FlowPayload::new("WELCOME")),
                ))
                .body("Join"),
            ),
        ),
        (
            "interactive",
            Message::new(
                to(),
                Interactive::new(InteractiveAction::CtaUrl {
                    display_text: "Open".into(),
                    url: "https://example.com".into(),
                })
                .header(Header::Image {
                    image: MediaRef::link("https://example.com/a.png"),
                })
                .body("See more"),
            ),
        ),
        (
            "interactive",
            Message::new(
                to(),
                Interactive::new(InteractiveAction::LocationRequest).body("Where are you?"),
            ),
        ),
        (
            "text",
            Message::text(to(), "with callback")
                .callback_data("order-1042")
                .reply_to("wamid.prev"),
        ),
    ]
}

#[tokio::test]
async fn every_kind_reaches_the_cloud_emulator() {
    let emulator = Emulator::start().await.unwrap();
    let wa = cloud_channel(&emulator);
    let all: Vec<_> = messages().into_iter().chain(cloud_only()).collect();
    for (kind, msg) in &all {
        let r = wa.send(msg).await.unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(r.message_id.starts_with("wamid."), "{kind}");
    }
    let records = emulator.records_for("whatsapp", None);
    assert_eq!(records.len(), all.len());
    for ((kind, _), rec) in all.iter().zip(&records) {
        let expected = if *kind == "voice" { "audio" } else { kind };
        assert_eq!(rec.body["type"], *expected, "{}", rec.body);
        assert_eq!(rec.body["messaging_product"], "whatsapp");
    }
    assert_eq!(records[0].body["text"]["preview_url"], true);
    // A name given only as formatted_name also goes as the first name: the
    // platform wants at least one part besides it.
    let contacts = records
        .iter()
        .find(|r| r.body["type"] == "contacts")
        .unwrap();
    assert_eq!(
        contacts.body["contacts"][0]["name"],
        serde_json::json!({"formatted_name": "Ada", "first_name": "Ada"})
    );
    assert_eq!(
        records[records.len() - 1].body["biz_opaque_callback_data"],
        "order-1042"
    );
    assert_eq!(
        records[records.len() - 1].body["context"]["message_id"],
        "wamid.prev"
    );

    // Mark as read, with and without the typing indicator.
    for action in [SenderActionKind::MarkSeen, SenderActionKind::TypingOn] {
        let r = wa
            .send(&Message::new(
                to(),
                SenderAction::new(action).message_id("wamid.in1"),
            ))
            .await
            .unwrap();
        assert_eq!(r.message_id, "wamid.in1");
    }
    let last = emulator.records_for("whatsapp", None).pop().unwrap();
    assert_eq!(last.body["typing_indicator"]["type"], "text");
    assert_eq!(last.body["status"], "read");
}

#[tokio::test]
async fn every_on_premises_kind_reaches_the_on_premises_emulator() {
    let emulator = Emulator::start().await.unwrap();
    let wa = WhatsApp::new(
        "wa-onprem",
        WhatsAppConfig::on_premises(
            emulator.platform_base_url("whatsapp"),
            Secret::new(emulator.access_token()),
        ),
    )
    .unwrap();
    let mut all = messages();
    all.push((
        "text",
        Message::text(to(), "ttl")
            .with_extension(WhatsAppOptions::default().ttl(Ttl::Iso8601("P7D".into()))),
    ));
    all.push((
        "template",
        Message::new(to(), Template::new("t", "en").namespace("ns-1")),
    ));
    for (kind, msg) in &all {
        wa.send(msg).await.unwrap_or_else(|e| panic!("{kind}: {e}"));
    }
    let records = emulator.records_for("whatsapp", None);
    assert_eq!(records.len(), all.len());
    for rec in &records {
        assert!(rec.body.get("messaging_product").is_none(), "{}", rec.body);
        assert_eq!(rec.account, "on_premises");
    }
    assert_eq!(records[0].body["preview_url"], true);
    assert!(records[0].body["text"].get("preview_url").is_none());
    assert_eq!(records[all.len() - 2].body["ttl"], "P7D");
    assert_eq!(records[all.len() - 1].body["template"]["namespace"], "ns-1");
}

#[tokio::test]
async fn the_raw_patch_sends_what_is_not_modelled_yet() {
    let emulator = Emulator::start().await.unwrap();
    let wa = cloud_channel(&emulator);
    // Named template parameters, as a newer API version takes them.
    let components = serde_json::json!([{"type": "body", "parameters": [
        {"type": "text", "text": "Ada", "parameter_name": "customer"}]}]);
    let message = Message::new(to(), Template::new("order_update", "en_US"))
        .with_extension(switchboard_whatsapp::WhatsAppOptions::default().with_raw_patch(
            serde_json::json!({"template": {"components": components}, "biz_opaque_callback_data": null}),
        ));
    wa.send(&message).await.unwrap();
    let body = &emulator.records_for("whatsapp", None)[0].body;
    assert_eq!(body["template"]["components"], components);
    assert_eq!(body["template"]["name"], "order_update");
}

#[tokio::test]
async fn pair_limit_waits_grow_as_4_to_the_x() {
    use std::time::Duration;
    let emulator = Emulator::start().await.unwrap();
    let wa = cloud_channel(&emulator);
    let hi = |to: &str| Message::text(Recipient::phone_number(to), "hi");
    emulator.set_pair_limit(
        "whatsapp",
        Some(switchboard_emulator::PairLimit::new(
            1,
            Duration::from_secs(3600),
        )),
    );
    wa.send(&hi("+16505551234")).await.unwrap();
    let mut waits = Vec::new();
    for _ in 0..3 {
        let err = wa.send(&hi("+1 650 555 1234")).await.unwrap_err();
        assert_eq!(err.code(), Some(131056));
        waits.push(err.retry_after().unwrap().as_secs());
    }
    assert_eq!(waits, [1, 4, 16]);
    // Another recipient starts at 4^0.
    wa.send(&hi("+16505550000")).await.unwrap();
    let other = wa.send(&hi("+16505550000")).await.unwrap_err();
    assert_eq!(other.retry_after(), Some(Duration::from_secs(1)));
    // Once a message gets through, the count starts again.
    emulator.set_pair_limit("whatsapp", None);
    wa.send(&hi("+16505551234")).await.unwrap();
    emulator.set_pair_limit(
        "whatsapp",
        Some(switchboard_emulator::PairLimit::new(
            1,
            Duration::from_secs(3600),
        )),
    );
    let again = wa.send(&hi("+16505551234")).await.unwrap_err();
    assert_eq!(again.retry_after(), Some(Duration::from_secs(1)));
}
