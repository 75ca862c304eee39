//! The WhatsApp emulator (feature `emulator`): the Cloud API and the
//! On-Premises `/v1/messages` API on 127.0.0.1, served by
//! [`switchboard_emulator::Emulator`] under `/whatsapp`.
//!
//! Its rules are written from the platform contract (api-contract §1, §2, §4)
//! over the raw JSON, independently of the client's types: it is the second
//! opinion on what the client sends.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::Dialect;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
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

/// The business phone number id the emulator serves.
pub const EMULATOR_PHONE_NUMBER_ID: &str = "106540352242922";
/// The WhatsApp Business Account id in the emulator's webhooks.
pub const EMULATOR_WABA_ID: &str = "102290129340398";
/// The display phone number in the emulator's webhooks.
const DISPLAY_PHONE_NUMBER: &str = "15550783881";

/// Wraps a `value` in the Cloud API webhook envelope (api-contract §6).
fn cloud_envelope(value: Value) -> Vec<u8> {
    let mut value = value;
    if let Some(o) = value.as_object_mut() {
        o.insert("messaging_product".into(), "whatsapp".into());
        o.insert(
            "metadata".into(),
            json!({"display_phone_number": DISPLAY_PHONE_NUMBER, "phone_number_id": EMULATOR_PHONE_NUMBER_ID}),
        );
    }
    serde_json::to_vec(&json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": EMULATOR_WABA_ID, "changes": [{"field": "messages", "value": value}]}]
    }))
    .unwrap_or_default()
}

/// The emulator of WhatsApp.
pub struct WhatsAppEmulator {
    context: EmulatorContext,
    next_id: AtomicU64,
}

/// The refusal the platform answers with `code`: its HTTP status and title
/// (api-contract §4), with `details`.
fn refusal(code: i64, details: impl Into<String>) -> Refusal {
    let (status, title) = describe_code(code);
    Refusal::new(status.as_u16(), code, title).details(details)
}

/// The HTTP status and title the platform uses for a code (api-contract §4).
fn describe_code(code: i64) -> (StatusCode, &'static str) {
    match code {
        1 => (StatusCode::BAD_REQUEST, "API Unknown"),
        2 => (StatusCode::SERVICE_UNAVAILABLE, "API Service"),
        4 => (StatusCode::BAD_REQUEST, "API Too Many Calls"),
        80007 => (StatusCode::BAD_REQUEST, "Rate limit issues"),
        130429 => (StatusCode::BAD_REQUEST, "Rate limit hit"),
        131056 => (
            StatusCode::BAD_REQUEST,
            "(Business Account, Consumer Account) pair rate limit hit",
        ),
        131000 => (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong"),
        131016 => (StatusCode::INTERNAL_SERVER_ERROR, "Service unavailable"),
        131057 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Account in maintenance mode",
        ),
        133004 => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Server temporarily unavailable",
        ),
        368 => (
            StatusCode::FORBIDDEN,
            "Temporarily blocked for policies violations",
        ),
        131005 => (StatusCode::FORBIDDEN, "Access denied"),
        10 | 200..=299 => (StatusCode::FORBIDDEN, "Permission denied"),
        190 => (StatusCode::UNAUTHORIZED, "Invalid OAuth access token"),
        131008 => (StatusCode::BAD_REQUEST, "Required parameter is missing"),
        131009 => (StatusCode::BAD_REQUEST, "Parameter value is not valid"),
        131026 => (StatusCode::BAD_REQUEST, "Message undeliverable"),
        131047 => (StatusCode::BAD_REQUEST, "Re-engagement message"),
        131051 => (StatusCode::BAD_REQUEST, "Unsupported message type"),
        132001 => (StatusCode::NOT_FOUND, "Template does not exist"),
        100 => (StatusCode::BAD_REQUEST, "Invalid parameter"),
        _ => (StatusCode::BAD_REQUEST, "Error"),
    }
}

/// Message types of the Cloud API (`Message` oneOf in the spec, api-contract §1).
const TYPES: &[&str] = &[
    "text",
    "image",
    "audio",
    "video",
    "document",
    "sticker",
    "location",
    "contacts",
    "reaction",
    "interactive",
    "template",
];

/// Text body limit (api-contract §1: ≤4096, verified in Meta docs).
const TEXT_LIMIT: usize = 4096;

