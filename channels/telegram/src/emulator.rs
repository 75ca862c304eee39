//! Telegram's emulator (feature `emulator`): the Bot API's send methods at
//! `/bot<token>/<method>`, with Telegram's own rules written over the raw
//! JSON from the Bot API documentation, independently of the client's
//! types, run through the shared pipeline of `switchboard_emulator`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{json, Map, Value};
use switchboard::{Recipient, Secret};
use switchboard_emulator::pipeline::{handle, Checked, PlatformRules, Refusal};
use switchboard_emulator::{
    detached, register_emulator, EmulatorContext, EmulatorPlugin, Gate, PlatformEmulator, Record,
    WebhookSigner, EMULATOR_ACCESS_TOKEN,
};

use crate::webhook::SECRET_TOKEN_HEADER;
use crate::PLATFORM;

/// The bot id of the emulator's token (`7000000001:switchboard-emulator-token`).
pub const EMULATOR_BOT_ID: &str = "7000000001";

/// The private chat the emulator's samples go to.
pub const EMULATOR_CHAT_ID: &str = "123456789";

/// The wait the emulator's flood control asks for, in seconds.
pub const FLOOD_WAIT_SECS: u64 = 1;

/// The Bot API methods the emulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `sendMessage`.
    SendMessage,
    /// `sendPhoto`, `sendAudio`, … : a file parameter of this name.
    SendFile(&'static str),
    /// `sendLocation`.
    SendLocation,
    /// `sendVenue`.
    SendVenue,
    /// `sendContact`.
    SendContact,
    /// `setMessageReaction`.
    SetMessageReaction,
    /// `sendChatAction`.
    SendChatAction,
}

impl Method {
    fn of(name: &str) -> Option<Method> {
        Some(match name {
            "sendMessage" => Method::SendMessage,
            "sendPhoto" => Method::SendFile("photo"),
            "sendAudio" => Method::SendFile("audio"),
            "sendVideo" => Method::SendFile("video"),
            "sendDocument" => Method::SendFile("document"),
            "sendSticker" => Method::SendFile("sticker"),
            "sendVoice" => Method::SendFile("voice"),
            "sendAnimation" => Method::SendFile("animation"),
            "sendLocation" => Method::SendLocation,
            "sendVenue" => Method::SendVenue,
            "sendContact" => Method::SendContact,
            "setMessageReaction" => Method::SetMessageReaction,
            "sendChatAction" => Method::SendChatAction,
            _ => return None,
        })
    }

    /// Whether the method answers `true` rather than the sent message.
    fn answers_true(self) -> bool {
        matches!(self, Method::SetMessageReaction | Method::SendChatAction)
    }
}

/// Telegram's emulator.
pub struct TelegramEmulator {
    context: EmulatorContext,
    next_message_id: AtomicU64,
    next_update_id: AtomicU64,
}

fn bad_request(description: impl std::fmt::Display) -> Refusal {
    Refusal::new(400, 400, format!("Bad Request: {description}"))
}

fn string<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

fn required<'a>(body: &'a Map<String, Value>, key: &str) -> Result<&'a str, Refusal> {
    match string(body, key) {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(bad_request(format!("{key} is empty"))),
    }
}

/// The length Telegram counts "after entities parsing": markup removed.
fn parsed_chars(text: &str, parse_mode: Option<&str>) -> usize {
    match parse_mode {
        Some("HTML") => {
            let (mut n, mut in_tag, mut in_entity) = (0, false, false);
            for c in text.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' if in_tag => in_tag = false,
                    '&' if !in_tag => {
                        in_entity = true;
                        n += 1;
                    }
                    ';' if in_entity => in_entity = false,
                    _ if in_tag || in_entity => {}
                    _ => n += 1,
                }
            }
            n
        }
        Some("MarkdownV2") => {
            let (mut n, mut escaped, mut in_url, mut after_bracket) = (0, false, false, false);
            for c in text.chars() {
                let closed_bracket = std::mem::take(&mut after_bracket);
                if in_url {
                    // A link's URL counts nothing; `\)` does not end it.
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == ')' {
                        in_url = false;
                    }
                } else if escaped {
                    escaped = false;
                    n += 1;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '(' && closed_bracket {
                    in_url = true;
                } else if c == ']' {
                    after_bracket = true;
                } else if !"*_~|`[".contains(c) {
                    n += 1;
                }
            }
            n
        }
        _ => text.chars().count(),
    }
}

