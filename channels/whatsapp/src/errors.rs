//! WhatsApp error bodies and their classification, code by code
//! (api-contract §4, "Retry" column: Y = temporary, N = fix first, W = after a wait).

use std::time::Duration;

use serde::Deserialize;
use switchboard::plugin::{ErrorClass, PlatformError};
use switchboard::ErrorKind;
use switchboard_graph::errors::{parse_graph_error, ErrorTable};

/// WhatsApp's error table, both dialects: its own codes; the generic Graph
/// codes come from [`switchboard_graph::errors::generic`].
pub(crate) const ERRORS: ErrorTable =
    ErrorTable::new("WhatsApp", classify).with_parser(parse_error_body);

/// The On-Premises error body: `{"errors":[{"code","title","details"}],"meta":{…}}`
/// (api-contract §2, Postman-collection schema).
#[derive(Deserialize)]
struct OnPremErrors {
    errors: Vec<OnPremError>,
}

#[derive(Deserialize)]
struct OnPremError {
    code: i64,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    details: Option<String>,
}

/// Parses either error dialect; `None` when the body is neither.
fn parse_error_body(status: Option<u16>, body: &[u8]) -> Option<PlatformError> {
    if let Some(p) = parse_graph_error(status, body) {
        return Some(p);
    }
    let on_prem: OnPremErrors = serde_json::from_slice(body).ok()?;
    let first = on_prem.errors.into_iter().next()?;
    let mut p = PlatformError::new(status, first.code);
    p.error_type = first.title.clone();
    p.message = first.title;
    p.details = first.details;
    Some(p)
}

/// The WhatsApp classification of a platform code (api-contract §4 table).
fn classify(code: i64, _subcode: Option<i64>) -> Option<ErrorClass> {
    use ErrorKind::*;
    let class = ErrorClass::new;
    Some(match code {
        80007 => class(
            RateLimited,
            true,
            "WhatsApp Business Account rate limit reached",
        ),
        // 80008: the WhatsApp Business Management API's rate limit (api-contract §4).
        80008 => class(
            RateLimited,
            true,
            "WhatsApp Business Management API rate limit reached",
        ),
        130429 => class(RateLimited, true, "Cloud API throughput reached"),
        // Pair rate limit: 1 message per 6 s to the same user (api-contract §5).
        131056 => class(RateLimited, true, "too many messages to this recipient")
            .retry_after(Duration::from_secs(6)),
        131048 => class(Rejected, false, "spam rate limit hit (quality)"),
        // "W ≥24 h": not worth an automatic retry; the earliest sensible retry is in a day.
        131049 => class(Rejected, false, "Meta chose not to deliver this message")
            .retry_after(Duration::from_secs(24 * 3600)),
        131000 => class(PlatformUnavailable, true, "something went wrong"),
        131016 => class(PlatformUnavailable, true, "service unavailable"),
        // "Account in maintenance (throughput upgrade ≤1 min)".
        131057 => class(PlatformUnavailable, true, "account in maintenance")
            .retry_after(Duration::from_secs(60)),
        133004 => class(PlatformUnavailable, true, "server temporarily unavailable"),
        131005 => class(PermissionDenied, false, "access denied"),
        131008 => class(InvalidMessage, false, "required parameter missing"),
        131009 => class(InvalidMessage, false, "parameter value not valid"),
        131026 => class(InvalidRecipient, false, "message undeliverable"),
        131047 => class(
            OutsideWindow,
            false,
            "more than 24 hours since the customer last replied; send a template",
        ),
        // 470: the On-Premises code for the same (api-contract §2).
        470 => class(
            OutsideWindow,
            false,
            "outside the customer-service window; send a template",
        ),
        131050 => class(Rejected, false, "the user stopped marketing messages"),
        131051 => class(Unsupported, false, "unsupported message type"),
        131052 => class(InvalidMessage, false, "media download error"),
        131053 => class(InvalidMessage, false, "media upload error"),
        132000 => class(InvalidMessage, false, "template parameter count mismatch"),
        132001 => class(InvalidMessage, false, "template does not exist"),
        132005 => class(InvalidMessage, false, "template hydrated text too long"),
        132007 => class(Rejected, false, "template format character policy violated"),
        132012 => class(InvalidMessage, false, "template parameter format mismatch"),
        132015 => class(Rejected, false, "template is paused"),
        132016 => class(Rejected, false, "template is disabled"),
        133010 => class(Config, false, "phone number not registered"),
        _ => return None,
    })
}

