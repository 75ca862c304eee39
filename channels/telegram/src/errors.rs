//! Telegram's answers: `{"ok": true, "result": …}` or
//! `{"ok": false, "error_code": …, "description": …, "parameters": {…}}`
//! (<https://core.telegram.org/bots/api#making-requests>), classified.

use std::time::Duration;

use serde::Deserialize;
use switchboard::plugin::{unparsed_error, ErrorClass, PlatformError};
use switchboard::{Error, ErrorKind};

/// An answer Telegram refused a request with.
#[derive(Debug, Deserialize)]
pub(crate) struct Refused {
    pub(crate) error_code: i64,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) parameters: Option<ResponseParameters>,
}

/// `ResponseParameters`: why a request failed and what to do about it.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ResponseParameters {
    /// Seconds to wait before the request can be repeated (flood control).
    #[serde(default)]
    pub(crate) retry_after: Option<u64>,
    /// The group became a supergroup with this id.
    #[serde(default)]
    pub(crate) migrate_to_chat_id: Option<i64>,
}

#[derive(Deserialize)]
struct Envelope {
    ok: bool,
}

/// The longest wait taken from `retry_after`: a day. Telegram's flood waits
/// are seconds to hours; a larger value is a broken answer, not a plan.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The class of Telegram error `code` with `description`. Telegram's codes
/// are HTTP statuses; the description tells the 400s and 403s apart.
pub fn classify(code: i64, description: &str) -> ErrorClass {
    let d = description.to_ascii_lowercase();
    match code {
        400 if d.contains("chat not found")
            || d.contains("user not found")
            || d.contains("upgraded to a supergroup") =>
        {
            ErrorClass::new(ErrorKind::InvalidRecipient, false, "no such chat")
        }
        400 => ErrorClass::new(ErrorKind::InvalidMessage, false, "bad request"),
        401 | 404 => ErrorClass::new(
            ErrorKind::Unauthorized,
            false,
            "Telegram does not accept this bot token",
        ),
        403 if d.contains("not enough rights") || d.contains("have no rights") => {
            ErrorClass::new(ErrorKind::PermissionDenied, false, "the bot lacks a right")
        }
        403 => ErrorClass::new(
            ErrorKind::InvalidRecipient,
            false,
            "the bot cannot message this chat (blocked, kicked or never started)",
        ),
        409 => ErrorClass::new(
            ErrorKind::Rejected,
            false,
            "conflict with another getUpdates session or an active webhook",
        ),
        429 => ErrorClass::new(ErrorKind::RateLimited, true, "flood control"),
        500..=599 => ErrorClass::new(ErrorKind::PlatformUnavailable, true, "Telegram failed"),
        _ => ErrorClass::of_status(u16::try_from(code).unwrap_or(400)),
    }
}

/// The error for a non-success answer: Telegram's own body when it is one,
/// else the HTTP status (a proxy's page, an empty 502).
pub(crate) fn refused(
    channel: &str,
    status: u16,
    header_retry_after: Option<Duration>,
    body: &[u8],
) -> Error {
    let refused = match serde_json::from_slice::<Refused>(body) {
        Ok(r) if serde_json::from_slice::<Envelope>(body).is_ok_and(|e| !e.ok) => r,
        _ => return unparsed_error(channel, "Telegram", status, header_retry_after, body),
    };
    let description = refused.description.unwrap_or_default();
    let class = classify(refused.error_code, &description);
    let parameters = refused.parameters.unwrap_or_default();
    let retry_after = parameters
        .retry_after
        .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER))
        .or(header_retry_after);
    let mut platform = PlatformError::new(Some(status), refused.error_code);
    platform.message = (!description.is_empty()).then_some(description);
    platform.details = parameters
        .migrate_to_chat_id
        .map(|id| format!("the group is now the supergroup {id}; send to that chat id"));
    class.error(channel, retry_after, platform)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(status: u16, body: &str) -> Error {
        refused("tg", status, None, body.as_bytes())
    }

    #[test]
    fn flood_control_is_temporary_with_the_documented_wait() {
        let e = error(
            429,
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#,
        );
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert!(e.is_temporary());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(e.code(), Some(429));
    }

    #[test]
    fn an_absurd_wait_is_capped() {
        let e = error(
            429,
            r#"{"ok":false,"error_code":429,"description":"x","parameters":{"retry_after":18446744073709551615}}"#,
        );
        assert_eq!(e.retry_after(), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn bad_requests_are_permanent_and_name_the_reason() {
        let e = error(
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag \"x\""}"#,
        );
        assert_eq!(e.kind(), ErrorKind::InvalidMessage);
        assert!(!e.is_temporary());
        assert!(e.to_string().contains("can't parse entities"), "{e}");
    }

    #[test]
    fn an_unknown_chat_is_an_invalid_recipient() {
        let e = error(
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::InvalidRecipient);
    }

    #[test]
    fn a_migrated_group_names_the_new_chat() {
        let e = error(
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}}"#,
        );
        assert_eq!(e.kind(), ErrorKind::InvalidRecipient);
        assert!(e.to_string().contains("-1001234567890"), "{e}");
    }

    #[test]
    fn blocked_and_kicked_are_permanent_and_about_the_recipient() {
        for description in [
            "Forbidden: bot was blocked by the user",
            "Forbidden: bot was kicked from the group chat",
            "Forbidden: user is deactivated",
            "Forbidden: bot can't initiate conversation with a user",
        ] {
            let body = format!(r#"{{"ok":false,"error_code":403,"description":"{description}"}}"#);
            let e = error(403, &body);
            assert_eq!(e.kind(), ErrorKind::InvalidRecipient, "{description}");
            assert!(!e.is_temporary());
        }
    }

    #[test]
    fn missing_rights_are_a_permission_problem() {
        let e = error(
            403,
            r#"{"ok":false,"error_code":403,"description":"Forbidden: not enough rights to send text messages to the chat"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    }

    #[test]
    fn unauthorized_and_not_found_mean_a_bad_token() {
        for (status, description) in [(401, "Unauthorized"), (404, "Not Found")] {
            let body =
                format!(r#"{{"ok":false,"error_code":{status},"description":"{description}"}}"#);
            let e = error(status, &body);
            assert_eq!(e.kind(), ErrorKind::Unauthorized, "{status}");
            assert!(!e.is_temporary());
        }
    }

    #[test]
    fn a_webhook_conflict_is_refused_permanently() {
        let e = error(
            409,
            r#"{"ok":false,"error_code":409,"description":"Conflict: can't use getUpdates method while webhook is active"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::Rejected);
        assert!(!e.is_temporary());
    }

    #[test]
    fn server_errors_are_temporary() {
        let e = error(
            502,
            r#"{"ok":false,"error_code":502,"description":"Bad Gateway"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::PlatformUnavailable);
        assert!(e.is_temporary());
        let proxy = error(503, "<html>busy</html>");
        assert_eq!(proxy.kind(), ErrorKind::PlatformUnavailable);
        assert!(proxy.is_temporary());
    }

    #[test]
    fn a_success_shaped_body_on_an_error_status_is_unexpected() {
        let e = error(400, r#"{"ok":true,"result":true}"#);
        assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
    }
}