fn check_text(body: &Map<String, Value>, key: &str, min: usize, max: usize) -> Result<(), Refusal> {
    let Some(text) = string(body, key) else {
        return if min == 0 {
            Ok(())
        } else {
            Err(bad_request(format!("message {key} is empty")))
        };
    };
    let n = parsed_chars(text, string(body, "parse_mode"));
    if text.trim().is_empty() && min > 0 {
        return Err(bad_request(format!("message {key} is empty")));
    }
    if n > max {
        return Err(bad_request(format!("message {key} is too long")));
    }
    Ok(())
}

/// `reply_markup.inline_keyboard`: rows of buttons with a text and
/// `callback_data` of 1–64 bytes.
fn check_keyboard(body: &Map<String, Value>) -> Result<(), Refusal> {
    let Some(markup) = body.get("reply_markup") else {
        return Ok(());
    };
    let rows = markup
        .get("inline_keyboard")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_request("can't parse reply keyboard markup JSON object"))?;
    for button in rows
        .iter()
        .map(|r| {
            r.as_array()
                .ok_or_else(|| bad_request("keyboard row is not an array"))
        })
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
    {
        if button
            .get("text")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(bad_request(
                "text buttons are unallowed in the inline keyboard",
            ));
        }
        let data = button
            .get("callback_data")
            .and_then(Value::as_str)
            .unwrap_or("");
        if data.is_empty() || data.len() > 64 {
            return Err(bad_request("BUTTON_DATA_INVALID"));
        }
    }
    Ok(())
}

fn coordinate(body: &Map<String, Value>, key: &str, limit: f64) -> Result<(), Refusal> {
    match body.get(key).and_then(Value::as_f64) {
        Some(v) if v.abs() <= limit => Ok(()),
        _ => Err(bad_request(format!("{key} is invalid"))),
    }
}

fn check_method(method: Method, body: &Map<String, Value>) -> Result<(), Refusal> {
    match method {
        Method::SendMessage => {
            check_text(body, "text", 1, 4096)?;
            check_keyboard(body)
        }
        Method::SendFile(name) => {
            required(body, name)
                .map_err(|_| bad_request(format!("there is no {name} in the request")))?;
            if name == "sticker" && body.contains_key("caption") {
                return Err(bad_request("sticker can't have a caption"));
            }
            check_text(body, "caption", 0, 1024)
        }
        Method::SendLocation => {
            coordinate(body, "latitude", 90.0)?;
            coordinate(body, "longitude", 180.0)
        }
        Method::SendVenue => {
            coordinate(body, "latitude", 90.0)?;
            coordinate(body, "longitude", 180.0)?;
            required(body, "title")?;
            required(body, "address").map(drop)
        }
        Method::SendContact => {
            required(body, "phone_number")?;
            required(body, "first_name")?;
            if string(body, "vcard").is_some_and(|v| v.len() > 2048) {
                return Err(bad_request("vcard is too long"));
            }
            Ok(())
        }
        Method::SetMessageReaction => {
            if !has_message_id(body.get("message_id")) {
                return Err(bad_request("message to react not found"));
            }
            let reactions = body.get("reaction").and_then(Value::as_array);
            // Bots "can set up to one reaction per message" (setMessageReaction).
            if reactions.is_some_and(|r| r.len() > 1) {
                return Err(bad_request("REACTIONS_TOO_MANY"));
            }
            let valid = reactions.into_iter().flatten().all(|r| {
                r.get("type").and_then(Value::as_str) == Some("emoji")
                    && r.get("emoji")
                        .and_then(Value::as_str)
                        .is_some_and(|e| !e.is_empty())
            });
            if valid {
                Ok(())
            } else {
                Err(bad_request("REACTION_INVALID"))
            }
        }
        Method::SendChatAction => {
            const ACTIONS: [&str; 11] = [
                "typing",
                "upload_photo",
                "record_video",
                "upload_video",
                "record_voice",
                "upload_voice",
                "upload_document",
                "choose_sticker",
                "find_location",
                "record_video_note",
                "upload_video_note",
            ];
            match string(body, "action") {
                Some(a) if ACTIONS.contains(&a) => Ok(()),
                _ => Err(bad_request("wrong parameter action in request")),
            }
        }
    }
}

