//! Telegram end to end against its emulator: each kind reaches the right
//! method with the Bot API's fields, each error class is classified, flood
//! control is waited out, chats and groups are paced as documented, and
//! webhooks arrive authenticated, parsed and once.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use switchboard::contact::{Contact, ContactEmail, ContactName, ContactPhone};
use switchboard::delivery::Delivery;
use switchboard::plugin::WebhookSecrets;
use switchboard::webhook::service::{router, WebhookConfig};
use switchboard::webhook::{Event, EventKind, InboundContent};
use switchboard::{
    Channel, Contacts, ErrorKind, Location, Media, MediaSource, Message, Notification, Reaction,
    Recipient, Registry, ReplyButton, ReplyButtons, Secret, SenderAction,
};
use switchboard_emulator::{Emulator, Failure};
use switchboard_telegram::{ChatAction, ParseMode, TelegramContent, TelegramFile, TelegramOptions};

const CHAT: &str = "123456789";

async fn setup() -> (Emulator, Arc<dyn Channel>) {
    let emulator = Emulator::start().await.unwrap();
    let config = emulator.channel_config("telegram", "bot").unwrap();
    let bot = Registry::discover().unwrap().build(&config).unwrap();
    (emulator, bot)
}

/// Sends `message` and returns the body the emulator recorded.
async fn sent(emulator: &Emulator, bot: &Arc<dyn Channel>, message: Message) -> Value {
    let before = emulator.records().len();
    bot.send(&message).await.unwrap();
    let records = emulator.records();
    assert_eq!(records.len(), before + 1);
    records.last().unwrap().body.clone()
}

fn to() -> Recipient {
    Recipient::user_id(CHAT)
}

#[tokio::test]
async fn text_carries_every_option_in_the_bot_api_fields() {
    let (emulator, bot) = setup().await;
    let message = Message::text(to(), "<b>Shipped</b>")
        .reply_to("7")
        .notification(Notification::Silent)
        .with_extension(
            TelegramOptions::new()
                .parse_mode(ParseMode::Html)
                .protect_content()
                .message_thread_id(3),
        );
    let receipt = bot.send(&message).await.unwrap();
    let record = emulator.records_for("telegram", Some(CHAT)).pop().unwrap();
    assert_eq!(record.message_id, receipt.message_id);
    assert_eq!(record.account, bot.info().account);
    assert_eq!(receipt.recipient_id.as_deref(), Some(CHAT));
    assert_eq!(
        record.body,
        json!({
            "chat_id": 123456789,
            "message_thread_id": 3,
            "disable_notification": true,
            "protect_content": true,
            "reply_parameters": {"message_id": 7},
            "text": "<b>Shipped</b>",
            "parse_mode": "HTML",
        })
    );
    let plain = sent(
        &emulator,
        &bot,
        Message::new(
            to(),
            switchboard::Text::new("https://example.com").preview_url(false),
        ),
    )
    .await;
    assert_eq!(
        plain,
        json!({"chat_id": 123456789, "text": "https://example.com", "link_preview_options": {"is_disabled": true}})
    );
    let channel_post = sent(
        &emulator,
        &bot,
        Message::text(Recipient::group("@shop_news"), "New in"),
    )
    .await;
    assert_eq!(channel_post["chat_id"], "@shop_news");
}

#[tokio::test]
async fn each_media_kind_goes_to_its_method_by_url_or_file_id() {
    let (emulator, bot) = setup().await;
    let cases: Vec<(switchboard::Content, &str, &str)> = vec![
        (
            Media::image_url("https://example.com/a.png")
                .caption("Menu")
                .into(),
            "photo",
            "https://example.com/a.png",
        ),
        (
            Media::audio_id("CQACAgIAAxkBAAI").into(),
            "audio",
            "CQACAgIAAxkBAAI",
        ),
        (
            Media::video_url("https://example.com/a.mp4").into(),
            "video",
            "https://example.com/a.mp4",
        ),
        (
            Media::document_url("https://example.com/i.pdf").into(),
            "document",
            "https://example.com/i.pdf",
        ),
        (
            Media::sticker_id("CAACAgIAAxkBAAE").into(),
            "sticker",
            "CAACAgIAAxkBAAE",
        ),
        (
            TelegramContent::Voice(TelegramFile::new(MediaSource::url(
                "https://example.com/a.ogg",
            )))
            .into(),
            "voice",
            "https://example.com/a.ogg",
        ),
        (
            TelegramContent::Animation(
                TelegramFile::new(MediaSource::id("CgACAgIAAxkBAAI")).caption("Yay"),
            )
            .into(),
            "animation",
            "CgACAgIAAxkBAAI",
        ),
    ];
    for (content, field, value) in cases {
        let body = sent(&emulator, &bot, Message::new(to(), content)).await;
        assert_eq!(body[field], value, "{body}");
    }
    let captioned = sent(
        &emulator,
        &bot,
        Message::new(
            to(),
            Media::image_url("https://example.com/a.png").caption("*Menu*"),
        )
        .with_extension(TelegramOptions::new().parse_mode(ParseMode::MarkdownV2)),
    )
    .await;
    assert_eq!(captioned["caption"], "*Menu*");
    assert_eq!(captioned["parse_mode"], "MarkdownV2");
}

