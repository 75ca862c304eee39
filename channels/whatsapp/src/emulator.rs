//! The WhatsApp emulator (feature `emulator`): the Cloud API and the
//! On-Premises `/v1/messages` API on 127.0.0.1, served by
//! [`switchboard::emulator::Emulator`] under `/whatsapp`.
//!
//! Its rules are written from the platform contract (api-contract §1, §2, §4)
//! over the raw JSON, independently of the client's types: it is the second
//! opinion on what the client sends.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{json, Map, Value};
use switchboard::emulator::{
    graph_access_token, graph_error_response, EmulatorContext, EmulatorPlugin, Failure,
    PlatformEmulator, Record, EMULATOR_ACCESS_TOKEN,
};
use switchboard::{register_emulator, Recipient};

/// The business phone number id the emulator serves.
pub const EMULATOR_PHONE_NUMBER_ID: &str = "106540352242922";
/// The WhatsApp Business Account id in the emulator's webhooks.
pub const EMULATOR_WABA_ID: &str = "102290129340398";
/// The display phone number in the emulator's webhooks.
const DISPLAY_PHONE_NUMBER: &str = "15550783881";

fn now_secs() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string()
}

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

/// One refusal: the platform code, HTTP status, title and details.
struct Refusal {
    status: StatusCode,
    code: i64,
    subcode: Option<i64>,
    title: &'static str,
    details: String,
}

impl Refusal {
    fn new(code: i64, details: impl Into<String>) -> Self {
        let (status, title) = describe_code(code);
        Refusal {
            status,
            code,
            subcode: None,
            title,
            details: details.into(),
        }
    }
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    Cloud,
    OnPremises,
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

    fn error_response(&self, api: Api, r: Refusal) -> Response {
        match api {
            // Graph error envelope with error_data (api-contract §4).
            Api::Cloud => graph_error_response(
                r.status.as_u16(),
                r.code,
                r.subcode,
                r.title,
                Some(json!({"messaging_product": "whatsapp", "details": r.details})),
            ),
            // On-Premises error shape (api-contract §2).
            Api::OnPremises => (
                r.status,
                axum::Json(json!({
                    "errors": [{"code": r.code, "title": r.title, "details": r.details}],
                    "meta": {"api_status": "stable", "version": "switchboard-emulator"}
                })),
            )
                .into_response(),
        }
    }

    fn authorize(
        &self,
        headers: &HeaderMap,
        query: &std::collections::HashMap<String, String>,
        api: Api,
    ) -> Result<(), Refusal> {
        let token = graph_access_token(headers, query);
        // The On-Premises API takes only the bearer header.
        let token = if api == Api::OnPremises && headers.get("authorization").is_none() {
            None
        } else {
            token
        };
        match token {
            Some(t) if t == EMULATOR_ACCESS_TOKEN => Ok(()),
            Some(_) => Err(Refusal::new(190, "Invalid OAuth access token.")),
            None => Err(Refusal::new(
                190,
                "An access token is required to request this resource.",
            )),
        }
    }

