//! The Messenger emulator (feature `emulator`): the Send API on 127.0.0.1,
//! served by [`switchboard_emulator::Emulator`] under `/messenger`.
//!
//! Its rules are written from the Send API reference and api-contract §3, §4
//! over the raw JSON, independently of the client's types.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use serde_json::{json, Map, Value};
use switchboard::webhook::CUSTOMER_SERVICE_WINDOW;
use switchboard::Recipient;
use switchboard_emulator::pipeline::{handle, Checked, PlatformRules, Refusal};
use switchboard_emulator::register_emulator;
use switchboard_emulator::{
    detached, EmulatorContext, EmulatorPlugin, Gate, PlatformEmulator, Record, WebhookSigner,
    EMULATOR_ACCESS_TOKEN,
};
use switchboard_graph::emulator::{access_token, error_response};

/// The Facebook Page id the emulator serves.
pub const EMULATOR_PAGE_ID: &str = "109876543210987";

/// A `page` webhook with one `messaging` item (api-contract §6).
fn page_envelope_at(now_ms: u64, item: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "object": "page",
        "entry": [{"id": EMULATOR_PAGE_ID, "time": now_ms, "messaging": [item]}]
    }))
    .unwrap_or_default()
}

/// The emulator of the Messenger Send API.
pub struct MessengerEmulator {
    context: EmulatorContext,
    next_id: AtomicU64,
}

/// HUMAN_AGENT-tagged replies: within 7 days of the person's message (Send
/// API reference, message tags).
const HUMAN_AGENT_WINDOW: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

fn invalid(message: impl Into<String>) -> Refusal {
    Refusal::new(400, 100, message)
}

/// The HTTP status and title the Graph API uses for an injected code.
fn describe_code(code: i64) -> (u16, &'static str) {
    match code {
        1 => (400, "An unknown error occurred"),
        2 => (503, "Service temporarily unavailable"),
        4 => (400, "Application request limit reached"),
        17 => (400, "User request limit reached"),
        32 => (400, "Page request limit reached"),
        613 => (400, "Calls to this api have exceeded the rate limit"),
        10 => (403, "Permission denied"),
        190 => (401, "Invalid OAuth access token"),
        200..=299 => (403, "Permissions error"),
        551 => (400, "This person isn't available right now"),
        _ => (400, "Invalid parameter"),
    }
}

