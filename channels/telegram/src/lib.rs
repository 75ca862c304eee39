//! # switchboard-telegram
//!
//! A Switchboard channel for the Telegram Bot API
//! (<https://core.telegram.org/bots/api>), written only on the public plugin
//! contract, as any third-party channel crate would be. Linking the crate
//! registers `type = "telegram"`: configuration by name, webhooks, Python
//! (`Channel.open("telegram", …)`), the emulator and the behaviour suite.
//!
//! ```toml
//! [channels.support_bot]
//! type = "telegram"
//! bot_token = "env:TELEGRAM_BOT_TOKEN"
//! webhook_secret = "env:TELEGRAM_WEBHOOK_SECRET"   # for webhooks only
//! ```
//!
//! ```
//! use switchboard::plugin::ChannelConfig;
//! use switchboard::{Message, Recipient, Registry};
//! use switchboard_telegram::{ParseMode, TelegramOptions};
//!
//! let config = ChannelConfig::new(
//!     "support_bot",
//!     "telegram",
//!     toml::toml! { bot_token = "123456789:AAE-example-token" },
//! );
//! let bot = Registry::discover().unwrap().build(&config).unwrap();
//! assert_eq!(bot.info().account, "123456789");
//! assert!(!format!("{bot:?}").contains("AAE-example-token"));
//!
//! let shipped = Message::text(Recipient::user_id("987654321"), "<b>Shipped</b>")
//!     .with_extension(TelegramOptions::new().parse_mode(ParseMode::Html));
//! assert!(bot.validate(&shipped).is_ok());
//! ```
//!
//! How the neutral model maps:
//! - recipients: [`switchboard::Recipient::user_id`] (a private chat: the
//!   user's id) and [`switchboard::Recipient::group`] (a group, supergroup or
//!   channel id, or `@username` of a public one);
//! - text → `sendMessage`; media → `sendPhoto` / `sendAudio` / `sendVideo` /
//!   `sendDocument` / `sendSticker` by URL or `file_id`; voice notes and
//!   animations → [`TelegramContent`]; location → `sendLocation`, or
//!   `sendVenue` with both name and address; one contact → `sendContact`
//!   (the whole card as a vCard); reaction → `setMessageReaction`; typing →
//!   `sendChatAction`;
//! - reply buttons and choice lists → an inline keyboard, one button per
//!   row, the button id as its `callback_data`; a tap arrives as
//!   [`switchboard::webhook::InboundContent::ButtonReply`];
//! - `reply_to` → `reply_parameters`; [`switchboard::Notification::Silent`]
//!   → `disable_notification`.
//!
//! What Telegram cannot express is refused before any request: `Unsupported`
//! for a kind (marking messages read, typing off), a violation naming the
//! field for a part (headers, footers, descriptions, `Notification::None`).

mod errors;
pub mod format;
mod model;
mod plugin;
mod validate;
pub mod webhook;
mod wire;

#[cfg(feature = "emulator")]
pub mod emulator;

use std::time::Duration;

use serde::Deserialize;
use switchboard::plugin::{http, ChannelConfig, FromChannelConfig, Violations};
use switchboard::{
    async_trait, Capabilities, Channel, ChannelInfo, Content, ContentKind, Error, Message, Receipt,
    RecipientKind, Secret,
};

pub use errors::classify;
pub use model::{ChatAction, ParseMode, TelegramContent, TelegramFile, TelegramOptions};
pub use validate::{MAX_CALLBACK_DATA_BYTES, MAX_CAPTION_CHARS, MAX_TEXT_CHARS, MAX_VCARD_BYTES};

/// The plugin name (the `type` in configuration).
pub const PLATFORM: &str = "telegram";

/// The Bot API host.
pub const DEFAULT_BASE_URL: &str = "https://api.telegram.org";

/// Messages per second one bot may send overall: "the API will not allow
/// more than 30 messages per second or so" (Bots FAQ,
/// <https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this>).
pub const MESSAGES_PER_SECOND: f64 = 30.0;

/// Pacing within one chat: "avoid sending more than one message per second"
/// (Bots FAQ, as above).
pub const CHAT_INTERVAL: Duration = Duration::from_secs(1);

/// Pacing within one group: "not able to send more than 20 messages per
/// minute to the same group" (Bots FAQ, as above): one per 3 seconds.
pub const GROUP_INTERVAL: Duration = Duration::from_secs(3);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    bot_token: Secret,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    timeout_secs: Option<f64>,
}

/// A channel for one Telegram bot.
pub struct Telegram {
    info: ChannelInfo,
    /// `{base_url}/bot{token}/`: the token is in the path, so the whole
    /// prefix is a secret.
    endpoint: Secret,
    token: Secret,
    client: http::HttpClient,
}