    fn handle(
        &self,
        api: Api,
        account: &str,
        headers: &HeaderMap,
        query: &std::collections::HashMap<String, String>,
        body: &[u8],
    ) -> Response {
        let mut failed_code = None;
        if let Some(f) = self.context.next_failure(crate::PLATFORM) {
            match f {
                Failure::Status(s) => {
                    return StatusCode::from_u16(s)
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                        .into_response()
                }
                Failure::Platform { code, subcode } => {
                    let mut r = Refusal::new(code, "injected failure");
                    r.subcode = subcode;
                    return self.error_response(api, r);
                }
                Failure::DeliveryFailed { code } => failed_code = Some(code),
                _ => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        if let Err(r) = self.authorize(headers, query, api) {
            return self.error_response(api, r);
        }
        if api == Api::Cloud && account != EMULATOR_PHONE_NUMBER_ID {
            let mut r = Refusal::new(
                100,
                format!("Unsupported post request. Object with ID '{account}' does not exist."),
            );
            r.subcode = Some(33);
            return self.error_response(api, r);
        }
        let value: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => {
                return self.error_response(api, Refusal::new(100, format!("invalid JSON: {e}")))
            }
        };
        let Some(obj) = value.as_object() else {
            return self.error_response(
                api,
                Refusal::new(100, "the request body must be a JSON object"),
            );
        };
        // Mark-as-read (with the typing indicator): `{status: "read", message_id}` (Cloud).
        if obj.get("status").is_some() {
            return match validate_mark_read(api, obj) {
                Ok(message_id) => {
                    self.context.record(Record {
                        platform: crate::PLATFORM.to_string(),
                        account: account.to_string(),
                        recipient: String::new(),
                        message_id,
                        body: value,
                    });
                    (StatusCode::OK, axum::Json(json!({"success": true}))).into_response()
                }
                Err(r) => self.error_response(api, r),
            };
        }
        if let Err(r) = validate(api, obj) {
            return self.error_response(api, r);
        }
        let to = obj.get("to").and_then(Value::as_str).unwrap_or_default();
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (id, response) = match api {
            Api::Cloud => {
                let id = format!("wamid.HBgLEMU{n:016X}");
                let wa_id: String = to.chars().filter(char::is_ascii_digit).collect();
                let response = json!({
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": to, "wa_id": wa_id}],
                    "messages": [{"id": id}],
                });
                (id, response)
            }
            Api::OnPremises => {
                let id = format!("gBEGemu{n:016X}");
                (id.clone(), json!({"messages": [{"id": id}]}))
            }
        };
        let record = Record {
            platform: crate::PLATFORM.to_string(),
            account: account.to_string(),
            recipient: to.to_string(),
            message_id: id,
            body: value,
        };
        if self.context.has_webhook(crate::PLATFORM) {
            self.context
                .post_webhooks(crate::PLATFORM, self.status_webhooks(&record, failed_code));
        }
        self.context.record(record);
        (StatusCode::OK, axum::Json(response)).into_response()
    }
}

fn missing(field: &str) -> Refusal {
    Refusal::new(131008, format!("The parameter {field} is required."))
}

fn invalid(field: &str, why: impl std::fmt::Display) -> Refusal {
    Refusal::new(131009, format!("{field}: {why}"))
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Mark-as-read: `messaging_product`, `status: "read"`, `message_id`, optional
/// `typing_indicator: {type: "text"}` (api-contract §1, "Also").
fn validate_mark_read(api: Api, obj: &Map<String, Value>) -> Result<String, Refusal> {
    if api == Api::OnPremises {
        return Err(invalid(
            "status",
            "mark-as-read is PUT /v1/messages/{id} on the On-Premises API",
        ));
    }
    if obj.get("messaging_product").is_none_or(|v| v != "whatsapp") {
        return Err(Refusal::new(
            100,
            "The parameter messaging_product is required.",
        ));
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
fn validate(api: Api, obj: &Map<String, Value>) -> Result<(), Refusal> {
    match (api, obj.get("messaging_product")) {
        (Api::Cloud, None) => {
            return Err(Refusal::new(
                100,
                "The parameter messaging_product is required.",
            ))
        }
        (Api::Cloud, Some(v)) if v != "whatsapp" => {
            return Err(Refusal::new(
                100,
                "Param messaging_product must be 'whatsapp'.",
            ))
        }
        (Api::OnPremises, Some(_)) => {
            return Err(invalid(
                "messaging_product",
                "not a parameter of the On-Premises API",
            ))
        }
        _ => {}
    }
    if let Some(rt) = obj.get("recipient_type") {
        if rt != "individual" && !(api == Api::Cloud && rt == "group") {
            return Err(invalid("recipient_type", "must be individual or group"));
        }
    }
    let to = match obj.get("to") {
        None => return Err(missing("to")),
        Some(Value::String(s)) => s,
        Some(_) => return Err(invalid("to", "must be a string")),
    };
    let is_group = obj.get("recipient_type").is_some_and(|v| v == "group");
    // Phone numbers may carry `+`, spaces, dashes and parentheses (api-contract §1).
    if !is_group {
        let digits = to.chars().filter(char::is_ascii_digit).count();
        let allowed = to
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
        if digits == 0 || !allowed {
            return Err(invalid("to", "not a phone number or WhatsApp id"));
        }
    }
    let ty = match obj.get("type") {
        // `type` defaults to text on the platform when absent; the spec marks it required.
        None => return Err(missing("type")),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(invalid("type", "must be a string")),
    };
    if !TYPES.contains(&ty) {
        return Err(Refusal::new(
            131051,
            format!("Unsupported message type {ty}."),
        ));
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
    if let Some(data) = obj.get("biz_opaque_callback_data") {
        if api == Api::OnPremises {
            return Err(invalid(
                "biz_opaque_callback_data",
                "not a parameter of the On-Premises API",
            ));
        }
        // ≤512 characters (api-contract §1).
        match data.as_str() {
            Some(s) if chars(s) <= 512 => {}
            Some(s) => {
                return Err(invalid(
                    "biz_opaque_callback_data",
                    format!("{} characters, the maximum is 512", chars(s)),
                ))
            }
            None => return Err(invalid("biz_opaque_callback_data", "must be a string")),
        }
    }
    if ty == "text" {
        let Some(text) = payload.as_object() else {
            return Err(invalid("text", "must be an object"));
        };
        let body = match text.get("body") {
            None => return Err(missing("text.body")),
            Some(Value::String(s)) => s,
            Some(_) => return Err(invalid("text.body", "must be a string")),
        };
        if body.trim().is_empty() {
            return Err(missing("text.body"));
        }
        if chars(body) > TEXT_LIMIT {
            return Err(invalid(
                "text.body",
                format!("{} characters, the maximum is {TEXT_LIMIT}", chars(body)),
            ));
        }
        match (api, text.get("preview_url"), obj.get("preview_url")) {
            (Api::Cloud, _, Some(_)) => {
                return Err(invalid(
                    "preview_url",
                    "belongs inside the text object on the Cloud API",
                ))
            }
            (Api::OnPremises, Some(_), _) => {
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
    } else if !payload.is_object() && !payload.is_array() {
        return Err(invalid(ty, "must be an object"));
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
    emu.handle(Api::Cloud, &account, &headers, &query, &body)
}

async fn on_premises(
    State(emu): State<Arc<WhatsAppEmulator>>,
    Query(query): QueryMap,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    emu.handle(Api::OnPremises, "on_premises", &headers, &query, &body)
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
                "timestamp": now_secs(), "recipient_id": wa_id});
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
            "messages": [{"from": from, "id": id, "timestamp": now_secs(),
                "type": "text", "text": {"body": text}}]
        }));
        (id, body)
    }

    fn describe(&self, base_url: &str) -> Vec<String> {
        vec![
            format!(
                "WhatsApp Cloud API:    POST {base_url}/{}/{EMULATOR_PHONE_NUMBER_ID}/messages",
                crate::DEFAULT_API_VERSION
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