/// `messaging_type` values (Send API reference; UTILITY per the Page/messages reference).
const MESSAGING_TYPES: &[&str] = &["RESPONSE", "UPDATE", "MESSAGE_TAG", "UTILITY"];
/// `tag` values the Send API reference lists.
const TAGS: &[&str] = &[
    "ACCOUNT_UPDATE",
    "CONFIRMED_EVENT_UPDATE",
    "CUSTOMER_FEEDBACK",
    "HUMAN_AGENT",
    "POST_PURCHASE_UPDATE",
    "NON_PROMOTIONAL_SUBSCRIPTION",
];
/// Tags answering error 100 since 2026-04-27 (api-contract §7).
const RETIRED_TAGS: &[&str] = &[
    "ACCOUNT_UPDATE",
    "CONFIRMED_EVENT_UPDATE",
    "POST_PURCHASE_UPDATE",
];
const RECIPIENT_KEYS: &[&str] = &["id", "user_ref", "comment_id", "post_id", "phone_number"];
const SENDER_ACTIONS: &[&str] = &["typing_on", "typing_off", "mark_seen", "react", "unreact"];
const NOTIFICATION_TYPES: &[&str] = &["REGULAR", "SILENT_PUSH", "NO_PUSH"];
/// Text limit: 2000 characters (Send API reference; api-contract §3).
const TEXT_LIMIT: usize = 2000;

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Checks a request; returns the recipient key and value.
fn validate(obj: &Map<String, Value>) -> Result<(&'static str, String), Refusal> {
    let Some(recipient) = obj.get("recipient").and_then(Value::as_object) else {
        return Err(invalid("param recipient must be non-empty."));
    };
    let present: Vec<&'static str> = RECIPIENT_KEYS
        .iter()
        .copied()
        .filter(|k| recipient.contains_key(*k))
        .collect();
    let key =
        match present.as_slice() {
            [k] => *k,
            [] => return Err(invalid(
                "param recipient must have one of id, user_ref, comment_id, post_id, phone_number.",
            )),
            _ => return Err(invalid("param recipient must have exactly one identifier.")),
        };
    let value = match &recipient[key] {
        Value::String(s) if !s.is_empty() => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(invalid(format!(
                "param recipient[{key}] must be a non-empty string."
            )))
        }
    };
    let has_message = obj.contains_key("message");
    let sender_action = obj.get("sender_action");
    // A sender action is sent alone with the recipient (Send API reference).
    if let Some(action) = sender_action {
        if has_message {
            return Err(invalid(
                "sender_action cannot be sent with message; send it as a separate request.",
            ));
        }
        let action = match action.as_str() {
            Some(a) if SENDER_ACTIONS.contains(&a) => a,
            _ => return Err(invalid("param sender_action must be one of typing_on, typing_off, mark_seen, react, unreact.")),
        };
        // Only the recipient (and, for react / unreact, the payload) goes with it.
        for k in obj.keys() {
            let allowed = matches!(k.as_str(), "recipient" | "sender_action")
                || (k == "payload" && matches!(action, "react" | "unreact"));
            if !allowed {
                return Err(invalid(format!(
                    "param {k} cannot be sent with sender_action {action}."
                )));
            }
        }
        if matches!(action, "react" | "unreact") {
            let ok = obj
                .get("payload")
                .and_then(|p| p.get("message_id"))
                .and_then(Value::as_str)
                .is_some_and(|m| !m.is_empty());
            if !ok {
                return Err(invalid(format!(
                    "param payload[message_id] is required for sender_action {action}."
                )));
            }
        }
        return Ok((key, value));
    }
    if !has_message {
        return Err(invalid("param message or sender_action must be set."));
    }
    // The reference marks messaging_type required; Meta's own examples of
    // attachments omit it (golden README quirk), and the platform accepts them.
    let messaging_type = match obj.get("messaging_type") {
        None => None,
        Some(Value::String(s)) if MESSAGING_TYPES.contains(&s.as_str()) => Some(s.as_str()),
        Some(_) => {
            return Err(invalid(
                "param messaging_type must be one of RESPONSE, UPDATE, MESSAGE_TAG, UTILITY.",
            ))
        }
    };
    match (messaging_type, obj.get("tag")) {
        (Some("MESSAGE_TAG"), None) => {
            return Err(invalid(
                "param tag is required when messaging_type is MESSAGE_TAG.",
            ))
        }
        (Some("MESSAGE_TAG"), Some(Value::String(t))) => {
            if !TAGS.contains(&t.as_str()) {
                return Err(invalid(format!(
                    "param tag {t} is not a valid message tag."
                )));
            }
            if RETIRED_TAGS.contains(&t.as_str()) {
                return Err(invalid(format!(
                    "the message tag {t} is no longer supported."
                )));
            }
        }
        (Some("MESSAGE_TAG"), Some(_)) => return Err(invalid("param tag must be a string.")),
        (_, Some(_)) => {
            return Err(invalid(
                "param tag is only allowed when messaging_type is MESSAGE_TAG.",
            ))
        }
        _ => {}
    }
    if let Some(n) = obj.get("notification_type") {
        if !n.as_str().is_some_and(|n| NOTIFICATION_TYPES.contains(&n)) {
            return Err(invalid(
                "param notification_type must be one of REGULAR, SILENT_PUSH, NO_PUSH.",
            ));
        }
    }
    let Some(message) = obj.get("message").and_then(Value::as_object) else {
        return Err(invalid("param message must be an object."));
    };
    let forms = ["text", "attachment", "attachments"]
        .iter()
        .filter(|k| message.contains_key(**k))
        .count();
    if forms != 1 {
        return Err(invalid(
            "param message must have exactly one of text, attachment, attachments.",
        ));
    }
    if let Some(text) = message.get("text") {
        match text.as_str() {
            Some(t) if t.trim().is_empty() => {
                return Err(invalid("param message[text] must be non-empty."))
            }
            Some(t) if chars(t) > TEXT_LIMIT => {
                return Err(invalid(format!(
                    "param message[text] has {} characters, the limit is {TEXT_LIMIT}.",
                    chars(t)
                )))
            }
            Some(_) => {}
            None => return Err(invalid("param message[text] must be a string.")),
        }
    }
    if let Some(quick) = message.get("quick_replies") {
        let Some(quick) = quick.as_array() else {
            return Err(invalid("param message[quick_replies] must be an array."));
        };
        // ≤13 quick replies; text ones need a title ≤20 and a payload ≤1000 (api-contract §3).
        if quick.len() > 13 {
            return Err(invalid(format!(
                "param message[quick_replies] has {} elements, the limit is 13.",
                quick.len()
            )));
        }
        for q in quick {
            match q.get("content_type").and_then(Value::as_str) {
                Some("text") => {
                    limited(q, "title", "message[quick_replies][title]", 20, true)?;
                    limited(q, "payload", "message[quick_replies][payload]", 1000, true)?;
                }
                Some("user_phone_number" | "user_email") => {}
                _ => return Err(invalid("param message[quick_replies][content_type] must be text, user_phone_number or user_email.")),
            }
        }
    }
    if let Some(a) = message.get("attachment") {
        attachment_rules(a)?;
    }
    if let Some(list) = message.get("attachments") {
        let Some(list) = list.as_array() else {
            return Err(invalid("param message[attachments] must be an array."));
        };
        // Images only, ≤30 (api-contract §3).
        if list.is_empty() || list.len() > 30 {
            return Err(invalid(
                "param message[attachments] must have 1 to 30 images.",
            ));
        }
        for a in list {
            if a.get("type").and_then(Value::as_str) != Some("image") {
                return Err(invalid("param message[attachments] accepts images only."));
            }
            attachment_rules(a)?;
        }
    }
    if let Some(metadata) = message.get("metadata") {
        // metadata: 1000 character limit (Send API reference).
        if metadata.as_str().is_none_or(|m| chars(m) > 1000) {
            return Err(invalid(
                "param message[metadata] must be a string of at most 1000 characters.",
            ));
        }
    }
    Ok((key, value))
}

