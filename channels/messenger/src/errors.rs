//! Messenger error classification, code by code and subcode by subcode
//! (api-contract §4 table, Messenger rows; Retry column: Y temporary, N not).

use std::time::Duration;

use switchboard::{Error, ErrorKind};

struct Class {
    kind: ErrorKind,
    temporary: bool,
    what: &'static str,
}

const fn class(kind: ErrorKind, temporary: bool, what: &'static str) -> Class {
    Class {
        kind,
        temporary,
        what,
    }
}

/// The classification of a Graph `code` / `error_subcode` pair from the Send API.
fn classify(code: i64, subcode: Option<i64>) -> Option<Class> {
    use ErrorKind::*;
    Some(match (code, subcode) {
        // 613/2018338: message-tag misuse; 613/1893016: duplicate opt-in. Not rate limits.
        (613, Some(2018338)) => class(Rejected, false, "message tag used against its policy"),
        (613, Some(1893016)) => class(Rejected, false, "duplicate opt-in request"),
        (613, _) => class(RateLimited, true, "custom rate limit reached"),
        (1, _) => class(PlatformUnavailable, true, "unknown API error"),
        (2, _) => class(PlatformUnavailable, true, "temporary downtime or overload"),
        (4, _) => class(RateLimited, true, "application request limit reached"),
        (17, _) => class(RateLimited, true, "user request limit reached"),
        (32, _) => class(RateLimited, true, "page request limit reached"),
        (100, Some(2018001)) => class(InvalidRecipient, false, "no matching user found"),
        (100, Some(2018109)) | (2018109, _) => {
            class(InvalidMessage, false, "attachment size exceeds the limit")
        }
        (2018001, _) => class(InvalidRecipient, false, "no matching user found"),
        // 100 also covers invalid PSIDs and, since 2026-04-27, retired message tags.
        (100, _) => class(InvalidMessage, false, "invalid parameter"),
        (10, Some(2018278)) | (10, Some(2534022)) => {
            class(OutsideWindow, false, "outside the allowed messaging window")
        }
        (10, Some(1893063)) => class(PermissionDenied, false, "the page is restricted"),
        (10, Some(2018108)) | (2018108, _) => class(
            InvalidRecipient,
            false,
            "this person can't receive your messages right now",
        ),
        (10, _) => class(PermissionDenied, false, "permission denied"),
        (190, _) => class(Unauthorized, false, "access token expired or invalid"),
        (200, Some(2018028)) => class(PermissionDenied, false, "the app is not live"),
        (200..=299, _) => class(PermissionDenied, false, "API permission missing"),
        (551, Some(1545041)) => class(InvalidRecipient, false, "this person blocked the page"),
        (551, _) => class(
            InvalidRecipient,
            false,
            "this person isn't available right now",
        ),
        (368, _) => class(
            PermissionDenied,
            false,
            "temporarily blocked for policy violations",
        ),
        _ => return None,
    })
}

fn classify_status(status: u16) -> Class {
    let (kind, temporary, what) = switchboard::graph::classify_status(status);
    class(kind, temporary, what)
}

/// Turns a non-success Send API response into a classified error.
pub(crate) fn error_from_response(
    channel: &str,
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Error {
    let Some(p) = switchboard::graph::parse_graph_error(Some(status), body) else {
        return switchboard::graph::unparsed_error(channel, "Graph", status, retry_after, body);
    };
    let class = classify(p.code, p.subcode).unwrap_or_else(|| classify_status(status));
    switchboard::graph::classified_error(
        channel,
        class.kind,
        class.temporary,
        class.what,
        retry_after,
        p,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(code: i64, subcode: Option<i64>, kind: ErrorKind, temporary: bool) {
        let body = serde_json::json!({"error": {
            "message": "m", "type": "OAuthException", "code": code,
            "error_subcode": subcode, "fbtrace_id": "Btrace"}});
        let e = error_from_response("fb", 400, None, body.to_string().as_bytes());
        assert_eq!(e.kind(), kind, "code {code}/{subcode:?}");
        assert_eq!(e.is_temporary(), temporary, "code {code}/{subcode:?}");
        assert_eq!(e.code(), Some(code));
        assert_eq!(e.subcode(), subcode);
        assert_eq!(e.trace_id(), Some("Btrace"));
    }

    macro_rules! codes {
        ($($name:ident: $code:expr, $sub:expr => $kind:ident, $temp:expr;)*) => {
            $(#[test] fn $name() { check($code, $sub, ErrorKind::$kind, $temp); })*
        };
    }

    codes! {
        code_1: 1, None => PlatformUnavailable, true;
        code_2: 2, None => PlatformUnavailable, true;
        code_4: 4, None => RateLimited, true;
        code_17: 17, None => RateLimited, true;
        code_32: 32, None => RateLimited, true;
        code_613: 613, None => RateLimited, true;
        code_613_2018338: 613, Some(2018338) => Rejected, false;
        code_613_1893016: 613, Some(1893016) => Rejected, false;
        code_100: 100, None => InvalidMessage, false;
        code_100_2018001: 100, Some(2018001) => InvalidRecipient, false;
        code_100_2018109: 100, Some(2018109) => InvalidMessage, false;
        code_2018001: 2018001, None => InvalidRecipient, false;
        code_2018109: 2018109, None => InvalidMessage, false;
        code_10: 10, None => PermissionDenied, false;
        code_10_2018278: 10, Some(2018278) => OutsideWindow, false;
        code_10_2534022: 10, Some(2534022) => OutsideWindow, false;
        code_10_1893063: 10, Some(1893063) => PermissionDenied, false;
        code_10_2018108: 10, Some(2018108) => InvalidRecipient, false;
        code_2018108: 2018108, None => InvalidRecipient, false;
        code_190: 190, None => Unauthorized, false;
        code_200: 200, None => PermissionDenied, false;
        code_200_2018028: 200, Some(2018028) => PermissionDenied, false;
        code_551: 551, None => InvalidRecipient, false;
        code_551_1545041: 551, Some(1545041) => InvalidRecipient, false;
        code_368: 368, None => PermissionDenied, false;
    }

    #[test]
    fn unknown_bodies_fall_back_on_status() {
        let e = error_from_response("fb", 503, Some(Duration::from_secs(2)), b"busy");
        assert_eq!(e.kind(), ErrorKind::PlatformUnavailable);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
        let e = error_from_response("fb", 400, None, b"{}");
        assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
    }
}
