//! Telegram webhooks: the `X-Telegram-Bot-Api-Secret-Token` header and
//! updates (<https://core.telegram.org/bots/api#update>) parsed into
//! neutral events.
//!
//! Register the webhook with `setWebhook`
//! (<https://core.telegram.org/bots/api#setwebhook>) giving the public URL
//! of the route and `secret_token` = the `webhook_secret` of the channel's
//! configuration: Telegram then sends it in the header of every delivery,
//! and a delivery without it is refused. Telegram retries a delivery that
//! is not answered with a 2xx, so the same `update_id` can arrive twice; the
//! event id carries it and the router drops the duplicate.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use switchboard::plugin::WebhookSecrets;
use switchboard::webhook::{
    Event, EventKind, HeaderToken, Headers, InboundContent, InboundMedia, InboundMessage,
    InboundReaction, WebhookAuth, WebhookError,
};
use switchboard::{Error, MediaKind};

use crate::PLATFORM;

/// The header Telegram authenticates webhook deliveries with.
pub const SECRET_TOKEN_HEADER: &str = "x-telegram-bot-api-secret-token";

/// `setWebhook.secret_token`: "1-256 characters. Only characters A-Z, a-z,
/// 0-9, _ and - are allowed."
pub const MAX_SECRET_TOKEN_CHARS: usize = 256;

/// Checks a webhook secret against `setWebhook`'s rules.
pub fn check_secret_token(token: &str) -> Result<(), Error> {
    if token.is_empty() || token.len() > MAX_SECRET_TOKEN_CHARS {
        return Err(Error::config(format!(
            "webhook_secret must be 1 to {MAX_SECRET_TOKEN_CHARS} characters (setWebhook secret_token)"
        )));
    }
    if !token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Error::config(
            "webhook_secret may hold only A-Z, a-z, 0-9, _ and - (setWebhook secret_token)",
        ));
    }
    Ok(())
}

/// Telegram's webhook authentication: the secret token in
/// `X-Telegram-Bot-Api-Secret-Token`, compared in constant time.
#[derive(Debug)]
pub struct SecretTokenAuth(HeaderToken);

impl SecretTokenAuth {
    /// Authentication by `token`, checked against `setWebhook`'s rules.
    pub fn new(token: switchboard::Secret) -> Result<Self, Error> {
        check_secret_token(token.expose())?;
        Ok(SecretTokenAuth(HeaderToken::new(
            SECRET_TOKEN_HEADER,
            token,
        )?))
    }
}

impl WebhookAuth for SecretTokenAuth {
    fn verify(&self, headers: &dyn Headers, body: &[u8]) -> Result<(), WebhookError> {
        self.0.verify(headers, body)
    }
}

pub(crate) fn secret_token_auth(secrets: &WebhookSecrets) -> Result<Arc<dyn WebhookAuth>, Error> {
    let token = secrets.get("webhook_secret")?.clone();
    Ok(Arc::new(SecretTokenAuth::new(token)?))
}

#[derive(Deserialize)]
struct Update {
    update_id: i64,
    #[serde(flatten)]
    rest: serde_json::Map<String, Value>,
}

/// Parses one webhook delivery (one `Update`) into events. Update types not
/// modelled are kept raw as [`EventKind::Unknown`]; message kinds not
/// modelled as [`InboundContent::Other`].
pub fn parse(body: &[u8]) -> Result<Vec<Event>, WebhookError> {
    let update: Update = serde_json::from_slice(body)
        .map_err(|e| WebhookError::InvalidPayload(format!("not a Telegram update: {e}")))?;
    let id = update.update_id;
    let mut events = Vec::new();
    for (key, value) in &update.rest {
        let kind = match key.as_str() {
            "message" | "channel_post" => message(value).map(EventKind::Message),
            "edited_message" | "edited_channel_post" => message(value).map(EventKind::Edit),
            "callback_query" => callback(value).map(EventKind::Message),
            "message_reaction" => reaction(value).map(EventKind::Reaction),
            _ => None,
        };
        let kind = kind.unwrap_or_else(|| EventKind::Unknown {
            raw: serde_json::json!({ "update_id": id, key.as_str(): value }),
        });
        let at = value
            .get("date")
            .or_else(|| value.pointer("/message/date"))
            .and_then(Value::as_u64)
            .map(|s| s.saturating_mul(1000));
        let event_id = format!("telegram:{id}:{key}:{}", subject(value));
        events.push(Event::new(PLATFORM, "", event_id, kind).timestamp_ms(at));
    }
    Ok(events)
}

