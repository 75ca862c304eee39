//! Messenger error classification, code by code and subcode by subcode
//! (api-contract §4 table, Messenger rows; Retry column: Y temporary, N not).

use switchboard::plugin::ErrorClass;
use switchboard::ErrorKind;
use switchboard_graph::errors::ErrorTable;

/// The Send API's error table: Messenger's own codes and subcodes; the
/// generic Graph codes come from [`switchboard_graph::errors::generic`].
pub(crate) const ERRORS: ErrorTable = ErrorTable::new("Graph", classify);

/// The classification of a Messenger `code` / `error_subcode` pair.
fn classify(code: i64, subcode: Option<i64>) -> Option<ErrorClass> {
    use ErrorKind::*;
    let class = ErrorClass::new;
    Some(match (code, subcode) {
        // 613/2018338: message-tag misuse; 613/1893016: duplicate opt-in. Not rate limits.
        (613, Some(2018338)) => class(Rejected, false, "message tag used against its policy"),
        (613, Some(1893016)) => class(Rejected, false, "duplicate opt-in request"),
        (100, Some(2018001)) | (2018001, _) => {
            class(InvalidRecipient, false, "no matching user found")
        }
        (100, Some(2018109)) | (2018109, _) => {
            class(InvalidMessage, false, "attachment size exceeds the limit")
        }
        // 100 also covers invalid PSIDs and, since 2026-04-27, retired message
        // tags: the generic "invalid parameter".
        (10, Some(2018278)) | (10, Some(2534022)) => {
            class(OutsideWindow, false, "outside the allowed messaging window")
        }
        (10, Some(1893063)) => class(PermissionDenied, false, "the page is restricted"),
        (10, Some(2018108)) | (2018108, _) => class(
            InvalidRecipient,
            false,
            "this person can't receive your messages right now",
        ),
        (200, Some(2018028)) => class(PermissionDenied, false, "the app is not live"),
        (551, Some(1545041)) => class(InvalidRecipient, false, "this person blocked the page"),
        (551, _) => class(
            InvalidRecipient,
            false,
            "this person isn't available right now",
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(code: i64, subcode: Option<i64>, kind: ErrorKind, temporary: bool) {
        let body = serde_json::json!({"error": {
            "message": "m", "type": "OAuthException", "code": code,
            "error_subcode": subcode, "fbtrace_id": "Btrace"}});
        let e = ERRORS.error_from_response("fb", 400, None, body.to_string().as_bytes());
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
        use std::time::Duration;
        let e = ERRORS.error_from_response("fb", 503, Some(Duration::from_secs(2)), b"busy");
        assert_eq!(e.kind(), ErrorKind::PlatformUnavailable);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
        let e = ERRORS.error_from_response("fb", 400, None, b"{}");
        assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
    }
}
