//! The Graph API error envelope shared by the WhatsApp Cloud API and the
//! Messenger Send API (api-contract §4): `{"error": {"message", "type",
//! "code", "error_subcode", "error_user_title", "error_user_msg",
//! "fbtrace_id", "is_transient", "error_data": {"details"}}}`.
//!
//! Only the envelope is shared; each channel classifies codes itself.

use serde::Deserialize;

use crate::error::{Error, ErrorKind, PlatformError};

#[derive(Deserialize)]
struct Envelope {
    error: Body,
}

#[derive(Deserialize)]
struct Body {
    code: i64,
    #[serde(default)]
    error_subcode: Option<i64>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "type")]
    error_type: Option<String>,
    #[serde(default)]
    error_user_title: Option<String>,
    #[serde(default)]
    error_user_msg: Option<String>,
    #[serde(default)]
    fbtrace_id: Option<String>,
    #[serde(default)]
    is_transient: Option<bool>,
    #[serde(default)]
    error_data: Option<ErrorData>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorData {
    Object {
        #[serde(default)]
        details: Option<String>,
    },
    // Some Graph errors carry error_data as a string or another shape.
    Other(serde::de::IgnoredAny),
}

/// Parses a Graph API error body; `None` when the body is not one.
pub fn parse_graph_error(http_status: Option<u16>, body: &[u8]) -> Option<PlatformError> {
    let env: Envelope = serde_json::from_slice(body).ok()?;
    let e = env.error;
    let details = match e.error_data {
        Some(ErrorData::Object { details: Some(d) }) => Some(d),
        _ => e.error_user_msg.map(|m| match e.error_user_title {
            Some(t) => format!("{t}: {m}"),
            None => m,
        }),
    };
    Some(PlatformError {
        http_status,
        code: e.code,
        subcode: e.error_subcode,
        error_type: e.error_type,
        message: e.message,
        details,
        trace_id: e.fbtrace_id,
        is_transient: e.is_transient,
    })
}

/// The classification of an HTTP status when the body says nothing the
/// channel understands: (kind, temporary, description).
pub fn classify_status(status: u16) -> (ErrorKind, bool, &'static str) {
    match status {
        401 => (ErrorKind::Unauthorized, false, "unauthorized"),
        403 => (ErrorKind::PermissionDenied, false, "forbidden"),
        429 => (ErrorKind::RateLimited, true, "too many requests"),
        408 => (ErrorKind::Timeout, true, "request timeout"),
        500..=599 => (ErrorKind::PlatformUnavailable, true, "platform error"),
        _ => (ErrorKind::Rejected, false, "request refused"),
    }
}

/// The error for a non-success response whose body is not an error the
/// platform documents: temporary statuses keep their kind, the others are
/// an [`ErrorKind::UnexpectedResponse`].
pub fn unparsed_error(
    channel: &str,
    platform: &str,
    status: u16,
    retry_after: Option<std::time::Duration>,
    body: &[u8],
) -> Error {
    let (kind, temporary, _) = classify_status(status);
    let mut e = Error::new(
        if temporary {
            kind
        } else {
            ErrorKind::UnexpectedResponse
        },
        format!(
            "HTTP {status} with a body that is not a {platform} error: {}",
            snippet(body)
        ),
    )
    .with_channel(channel)
    .with_temporary(temporary);
    if let Some(after) = retry_after {
        e = e.with_retry_after(after);
    }
    e
}

/// A platform error classified by its channel: `what` describes the code,
/// the platform's message and details follow; `is_transient` from the
/// platform makes it temporary; `retry_after` is the header's or the code's.
pub fn classified_error(
    channel: &str,
    kind: ErrorKind,
    temporary: bool,
    what: &str,
    retry_after: Option<std::time::Duration>,
    p: PlatformError,
) -> Error {
    let mut message = match &p.message {
        Some(m) if !m.is_empty() => format!("{what}: {m}"),
        _ => what.to_string(),
    };
    if let Some(d) = &p.details {
        message.push_str(" — ");
        message.push_str(d);
    }
    let temporary = temporary || p.is_transient == Some(true);
    let mut e = Error::new(kind, message)
        .with_channel(channel)
        .with_platform(p);
    if let Some(after) = retry_after {
        e = e.with_retry_after(after);
    }
    e.with_temporary(temporary)
}

/// The start of a body, for error messages: at most 200 characters, one line.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut s: String = text
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(200).is_some() {
        s.push('…');
    }
    if s.trim().is_empty() {
        "(empty)".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_and_minimal_bodies() {
        let full = br#"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,
            "error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},
            "error_subcode":2494055,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}"#;
        let p = parse_graph_error(Some(400), full).unwrap();
        assert_eq!(p.code, 130429);
        assert_eq!(p.subcode, Some(2494055));
        assert_eq!(p.trace_id.as_deref(), Some("Az8or2yhqkZfEZ-_4Qn_Bam"));
        assert_eq!(
            p.details.as_deref(),
            Some("Cloud API message throughput has been reached.")
        );
        let min = br#"{"error":{"code":1}}"#;
        assert_eq!(parse_graph_error(None, min).unwrap().code, 1);
        let odd = br#"{"error":{"code":1,"error_data":"text"}}"#;
        assert_eq!(parse_graph_error(None, odd).unwrap().code, 1);
    }

    #[test]
    fn non_graph_bodies_are_none() {
        for b in [
            &b""[..],
            b"null",
            b"{}",
            b"{\"error\":\"x\"}",
            b"<html>",
            b"\xff\xfe",
        ] {
            assert!(parse_graph_error(Some(500), b).is_none());
        }
    }
}
