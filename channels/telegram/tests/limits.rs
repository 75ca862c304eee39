//! Every Telegram rule at its boundary, checked locally: at the limit
//! passes, one over fails naming the field, the limit and the length.

use std::sync::Arc;

use switchboard::contact::{Contact, ContactEmail, ContactName, ContactPhone};
use switchboard::plugin::{ChannelConfig, Problem};
use switchboard::{
    Channel, Choice, ChoiceList, ChoiceSection, Contacts, Content, ErrorKind, Location, Media,
    MediaSource, Message, Notification, Reaction, Recipient, Registry, ReplyButton, ReplyButtons,
    SenderAction, SenderActionKind,
};
use switchboard_telegram::{
    ParseMode, TelegramContent, TelegramFile, TelegramOptions, MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_CHARS, MAX_VCARD_BYTES,
};

fn bot() -> Arc<dyn Channel> {
    let config = ChannelConfig::new(
        "bot",
        "telegram",
        toml::toml! { bot_token = "123456789:AAE-limits-test" },
    );
    Registry::discover().unwrap().build(&config).unwrap()
}

fn to() -> Recipient {
    Recipient::user_id("987654321")
}

fn violations(message: &Message) -> Vec<(String, Problem)> {
    match bot().validate(message) {
        Ok(()) => Vec::new(),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidMessage, "{e}");
            e.violations()
                .iter()
                .map(|v| (v.field.clone(), v.problem.clone()))
                .collect()
        }
    }
}

fn only(message: &Message, field: &str) -> Problem {
    let v = violations(message);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].0, field);
    v[0].1.clone()
}

fn msg(content: impl Into<Content>) -> Message {
    Message::new(to(), content)
}

#[test]
fn text_is_4096_characters() {
    assert!(violations(&Message::text(to(), "ж".repeat(4096))).is_empty());
    assert_eq!(
        only(&Message::text(to(), "ж".repeat(4097)), "text.body"),
        Problem::TooLong {
            limit: 4096,
            actual: 4097
        }
    );
}

#[test]
fn lengths_are_counted_after_entity_parsing() {
    let html = TelegramOptions::new().parse_mode(ParseMode::Html);
    let bold = |n: usize| format!("<b>{}</b> &amp;", "ж".repeat(n));
    // 4094 + " &" = 4096 visible characters, 4107 with the markup.
    let at = Message::text(to(), bold(4094)).with_extension(html.clone());
    assert!(violations(&at).is_empty());
    let over = Message::text(to(), bold(4095)).with_extension(html.clone());
    assert_eq!(
        only(&over, "text.body"),
        Problem::TooLong {
            limit: 4096,
            actual: 4097
        }
    );
    // Without a parse mode the tags are text and count.
    assert_eq!(
        only(&Message::text(to(), bold(4094)), "text.body"),
        Problem::TooLong {
            limit: 4096,
            actual: 4107
        }
    );
    let md = TelegramOptions::new().parse_mode(ParseMode::MarkdownV2);
    let caption = |n: usize| format!("*{}*", "\\.".repeat(n));
    let photo = |n: usize| {
        msg(Media::image_url("https://example.com/a.png").caption(caption(n)))
            .with_extension(md.clone())
    };
    assert!(violations(&photo(1024)).is_empty());
    assert_eq!(
        only(&photo(1025), "image.caption"),
        Problem::TooLong {
            limit: 1024,
            actual: 1025
        }
    );
}

#[test]
fn captions_are_1024_characters_on_every_media() {
    let at = "é".repeat(MAX_CAPTION_CHARS);
    let over = "é".repeat(MAX_CAPTION_CHARS + 1);
    let too_long = Problem::TooLong {
        limit: 1024,
        actual: 1025,
    };
    for (field, media) in [
        ("image", Media::image_url("https://example.com/a.png")),
        ("video", Media::video_url("https://example.com/a.mp4")),
        ("audio", Media::audio_url("https://example.com/a.mp3")),
        ("document", Media::document_id("BQACAgIAAxkBAAI")),
    ] {
        assert!(violations(&msg(media.clone().caption(at.clone()))).is_empty());
        assert_eq!(
            only(
                &msg(media.caption(over.clone())),
                &format!("{field}.caption")
            ),
            too_long
        );
    }
    let voice = |caption: &str| {
        msg(TelegramContent::Voice(
            TelegramFile::new(MediaSource::url("https://example.com/a.ogg")).caption(caption),
        ))
    };
    assert!(violations(&voice(&at)).is_empty());
    assert_eq!(only(&voice(&over), "voice.caption"), too_long);
}

