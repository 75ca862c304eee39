//! The gateway's emulator (feature `emulator`): its rules over the raw JSON,
//! run through the shared pipeline of `switchboard_emulator`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
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

use crate::{MAX_TEXT_CHARS, PLATFORM, TOKEN_HEADER, WINDOW};

/// The gateway's emulator.
pub struct SmsGatewayEmulator {
    context: EmulatorContext,
    next_id: AtomicU64,
}

fn refusal(status: u16, code: i64, message: &str) -> Refusal {
    Refusal::new(status, code, message)
}

impl PlatformRules for SmsGatewayEmulator {
    type Api = ();
    const PLATFORM: &'static str = PLATFORM;

    fn context(&self) -> &EmulatorContext {
        &self.context
    }

    fn code_refusal(&self, _: (), code: i64, _: Option<i64>) -> Refusal {
        let status = match code {
            4290 => 429,
            4010 => 401,
            c if c >= 5000 => 503,
            _ => 400,
        };
        refusal(status, code, "injected failure")
    }

    fn gate_refusal(&self, api: (), gate: Gate) -> Refusal {
        match gate {
            Gate::OutsideWindow => refusal(403, 4030, "outside the 7-day window; send a notice"),
            _ => self.code_refusal(api, 4290, None),
        }
    }

    fn error_response(&self, _: (), r: Refusal) -> Response {
        let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = json!({"error": {"code": r.code, "message": r.message}});
        (status, axum::Json(body)).into_response()
    }

    fn unauthorized(&self, _: (), _: Option<&str>) -> Refusal {
        refusal(401, 4010, "invalid API key")
    }

    fn check_account(&self, _: (), _: &str) -> Result<(), Refusal> {
        Ok(())
    }

    fn check(&self, _: (), body: &Map<String, Value>) -> Result<Checked, Refusal> {
        let to = body.get("to").and_then(Value::as_str).unwrap_or_default();
        let digits = to.strip_prefix('+').unwrap_or(to);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refusal(400, 4001, "to must be a phone number"));
        }
        if body
            .get("from")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(refusal(400, 4003, "from (the sender id) is required"));
        }
        let text = body.get("text").and_then(Value::as_str).unwrap_or_default();
        let chars = text.chars().count();
        if chars == 0 || chars > MAX_TEXT_CHARS {
            return Err(refusal(400, 4002, "text must be 1 to 1600 characters"));
        }
        let notice = body.get("notice").and_then(Value::as_bool).unwrap_or(false);
        Ok(Checked::to(to).window((!notice).then_some(WINDOW)))
    }

    fn answer(&self, _: (), _: &str, checked: &Checked, body: Value) -> (Value, Record) {
        let id = format!("sms-{}", self.next_id.fetch_add(1, Ordering::Relaxed));
        let sender = body
            .get("from")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let record = Record::new(
            PLATFORM,
            sender,
            checked.recipient.clone(),
            id.clone(),
            body,
        );
        (json!({"id": id}), record)
    }

    fn status_webhooks(&self, record: &Record, failed_code: Option<i64>) -> Vec<Vec<u8>> {
        PlatformEmulator::status_webhooks(self, record, failed_code)
    }
}

async fn send_sms(
    State(emu): State<Arc<SmsGatewayEmulator>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    detached(async move { handle(&*emu, (), "gateway", &headers, &query, &body).await }).await
}

fn delivery(events: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({ "events": events })).unwrap_or_default()
}

impl PlatformEmulator for SmsGatewayEmulator {
    fn platform(&self) -> &'static str {
        PLATFORM
    }

    fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route("/v1/sms", post(send_sms))
            .with_state(self)
    }

    fn channel_settings(&self, base_url: &str) -> toml::Table {
        let mut t = toml::Table::new();
        t.insert("api_key".into(), EMULATOR_ACCESS_TOKEN.into());
        t.insert("base_url".into(), base_url.into());
        t
    }

    fn sample_recipient(&self) -> Recipient {
        Recipient::phone_number("+16505551234")
    }

    fn describe(&self, base_url: &str) -> Vec<String> {
        vec![
            format!("SMS gateway (example): POST {base_url}/v1/sms"),
            format!("  Authorization: Bearer {EMULATOR_ACCESS_TOKEN}"),
        ]
    }

    fn status_webhooks(&self, record: &Record, failed_code: Option<i64>) -> Vec<Vec<u8>> {
        if failed_code.is_some() {
            return Vec::new();
        }
        vec![delivery(
            json!([{"type": "delivered", "message_id": record.message_id,
            "timestamp": self.context.now_ms()}]),
        )]
    }

    fn inbound_text_webhook(&self, from: &str, text: &str) -> (String, Vec<u8>) {
        let id = format!("in-{}", self.next_id.fetch_add(1, Ordering::Relaxed));
        let body = delivery(
            json!([{"type": "inbound", "id": id, "from": from, "text": text,
            "timestamp": self.context.now_ms()}]),
        );
        (id, body)
    }

    fn rate_limit_code(&self) -> i64 {
        4290
    }

    fn webhook_signer(&self) -> WebhookSigner {
        token_header
    }
}

fn token_header(token: &Secret, _: &[u8]) -> Vec<(&'static str, String)> {
    vec![(TOKEN_HEADER, token.expose().to_string())]
}

fn build(context: EmulatorContext) -> Arc<dyn PlatformEmulator> {
    Arc::new(SmsGatewayEmulator {
        context,
        next_id: AtomicU64::new(1),
    })
}

register_emulator!(EmulatorPlugin::new(PLATFORM, build));