impl WhatsAppEmulator {
    fn new(context: EmulatorContext) -> Self {
        WhatsAppEmulator {
            context,
            next_id: AtomicU64::new(1),
        }
    }
}

impl PlatformRules for WhatsAppEmulator {
    type Api = Dialect;
    const PLATFORM: &'static str = crate::PLATFORM;

    fn context(&self) -> &EmulatorContext {
        &self.context
    }

    fn code_refusal(&self, _: Dialect, code: i64, subcode: Option<i64>) -> Refusal {
        refusal(code, "injected failure").subcode(subcode)
    }

    fn gate_refusal(&self, api: Dialect, gate: Gate) -> Refusal {
        match gate {
            Gate::OutsideWindow => refusal(
                if api == Dialect::Cloud { 131047 } else { 470 },
                "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
            ),
            Gate::PairLimited => refusal(
                131056,
                "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.",
            ),
            Gate::RateLimited(code) => {
                refusal(code, "Cloud API message throughput has been reached.")
            }
            _ => Refusal::new(429, 130429, "Too many requests"),
        }
    }

    fn error_response(&self, api: Dialect, r: Refusal) -> Response {
        let details = r.details.clone().unwrap_or_else(|| r.message.clone());
        match api {
            // Graph error envelope with error_data (api-contract §4).
            Dialect::Cloud => error_response(
                &r,
                Some(json!({"messaging_product": "whatsapp", "details": details})),
            ),
            // On-Premises error shape (api-contract §2).
            Dialect::OnPremises => (
                StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST),
                axum::Json(json!({
                    "errors": [{"code": r.code, "title": r.message, "details": details}],
                    "meta": {"api_status": "stable", "version": "switchboard-emulator"}
                })),
            )
                .into_response(),
        }
    }

    /// The On-Premises API takes only the bearer header.
    fn credential<'a>(
        &self,
        api: Dialect,
        _: &'a str,
        headers: &'a HeaderMap,
        query: &'a std::collections::HashMap<String, String>,
    ) -> Option<&'a str> {
        access_token(headers, query, api == Dialect::Cloud)
    }

    fn unauthorized(&self, _: Dialect, given: Option<&str>) -> Refusal {
        switchboard_graph::emulator::unauthorized(given)
    }

    fn check_account(&self, api: Dialect, account: &str) -> Result<(), Refusal> {
        if api == Dialect::OnPremises || account == EMULATOR_PHONE_NUMBER_ID {
            return Ok(());
        }
        Err(refusal(
            100,
            format!("Unsupported post request. Object with ID '{account}' does not exist."),
        )
        .subcode(Some(33)))
    }

    fn check(&self, api: Dialect, obj: &Map<String, Value>) -> Result<Checked, Refusal> {
        // Mark-as-read (with the typing indicator): `{status: "read", message_id}` (Cloud).
        if obj.get("status").is_some() {
            validate_mark_read(api, obj)?;
            return Ok(Checked::ungated());
        }
        validate(api, obj)?;
        let to = obj.get("to").and_then(Value::as_str).unwrap_or_default();
        // Templates are the only content allowed outside the window (api-contract §7).
        let free_form = !matches!(
            obj.get("type").and_then(Value::as_str),
            Some("template" | "hsm")
        );
        Ok(Checked::to(to)
            .window(free_form.then_some(CUSTOMER_SERVICE_WINDOW))
            .fails_later(undownloadable(obj).then_some(131052)))
    }

    fn answer(
        &self,
        api: Dialect,
        account: &str,
        checked: &Checked,
        body: Value,
    ) -> (Value, Record) {
        let record = |message_id: String, body: Value| {
            Record::new(
                crate::PLATFORM,
                account,
                checked.recipient.clone(),
                message_id,
                body,
            )
        };
        if !checked.gated {
            let id = body
                .get("message_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            return (json!({"success": true}), record(id, body));
        }
        let to = &checked.recipient;
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (id, response) = match api {
            Dialect::Cloud => {
                let id = format!("wamid.HBgLEMU{n:016X}");
                let wa_id: String = to.chars().filter(char::is_ascii_digit).collect();
                // Template sends carry `message_status` (api-contract §1.2).
                let message = if checked.window.is_some() {
                    json!({"id": id})
                } else {
                    json!({"id": id, "message_status": "accepted"})
                };
                let response = json!({
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": to, "wa_id": wa_id}],
                    "messages": [message],
                });
                (id, response)
            }
            Dialect::OnPremises => {
                let id = format!("gBEGemu{n:016X}");
                (id.clone(), json!({"messages": [{"id": id}]}))
            }
        };
        (response, record(id, body))
    }

    fn status_webhooks(&self, record: &Record, failed_code: Option<i64>) -> Vec<Vec<u8>> {
        PlatformEmulator::status_webhooks(self, record, failed_code)
    }
}

