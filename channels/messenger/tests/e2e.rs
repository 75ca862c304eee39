//! Text, media, quick replies, templates and sender actions go through the
//! Messenger emulator end to end; receipts follow the recipient-id rules.

use switchboard::{
    Channel, Media, MediaKind, MediaSource, Message, Notification, Reaction, Recipient,
    ReplyButton, ReplyButtons, Secret, SenderAction, SenderActionKind,
};
use switchboard_emulator::Emulator;
use switchboard_messenger::emulator::EMULATOR_PAGE_ID;
use switchboard_messenger::{
    ButtonTemplate, Element, GenericTemplate, Images, MediaTemplate, Messenger, MessengerButton,
    MessengerConfig, MessengerOptions, QuickReply, Tag,
};

fn psid() -> Recipient {
    Recipient::user_id("6123456789012345")
}

async fn setup() -> (Emulator, Messenger) {
    let emulator = Emulator::start().await.unwrap();
    let fb = Messenger::new(
        "shop",
        MessengerConfig::new(EMULATOR_PAGE_ID, Secret::new(emulator.access_token()))
            .base_url(emulator.platform_base_url("messenger")),
    )
    .unwrap();
    (emulator, fb)
}

#[tokio::test]
async fn every_kind_reaches_the_emulator() {
    let (emulator, fb) = setup().await;
    let messages = vec![
        Message::text(psid(), "Hello")
            .notification(Notification::Silent)
            .reply_to("m_prev")
            .callback_data("order-1042"),
        Message::new(psid(), Media::image_url("https://x.example/a.png"))
            .with_extension(MessengerOptions::default().reusable()),
        Message::new(
            psid(),
            Media::new(
                MediaKind::Document,
                MediaSource::Id("1857777774821032".into()),
            ),
        ),
        Message::new(
            psid(),
            Images::new(["https://x.example/1.png", "https://x.example/2.png"]),
        ),
        Message::text(psid(), "Pick").with_extension(
            MessengerOptions::default()
                .quick_reply(QuickReply::text("Red", "RED"))
                .quick_reply(QuickReply::user_email()),
        ),
        Message::new(
            psid(),
            ReplyButtons::new("Confirm?", vec![ReplyButton::new("YES", "Yes")]),
        ),
        Message::new(
            psid(),
            ButtonTemplate::new(
                "Next?",
                vec![
                    MessengerButton::web_url("Site", "https://x.example"),
                    MessengerButton::phone_number("Call", "+16505551234"),
                ],
            ),
        ),
        Message::new(psid(), GenericTemplate::new(vec![Element::new("Hat")])),
        Message::new(psid(), MediaTemplate::video_id("42")),
        Message::text(psid(), "An agent replies").with_extension(
            MessengerOptions::default()
                .tag(Tag::HumanAgent)
                .persona("persona-1"),
        ),
        Message::text(psid(), "Update").with_extension(MessengerOptions::default().update()),
    ];
    for m in &messages {
        let r = fb.send(m).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(r.message_id.starts_with("m_"));
        assert_eq!(r.recipient_id.as_deref(), Some("6123456789012345"));
    }
    let records = emulator.records_for("messenger", Some("6123456789012345"));
    assert_eq!(records.len(), messages.len());
    assert_eq!(records[0].body["notification_type"], "SILENT_PUSH");
    assert_eq!(records[0].body["reply_to"]["mid"], "m_prev");
    assert_eq!(records[0].body["message"]["metadata"], "order-1042");
    assert_eq!(
        records[1].body["message"]["attachment"]["payload"]["is_reusable"],
        true
    );
    assert_eq!(records[2].body["message"]["attachment"]["type"], "file");
    assert_eq!(
        records[5].body["message"]["quick_replies"][0]["payload"],
        "YES"
    );
    assert_eq!(records[9].body["messaging_type"], "MESSAGE_TAG");
    assert_eq!(records[9].body["tag"], "HUMAN_AGENT");
    assert_eq!(records[10].body["messaging_type"], "UPDATE");
}

#[tokio::test]
async fn sender_actions_and_reactions_reach_the_emulator_alone() {
    let (emulator, fb) = setup().await;
    for action in [
        SenderActionKind::TypingOn,
        SenderActionKind::TypingOff,
        SenderActionKind::MarkSeen,
    ] {
        let r = fb
            .send(&Message::new(psid(), SenderAction::new(action)))
            .await
            .unwrap();
        assert_eq!(r.message_id, "");
        assert_eq!(r.recipient_id.as_deref(), Some("6123456789012345"));
    }
    let r = fb
        .send(&Message::new(psid(), Reaction::new("m_9", "😀")))
        .await
        .unwrap();
    assert_eq!(r.message_id, "m_9");
    for rec in emulator.records_for("messenger", None) {
        let keys: Vec<_> = rec.body.as_object().unwrap().keys().cloned().collect();
        assert!(
            keys.iter()
                .all(|k| ["recipient", "sender_action", "payload"].contains(&k.as_str())),
            "{keys:?}"
        );
    }
}

#[tokio::test]
async fn receipts_have_no_recipient_id_for_user_ref_and_phone_number() {
    let (_emulator, fb) = setup().await;
    for to in [
        Recipient::user_ref("ref-1"),
        Recipient::phone_number("+16505551234"),
    ] {
        let r = fb.send(&Message::text(to, "hi")).await.unwrap();
        assert_eq!(r.recipient_id, None);
        assert!(r.message_id.starts_with("m_"));
    }
    for to in [
        Recipient::comment_id("123_456"),
        Recipient::post_id("123_789"),
    ] {
        let r = fb
            .send(&Message::text(to, "Thanks for your comment"))
            .await
            .unwrap();
        assert!(r.recipient_id.is_some());
    }
}

#[tokio::test]
async fn a_retired_tag_sent_anyway_gets_the_platform_error_100() {
    let (emulator, fb) = setup().await;
    let msg = Message::text(psid(), "x").with_extension(
        MessengerOptions::default()
            .tag(Tag::PostPurchaseUpdate)
            .send_retired_tag_anyway(),
    );
    let err = fb.send(&msg).await.unwrap_err();
    assert_eq!(err.code(), Some(100));
    assert_eq!(err.kind(), switchboard::ErrorKind::InvalidMessage);
    assert!(emulator.records().is_empty());
}

#[tokio::test]
async fn utility_messages_and_news_subscriptions_are_sent() {
    let (emulator, fb) = setup().await;
    fb.send(
        &Message::text(psid(), "Your receipt is ready").with_extension(
            MessengerOptions::default()
                .messaging_type(switchboard_messenger::MessagingType::Utility),
        ),
    )
    .await
    .unwrap();
    // Outside the window, a News Page Index page may send its news.
    emulator.enforce_window("messenger", true);
    fb.send(
        &Message::text(psid(), "Morning briefing")
            .with_extension(MessengerOptions::default().tag(Tag::NonPromotionalSubscription)),
    )
    .await
    .unwrap();
    let records = emulator.records_for("messenger", None);
    assert_eq!(records[0].body["messaging_type"], "UTILITY");
    assert_eq!(records[1].body["messaging_type"], "MESSAGE_TAG");
    assert_eq!(records[1].body["tag"], "NON_PROMOTIONAL_SUBSCRIPTION");
    assert!(!Tag::NonPromotionalSubscription.is_retired());
}