/// Whether a `message_id` is given and positive.
fn has_message_id(value: Option<&Value>) -> bool {
    value.and_then(Value::as_i64).is_some_and(|id| id > 0)
}

/// `chat_id`: an integer, or `@username`.
fn chat_id(body: &Map<String, Value>) -> Result<String, Refusal> {
    match body.get("chat_id") {
        Some(Value::Number(n)) if n.as_i64().is_some_and(|id| id != 0) => Ok(n.to_string()),
        Some(Value::String(s)) if s.starts_with('@') && s.len() > 1 => Ok(s.clone()),
        Some(Value::String(s)) if s.parse::<i64>().is_ok() => Ok(s.clone()),
        _ => Err(bad_request("chat not found")),
    }
}

impl PlatformRules for TelegramEmulator {
    type Api = Method;
    const PLATFORM: &'static str = PLATFORM;

    fn context(&self) -> &EmulatorContext {
        &self.context
    }

    fn code_refusal(&self, _: Method, code: i64, _: Option<i64>) -> Refusal {
        match code {
            429 => Refusal::new(
                429,
                429,
                format!("Too Many Requests: retry after {FLOOD_WAIT_SECS}"),
            ),
            401 => Refusal::new(401, 401, "Unauthorized"),
            403 => Refusal::new(403, 403, "Forbidden: bot was blocked by the user"),
            409 => Refusal::new(
                409,
                409,
                "Conflict: can't use getUpdates method while webhook is active",
            ),
            c if (500..600).contains(&c) => Refusal::new(c as u16, c, "Internal Server Error"),
            c => Refusal::new(400, c, "Bad Request: injected failure"),
        }
    }

    fn gate_refusal(&self, api: Method, _: Gate) -> Refusal {
        self.code_refusal(api, 429, None)
    }

    fn error_response(&self, _: Method, r: Refusal) -> Response {
        let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut body = json!({"ok": false, "error_code": r.code, "description": r.message});
        if r.code == 429 {
            body["parameters"] = json!({ "retry_after": FLOOD_WAIT_SECS });
        }
        (status, axum::Json(body)).into_response()
    }

    /// The token is in the path: `/bot<id>:<secret>/<method>`.
    fn credential<'a>(
        &self,
        _: Method,
        account: &'a str,
        _: &'a HeaderMap,
        _: &'a HashMap<String, String>,
    ) -> Option<&'a str> {
        account.split_once(':').map(|(_, secret)| secret)
    }

    fn unauthorized(&self, _: Method, _: Option<&str>) -> Refusal {
        Refusal::new(401, 401, "Unauthorized")
    }

    fn check_account(&self, _: Method, account: &str) -> Result<(), Refusal> {
        match account.split_once(':') {
            Some((id, _)) if id == EMULATOR_BOT_ID => Ok(()),
            _ => Err(Refusal::new(401, 401, "Unauthorized")),
        }
    }

    fn check(&self, method: Method, body: &Map<String, Value>) -> Result<Checked, Refusal> {
        let chat = chat_id(body)?;
        check_method(method, body)?;
        if let Some(reply) = body.get("reply_parameters") {
            if !has_message_id(reply.get("message_id")) {
                return Err(bad_request("message to be replied not found"));
            }
        }
        // No customer-service window: a bot may write to whoever started it.
        Ok(Checked::to(chat).window(None))
    }

    fn answer(
        &self,
        method: Method,
        account: &str,
        checked: &Checked,
        body: Value,
    ) -> (Value, Record) {
        let bot = account.split_once(':').map_or(account, |(id, _)| id);
        let chat = &checked.recipient;
        if method.answers_true() {
            let id = body
                .get("message_id")
                .map(Value::to_string)
                .unwrap_or_default();
            let record = Record::new(PLATFORM, bot, chat.clone(), id, body);
            return (json!({"ok": true, "result": true}), record);
        }
        let id = self.next_message_id.fetch_add(1, Ordering::Relaxed);
        let mut message = json!({
            "message_id": id,
            "date": self.context.now_ms() / 1000,
            "chat": chat_object(chat),
        });
        if let Some(text) = body.get("text") {
            message["text"] = text.clone();
        }
        let record = Record::new(PLATFORM, bot, chat.clone(), id.to_string(), body);
        (json!({"ok": true, "result": message}), record)
    }

    fn status_webhooks(&self, record: &Record, failed_code: Option<i64>) -> Vec<Vec<u8>> {
        PlatformEmulator::status_webhooks(self, record, failed_code)
    }
}

