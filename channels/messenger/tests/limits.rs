//! Every documented Send API limit at its boundary, the tag rules, the
//! sender-action rule and the neutral mappings — all before any request.

use switchboard::plugin::Problem;
use switchboard::{
    Channel, ChoiceList, ChoiceSection, Contacts, ErrorKind, Location, Media, MediaKind,
    MediaSource, Message, Reaction, Recipient, ReplyButton, ReplyButtons, Secret, SenderAction,
    SenderActionKind,
};
use switchboard_messenger::{
    ButtonTemplate, Element, GenericTemplate, Images, MediaTemplate, MessagingType, Messenger,
    MessengerButton, MessengerConfig, MessengerOptions, QuickReply, Tag, TAG_RULES,
};

fn fb() -> Messenger {
    Messenger::new("fb", MessengerConfig::new("1", Secret::new("t"))).unwrap()
}

fn psid() -> Recipient {
    Recipient::user_id("6123456789012345")
}

fn s(n: usize) -> String {
    "ü".repeat(n)
}

fn boundary(field: &str, limit: usize, build: impl Fn(String) -> Message) {
    fb().validate(&build(s(limit)))
        .unwrap_or_else(|e| panic!("{field} at its limit {limit} was refused: {e}"));
    let err = fb().validate(&build(s(limit + 1))).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidMessage);
    let v: Vec<_> = err
        .violations()
        .iter()
        .filter(|v| v.field == field)
        .collect();
    assert_eq!(v.len(), 1, "{field}: {err}");
    assert_eq!(
        v[0].problem,
        Problem::TooLong {
            limit,
            actual: limit + 1
        }
    );
    let text = err.to_string();
    assert!(
        text.contains(field) && text.contains(&limit.to_string()),
        "{text}"
    );
}

fn count_boundary(field: &str, max: usize, build: impl Fn(usize) -> Message) {
    fb().validate(&build(max))
        .unwrap_or_else(|e| panic!("{field} with {max} was refused: {e}"));
    let err = fb().validate(&build(max + 1)).unwrap_err();
    assert!(
        err.violations().iter().any(|v| v.field == field
            && v.problem
                == Problem::TooMany {
                    limit: max,
                    actual: max + 1
                }),
        "{field}: {err}"
    );
}

fn has(err: &switchboard::Error, field: &str) -> bool {
    err.violations().iter().any(|v| v.field == field)
}

#[test]
fn text_2000() {
    boundary("text.body", 2000, |t| Message::text(psid(), t));
}

#[test]
fn metadata_1000() {
    boundary("message.metadata", 1000, |d| {
        Message::text(psid(), "x").callback_data(d)
    });
}

#[test]
fn quick_replies_13_title_20_payload_1000() {
    count_boundary("message.quick_replies", 13, |n| {
        let mut o = MessengerOptions::default();
        for i in 0..n {
            o = o.quick_reply(QuickReply::text(format!("q{i}"), "P"));
        }
        Message::text(psid(), "pick").with_extension(o)
    });
    boundary("message.quick_replies[0].title", 20, |t| {
        Message::text(psid(), "x")
            .with_extension(MessengerOptions::default().quick_reply(QuickReply::text(t, "P")))
    });
    boundary("message.quick_replies[0].payload", 1000, |p| {
        Message::text(psid(), "x")
            .with_extension(MessengerOptions::default().quick_reply(QuickReply::text("T", p)))
    });
    // Phone and e-mail quick replies need no title or payload.
    fb().validate(
        &Message::text(psid(), "x").with_extension(
            MessengerOptions::default()
                .quick_reply(QuickReply::user_phone_number())
                .quick_reply(QuickReply::user_email()),
        ),
    )
    .unwrap();
}

#[test]
fn neutral_reply_buttons_become_quick_replies_with_the_same_limits() {
    let msg = |buttons: Vec<ReplyButton>| Message::new(psid(), ReplyButtons::new("Pick", buttons));
    boundary("message.quick_replies[0].title", 20, |t| {
        msg(vec![ReplyButton::new("id", t)])
    });
    count_boundary("message.quick_replies", 13, |n| {
        msg((0..n)
            .map(|i| ReplyButton::new(format!("{i}"), format!("b{i}")))
            .collect())
    });
    let with_header = Message::new(
        psid(),
        ReplyButtons::new("Pick", vec![ReplyButton::new("a", "A")])
            .header("H")
            .footer("F"),
    );
    let err = fb().validate(&with_header).unwrap_err();
    assert!(
        has(&err, "message.header") && has(&err, "message.footer"),
        "{err}"
    );
}