fn missing(field: &str) -> Refusal {
    refusal(131008, format!("The parameter {field} is required."))
}

fn invalid(field: &str, why: impl std::fmt::Display) -> Refusal {
    refusal(131009, format!("{field}: {why}"))
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

type Check = Result<(), Refusal>;

/// A required non-empty string of at most `max` characters.
fn req_str<'a>(
    obj: &'a Value,
    key: &str,
    field: &str,
    max: Option<usize>,
) -> Result<&'a str, Refusal> {
    match obj.get(key) {
        None | Some(Value::Null) => Err(missing(field)),
        Some(Value::String(s)) if s.trim().is_empty() => Err(missing(field)),
        Some(Value::String(s)) => match max {
            Some(m) if chars(s) > m => Err(invalid(
                field,
                format!("{} characters, the maximum is {m}", chars(s)),
            )),
            _ => Ok(s),
        },
        Some(_) => Err(invalid(field, "must be a string")),
    }
}

/// An optional string of at most `max` characters.
fn opt_str(obj: &Value, key: &str, field: &str, max: usize) -> Check {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if chars(s) <= max => Ok(()),
        Some(Value::String(s)) => Err(invalid(
            field,
            format!("{} characters, the maximum is {max}", chars(s)),
        )),
        Some(_) => Err(invalid(field, "must be a string")),
    }
}

fn is_http(url: &str) -> bool {
    let l = url.to_ascii_lowercase();
    (l.starts_with("https://") && url.len() > 8) || (l.starts_with("http://") && url.len() > 7)
}

fn arr<'a>(obj: &'a Value, key: &str, field: &str) -> Result<&'a Vec<Value>, Refusal> {
    match obj.get(key) {
        None | Some(Value::Null) => Err(missing(field)),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(invalid(field, "must be an array")),
    }
}

fn count(field: &str, n: usize, min: usize, max: usize) -> Check {
    if n < min {
        Err(invalid(
            field,
            format!("{n} items, at least {min} required"),
        ))
    } else if n > max {
        Err(invalid(field, format!("{n} items, the maximum is {max}")))
    } else {
        Ok(())
    }
}

/// Media object rules (api-contract §1, On-Premises reference).
fn media_rules(api: Dialect, ty: &str, m: &Value) -> Check {
    if !m.is_object() {
        return Err(invalid(ty, "must be an object"));
    }
    match (m.get("id"), m.get("link")) {
        (None, None) => return Err(missing(&format!("{ty}.id or {ty}.link"))),
        (Some(_), Some(_)) => return Err(invalid(ty, "give either id or link, not both")),
        (Some(_), None) => {
            req_str(m, "id", &format!("{ty}.id"), None)?;
        }
        // The platform accepts any link and reports a download failure
        // later (status `failed`, 131052): see `undownloadable`.
        (None, Some(_)) => {
            req_str(m, "link", &format!("{ty}.link"), None)?;
        }
    }
    if m.get("caption").is_some() {
        if matches!(ty, "audio" | "sticker") {
            return Err(invalid(
                &format!("{ty}.caption"),
                "not allowed on audio or sticker",
            ));
        }
        if api == Dialect::OnPremises && ty == "document" {
            return Err(invalid("document.caption", "not supported for documents"));
        }
        opt_str(m, "caption", &format!("{ty}.caption"), 1024)?;
    }
    if m.get("filename").is_some() && ty != "document" {
        return Err(invalid(&format!("{ty}.filename"), "documents only"));
    }
    if m.get("voice").is_some() && ty != "audio" {
        return Err(invalid(&format!("{ty}.voice"), "audio only"));
    }
    if m.get("provider").is_some() && api == Dialect::Cloud {
        return Err(invalid(&format!("{ty}.provider"), "On-Premises only"));
    }
    Ok(())
}

