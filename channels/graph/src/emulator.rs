//! The Graph side of the platform emulators (feature `emulator`): where a
//! Graph request carries its token, and the Graph error body. The request
//! pipeline itself is `switchboard_emulator::pipeline`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use switchboard_emulator::pipeline::Refusal;

/// The access token of a Graph request: `Authorization: Bearer …`, or the
/// `access_token` query parameter where `query_allowed`.
pub fn access_token<'a>(
    headers: &'a HeaderMap,
    query: &'a HashMap<String, String>,
    query_allowed: bool,
) -> Option<&'a str> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match bearer {
        Some(t) => Some(t),
        None if query_allowed => query.get("access_token").map(String::as_str),
        None => None,
    }
}

/// Graph's refusal of a missing (`None`) or wrong access token: 401, code 190.
pub fn unauthorized(given: Option<&str>) -> Refusal {
    match given {
        Some(_) => Refusal::new(
            401,
            190,
            "Invalid OAuth access token - Cannot parse access token",
        ),
        None => Refusal::new(
            401,
            190,
            "An active access token must be used to query information about the current user.",
        ),
    }
}

static TRACE_COUNTER: AtomicU64 = AtomicU64::new(1);

/// A Graph API error response (api-contract §4):
/// `{"error":{"message":"(#code) message","type":"OAuthException","code",…,"fbtrace_id"}}`,
/// with `error_data` when given.
pub fn error_response(refusal: &Refusal, error_data: Option<Value>) -> Response {
    let mut error = Map::new();
    error.insert(
        "message".into(),
        format!("(#{}) {}", refusal.code, refusal.message).into(),
    );
    error.insert("type".into(), "OAuthException".into());
    error.insert("code".into(), refusal.code.into());
    if let Some(s) = refusal.subcode {
        error.insert("error_subcode".into(), s.into());
    }
    if let Some(d) = error_data {
        error.insert("error_data".into(), d);
    }
    let n = TRACE_COUNTER.fetch_add(1, Ordering::Relaxed);
    error.insert("fbtrace_id".into(), format!("AEmu{n:08x}").into());
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(serde_json::json!({ "error": error }))).into_response()
}