#[test]
fn button_template_text_640_buttons_1_to_3_title_20_postback_1000() {
    let t = |text: String, buttons: Vec<MessengerButton>| {
        Message::new(psid(), ButtonTemplate::new(text, buttons))
    };
    boundary("message.attachment.payload.text", 640, |x| {
        t(x, vec![MessengerButton::postback("A", "P")])
    });
    count_boundary("message.attachment.payload.buttons", 3, |n| {
        t(
            "x".into(),
            (0..n)
                .map(|i| MessengerButton::postback(format!("b{i}"), "P"))
                .collect(),
        )
    });
    let err = fb().validate(&t("x".into(), vec![])).unwrap_err();
    assert!(err
        .violations()
        .iter()
        .any(|v| v.field == "message.attachment.payload.buttons"
            && v.problem == Problem::TooFew { min: 1, actual: 0 }));
    boundary("message.attachment.payload.buttons[0].title", 20, |x| {
        t("x".into(), vec![MessengerButton::postback(x, "P")])
    });
    boundary("message.attachment.payload.buttons[0].payload", 1000, |x| {
        t("x".into(), vec![MessengerButton::postback("A", x)])
    });
    let bad_url = t(
        "x".into(),
        vec![MessengerButton::web_url("A", "javascript:alert(1)")],
    );
    assert!(has(
        &fb().validate(&bad_url).unwrap_err(),
        "message.attachment.payload.buttons[0].url"
    ));
}

#[test]
fn generic_template_10_elements_title_and_subtitle_80_buttons_3() {
    let g = |elements: Vec<Element>| Message::new(psid(), GenericTemplate::new(elements));
    count_boundary("message.attachment.payload.elements", 10, |n| {
        g((0..n).map(|i| Element::new(format!("e{i}"))).collect())
    });
    boundary("message.attachment.payload.elements[0].title", 80, |t| {
        g(vec![Element::new(t)])
    });
    boundary("message.attachment.payload.elements[0].subtitle", 80, |t| {
        let mut e = Element::new("x");
        e.subtitle = Some(t);
        g(vec![e])
    });
    count_boundary("message.attachment.payload.elements[0].buttons", 3, |n| {
        let mut e = Element::new("x");
        e.buttons = (0..n)
            .map(|i| MessengerButton::postback(format!("b{i}"), "P"))
            .collect();
        g(vec![e])
    });
}

#[test]
fn images_at_most_30_and_media_template_needs_one_source() {
    count_boundary("message.attachments", 30, |n| {
        Message::new(
            psid(),
            Images::new((0..n).map(|i| format!("https://x.example/{i}.png"))),
        )
    });
    let neither = Message::new(
        psid(),
        serde_json::from_value::<MediaTemplate>(serde_json::json!({"media_type": "image"}))
            .unwrap(),
    );
    assert!(has(
        &fb().validate(&neither).unwrap_err(),
        "message.attachment.payload.elements[0]"
    ));
}

#[test]
fn message_tag_is_required_with_message_tag_and_refused_without_it() {
    let with = |o: MessengerOptions| Message::text(psid(), "x").with_extension(o);
    fb().validate(&with(MessengerOptions::default().tag(Tag::HumanAgent)))
        .unwrap();
    let missing = MessengerOptions::default().messaging_type(MessagingType::MessageTag);
    let err = fb().validate(&with(missing)).unwrap_err();
    assert!(err
        .violations()
        .iter()
        .any(|v| v.field == "tag" && v.problem == Problem::Required));
    let mut stray = MessengerOptions::default();
    stray.tag = Some(Tag::HumanAgent);
    assert!(has(&fb().validate(&with(stray)).unwrap_err(), "tag"));
}

#[test]
fn retired_tags_are_a_local_error_unless_sent_anyway() {
    for rules in TAG_RULES.iter().filter(|r| r.retired_since.is_some()) {
        let msg =
            Message::text(psid(), "x").with_extension(MessengerOptions::default().tag(rules.tag));
        let err = fb().validate(&msg).unwrap_err();
        assert!(err.to_string().contains("2026-04-27"), "{err}");
        assert!(err.to_string().contains(rules.name), "{err}");
        let anyway = Message::text(psid(), "x").with_extension(
            MessengerOptions::default()
                .tag(rules.tag)
                .send_retired_tag_anyway(),
        );
        fb().validate(&anyway).unwrap();
    }
    assert!(Tag::AccountUpdate.is_retired());
    assert!(!Tag::HumanAgent.is_retired());
    assert_eq!(
        Tag::HumanAgent.rules().window,
        Some(std::time::Duration::from_secs(7 * 86400))
    );
}