#[tokio::test]
async fn locations_venues_and_contacts() {
    let (emulator, bot) = setup().await;
    let pin = sent(
        &emulator,
        &bot,
        Message::new(to(), Location::new(52.52, 13.405)),
    )
    .await;
    assert_eq!(
        pin,
        json!({"chat_id": 123456789, "latitude": 52.52, "longitude": 13.405})
    );
    let venue = sent(
        &emulator,
        &bot,
        Message::new(
            to(),
            Location::new(52.52, 13.405)
                .name("Shop")
                .address("Main St 1"),
        ),
    )
    .await;
    assert_eq!(venue["title"], "Shop");
    assert_eq!(venue["address"], "Main St 1");

    let mut name = ContactName::new("Ann Lee");
    name.first_name = Some("Ann".into());
    name.last_name = Some("Lee".into());
    let mut card = Contact::new(name);
    card.phones.push(ContactPhone::new("+16505551234"));
    card.phones.push(ContactPhone::new("+16505550000"));
    card.emails.push(ContactEmail::new("ann@example.com"));
    let body = sent(&emulator, &bot, Message::new(to(), Contacts::new([card]))).await;
    assert_eq!(body["phone_number"], "+16505551234");
    assert_eq!(body["first_name"], "Ann");
    assert_eq!(body["last_name"], "Lee");
    let vcard = body["vcard"].as_str().unwrap();
    // Nothing is dropped: the second phone and the e-mail travel in the vCard.
    for line in [
        "FN:Ann Lee",
        "N:Lee;Ann;;;",
        "TEL:+16505550000",
        "EMAIL:ann@example.com",
    ] {
        assert!(vcard.contains(line), "{line} in {vcard}");
    }
}

#[tokio::test]
async fn reactions_actions_and_buttons() {
    let (emulator, bot) = setup().await;
    let receipt = bot
        .send(&Message::new(to(), Reaction::new("42", "👍")))
        .await
        .unwrap();
    assert_eq!(receipt.message_id, "42");
    let body = emulator.records().pop().unwrap().body;
    assert_eq!(
        body,
        json!({"chat_id": 123456789, "message_id": 42, "reaction": [{"type": "emoji", "emoji": "👍"}]})
    );
    let removed = sent(&emulator, &bot, Message::new(to(), Reaction::remove("42"))).await;
    assert_eq!(removed["reaction"], json!([]));

    let typing = sent(
        &emulator,
        &bot,
        Message::new(to(), SenderAction::typing_on()),
    )
    .await;
    assert_eq!(typing, json!({"chat_id": 123456789, "action": "typing"}));
    let upload = sent(&emulator, &bot, Message::new(to(), ChatAction::UploadPhoto)).await;
    assert_eq!(upload["action"], "upload_photo");

    let buttons = sent(
        &emulator,
        &bot,
        Message::new(
            to(),
            ReplyButtons::new(
                "Still on?",
                [ReplyButton::new("yes", "Yes"), ReplyButton::new("no", "No")],
            ),
        ),
    )
    .await;
    assert_eq!(
        buttons,
        json!({"chat_id": 123456789, "text": "Still on?", "reply_markup": {"inline_keyboard": [
            [{"text": "Yes", "callback_data": "yes"}],
            [{"text": "No", "callback_data": "no"}],
        ]}})
    );
}

#[tokio::test]
async fn every_error_class_is_classified() {
    let (emulator, bot) = setup().await;
    let msg = Message::text(to(), "hi");
    for (code, kind, temporary) in [
        (400, ErrorKind::InvalidMessage, false),
        (401, ErrorKind::Unauthorized, false),
        (403, ErrorKind::InvalidRecipient, false),
        (409, ErrorKind::Rejected, false),
        (429, ErrorKind::RateLimited, true),
        (500, ErrorKind::PlatformUnavailable, true),
    ] {
        emulator.fail_next(
            "telegram",
            1,
            Failure::Platform {
                code,
                subcode: None,
            },
        );
        let err = bot.send(&msg).await.unwrap_err();
        assert_eq!(
            (err.kind(), err.is_temporary()),
            (kind, temporary),
            "{code}: {err}"
        );
        assert_eq!(err.code(), Some(code));
        if code == 429 {
            assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
        }
    }
    assert!(emulator.records().is_empty());
    bot.send(&msg).await.unwrap();
}