#[test]
fn callback_data_is_64_bytes_not_characters() {
    let buttons = |id: String| {
        msg(ReplyButtons::new(
            "Still on?",
            [ReplyButton::new(id, "Yes")],
        ))
    };
    // 32 two-byte characters are 64 bytes: at the limit.
    assert!(violations(&buttons("ж".repeat(32))).is_empty());
    // 33 of them are 33 characters but 66 bytes: over.
    assert_eq!(
        only(&buttons("ж".repeat(33)), "reply_buttons.buttons[0].id"),
        Problem::TooLong {
            limit: MAX_CALLBACK_DATA_BYTES,
            actual: 66
        }
    );
    assert_eq!(
        only(&buttons("a".repeat(65)), "reply_buttons.buttons[0].id"),
        Problem::TooLong {
            limit: 64,
            actual: 65
        }
    );
    assert_eq!(
        only(&buttons(String::new()), "reply_buttons.buttons[0].id"),
        Problem::Required
    );
}

#[test]
fn choice_rows_have_no_descriptions_or_section_titles() {
    let list = ChoiceList::new(
        "Which slot?",
        "Slots",
        [ChoiceSection::new([
            Choice::new("am", "Morning").description("8 to 12"),
            Choice::new("x".repeat(65), "Evening"),
        ])
        .title("Tomorrow")],
    );
    let v = violations(&msg(list));
    let fields: Vec<&str> = v.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "choice_list.sections[0].title",
            "choice_list.sections[0].rows[0].description",
            "choice_list.sections[0].rows[1].id",
        ]
    );
}

#[test]
fn headers_and_footers_have_no_counterpart() {
    let b = ReplyButtons::new("Body", [ReplyButton::new("y", "Yes")])
        .header("Head")
        .footer("Foot");
    let v = violations(&msg(b));
    let fields: Vec<&str> = v.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["reply_buttons.header", "reply_buttons.footer"]);
}

#[test]
fn chat_ids_are_integers_or_usernames() {
    for ok in ["987654321", "-1001234567890", "@shop_updates"] {
        let m = Message::text(Recipient::group(ok), "hi");
        assert!(violations(&m).is_empty(), "{ok}");
    }
    for bad in ["0", "abc", "@", "@with space", "+16505551234"] {
        let m = Message::text(Recipient::user_id(bad), "hi");
        assert!(matches!(only(&m, "to"), Problem::Invalid { .. }), "{bad}");
    }
}

#[test]
fn phone_numbers_are_not_telegram_recipients() {
    let err = bot()
        .validate(&Message::text(
            Recipient::phone_number("+16505551234"),
            "hi",
        ))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(err.to_string().contains("phone_number"), "{err}");
}

#[test]
fn reply_to_and_reactions_name_integer_message_ids() {
    assert!(violations(&Message::text(to(), "hi").reply_to("42")).is_empty());
    assert!(matches!(
        only(&Message::text(to(), "hi").reply_to("wamid.X"), "reply_to"),
        Problem::Invalid { .. }
    ));
    assert!(violations(&msg(Reaction::new("42", "👍"))).is_empty());
    assert!(violations(&msg(Reaction::remove("42"))).is_empty());
    assert!(matches!(
        only(&msg(Reaction::new("m.1", "👍")), "reaction.message_id"),
        Problem::Invalid { .. }
    ));
    assert!(matches!(
        only(&msg(Reaction::new("42", "nice")), "reaction.emoji"),
        Problem::Invalid { .. }
    ));
}

