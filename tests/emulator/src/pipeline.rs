//! The request pipeline every platform emulator runs, written once:
//! latency → failure injection → auth → account → JSON → platform rules →
//! rate / pair / window gate → record → status webhooks. Each platform
//! supplies only its rules and answers ([`PlatformRules`]).

use std::collections::HashMap;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::{EmulatorContext, Failure, Gate, Record, EMULATOR_ACCESS_TOKEN};

/// A refusal in the platform's terms: HTTP status, error code and subcode,
/// message and details.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// The platform error code.
    pub code: i64,
    /// The error subcode, if any.
    pub subcode: Option<i64>,
    /// The message (Graph prefixes it with `(#code)`).
    pub message: String,
    /// Further details (Graph `error_data.details`).
    pub details: Option<String>,
}

impl Refusal {
    /// A refusal with `status`, `code` and `message`.
    pub fn new(status: u16, code: i64, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            subcode: None,
            message: message.into(),
            details: None,
        }
    }

    /// Adds a subcode.
    #[must_use]
    pub fn subcode(mut self, subcode: Option<i64>) -> Self {
        self.subcode = subcode;
        self
    }

    /// Adds details.
    #[must_use]
    pub fn details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }
}

/// What the platform rules made of a valid request.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct Checked {
    /// The recipient, as the request names it (empty for requests about a
    /// message rather than to a person, e.g. mark-as-read).
    pub recipient: String,
    /// Whether the rate, pair and window gates apply.
    pub gated: bool,
    /// How long after the customer's last message the content may go
    /// (`None`: any time, e.g. templates).
    pub window: Option<Duration>,
    /// A failure the status webhooks report later (e.g. a link that cannot
    /// be downloaded).
    pub failed_code: Option<i64>,
}

impl Checked {
    /// A request to `recipient`, gated, within the 24-hour window unless
    /// said otherwise.
    pub fn to(recipient: impl Into<String>) -> Self {
        Checked {
            recipient: recipient.into(),
            gated: true,
            window: Some(switchboard::webhook::CUSTOMER_SERVICE_WINDOW),
            failed_code: None,
        }
    }

    /// A request about a message rather than to a person: no gates.
    pub fn ungated() -> Self {
        Checked {
            recipient: String::new(),
            gated: false,
            window: None,
            failed_code: None,
        }
    }

    /// How long after the customer's last message the content may go
    /// (`None`: any time).
    #[must_use]
    pub fn window(mut self, window: Option<Duration>) -> Self {
        self.window = window;
        self
    }

    /// Reports `code` in a failed status webhook after accepting.
    #[must_use]
    pub fn fails_later(mut self, code: Option<i64>) -> Self {
        self.failed_code = code;
        self
    }
}

/// What one platform's emulator supplies to [`handle`]: its rules,
/// written from the platform's documentation over the raw JSON,
/// independently of the client's types.
pub trait PlatformRules: Send + Sync + 'static {
    /// The API a route serves (e.g. WhatsApp Cloud or On-Premises).
    type Api: Copy + Send + Sync + 'static;

    /// The platform name.
    const PLATFORM: &'static str;

    /// The shared emulator state.
    fn context(&self) -> &EmulatorContext;

    /// The refusal the platform answers with error `code` (injected
    /// failures, rate limits).
    fn code_refusal(&self, api: Self::Api, code: i64, subcode: Option<i64>) -> Refusal;

    /// The refusal for a request the gates stop.
    fn gate_refusal(&self, api: Self::Api, gate: Gate) -> Refusal;

    /// The platform's error body for `refusal`.
    fn error_response(&self, api: Self::Api, refusal: Refusal) -> Response;

    /// The credential the request carries (by default the bearer token;
    /// platforms that put it in the path find it in `account`, the path
    /// segment the route names the account by).
    fn credential<'a>(
        &self,
        api: Self::Api,
        account: &'a str,
        headers: &'a HeaderMap,
        query: &'a HashMap<String, String>,
    ) -> Option<&'a str> {
        let _ = (api, account, query);
        headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
    }

    /// The refusal for a missing (`given` is `None`) or wrong credential.
    fn unauthorized(&self, api: Self::Api, given: Option<&str>) -> Refusal;

    /// Whether `account` is served.
    fn check_account(&self, api: Self::Api, account: &str) -> Result<(), Refusal>;

    /// The platform's rules for the request body.
    fn check(&self, api: Self::Api, body: &Map<String, Value>) -> Result<Checked, Refusal>;

    /// The success answer and the record of an accepted request.
    fn answer(
        &self,
        api: Self::Api,
        account: &str,
        checked: &Checked,
        body: Value,
    ) -> (Value, Record);

    /// The status webhooks of an accepted request (see
    /// [`PlatformEmulator::status_webhooks`](crate::PlatformEmulator::status_webhooks)).
    fn status_webhooks(&self, record: &Record, failed_code: Option<i64>) -> Vec<Vec<u8>>;
}

/// Runs one request through the pipeline.
pub async fn handle<R: PlatformRules>(
    rules: &R,
    api: R::Api,
    account: &str,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    body: &[u8],
) -> Response {
    let context = rules.context();
    if let Some(latency) = context.latency(R::PLATFORM) {
        tokio::time::sleep(latency).await;
    }
    let mut failed_code = None;
    let mut failure = context.next_failure(R::PLATFORM);
    if let Some(Failure::Hang(d)) = failure {
        tokio::time::sleep(d).await;
        failure = None;
    }
    match failure {
        Some(Failure::Status(s)) => {
            return StatusCode::from_u16(s)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                .into_response()
        }
        Some(Failure::Platform { code, subcode }) => {
            return rules.error_response(api, rules.code_refusal(api, code, subcode))
        }
        Some(Failure::DeliveryFailed { code }) => failed_code = Some(code),
        Some(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        None => {}
    }
    match rules.credential(api, account, headers, query) {
        Some(t) if t == EMULATOR_ACCESS_TOKEN => {}
        given => return rules.error_response(api, rules.unauthorized(api, given)),
    }
    if let Err(r) = rules.check_account(api, account) {
        return rules.error_response(api, r);
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return rules.error_response(api, Refusal::new(400, 100, format!("invalid JSON: {e}")))
        }
    };
    let Some(object) = value.as_object() else {
        return rules.error_response(
            api,
            Refusal::new(400, 100, "the request body must be a JSON object"),
        );
    };
    let checked = match rules.check(api, object) {
        Ok(c) => c,
        Err(r) => return rules.error_response(api, r),
    };
    if checked.gated {
        if let Some(gate) = context.gate(R::PLATFORM, &checked.recipient, checked.window) {
            return rules.error_response(api, rules.gate_refusal(api, gate));
        }
    }
    let (response, record) = rules.answer(api, account, &checked, value);
    if context.has_webhook(R::PLATFORM) {
        let failed = failed_code.or(checked.failed_code);
        context.post_webhooks(R::PLATFORM, rules.status_webhooks(&record, failed));
    }
    context.record(record);
    (StatusCode::OK, axum::Json(response)).into_response()
}