#[tokio::test]
async fn flood_control_is_waited_out_by_the_delivery_stack() {
    let (emulator, bot) = setup().await;
    let delivery = Delivery::for_channel(bot).build();
    emulator.fail_next(
        "telegram",
        1,
        Failure::Platform {
            code: 429,
            subcode: None,
        },
    );
    let started = Instant::now();
    delivery.send(&Message::text(to(), "hi")).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "retry_after honoured"
    );
    assert_eq!(emulator.records().len(), 1);
}

#[tokio::test]
async fn chats_and_groups_are_paced_as_documented() {
    let (emulator, bot) = setup().await;
    let caps = &bot.info().capabilities;
    assert_eq!(caps.messages_per_second, Some(30.0));
    assert_eq!(caps.per_recipient_interval, Some(Duration::from_secs(1)));
    assert_eq!(caps.per_group_interval, Some(Duration::from_secs(3)));
    let delivery = Delivery::for_channel(bot).build();
    let time_two = |to: Recipient| {
        let delivery = delivery.clone();
        async move {
            let started = Instant::now();
            delivery
                .send(&Message::text(to.clone(), "one"))
                .await
                .unwrap();
            delivery.send(&Message::text(to, "two")).await.unwrap();
            started.elapsed()
        }
    };
    let (chat, group) = tokio::join!(
        time_two(Recipient::user_id(CHAT)),
        time_two(Recipient::group("-1001234567890"))
    );
    assert!(
        chat >= Duration::from_millis(950) && chat < Duration::from_millis(2500),
        "{chat:?}"
    );
    assert!(group >= Duration::from_millis(2900), "{group:?}");
    assert_eq!(emulator.records().len(), 4);
}

async fn webhook_server(secret: &Secret) -> (String, Arc<Mutex<Vec<Event>>>) {
    let support = Registry::discover().unwrap().webhooks("telegram").unwrap();
    let auth =
        (support.auth)(&WebhookSecrets::new("telegram").with("webhook_secret", secret.clone()))
            .unwrap();
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let sink = events.clone();
    let app = axum::Router::new().nest(
        "/tg",
        router(WebhookConfig::new(auth, support.parse), move |e: Event| {
            let sink = sink.clone();
            async move { sink.lock().unwrap().push(e) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/tg", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, events)
}

#[tokio::test]
async fn webhooks_are_authenticated_parsed_and_deduplicated() {
    let (emulator, _) = setup().await;
    let secret = Secret::new("hook-Secret_123");
    let (url, events) = webhook_server(&secret).await;
    emulator
        .set_webhook("telegram", &url, secret.clone())
        .unwrap();
    let id = emulator
        .send_inbound_text("telegram", "555000111", "Where is my order?")
        .unwrap();
    for _ in 0..200 {
        if !events.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let event = events.lock().unwrap()[0].clone();
    let EventKind::Message(m) = &event.kind else {
        panic!("{event:?}")
    };
    assert_eq!((m.id.as_str(), m.from.as_str()), (id.as_str(), "555000111"));
    assert_eq!(
        m.content,
        InboundContent::Text {
            body: "Where is my order?".into()
        }
    );

    let client = reqwest::Client::new();
    let update = json!({"update_id": 900, "callback_query": {
        "id": "4382bfdwdsb323b2d9", "from": {"id": 555000111, "first_name": "Ann"}, "data": "yes",
        "message": {"message_id": 77, "chat": {"id": 555000111, "type": "private"}, "date": 1,
            "reply_markup": {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}}}});
    let post = |header: Option<&str>| {
        let mut request = client.post(&url).body(update.to_string());
        if let Some(value) = header {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", value);
        }
        request.send()
    };
    assert_eq!(post(None).await.unwrap().status().as_u16(), 401);
    assert_eq!(
        post(Some("hook-Secret_124"))
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    for _ in 0..2 {
        assert!(post(Some(secret.expose()))
            .await
            .unwrap()
            .status()
            .is_success());
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let events = events.lock().unwrap().clone();
    let taps: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Message(m) => match &m.content {
                InboundContent::ButtonReply { id, title } => {
                    Some((id.clone(), title.clone(), m.reply_to.clone()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(
        taps,
        [("yes".to_string(), "Yes".to_string(), Some("77".to_string()))],
        "the redelivered update is dropped"
    );
}