#[test]
fn a_sender_action_carries_nothing_but_recipient_and_sender_action() {
    for (action, name) in [
        (SenderActionKind::TypingOn, "typing_on"),
        (SenderActionKind::TypingOff, "typing_off"),
        (SenderActionKind::MarkSeen, "mark_seen"),
    ] {
        let body = fb()
            .body(&Message::new(psid(), SenderAction::new(action)))
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"recipient": {"id": "6123456789012345"}, "sender_action": name})
        );
    }
    let react = fb()
        .body(&Message::new(psid(), Reaction::new("m_1", "❤")))
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&react).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"recipient": {"id": "6123456789012345"}, "sender_action": "react",
            "payload": {"message_id": "m_1", "reaction": "❤"}})
    );
    let unreact: serde_json::Value = serde_json::from_slice(
        &fb()
            .body(&Message::new(psid(), Reaction::new("m_1", String::new())))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(unreact["sender_action"], "unreact");
}

#[test]
fn content_and_a_sender_action_together_are_refused() {
    let typing = SenderAction::typing_on;
    let msg = Message::new(psid(), typing())
        .reply_to("m_0")
        .callback_data("meta")
        .with_extension(
            MessengerOptions::default()
                .quick_reply(QuickReply::text("A", "B"))
                .tag(Tag::HumanAgent)
                .persona("p1"),
        );
    let err = fb().validate(&msg).unwrap_err();
    for field in [
        "message.quick_replies",
        "reply_to",
        "message.metadata",
        "messaging_type",
        "persona_id",
    ] {
        assert!(has(&err, field), "{field}: {err}");
    }
}

#[test]
fn neutral_kinds_messenger_cannot_express_are_unsupported_naming_channel_and_kind() {
    let cases: Vec<(Message, &str)> = vec![
        (Message::new(psid(), Location::new(1.0, 2.0)), "location"),
        (Message::new(psid(), Contacts::default()), "contacts"),
        (
            Message::new(
                psid(),
                ChoiceList::new("b", "m", vec![ChoiceSection::new(vec![])]),
            ),
            "choice_list",
        ),
        (
            Message::new(
                psid(),
                Media::new(MediaKind::Sticker, MediaSource::Id("1".into())),
            ),
            "sticker",
        ),
        (
            Message::new(psid(), switchboard_whatsapp_free_template()),
            "whatsapp",
        ),
    ];
    for (msg, what) in cases {
        let err = fb().validate(&msg).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported, "{what}: {err}");
        let text = err.to_string();
        assert!(text.contains("fb") && text.contains(what), "{text}");
    }
}

/// WhatsApp content built without depending on the WhatsApp crate.
fn switchboard_whatsapp_free_template() -> switchboard::Content {
    switchboard::ChannelContent::raw(
        "whatsapp",
        serde_json::json!({"kind": "template", "payload": {"name": "hello_world", "language": {"code": "en_US"}}}),
    )
    .into()
}

#[test]
fn attachments_take_no_caption_and_only_urls_are_reusable() {
    let err = fb()
        .validate(&Message::new(
            psid(),
            Media::image_url("https://x.example/a.png").caption("c"),
        ))
        .unwrap_err();
    assert!(has(&err, "message.attachment.caption"));
    let err = fb()
        .validate(
            &Message::new(
                psid(),
                Media::new(MediaKind::Image, MediaSource::Id("9".into())),
            )
            .with_extension(MessengerOptions::default().reusable()),
        )
        .unwrap_err();
    assert!(has(&err, "message.attachment.payload.is_reusable"));
}

#[test]
fn reactions_are_one_emoji() {
    let react = |emoji: &str| Message::new(psid(), Reaction::new("m_1", emoji));
    fb().validate(&react("❤")).unwrap();
    for bad in ["abc", "❤❤❤", "<script>"] {
        let err = fb().validate(&react(bad)).unwrap_err();
        assert!(has(&err, "payload.reaction"), "{bad}: {err}");
    }
}
