//! The `telegram` channel plugin: settings, webhooks and the behaviour
//! suite's samples, registered once. Telegram has no customer-service
//! window: a bot may message anyone who started it, any time.

use switchboard::contact::{Contact, ContactName, ContactPhone};
use switchboard::plugin::{build_channel, ChannelPlugin, ConfigKey, Sample, WebhookSupport};
use switchboard::{
    register_channel, Contacts, Location, Media, MediaSource, Message, Reaction, Recipient,
    ReplyButton, ReplyButtons,
};

use crate::model::{ChatAction, ParseMode, TelegramContent, TelegramFile, TelegramOptions};
use crate::webhook::{parse, secret_token_auth};
use crate::{Telegram, PLATFORM};

/// The settings of a `[channels.NAME]` table with `type = "telegram"`.
const KEYS: &[ConfigKey] = &[
    ConfigKey::required("bot_token", "the bot token from @BotFather").secret(),
    ConfigKey::optional(
        "base_url",
        "the Bot API host (default https://api.telegram.org)",
    ),
    ConfigKey::optional("timeout_secs", "seconds allowed for one request"),
];

/// The secret of webhook deliveries.
const WEBHOOK_KEYS: &[ConfigKey] = &[ConfigKey::required(
    "webhook_secret",
    "the secret_token given to setWebhook, sent back in X-Telegram-Bot-Api-Secret-Token",
)
.secret()];

/// One message of each kind Telegram sends.
fn samples(to: Recipient) -> Vec<Sample> {
    let msg = |content: switchboard::Content| Message::new(to.clone(), content);
    let mut contact = Contact::new(ContactName::new("Support desk"));
    contact.phones.push(ContactPhone::new("+16505551234"));
    vec![
        Sample::new("text", Message::text(to.clone(), "Your table is booked")),
        Sample::new(
            "html",
            Message::text(to.clone(), "<b>Shipped</b>: order <code>1042</code>")
                .with_extension(TelegramOptions::new().parse_mode(ParseMode::Html)),
        ),
        Sample::new(
            "photo",
            msg(Media::image_url("https://example.com/menu.png")
                .caption("Today's menu")
                .into()),
        ),
        Sample::new(
            "venue",
            msg(Location::new(52.52, 13.405)
                .name("Pick-up point")
                .address("Alexanderplatz 1, Berlin")
                .into()),
        ),
        Sample::new("contact", msg(Contacts::new([contact]).into())),
        Sample::new("reaction", msg(Reaction::new("42", "👍").into())),
        Sample::new(
            "reply_buttons",
            msg(ReplyButtons::new("Still on for 7 pm?", [ReplyButton::new("yes", "Yes")]).into()),
        ),
        Sample::new(
            "voice",
            msg(TelegramContent::Voice(TelegramFile::new(MediaSource::url(
                "https://example.com/hello.ogg",
            )))
            .into()),
        ),
        Sample::new("upload_document", msg(ChatAction::UploadDocument.into())),
    ]
}

register_channel!(
    ChannelPlugin::new(PLATFORM, "Telegram Bot API", build_channel::<Telegram>)
        .with_config_keys(KEYS)
        .with_webhooks(WebhookSupport::new(WEBHOOK_KEYS, secret_token_auth, parse))
        .with_samples(samples)
);