/// A string field of at most `max` characters (required or not).
fn limited(v: &Value, key: &str, field: &str, max: usize, required: bool) -> Result<(), Refusal> {
    match v.get(key) {
        None | Some(Value::Null) if required => Err(invalid(format!("param {field} is required."))),
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if required && s.trim().is_empty() => {
            Err(invalid(format!("param {field} must be non-empty.")))
        }
        Some(Value::String(s)) if chars(s) <= max => Ok(()),
        Some(Value::String(s)) => Err(invalid(format!(
            "param {field} has {} characters, the limit is {max}.",
            chars(s)
        ))),
        Some(_) => Err(invalid(format!("param {field} must be a string."))),
    }
}

fn http_url(v: &Value, key: &str, field: &str) -> Result<(), Refusal> {
    let ok = v.get(key).and_then(Value::as_str).is_some_and(|u| {
        let l = u.to_ascii_lowercase();
        (l.starts_with("https://") && u.len() > 8) || (l.starts_with("http://") && u.len() > 7)
    });
    if ok {
        Ok(())
    } else {
        Err(invalid(format!("param {field} must be an http(s) URL.")))
    }
}

fn buttons_rules(buttons: Option<&Value>, field: &str, min: usize) -> Result<(), Refusal> {
    let list = match buttons {
        None if min == 0 => return Ok(()),
        Some(Value::Array(a)) => a,
        _ => return Err(invalid(format!("param {field} must be an array."))),
    };
    // 1–3 buttons on the button template, ≤3 per element (api-contract §3).
    if list.len() < min || list.len() > 3 {
        return Err(invalid(format!(
            "param {field} must have {min} to 3 buttons."
        )));
    }
    for b in list {
        limited(b, "title", &format!("{field}[title]"), 20, true)?;
        match b.get("type").and_then(Value::as_str) {
            Some("web_url") => http_url(b, "url", &format!("{field}[url]"))?,
            Some("postback") => limited(b, "payload", &format!("{field}[payload]"), 1000, true)?,
            Some("phone_number") => {
                limited(b, "payload", &format!("{field}[payload]"), usize::MAX, true)?
            }
            _ => {
                return Err(invalid(format!(
                    "param {field}[type] must be web_url, postback or phone_number."
                )))
            }
        }
    }
    Ok(())
}