fn coordinate(v: &Value, key: &str, range: f64) -> Check {
    let n = match v.get(key) {
        None => return Err(missing(&format!("location.{key}"))),
        Some(Value::Number(n)) => n.as_f64(),
        // The docs' examples send coordinates as strings (golden README quirk).
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match n {
        Some(x) if x.is_finite() && x.abs() <= range => Ok(()),
        _ => Err(invalid(
            &format!("location.{key}"),
            "not a valid coordinate",
        )),
    }
}

fn header_rules(kind: &str, i: &Value) -> Check {
    let header = i.get("header");
    match (kind, header) {
        ("product", Some(_)) => {
            return Err(invalid("interactive.header", "not allowed for product"))
        }
        ("product_list", None) => return Err(missing("interactive.header")),
        _ => {}
    }
    let Some(h) = header else { return Ok(()) };
    let ht = req_str(h, "type", "interactive.header.type", None)?;
    match ht {
        "text" => {
            req_str(h, "text", "interactive.header.text", Some(60))?;
        }
        "image" | "video" | "document" => {
            if matches!(kind, "list" | "product_list") {
                return Err(invalid(
                    "interactive.header.type",
                    "text only for this type",
                ));
            }
            media_rules(Dialect::Cloud, ht, h.get(ht).unwrap_or(&Value::Null))?;
        }
        // Meta's product_list example carries the placeholder "<HEADER_TYPE>".
        _ if kind == "product_list" && h.get("text").is_some() => {
            req_str(h, "text", "interactive.header.text", Some(60))?;
        }
        other => {
            return Err(invalid(
                "interactive.header.type",
                format!("unknown type {other}"),
            ))
        }
    }
    Ok(())
}

fn interactive_rules(api: Dialect, i: &Value) -> Check {
    let kind = req_str(i, "type", "interactive.type", None)?;
    const KINDS: &[&str] = &[
        "button",
        "list",
        "product",
        "product_list",
        "catalog_message",
        "flow",
        "cta_url",
        "location_request_message",
        "order_details",
        "order_status",
        "call_permission_request",
    ];
    if !KINDS.contains(&kind) {
        return Err(invalid("interactive.type", format!("unknown type {kind}")));
    }
    header_rules(kind, i)?;
    match i.get("body") {
        None if kind == "product" => {}
        None => return Err(missing("interactive.body")),
        Some(b) => {
            // Cloud list bodies up to 4096 (list message docs); 1024 otherwise.
            let limit = if kind == "list" && api == Dialect::Cloud {
                4096
            } else {
                1024
            };
            req_str(b, "text", "interactive.body.text", Some(limit))?;
        }
    }
    if let Some(f) = i.get("footer") {
        req_str(f, "text", "interactive.footer.text", Some(60))?;
    }
    let Some(action) = i.get("action").filter(|a| a.is_object()) else {
        return Err(missing("interactive.action"));
    };
    let name_is = |n: &str| -> Check {
        if action.get("name").and_then(Value::as_str) == Some(n) {
            Ok(())
        } else {
            Err(invalid("interactive.action.name", format!("must be {n}")))
        }
    };
    match kind {
        "button" => {
            let buttons = arr(action, "buttons", "interactive.action.buttons")?;
            count("interactive.action.buttons", buttons.len(), 1, 3)?;
            let mut ids = std::collections::HashSet::new();
            let mut titles = std::collections::HashSet::new();
            for b in buttons {
                if b.get("type").and_then(Value::as_str) != Some("reply") {
                    return Err(invalid("interactive.action.buttons.type", "must be reply"));
                }
                let r = b.get("reply").unwrap_or(&Value::Null);
                let id = req_str(r, "id", "interactive.action.buttons.reply.id", Some(256))?;
                if id.trim() != id {
                    return Err(invalid(
                        "interactive.action.buttons.reply.id",
                        "no leading or trailing spaces",
                    ));
                }
                let title = req_str(
                    r,
                    "title",
                    "interactive.action.buttons.reply.title",
                    Some(20),
                )?;
                if !ids.insert(id) || !titles.insert(title) {
                    return Err(invalid(
                        "interactive.action.buttons",
                        "ids and titles must be unique",
                    ));
                }
            }
        }
        "list" => {
            req_str(action, "button", "interactive.action.button", Some(20))?;
            let sections = arr(action, "sections", "interactive.action.sections")?;
            count("interactive.action.sections", sections.len(), 1, 10)?;
            let mut rows_total = 0;
            let mut ids = std::collections::HashSet::new();
            for s in sections {
                if sections.len() > 1 {
                    req_str(s, "title", "interactive.action.sections.title", Some(24))?;
                } else {
                    opt_str(s, "title", "interactive.action.sections.title", 24)?;
                }
                let rows = arr(s, "rows", "interactive.action.sections.rows")?;
                count("interactive.action.sections.rows", rows.len(), 1, 10)?;
                rows_total += rows.len();
                for r in rows {
                    let id = req_str(r, "id", "interactive.action.sections.rows.id", Some(200))?;
                    req_str(
                        r,
                        "title",
                        "interactive.action.sections.rows.title",
                        Some(24),
                    )?;
                    opt_str(
                        r,
                        "description",
                        "interactive.action.sections.rows.description",
                        72,
                    )?;
                    if !ids.insert(id) {
                        return Err(invalid(
                            "interactive.action.sections.rows.id",
                            "row ids must be unique",
                        ));
                    }
                }
            }
            // ≤10 rows in total across sections (api-contract §1.1).
            count("interactive.action.sections.rows", rows_total, 1, 10)?;
        }
        "product" => {
            req_str(action, "catalog_id", "interactive.action.catalog_id", None)?;
            req_str(
                action,
                "product_retailer_id",
                "interactive.action.product_retailer_id",
                Some(100),
            )?;
        }
        "product_list" => {
            req_str(action, "catalog_id", "interactive.action.catalog_id", None)?;
            let sections = arr(action, "sections", "interactive.action.sections")?;
            count("interactive.action.sections", sections.len(), 1, 10)?;
            let mut total = 0;
            for s in sections {
                if sections.len() > 1 {
                    req_str(s, "title", "interactive.action.sections.title", Some(24))?;
                }
                let items = arr(
                    s,
                    "product_items",
                    "interactive.action.sections.product_items",
                )?;
                count(
                    "interactive.action.sections.product_items",
                    items.len(),
                    1,
                    30,
                )?;
                total += items.len();
                for p in items {
                    req_str(
                        p,
                        "product_retailer_id",
                        "interactive.action.sections.product_items.product_retailer_id",
                        Some(100),
                    )?;
                }
            }
            count("interactive.action.sections.product_items", total, 1, 30)?;
        }
        "catalog_message" => name_is("catalog_message")?,
        "flow" => {
            name_is("flow")?;
            let p = action.get("parameters").unwrap_or(&Value::Null);
            if p.get("flow_message_version").and_then(Value::as_str) != Some("3") {
                return Err(invalid(
                    "interactive.action.parameters.flow_message_version",
                    "must be \"3\"",
                ));
            }
            let cta_max = if api == Dialect::Cloud { 30 } else { 20 };
            req_str(
                p,
                "flow_cta",
                "interactive.action.parameters.flow_cta",
                Some(cta_max),
            )?;
            match (p.get("flow_id"), p.get("flow_name")) {
                (Some(_), Some(_)) => {
                    return Err(invalid(
                        "interactive.action.parameters",
                        "flow_id or flow_name, not both",
                    ))
                }
                (None, None) => return Err(missing("interactive.action.parameters.flow_id")),
                _ => {}
            }
        }
        "cta_url" => {
            name_is("cta_url")?;
            let p = action.get("parameters").unwrap_or(&Value::Null);
            req_str(
                p,
                "display_text",
                "interactive.action.parameters.display_text",
                Some(20),
            )?;
            let url = req_str(p, "url", "interactive.action.parameters.url", None)?;
            if !is_http(url) {
                return Err(invalid(
                    "interactive.action.parameters.url",
                    "must be an http(s) URL",
                ));
            }
        }
        "location_request_message" => name_is("send_location")?,
        "order_details" => name_is("review_and_pay")?,
        "order_status" => name_is("review_order")?,
        _ => {}
    }
    Ok(())
}

fn template_rules(api: Dialect, t: &Value) -> Check {
    req_str(t, "name", "template.name", Some(512))?;
    let lang = t.get("language").unwrap_or(&Value::Null);
    req_str(lang, "code", "template.language.code", None)?;
    if api == Dialect::Cloud && t.get("namespace").is_some() {
        return Err(invalid("template.namespace", "not a Cloud API parameter"));
    }
    let Some(components) = t.get("components") else {
        return Ok(());
    };
    let Some(components) = components.as_array() else {
        return Err(invalid("template.components", "must be an array"));
    };
    for c in components {
        match req_str(c, "type", "template.components.type", None)?
            .to_ascii_lowercase()
            .as_str()
        {
            "header" | "body" | "footer" => {}
            "button" => {
                let sub = req_str(c, "sub_type", "template.components.sub_type", None)?;
                const SUBS: &[&str] = &[
                    "quick_reply",
                    "url",
                    "copy_code",
                    "flow",
                    "catalog",
                    "mpm",
                    "voice_call",
                ];
                if !SUBS.contains(&sub.to_ascii_lowercase().as_str()) {
                    return Err(invalid(
                        "template.components.sub_type",
                        format!("unknown {sub}"),
                    ));
                }
                let index = match c.get("index") {
                    Some(Value::Number(n)) => n.as_u64(),
                    Some(Value::String(s)) => s.trim().parse().ok(),
                    _ => return Err(missing("template.components.index")),
                };
                // Index 0–9 (api-contract §1).
                if index.is_none_or(|i| i > 9) {
                    return Err(invalid("template.components.index", "must be 0-9"));
                }
            }
            other => {
                return Err(invalid(
                    "template.components.type",
                    format!("unknown {other}"),
                ))
            }
        }
    }
    Ok(())
}

/// Whether the message carries a media link the platform could not download
/// (not http(s)); such a message is accepted, then fails with 131052.
fn undownloadable(obj: &Map<String, Value>) -> bool {
    let bad = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|l| !is_http(l));
    let ty = obj.get("type").and_then(Value::as_str).unwrap_or_default();
    let payload = obj.get(ty).unwrap_or(&Value::Null);
    let media_link = |v: &Value| {
        ["image", "video", "document"]
            .iter()
            .any(|k| bad(v.get(*k).and_then(|m| m.get("link"))))
    };
    match ty {
        "image" | "audio" | "video" | "document" | "sticker" => bad(payload.get("link")),
        "interactive" => payload.get("header").is_some_and(media_link),
        "template" => payload
            .get("components")
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.get("parameters")
                        .and_then(Value::as_array)
                        .is_some_and(|ps| ps.iter().any(media_link))
                })
            }),
        _ => false,
    }
}