/// What an update is about (chat and message, or the callback query id):
/// with the `update_id`, an id no other bot's update shares.
fn subject(v: &Value) -> String {
    let chat = v
        .pointer("/chat/id")
        .or_else(|| v.pointer("/message/chat/id"))
        .map(Value::to_string)
        .unwrap_or_default();
    let item = v
        .get("message_id")
        .or_else(|| v.get("id"))
        .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_string))
        .unwrap_or_default();
    format!("{chat}:{item}")
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn id_of(v: Option<&Value>) -> Option<String> {
    v.and_then(|id| id.as_i64().map(|n| n.to_string()).or_else(|| text_id(id)))
}

fn text_id(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn sender_name(v: &Value) -> Option<String> {
    let from = v.get("from")?;
    let first = text(from, "first_name")?;
    Some(match text(from, "last_name") {
        Some(last) => format!("{first} {last}"),
        None => first,
    })
}

/// A message: `from` is the chat to answer (the person in a private chat,
/// the group otherwise).
fn message(v: &Value) -> Option<InboundMessage> {
    let id = id_of(v.get("message_id"))?;
    let chat = id_of(v.pointer("/chat/id"))?;
    let mut m = InboundMessage::new(id, chat, content(v));
    m.sender_name = sender_name(v);
    m.reply_to = id_of(v.pointer("/reply_to_message/message_id"));
    Some(m)
}

fn media(kind: MediaKind, v: &Value, caption: Option<String>) -> InboundContent {
    let mut m = InboundMedia::new(kind);
    m.id = text(v, "file_id");
    m.mime_type = text(v, "mime_type");
    m.filename = text(v, "file_name");
    m.caption = caption;
    InboundContent::Media(m)
}

fn content(v: &Value) -> InboundContent {
    let caption = text(v, "caption");
    if let Some(body) = text(v, "text") {
        return InboundContent::Text { body };
    }
    if let Some(sizes) = v.get("photo").and_then(Value::as_array) {
        // Sizes come smallest first: the last is the original.
        if let Some(largest) = sizes.last() {
            return media(MediaKind::Image, largest, caption);
        }
    }
    for (key, kind, voice) in [
        ("voice", MediaKind::Audio, true),
        ("audio", MediaKind::Audio, false),
        ("video", MediaKind::Video, false),
        ("document", MediaKind::Document, false),
        ("sticker", MediaKind::Sticker, false),
    ] {
        if let Some(file) = v.get(key) {
            let mut content = media(kind, file, caption);
            if let InboundContent::Media(m) = &mut content {
                m.voice = voice;
            }
            return content;
        }
    }
    if let Some(c) = v.get("venue").and_then(|venue| {
        location(
            venue.get("location")?,
            text(venue, "title"),
            text(venue, "address"),
        )
    }) {
        return c;
    }
    if let Some(c) = v.get("location").and_then(|l| location(l, None, None)) {
        return c;
    }
    if let Some(contact) = v.get("contact") {
        return InboundContent::Contacts {
            contacts: Value::Array(vec![contact.clone()]),
        };
    }
    let kind = v
        .as_object()
        .and_then(|o| {
            o.keys()
                .find(|k| !matches!(k.as_str(), "message_id" | "from" | "chat" | "date"))
        })
        .cloned()
        .unwrap_or_else(|| "unknown".into());
    InboundContent::Other {
        kind,
        raw: v.clone(),
    }
}

fn location(v: &Value, name: Option<String>, address: Option<String>) -> Option<InboundContent> {
    Some(InboundContent::Location {
        latitude: v.get("latitude")?.as_f64()?,
        longitude: v.get("longitude")?.as_f64()?,
        name,
        address,
    })
}

/// A button tapped: the callback query, its data as the button id and the
/// button's text looked up in the keyboard it came from.
fn callback(v: &Value) -> Option<InboundMessage> {
    let id = text(v, "id")?;
    let data = text(v, "data")?;
    let chat = id_of(v.pointer("/message/chat/id")).or_else(|| id_of(v.pointer("/from/id")))?;
    let title = v
        .pointer("/message/reply_markup/inline_keyboard")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .find(|b| b.get("callback_data").and_then(Value::as_str) == Some(data.as_str()))
        .and_then(|b| text(b, "text"))
        .unwrap_or_default();
    let mut m = InboundMessage::new(id, chat, InboundContent::ButtonReply { id: data, title });
    m.sender_name = sender_name(v);
    m.reply_to = id_of(v.pointer("/message/message_id"));
    Some(m)
}

/// A reaction changed: the first emoji of the new set, or `unreact` when
/// the set is empty.
fn reaction(v: &Value) -> Option<InboundReaction> {
    let chat = id_of(v.pointer("/chat/id"))?;
    let message_id = id_of(v.get("message_id"))?;
    let emoji = v
        .get("new_reaction")
        .and_then(Value::as_array)
        .and_then(|r| r.iter().find_map(|r| text(r, "emoji")));
    let action = if emoji.is_some() { "react" } else { "unreact" };
    Some(InboundReaction::new(chat, message_id, action, emoji))
}