/// A webhook error object `{code, title, message, error_data{details}}`, classified.
pub(crate) fn classify_webhook_error(
    v: &serde_json::Value,
) -> switchboard::webhook::ClassifiedError {
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(String::from);
    let mut p = PlatformError::new(
        None,
        v.get("code").and_then(|c| c.as_i64()).unwrap_or_default(),
    );
    p.error_type = text("title");
    p.message = text("message").or_else(|| text("title"));
    p.details = v
        .pointer("/error_data/details")
        .and_then(|d| d.as_str())
        .map(String::from)
        .or_else(|| text("details"));
    switchboard::webhook::ClassifiedError::from_error(&ERRORS.classify(crate::PLATFORM, None, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard::Error;

    fn graph(code: i64) -> Vec<u8> {
        format!(
            r#"{{"error":{{"message":"(#{code}) t","type":"OAuthException","code":{code},
            "error_data":{{"messaging_product":"whatsapp","details":"d"}},"fbtrace_id":"Atrace"}}}}"#
        )
        .into_bytes()
    }

    fn check(code: i64, kind: ErrorKind, temporary: bool) -> Error {
        let e = ERRORS.error_from_response("wa", 400, None, &graph(code));
        assert_eq!(e.kind(), kind, "code {code}");
        assert_eq!(e.is_temporary(), temporary, "code {code} temporary");
        assert_eq!(e.code(), Some(code));
        assert_eq!(e.trace_id(), Some("Atrace"));
        e
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
        code_17: 17 => RateLimited, true;
        code_32: 32 => RateLimited, true;
        code_613: 613 => RateLimited, true;
        code_80007: 80007 => RateLimited, true;
        code_80008: 80008 => RateLimited, true;
        code_130429: 130429 => RateLimited, true;
        code_131048: 131048 => Rejected, false;
        code_368: 368 => PermissionDenied, false;
        code_131000: 131000 => PlatformUnavailable, true;
        code_131016: 131016 => PlatformUnavailable, true;
        code_133004: 133004 => PlatformUnavailable, true;
        code_131005: 131005 => PermissionDenied, false;
        code_131008: 131008 => InvalidMessage, false;
        code_131009: 131009 => InvalidMessage, false;
        code_131026: 131026 => InvalidRecipient, false;
        code_131047: 131047 => OutsideWindow, false;
        code_131050: 131050 => Rejected, false;
        code_131051: 131051 => Unsupported, false;
        code_131052: 131052 => InvalidMessage, false;
        code_131053: 131053 => InvalidMessage, false;
        code_132000: 132000 => InvalidMessage, false;
        code_132001: 132001 => InvalidMessage, false;
        code_132005: 132005 => InvalidMessage, false;
        code_132007: 132007 => Rejected, false;
        code_132012: 132012 => InvalidMessage, false;
        code_132015: 132015 => Rejected, false;
        code_132016: 132016 => Rejected, false;
        code_133010: 133010 => Config, false;
        code_100: 100 => InvalidMessage, false;
        code_10: 10 => PermissionDenied, false;
        code_190: 190 => Unauthorized, false;
        code_200: 200 => PermissionDenied, false;
        code_299: 299 => PermissionDenied, false;
    }

    #[test]
    fn code_131056_waits_for_the_pair_limit() {
        let e = check(131056, ErrorKind::RateLimited, true);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(6)));
    }

    #[test]
    fn code_131049_is_not_retried_automatically_but_says_when() {
        let e = check(131049, ErrorKind::Rejected, false);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(86400)));
    }

    #[test]
    fn code_131057_waits_a_minute() {
        let e = check(131057, ErrorKind::PlatformUnavailable, true);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(60)));
    }

    #[test]
    fn on_premises_470_is_outside_window() {
        let body = br#"{"errors":[{"code":470,"title":"Message failed to send because more than 24 hours have passed since the customer last replied to this number","details":"x"}],"meta":{"api_status":"stable","version":"2.41.2"}}"#;
        let e = ERRORS.error_from_response("wa", 400, None, body);
        assert_eq!(e.kind(), ErrorKind::OutsideWindow);
        assert_eq!(e.code(), Some(470));
        assert!(!e.is_temporary());
    }

    #[test]
    fn retry_after_header_wins_and_is_transient_is_honoured() {
        let body = br#"{"error":{"code":999999,"message":"m","is_transient":true}}"#;
        let e = ERRORS.error_from_response("wa", 400, Some(Duration::from_secs(3)), body);
        assert!(e.is_temporary());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn unknown_bodies_fall_back_on_status() {
        let e = ERRORS.error_from_response("wa", 502, None, b"<html>bad gateway</html>");
        assert_eq!(e.kind(), ErrorKind::PlatformUnavailable);
        assert!(e.is_temporary());
        let e = ERRORS.error_from_response("wa", 400, None, b"");
        assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        assert!(!e.is_temporary());
        let e = ERRORS.error_from_response("wa", 404, None, br#"{"errors":[]}"#);
        assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
    }
}