/// Mark-as-read: `messaging_product`, `status: "read"`, `message_id`, optional
/// `typing_indicator: {type: "text"}` (api-contract §1, "Also").
fn validate_mark_read(api: Dialect, obj: &Map<String, Value>) -> Result<String, Refusal> {
    if api == Dialect::OnPremises {
        return Err(invalid(
            "status",
            "mark-as-read is PUT /v1/messages/{id} on the On-Premises API",
        ));
    }
    if obj.get("messaging_product").is_none_or(|v| v != "whatsapp") {
        return Err(refusal(100, "The parameter messaging_product is required."));
    }
    if obj.get("status").is_none_or(|v| v != "read") {
        return Err(invalid("status", "must be read"));
    }
    let id = match obj.get("message_id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => return Err(invalid("message_id", "must be a message id")),
        None => return Err(missing("message_id")),
    };
    if let Some(t) = obj.get("typing_indicator") {
        if t.get("type").is_none_or(|v| v != "text") {
            return Err(invalid("typing_indicator.type", "must be text"));
        }
    }
    Ok(id)
}

/// The contract's rules over the raw request.
fn validate(api: Dialect, obj: &Map<String, Value>) -> Check {
    match (api, obj.get("messaging_product")) {
        (Dialect::Cloud, None) => {
            return Err(refusal(100, "The parameter messaging_product is required."))
        }
        (Dialect::Cloud, Some(v)) if v != "whatsapp" => {
            return Err(refusal(100, "Param messaging_product must be 'whatsapp'."))
        }
        (Dialect::OnPremises, Some(_)) => {
            return Err(invalid(
                "messaging_product",
                "not a parameter of the On-Premises API",
            ))
        }
        _ => {}
    }
    if let Some(rt) = obj.get("recipient_type") {
        if rt != "individual" && !(api == Dialect::Cloud && rt == "group") {
            return Err(invalid("recipient_type", "must be individual or group"));
        }
    }
    let to = match obj.get("to") {
        None => return Err(missing("to")),
        Some(Value::String(s)) => s,
        Some(_) => return Err(invalid("to", "must be a string")),
    };
    let is_group = obj.get("recipient_type").is_some_and(|v| v == "group");
    // Phone numbers may carry `+`, spaces, dashes and parentheses (api-contract §1);
    // Meta's examples use placeholders such as {{Recipient-Phone-Number}}, accepted as ids.
    if !is_group && to.trim().is_empty() {
        return Err(missing("to"));
    }
    let ty = match obj.get("type") {
        None => return Err(missing("type")),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(invalid("type", "must be a string")),
    };
    if ty == "hsm" {
        if api == Dialect::Cloud {
            return Err(refusal(131051, "Unsupported message type hsm."));
        }
    } else if !TYPES.contains(&ty) {
        return Err(refusal(131051, format!("Unsupported message type {ty}.")));
    }
    let Some(payload) = obj.get(ty) else {
        return Err(missing(ty));
    };
    if let Some(ctx) = obj.get("context") {
        match ctx.get("message_id") {
            Some(Value::String(s)) if !s.is_empty() => {}
            _ => return Err(missing("context.message_id")),
        }
    }
    if obj.get("biz_opaque_callback_data").is_some() {
        if api == Dialect::OnPremises {
            return Err(invalid(
                "biz_opaque_callback_data",
                "not a parameter of the On-Premises API",
            ));
        }
        // ≤512 characters (api-contract §1).
        opt_str(
            &Value::Object(obj.clone()),
            "biz_opaque_callback_data",
            "biz_opaque_callback_data",
            512,
        )?;
    }
    if obj.get("ttl").is_some() && api == Dialect::Cloud {
        return Err(invalid("ttl", "not a parameter of the Cloud API"));
    }
    match ty {
        "text" => {
            if !payload.is_object() {
                return Err(invalid("text", "must be an object"));
            }
            req_str(payload, "body", "text.body", Some(TEXT_LIMIT))?;
            match (api, payload.get("preview_url"), obj.get("preview_url")) {
                (Dialect::Cloud, _, Some(_)) => {
                    return Err(invalid(
                        "preview_url",
                        "belongs inside the text object on the Cloud API",
                    ))
                }
                (Dialect::OnPremises, Some(_), _) => {
                    return Err(invalid(
                        "text.preview_url",
                        "is a top-level parameter on the On-Premises API",
                    ))
                }
                (_, Some(v), _) | (_, _, Some(v)) if !v.is_boolean() => {
                    return Err(invalid("preview_url", "must be a boolean"))
                }
                _ => {}
            }
        }
        "image" | "audio" | "video" | "document" | "sticker" => media_rules(api, ty, payload)?,
        "location" => {
            coordinate(payload, "latitude", 90.0)?;
            coordinate(payload, "longitude", 180.0)?;
            if api == Dialect::OnPremises {
                req_str(payload, "name", "location.name", None)?;
                req_str(payload, "address", "location.address", None)?;
            }
        }
        "contacts" => {
            let Some(list) = payload.as_array() else {
                return Err(invalid("contacts", "must be an array"));
            };
            // Up to 257 contacts (Meta docs; the spec says maxItems 5, api-contract §1 D).
            count("contacts", list.len(), 1, 257)?;
            for c in list {
                let name = c.get("name").unwrap_or(&Value::Null);
                req_str(name, "formatted_name", "contacts.name.formatted_name", None)?;
                // "At least one of the optional parameters needs to be
                // included along with the formatted_name" (On-Premises reference).
                let parts = ["first_name", "last_name", "middle_name", "suffix", "prefix"];
                if !parts.iter().any(|p| {
                    name.get(p)
                        .and_then(Value::as_str)
                        .is_some_and(|s| !s.is_empty())
                }) {
                    return Err(invalid(
                        "contacts.name",
                        "needs a first, last or middle name, a prefix or a suffix",
                    ));
                }
            }
        }
        "reaction" => {
            req_str(payload, "message_id", "reaction.message_id", None)?;
            if !payload.get("emoji").is_some_and(Value::is_string) {
                return Err(missing("reaction.emoji"));
            }
        }
        "interactive" => interactive_rules(api, payload)?,
        "template" => template_rules(api, payload)?,
        "hsm" => {
            req_str(payload, "namespace", "hsm.namespace", None)?;
            req_str(payload, "element_name", "hsm.element_name", None)?;
            req_str(
                payload.get("language").unwrap_or(&Value::Null),
                "code",
                "hsm.language.code",
                None,
            )?;
        }
        _ => {}
    }
    Ok(())
}