impl std::fmt::Debug for Telegram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telegram")
            .field("info", &self.info)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// The bot's id: the part of the token before `:` (`123456789:AA…`).
fn bot_id(token: &str) -> &str {
    match token.split_once(':') {
        Some((id, _)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => id,
        _ => "bot",
    }
}

fn timeout(config: &ChannelConfig, secs: Option<f64>) -> Result<Duration, Error> {
    let timeout = switchboard::plugin::timeout_setting(config.name(), secs)?;
    Ok(timeout.unwrap_or(http::DEFAULT_TIMEOUT))
}

impl FromChannelConfig for Telegram {
    fn from_channel_config(config: &ChannelConfig) -> Result<Self, Error> {
        let settings: Settings = config.deserialize()?;
        let base = settings.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let base = http::check_endpoint(config.name(), base, &settings.bot_token)?;
        let token = settings.bot_token;
        if token.expose().contains(['/', '?', '#']) || token.expose().contains(char::is_whitespace)
        {
            return Err(Error::config(
                "bot_token holds characters a Telegram token never has (/, ?, #, spaces)",
            )
            .with_channel(config.name()));
        }
        let capabilities = Capabilities::new()
            // Every neutral kind, and its own (TelegramContent).
            .content_kinds(ContentKind::ALL)
            .recipient_kinds([RecipientKind::UserId, RecipientKind::Group])
            .max_text_chars(MAX_TEXT_CHARS)
            .messages_per_second(MESSAGES_PER_SECOND)
            .per_recipient(CHAT_INTERVAL, 1)
            .per_group(GROUP_INTERVAL, 1);
        Ok(Telegram {
            info: ChannelInfo::new(config.name(), PLATFORM, bot_id(token.expose()))
                .capabilities(capabilities),
            endpoint: Secret::new(format!("{base}/bot{}/", token.expose())),
            client: http::HttpClient::new(timeout(config, settings.timeout_secs)?)?,
            token,
        })
    }
}

#[derive(Deserialize)]
struct Answer {
    ok: bool,
    #[serde(default)]
    result: Option<Sent>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Sent {
    Message { message_id: i64, chat: Chat },
    Done(bool),
}

#[derive(Deserialize)]
struct Chat {
    id: i64,
}

#[async_trait]
impl Channel for Telegram {
    fn info(&self) -> &ChannelInfo {
        &self.info
    }

    fn check_rules(&self, message: &Message, v: &mut Violations) -> Result<(), Error> {
        validate::check(&self.info.name, message, v)
    }

    /// Telegram counts a text "after entities parsing": without its markup.
    fn text_length(&self, message: &Message, text: &str) -> usize {
        format::visible_chars(text, validate::parse_mode(message))
    }

    async fn send_validated(&self, message: &Message) -> Result<Receipt, Error> {
        // Telegram's answers and reqwest's errors may name the URL, which
        // holds the token.
        self.call(message)
            .await
            .map_err(|e| e.redact(&self.token).redact(&self.endpoint))
    }
}

impl Telegram {
    async fn call(&self, message: &Message) -> Result<Receipt, Error> {
        let name = &self.info.name;
        let options = message.extensions.get::<TelegramOptions>(name)?;
        let request = wire::request(name, message, options.as_deref())?;
        let url = format!("{}{}", self.endpoint.expose(), request.method);
        let response = http::post_json_with(&self.client, &url, None, request.body, name).await?;
        if !response.is_success() {
            return Err(errors::refused(
                name,
                response.status,
                response.retry_after,
                &response.body,
            ));
        }
        let answer: Answer =
            switchboard::plugin::decode_response(name, "Telegram answer", &response.body)?;
        match answer {
            Answer {
                ok: true,
                result: Some(Sent::Message { message_id, chat }),
            } => {
                Ok(Receipt::new(name, message_id.to_string())
                    .recipient_id(Some(chat.id.to_string())))
            }
            Answer {
                ok: true,
                result: Some(Sent::Done(true)),
            } => Ok(Receipt::new(name, done_id(&message.content))),
            _ => Err(switchboard::plugin::unexpected_response(
                name,
                format!(
                    "Telegram answered {} without a sent message",
                    switchboard::plugin::snippet(&response.body)
                ),
            )),
        }
    }
}

/// The receipt id of a call that answers `true`: the message reacted to,
/// or nothing (a chat action is not a message).
fn done_id(content: &Content) -> String {
    match content {
        Content::Reaction(r) => r.message_id.clone(),
        _ => String::new(),
    }
}
