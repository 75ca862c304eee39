//! Graph API errors (api-contract §4): the envelope `{"error": {"message",
//! "type", "code", "error_subcode", "error_user_title", "error_user_msg",
//! "fbtrace_id", "is_transient", "error_data": {"details"}}}`, and the codes
//! every Graph platform shares. Each channel extends the table with its own
//! codes ([`ErrorTable`]); a test per code lives beside each table.

use std::time::Duration;

use serde::Deserialize;
use switchboard::plugin::{unparsed_error, ErrorClass, PlatformError};
use switchboard::{Error, ErrorKind};

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
    let mut p = PlatformError::new(http_status, e.code);
    p.subcode = e.error_subcode;
    p.error_type = e.error_type;
    p.message = e.message;
    p.details = details;
    p.trace_id = e.fbtrace_id;
    p.is_transient = e.is_transient;
    Some(p)
}

/// The codes every Graph platform answers the same way (api-contract §4,
/// rows marked for both platforms).
pub fn generic(code: i64) -> Option<ErrorClass> {
    use ErrorKind::*;
    let class = ErrorClass::new;
    Some(match code {
        1 => class(PlatformUnavailable, true, "unknown API error"),
        2 => class(PlatformUnavailable, true, "temporary downtime or overload"),
        4 => class(RateLimited, true, "application request limit reached"),
        17 => class(RateLimited, true, "user request limit reached"),
        32 => class(RateLimited, true, "page request limit reached"),
        613 => class(RateLimited, true, "custom rate limit reached"),
        100 => class(InvalidMessage, false, "invalid parameter"),
        10 => class(PermissionDenied, false, "permission denied"),
        190 => class(Unauthorized, false, "access token expired or invalid"),
        200..=299 => class(PermissionDenied, false, "API permission missing"),
        368 => class(
            PermissionDenied,
            false,
            "temporarily blocked for policy violations",
        ),
        _ => return None,
    })
}

/// A channel's classification of `code` / `subcode`; `None` for codes the
/// channel leaves to [`generic`].
pub type Classify = fn(i64, Option<i64>) -> Option<ErrorClass>;

/// Parses a non-success body into the platform's error, `None` when it is not one.
pub type Parse = fn(Option<u16>, &[u8]) -> Option<PlatformError>;

/// One Graph platform's error table: its own codes first, then the
/// [`generic`] ones, then the HTTP status.
///
/// ```
/// use switchboard::ErrorKind;
/// use switchboard::plugin::ErrorClass;
/// use switchboard_graph::errors::ErrorTable;
///
/// const TABLE: ErrorTable = ErrorTable::new("Example", |code, _| match code {
///     4242 => Some(ErrorClass::new(ErrorKind::Rejected, false, "example refusal")),
///     _ => None,
/// });
/// let body = br#"{"error":{"code":4242,"message":"no","fbtrace_id":"T1"}}"#;
/// let e = TABLE.error_from_response("shop", 400, None, body);
/// assert_eq!((e.kind(), e.code(), e.trace_id()), (ErrorKind::Rejected, Some(4242), Some("T1")));
/// let e = TABLE.error_from_response("shop", 400, None, br#"{"error":{"code":190}}"#);
/// assert_eq!(e.kind(), ErrorKind::Unauthorized);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ErrorTable {
    platform: &'static str,
    classify: Classify,
    parse: Parse,
}

impl ErrorTable {
    /// The table of `platform` (named in messages about bodies that are not
    /// its errors), with its own codes in `classify`.
    pub const fn new(platform: &'static str, classify: Classify) -> Self {
        ErrorTable {
            platform,
            classify,
            parse: parse_graph_error,
        }
    }

    /// Parses error bodies with `parse` (e.g. a second dialect) instead of
    /// the Graph envelope alone.
    #[must_use]
    pub const fn with_parser(mut self, parse: Parse) -> Self {
        self.parse = parse;
        self
    }

    /// Whether `body` is one of the platform's error bodies.
    pub fn parses(&self, body: &[u8]) -> bool {
        (self.parse)(None, body).is_some()
    }

    /// The class of `code` / `subcode`; the HTTP status decides for codes
    /// nobody documents.
    pub fn class(&self, code: i64, subcode: Option<i64>, status: Option<u16>) -> ErrorClass {
        (self.classify)(code, subcode)
            .or_else(|| generic(code))
            .unwrap_or_else(|| ErrorClass::of_status(status.unwrap_or(400)))
    }

    /// The classified error for the platform's answer `p`.
    pub fn classify(
        &self,
        channel: &str,
        retry_after: Option<Duration>,
        p: PlatformError,
    ) -> Error {
        self.class(p.code, p.subcode, p.http_status)
            .error(channel, retry_after, p)
    }

    /// Turns a non-success response into a classified error.
    pub fn error_from_response(
        &self,
        channel: &str,
        status: u16,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Error {
        match (self.parse)(Some(status), body) {
            Some(p) => self.classify(channel, retry_after, p),
            None => unparsed_error(channel, self.platform, status, retry_after, body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: ErrorTable = ErrorTable::new("Graph", |_, _| None);

    fn check(code: i64, kind: ErrorKind, temporary: bool) {
        let body = serde_json::json!({"error": {
            "message": "m", "type": "OAuthException", "code": code, "fbtrace_id": "Gtrace"}});
        let e = TABLE.error_from_response("g", 400, None, body.to_string().as_bytes());
        assert_eq!(e.kind(), kind, "code {code}");
        assert_eq!(e.is_temporary(), temporary, "code {code}");
        assert_eq!(e.code(), Some(code));
        assert_eq!(e.trace_id(), Some("Gtrace"));
    }

    macro_rules! codes {
        ($($name:ident: $code:expr => $kind:ident, $temp:expr;)*) => {
            $(#[test] fn $name() { check($code, ErrorKind::$kind, $temp); })*
        };
    }

    codes! {
        code_1: 1 => PlatformUnavailable, true;
        code_2: 2 => PlatformUnavailable, true;
        code_4: 4 => RateLimited, true;
        code_10: 10 => PermissionDenied, false;
        code_17: 17 => RateLimited, true;
        code_32: 32 => RateLimited, true;
        code_100: 100 => InvalidMessage, false;
        code_190: 190 => Unauthorized, false;
        code_200: 200 => PermissionDenied, false;
        code_299: 299 => PermissionDenied, false;
        code_368: 368 => PermissionDenied, false;
        code_613: 613 => RateLimited, true;
    }

    #[test]
    fn undocumented_codes_follow_the_status() {
        let body = br#"{"error":{"code":987654}}"#;
        assert_eq!(
            TABLE.error_from_response("g", 503, None, body).kind(),
            ErrorKind::PlatformUnavailable
        );
        assert_eq!(
            TABLE.error_from_response("g", 400, None, body).kind(),
            ErrorKind::Rejected
        );
    }

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
        let user = br#"{"error":{"code":1,"error_user_title":"T","error_user_msg":"M"}}"#;
        assert_eq!(
            parse_graph_error(None, user).unwrap().details.as_deref(),
            Some("T: M")
        );
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