type QueryMap = Query<std::collections::HashMap<String, String>>;

async fn cloud(
    State(emu): State<Arc<WhatsAppEmulator>>,
    Path((_version, account)): Path<(String, String)>,
    Query(query): QueryMap,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    detached(async move { handle(&*emu, Dialect::Cloud, &account, &headers, &query, &body).await })
        .await
}

async fn on_premises(
    State(emu): State<Arc<WhatsAppEmulator>>,
    Query(query): QueryMap,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    detached(async move {
        handle(
            &*emu,
            Dialect::OnPremises,
            "on_premises",
            &headers,
            &query,
            &body,
        )
        .await
    })
    .await
}

impl PlatformEmulator for WhatsAppEmulator {
    fn platform(&self) -> &'static str {
        crate::PLATFORM
    }

    fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route("/v1/messages", post(on_premises))
            .route("/{version}/{account}/messages", post(cloud))
            .with_state(self)
    }

    fn channel_settings(&self, base_url: &str) -> toml::Table {
        let mut t = toml::Table::new();
        t.insert("phone_number_id".into(), EMULATOR_PHONE_NUMBER_ID.into());
        t.insert("access_token".into(), EMULATOR_ACCESS_TOKEN.into());
        t.insert("base_url".into(), base_url.into());
        t
    }

    fn sample_recipient(&self) -> Recipient {
        Recipient::phone_number("+16505551234")
    }

    fn status_webhooks(&self, record: &Record, failed_code: Option<i64>) -> Vec<Vec<u8>> {
        // Mark-as-read requests have no statuses.
        if record.recipient.is_empty() {
            return Vec::new();
        }
        let on_prem = record.account == "on_premises";
        let wa_id: String = record
            .recipient
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let is_reaction = record.body.get("type").is_some_and(|t| t == "reaction");
        let callback = record.body.get("biz_opaque_callback_data").cloned();
        let status = |name: &str, errors: Option<Value>| {
            let mut s = json!({"id": record.message_id, "status": name,
                "timestamp": (self.context.now_ms() / 1000).to_string(), "recipient_id": wa_id});
            if let Some(cb) = &callback {
                s["biz_opaque_callback_data"] = cb.clone();
            }
            if let Some(e) = errors {
                s["errors"] = e;
            }
            if on_prem {
                serde_json::to_vec(&json!({"statuses": [s]})).unwrap_or_default()
            } else {
                cloud_envelope(json!({"statuses": [s]}))
            }
        };
        let mut out = vec![status("sent", None)];
        match failed_code {
            Some(code) => {
                let (_, title) = describe_code(code);
                out.push(status(
                    "failed",
                    Some(json!([{"code": code, "title": title, "message": title,
                        "error_data": {"details": "injected by the emulator"}}])),
                ));
            }
            // Reactions only fire a sent status (api-contract §1).
            None if is_reaction => {}
            None => {
                out.push(status("delivered", None));
                out.push(status("read", None));
            }
        }
        out
    }

    fn inbound_text_webhook(&self, from: &str, text: &str) -> (String, Vec<u8>) {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let id = format!("wamid.HBgLINB{n:016X}");
        let body = cloud_envelope(json!({
            "contacts": [{"profile": {"name": "Emulated Customer"}, "wa_id": from}],
            "messages": [{"from": from, "id": id, "timestamp": (self.context.now_ms() / 1000).to_string(),
                "type": "text", "text": {"body": text}}]
        }));
        (id, body)
    }

    /// The Cloud API throughput (api-contract §4: 130429).
    fn rate_limit_code(&self) -> i64 {
        130429
    }

    fn webhook_signer(&self) -> WebhookSigner {
        switchboard_graph::webhook::signature_headers
    }

    fn describe(&self, base_url: &str) -> Vec<String> {
        vec![
            format!(
                "WhatsApp Cloud API:    POST {base_url}/{}/{EMULATOR_PHONE_NUMBER_ID}/messages",
                switchboard_graph::DEFAULT_API_VERSION
            ),
            format!("WhatsApp On-Premises:  POST {base_url}/v1/messages"),
            format!("  Authorization: Bearer {EMULATOR_ACCESS_TOKEN}"),
        ]
    }
}

fn build(context: EmulatorContext) -> Arc<dyn PlatformEmulator> {
    Arc::new(WhatsAppEmulator::new(context))
}

register_emulator!(EmulatorPlugin::new(crate::PLATFORM, build));