/// The `Chat` Telegram answers for `chat_id`: a public chat named by
/// `@username` gets a stable supergroup-style id of its own.
fn chat_object(chat: &str) -> Value {
    if let Some(username) = chat.strip_prefix('@') {
        let hash = username
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let id = -1_000_000_000_000 - (hash % 1_000_000_000) as i64;
        return json!({"id": id, "type": "channel", "username": username});
    }
    let id = chat.parse::<i64>().unwrap_or_default();
    let kind = if id < 0 { "supergroup" } else { "private" };
    json!({"id": id, "type": kind})
}

async fn call(
    State(emu): State<Arc<TelegramEmulator>>,
    Path((bot, method)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (Some(token), Some(method)) = (bot.strip_prefix("bot"), Method::of(&method)) else {
        let body = json!({"ok": false, "error_code": 404, "description": "Not Found"});
        return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
    };
    let token = token.to_string();
    detached(async move { handle(&*emu, method, &token, &headers, &query, &body).await }).await
}

impl PlatformEmulator for TelegramEmulator {
    fn platform(&self) -> &'static str {
        PLATFORM
    }

    fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route("/{bot}/{method}", post(call))
            .with_state(self)
    }

    fn channel_settings(&self, base_url: &str) -> toml::Table {
        let mut t = toml::Table::new();
        t.insert(
            "bot_token".into(),
            format!("{EMULATOR_BOT_ID}:{EMULATOR_ACCESS_TOKEN}").into(),
        );
        t.insert("base_url".into(), base_url.into());
        t
    }

    fn sample_recipient(&self) -> Recipient {
        Recipient::user_id(EMULATOR_CHAT_ID)
    }

    fn describe(&self, base_url: &str) -> Vec<String> {
        vec![
            format!("Telegram Bot API: POST {base_url}/bot{EMULATOR_BOT_ID}:<token>/sendMessage (and the other send methods)"),
            format!("  bot token: {EMULATOR_BOT_ID}:{EMULATOR_ACCESS_TOKEN}"),
        ]
    }

    /// Telegram reports no delivery statuses.
    fn status_webhooks(&self, _: &Record, _: Option<i64>) -> Vec<Vec<u8>> {
        Vec::new()
    }

    fn inbound_text_webhook(&self, from: &str, text: &str) -> (String, Vec<u8>) {
        let id = self.next_message_id.fetch_add(1, Ordering::Relaxed);
        let update_id = self.next_update_id.fetch_add(1, Ordering::Relaxed);
        let chat = from
            .parse::<i64>()
            .map_or_else(|_| json!(from), |n| json!(n));
        let update = json!({
            "update_id": update_id,
            "message": {
                "message_id": id,
                "from": {"id": chat, "is_bot": false, "first_name": "Emulated"},
                "chat": {"id": chat, "type": "private"},
                "date": self.context.now_ms() / 1000,
                "text": text,
            }
        });
        (
            id.to_string(),
            serde_json::to_vec(&update).unwrap_or_default(),
        )
    }

    fn rate_limit_code(&self) -> i64 {
        429
    }

    fn webhook_signer(&self) -> WebhookSigner {
        secret_token_header
    }
}

fn secret_token_header(secret: &Secret, _: &[u8]) -> Vec<(&'static str, String)> {
    vec![(SECRET_TOKEN_HEADER, secret.expose().to_string())]
}

fn build(context: EmulatorContext) -> Arc<dyn PlatformEmulator> {
    Arc::new(TelegramEmulator {
        context,
        next_message_id: AtomicU64::new(1),
        next_update_id: AtomicU64::new(1),
    })
}

register_emulator!(EmulatorPlugin::new(PLATFORM, build));