fn attachment_rules(a: &Value) -> Result<(), Refusal> {
    let payload = a.get("payload").unwrap_or(&Value::Null);
    match a.get("type").and_then(Value::as_str) {
        Some("image" | "audio" | "video" | "file") => {
            match (payload.get("url"), payload.get("attachment_id")) {
                (Some(_), None) => http_url(payload, "url", "message[attachment][payload][url]"),
                (None, Some(Value::String(id))) if !id.is_empty() => Ok(()),
                _ => Err(invalid(
                    "param message[attachment][payload] must have either url or attachment_id.",
                )),
            }
        }
        Some("template") => {
            let f = "message[attachment][payload]";
            match payload.get("template_type").and_then(Value::as_str) {
                Some("button") => {
                    // Text ≤640 (api-contract §3).
                    limited(payload, "text", &format!("{f}[text]"), 640, true)?;
                    buttons_rules(payload.get("buttons"), &format!("{f}[buttons]"), 1)
                }
                Some("generic") => {
                    let Some(elements) = payload.get("elements").and_then(Value::as_array) else {
                        return Err(invalid(format!("param {f}[elements] is required.")));
                    };
                    // ≤10 elements, title and subtitle ≤80 (api-contract §3).
                    if elements.is_empty() || elements.len() > 10 {
                        return Err(invalid(format!(
                            "param {f}[elements] must have 1 to 10 elements."
                        )));
                    }
                    for e in elements {
                        limited(e, "title", &format!("{f}[elements][title]"), 80, true)?;
                        limited(
                            e,
                            "subtitle",
                            &format!("{f}[elements][subtitle]"),
                            80,
                            false,
                        )?;
                        buttons_rules(e.get("buttons"), &format!("{f}[elements][buttons]"), 0)?;
                    }
                    Ok(())
                }
                Some("media") => {
                    let Some([e]) = payload
                        .get("elements")
                        .and_then(Value::as_array)
                        .map(Vec::as_slice)
                    else {
                        return Err(invalid(format!(
                            "param {f}[elements] must have exactly one element."
                        )));
                    };
                    match e.get("media_type").and_then(Value::as_str) {
                        Some("image" | "video") => {}
                        _ => {
                            return Err(invalid(format!(
                                "param {f}[elements][media_type] must be image or video."
                            )))
                        }
                    }
                    if e.get("url").is_some() == e.get("attachment_id").is_some() {
                        return Err(invalid(format!(
                            "param {f}[elements] must have either url or attachment_id."
                        )));
                    }
                    buttons_rules(e.get("buttons"), &format!("{f}[elements][buttons]"), 0)
                }
                Some(_) => Ok(()),
                None => Err(invalid(format!("param {f}[template_type] is required."))),
            }
        }
        _ => Err(invalid(
            "param message[attachment][type] must be image, audio, video, file or template.",
        )),
    }
}

/// The recipient key a valid request uses.
fn recipient_key(obj: &Map<String, Value>) -> &'static str {
    let recipient = obj.get("recipient").and_then(Value::as_object);
    RECIPIENT_KEYS
        .iter()
        .copied()
        .find(|k| recipient.is_some_and(|r| r.contains_key(*k)))
        .unwrap_or("id")
}

impl PlatformRules for MessengerEmulator {
    type Api = ();
    const PLATFORM: &'static str = crate::PLATFORM;

    fn context(&self) -> &EmulatorContext {
        &self.context
    }

    fn code_refusal(&self, _: (), code: i64, subcode: Option<i64>) -> Refusal {
        let (status, title) = describe_code(code);
        Refusal::new(status, code, title).subcode(subcode)
    }

    fn gate_refusal(&self, api: (), gate: Gate) -> Refusal {
        match gate {
            // Outside the standard window only tagged messages go (api-contract §7).
            Gate::OutsideWindow => {
                Refusal::new(403, 10, "This message is sent outside of allowed window.")
                    .subcode(Some(2018278))
            }
            Gate::RateLimited(code) => self.code_refusal(api, code, None),
            _ => Refusal::new(400, 613, "Calls to this api have exceeded the rate limit."),
        }
    }

    fn error_response(&self, _: (), refusal: Refusal) -> Response {
        error_response(&refusal, None)
    }