#[test]
fn notifications_can_be_silent_but_not_absent() {
    let silent = Message::text(to(), "hi").notification(Notification::Silent);
    assert!(violations(&silent).is_empty());
    let none = Message::text(to(), "hi").notification(Notification::None);
    assert!(matches!(
        only(&none, "options.notification"),
        Problem::NotAllowed { .. }
    ));
    let echoed = Message::text(to(), "hi").callback_data("order-1042");
    assert!(matches!(
        only(&echoed, "options.callback_data"),
        Problem::NotAllowed { .. }
    ));
}

#[test]
fn stickers_have_no_caption_and_files_keep_their_names() {
    let sticker = Media::sticker_id("CAACAgIAAxkBAAE").caption("hi");
    assert!(matches!(
        only(&msg(sticker), "sticker.caption"),
        Problem::NotAllowed { .. }
    ));
    let named = Media::document_url("https://example.com/i.pdf").filename("invoice.pdf");
    assert!(matches!(
        only(&msg(named), "document.filename"),
        Problem::NotAllowed { .. }
    ));
    let not_http = Media::image_url("ftp://example.com/a.png");
    assert!(matches!(
        only(&msg(not_http), "image.url"),
        Problem::Invalid { .. }
    ));
}

#[test]
fn a_venue_needs_both_name_and_address() {
    let pin = Location::new(52.52, 13.405);
    assert!(violations(&msg(pin.clone())).is_empty());
    assert!(violations(&msg(pin.clone().name("Shop").address("Main St 1"))).is_empty());
    assert_eq!(
        only(&msg(pin.clone().name("Shop")), "location.address"),
        Problem::Required
    );
    assert_eq!(
        only(&msg(pin.address("Main St 1")), "location.name"),
        Problem::Required
    );
    assert!(matches!(
        only(&msg(Location::new(91.0, 0.0)), "location.latitude"),
        Problem::Invalid { .. }
    ));
    assert!(matches!(
        only(&msg(Location::new(0.0, f64::NAN)), "location.longitude"),
        Problem::Invalid { .. }
    ));
}

fn contact(phone: bool) -> Contact {
    let mut c = Contact::new(ContactName::new("Support desk"));
    if phone {
        c.phones.push(ContactPhone::new("+16505551234"));
    }
    c
}

#[test]
fn one_contact_with_a_phone_and_a_vcard_of_2048_bytes() {
    assert!(violations(&msg(Contacts::new([contact(true)]))).is_empty());
    assert_eq!(
        only(
            &msg(Contacts::new([contact(true), contact(true)])),
            "contacts"
        ),
        Problem::TooMany {
            limit: 1,
            actual: 2
        }
    );
    assert_eq!(
        only(&msg(Contacts::new([contact(false)])), "contacts[0].phones"),
        Problem::Required
    );
    // Grow the card with e-mail addresses until its vCard passes 2048 bytes.
    let mut big = contact(true);
    let mut n = 0;
    while violations(&msg(Contacts::new([big.clone()]))).is_empty() {
        big.emails
            .push(ContactEmail::new(format!("desk{n}@example.com")));
        n += 1;
    }
    let problem = only(&msg(Contacts::new([big])), "contacts[0]");
    assert!(
        matches!(&problem, Problem::Invalid { reason } if reason.contains(&MAX_VCARD_BYTES.to_string())),
        "{problem:?}"
    );
    assert!(
        n > 10,
        "the limit is reached only by a large card ({n} e-mails)"
    );
}

#[test]
fn what_telegram_cannot_do_is_unsupported_naming_the_kind() {
    for (action, name) in [
        (SenderActionKind::MarkSeen, "mark_seen"),
        (SenderActionKind::TypingOff, "typing_off"),
    ] {
        let err = bot().validate(&msg(SenderAction::new(action))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported);
        assert!(err.to_string().contains(name), "{err}");
    }
    assert!(violations(&msg(SenderAction::typing_on())).is_empty());
}

#[test]
fn every_violation_is_reported_at_once() {
    let m = Message::text(Recipient::user_id("abc"), "")
        .reply_to("x")
        .notification(Notification::None);
    let fields: Vec<String> = violations(&m).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        ["text.body", "to", "reply_to", "options.notification"]
    );
}
