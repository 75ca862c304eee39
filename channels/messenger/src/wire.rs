//! The Send API's JSON, private to this crate (api-contract §3).

use serde::{Deserialize, Serialize};
use switchboard::{
    AcceptanceStatus, Content, Error, ErrorKind, Message, Notification, Receipt, RecipientKind,
};

#[derive(Serialize)]
struct Outgoing<'a> {
    recipient: RecipientObject<'a>,
    messaging_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    notification_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<ReplyTo<'a>>,
    message: MessageObject<'a>,
}

/// Exactly one of the recipient keys is set.
#[derive(Serialize)]
struct RecipientObject<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_ref: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number: Option<&'a str>,
}

#[derive(Serialize)]
struct ReplyTo<'a> {
    mid: &'a str,
}

#[derive(Serialize)]
struct MessageObject<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a str>,
}

/// The body field that carries a recipient of `kind`.
pub(crate) fn recipient_field(kind: RecipientKind) -> &'static str {
    match kind {
        RecipientKind::UserRef => "recipient.user_ref",
        RecipientKind::CommentId => "recipient.comment_id",
        RecipientKind::PostId => "recipient.post_id",
        RecipientKind::PhoneNumber => "recipient.phone_number",
        _ => "recipient.id",
    }
}

fn recipient(message: &Message) -> RecipientObject<'_> {
    let id = Some(message.to.id.as_str());
    let mut r = RecipientObject {
        id: None,
        user_ref: None,
        comment_id: None,
        post_id: None,
        phone_number: None,
    };
    match message.to.kind {
        RecipientKind::UserRef => r.user_ref = id,
        RecipientKind::CommentId => r.comment_id = id,
        RecipientKind::PostId => r.post_id = id,
        RecipientKind::PhoneNumber => r.phone_number = id,
        _ => r.id = id,
    }
    r
}

/// Serializes a validated message.
pub(crate) fn serialize(message: &Message) -> Result<Vec<u8>, String> {
    let text = match &message.content {
        Content::Text(t) => t.body.as_str(),
        other => return Err(format!("{} content cannot be serialized", other.kind())),
    };
    let out = Outgoing {
        recipient: recipient(message),
        messaging_type: "RESPONSE",
        notification_type: message.options.notification.map(|n| match n {
            Notification::Silent => "SILENT_PUSH",
            Notification::None => "NO_PUSH",
            _ => "REGULAR",
        }),
        reply_to: message
            .options
            .reply_to
            .as_deref()
            .map(|mid| ReplyTo { mid }),
        message: MessageObject {
            text: Some(text),
            metadata: message.options.callback_data.as_deref(),
        },
    };
    serde_json::to_vec(&out).map_err(|e| e.to_string())
}

/// `{"recipient_id": "...", "message_id": "m_..."}`; `recipient_id` is absent
/// for `user_ref` and `phone_number` recipients (Send API reference, "Limitations").
#[derive(Deserialize)]
struct SendResponse {
    #[serde(default)]
    recipient_id: Option<String>,
    #[serde(default)]
    message_id: Option<String>,
}

/// Turns a 2xx body into a receipt.
pub(crate) fn parse_receipt(channel: &str, body: &[u8]) -> Result<Receipt, Error> {
    let unexpected = |what: String| {
        Error::new(ErrorKind::UnexpectedResponse, what)
            .with_channel(channel)
            .with_temporary(false)
    };
    let parsed: SendResponse = serde_json::from_slice(body).map_err(|e| {
        unexpected(format!(
            "the success response does not parse ({e}): {}",
            switchboard::http::snippet(body)
        ))
    })?;
    let message_id = match parsed.message_id {
        Some(id) if !id.is_empty() => id,
        _ => {
            return Err(unexpected(format!(
                "the success response has no message_id: {}",
                switchboard::http::snippet(body)
            )))
        }
    };
    Ok(Receipt {
        channel: channel.to_string(),
        message_id,
        recipient_id: parsed.recipient_id.filter(|r| !r.is_empty()),
        status: AcceptanceStatus::Accepted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard::Recipient;

    #[test]
    fn text_body_matches_the_reference_shape() {
        let m = Message::text(Recipient::user_id("<PSID>"), "Hello, world!");
        let v: serde_json::Value = serde_json::from_slice(&serialize(&m).unwrap()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"recipient": {"id": "<PSID>"}, "messaging_type": "RESPONSE",
                "message": {"text": "Hello, world!"}})
        );
    }

    #[test]
    fn each_recipient_kind_uses_its_own_key() {
        for (r, key) in [
            (Recipient::user_ref("u"), "user_ref"),
            (Recipient::comment_id("c"), "comment_id"),
            (Recipient::post_id("p"), "post_id"),
            (Recipient::phone_number("+1555"), "phone_number"),
        ] {
            let v: serde_json::Value =
                serde_json::from_slice(&serialize(&Message::text(r, "x")).unwrap()).unwrap();
            let obj = v["recipient"].as_object().unwrap();
            assert_eq!(obj.len(), 1);
            assert!(obj.contains_key(key), "{v}");
        }
    }

    #[test]
    fn receipt_without_recipient_id() {
        let r = parse_receipt("fb", br#"{"message_id":"m_1"}"#).unwrap();
        assert_eq!(r.recipient_id, None);
        let r = parse_receipt("fb", br#"{"recipient_id":"123","message_id":"m_1"}"#).unwrap();
        assert_eq!(r.recipient_id.as_deref(), Some("123"));
    }

    #[test]
    fn malformed_success_bodies_are_clear_errors() {
        for body in [
            &b""[..],
            b"[]",
            b"{}",
            br#"{"message_id":""}"#,
            br#"{"message_id":1}"#,
            b"\xff",
        ] {
            let e = parse_receipt("fb", body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
    }
}