    fn credential<'a>(
        &self,
        _: (),
        _: &'a str,
        headers: &'a HeaderMap,
        query: &'a HashMap<String, String>,
    ) -> Option<&'a str> {
        access_token(headers, query, true)
    }

    fn unauthorized(&self, _: (), given: Option<&str>) -> Refusal {
        switchboard_graph::emulator::unauthorized(given)
    }

    fn check_account(&self, _: (), page: &str) -> Result<(), Refusal> {
        if page == EMULATOR_PAGE_ID || page == "me" {
            return Ok(());
        }
        Err(Refusal::new(
            400,
            100,
            format!("Unsupported post request. Object with ID '{page}' does not exist"),
        )
        .subcode(Some(33)))
    }

    fn check(&self, _: (), obj: &Map<String, Value>) -> Result<Checked, Refusal> {
        let (_, recipient) = validate(obj)?;
        // Outside the standard 24 hours, HUMAN_AGENT replies go within 7 days
        // of the person's message; the other tags have no window here
        // (Send API reference, message tags; api-contract §7).
        let window = match (
            obj.get("messaging_type").and_then(Value::as_str),
            obj.get("tag").and_then(Value::as_str),
        ) {
            (Some("MESSAGE_TAG"), Some("HUMAN_AGENT")) => Some(HUMAN_AGENT_WINDOW),
            (Some("MESSAGE_TAG"), _) => None,
            _ => Some(CUSTOMER_SERVICE_WINDOW),
        };
        Ok(Checked::to(recipient).window(window))
    }

    fn answer(&self, _: (), page: &str, checked: &Checked, body: Value) -> (Value, Record) {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let obj = body.as_object().cloned().unwrap_or_default();
        // PSIDs are returned for id / comment / post recipients; not for
        // user_ref and phone_number (Send API reference, "Limitations").
        let recipient_id = match recipient_key(&obj) {
            "id" => Some(checked.recipient.clone()),
            "comment_id" | "post_id" => Some(format!("{}", 7_000_000_000_000_000u64 + n)),
            _ => None,
        };
        let is_action = obj.contains_key("sender_action");
        let message_id = if is_action {
            String::new()
        } else {
            format!("m_emu{n:020}")
        };
        let mut response = Map::new();
        if let Some(r) = &recipient_id {
            response.insert("recipient_id".into(), r.clone().into());
        }
        if !is_action {
            response.insert("message_id".into(), message_id.clone().into());
        }
        let record = Record::new(
            crate::PLATFORM,
            page,
            checked.recipient.clone(),
            message_id,
            body,
        );
        (Value::Object(response), record)
    }

    fn status_webhooks(&self, record: &Record, failed_code: Option<i64>) -> Vec<Vec<u8>> {
        PlatformEmulator::status_webhooks(self, record, failed_code)
    }
}

async fn send_api(
    State(emu): State<Arc<MessengerEmulator>>,
    Path((_version, page)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    detached(async move { handle(&*emu, (), &page, &headers, &query, &body).await }).await
}

impl PlatformEmulator for MessengerEmulator {
    fn platform(&self) -> &'static str {
        crate::PLATFORM
    }

    fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route("/{version}/{page}/messages", post(send_api))
            .with_state(self)
    }

    fn channel_settings(&self, base_url: &str) -> toml::Table {
        let mut t = toml::Table::new();
        t.insert("page_id".into(), EMULATOR_PAGE_ID.into());
        t.insert("access_token".into(), EMULATOR_ACCESS_TOKEN.into());
        t.insert("base_url".into(), base_url.into());
        t
    }

    fn sample_recipient(&self) -> Recipient {
        Recipient::user_id("6123456789012345")
    }

    fn status_webhooks(&self, record: &Record, failed_code: Option<i64>) -> Vec<Vec<u8>> {
        // Sender actions have no message id and no deliveries; Messenger has
        // no failed-status webhook: a failed message is simply never delivered.
        if record.message_id.is_empty() || failed_code.is_some() {
            return Vec::new();
        }
        let from = json!({"id": record.recipient});
        let page = json!({"id": EMULATOR_PAGE_ID});
        let at = self.context.now_ms();
        vec![
            page_envelope_at(
                at,
                json!({"sender": from, "recipient": page,
                "delivery": {"mids": [record.message_id], "watermark": at}}),
            ),
            page_envelope_at(
                at,
                json!({"sender": from, "recipient": page, "timestamp": at + 1,
                "read": {"watermark": at}}),
            ),
        ]
    }

    fn inbound_text_webhook(&self, from: &str, text: &str) -> (String, Vec<u8>) {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mid = format!("m_inbound{n:020}");
        let body = page_envelope_at(
            self.context.now_ms(),
            json!({
                "sender": {"id": from}, "recipient": {"id": EMULATOR_PAGE_ID},
                "timestamp": self.context.now_ms(), "message": {"mid": mid, "text": text}
            }),
        );
        (mid, body)
    }

    /// The Send API rate limit (api-contract §4: 613 "Calls to this api have exceeded the rate limit").
    fn rate_limit_code(&self) -> i64 {
        613
    }

    fn webhook_signer(&self) -> WebhookSigner {
        switchboard_graph::webhook::signature_headers
    }

    fn describe(&self, base_url: &str) -> Vec<String> {
        vec![
            format!(
                "Messenger Send API:    POST {base_url}/{}/{EMULATOR_PAGE_ID}/messages",
                switchboard_graph::DEFAULT_API_VERSION
            ),
            format!("  Authorization: Bearer {EMULATOR_ACCESS_TOKEN} (or ?access_token=)"),
        ]
    }
}

fn build(context: EmulatorContext) -> Arc<dyn PlatformEmulator> {
    Arc::new(MessengerEmulator {
        context,
        next_id: AtomicU64::new(1),
    })
}

register_emulator!(EmulatorPlugin::new(crate::PLATFORM, build));
