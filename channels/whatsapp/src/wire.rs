//! The platform's JSON, private to this crate: typed request bodies (no JSON
//! tree on the send path) and the success response.

use serde::{Deserialize, Serialize};
use switchboard::{Content, Error, ErrorKind, Message, Receipt, RecipientKind};

use crate::Dialect;

/// `POST …/messages` body, both dialects (api-contract §1, §2).
#[derive(Serialize)]
struct Outgoing<'a> {
    /// Cloud only: always `"whatsapp"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    messaging_product: Option<&'static str>,
    recipient_type: &'static str,
    to: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    /// On-Premises only: `preview_url` sits at the top level.
    #[serde(skip_serializing_if = "Option::is_none")]
    preview_url: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<Context<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    biz_opaque_callback_data: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<TextObject<'a>>,
}

#[derive(Serialize)]
struct Context<'a> {
    message_id: &'a str,
}

#[derive(Serialize)]
struct TextObject<'a> {
    body: &'a str,
    /// Cloud only: inside the text object.
    #[serde(skip_serializing_if = "Option::is_none")]
    preview_url: Option<bool>,
}

/// Serializes a validated message.
pub(crate) fn serialize(dialect: Dialect, message: &Message) -> Result<Vec<u8>, String> {
    let cloud = dialect == Dialect::Cloud;
    let mut out = Outgoing {
        messaging_product: cloud.then_some("whatsapp"),
        recipient_type: if message.to.kind == RecipientKind::Group {
            "group"
        } else {
            "individual"
        },
        to: &message.to.id,
        kind: "",
        preview_url: None,
        context: message
            .options
            .reply_to
            .as_deref()
            .map(|message_id| Context { message_id }),
        biz_opaque_callback_data: if cloud {
            message.options.callback_data.as_deref()
        } else {
            None
        },
        text: None,
    };
    match &message.content {
        Content::Text(t) => {
            out.kind = "text";
            if cloud {
                out.text = Some(TextObject {
                    body: &t.body,
                    preview_url: t.preview_url,
                });
            } else {
                out.preview_url = t.preview_url;
                out.text = Some(TextObject {
                    body: &t.body,
                    preview_url: None,
                });
            }
        }
        other => return Err(format!("{} content cannot be serialized", other.kind())),
    }
    serde_json::to_vec(&out).map_err(|e| e.to_string())
}

/// The success response (api-contract §1.2; On-Premises has only `messages`).
#[derive(Deserialize)]
struct SendResponse {
    #[serde(default)]
    contacts: Vec<ContactOut>,
    #[serde(default)]
    messages: Vec<MessageOut>,
}

#[derive(Deserialize)]
struct ContactOut {
    #[serde(default)]
    wa_id: Option<String>,
}

#[derive(Deserialize)]
struct MessageOut {
    id: String,
    #[serde(default)]
    message_status: Option<String>,
}

/// Turns a 2xx body into a receipt.
pub(crate) fn parse_receipt(channel: &str, body: &[u8]) -> Result<Receipt, Error> {
    let unexpected = |what: String| {
        // The platform answered 2xx: the message may well have been accepted,
        // so this is never classified as temporary (a retry could duplicate it).
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
    let Some(first) = parsed.messages.into_iter().next() else {
        return Err(unexpected(format!(
            "the success response has no messages[].id: {}",
            switchboard::http::snippet(body)
        )));
    };
    if first.id.is_empty() {
        return Err(unexpected(
            "the success response has an empty message id".into(),
        ));
    }
    Ok(Receipt {
        channel: channel.to_string(),
        message_id: first.id,
        recipient_id: parsed.contacts.into_iter().find_map(|c| c.wa_id),
        status: crate::acceptance(first.message_status.as_deref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard::AcceptanceStatus;

    #[test]
    fn receipt_from_cloud_response() {
        let body = br#"{"contacts":[{"input":"+16505551234","wa_id":"16505551234"}],
            "messages":[{"id":"wamid.HBg","message_status":"held_for_quality_assessment"}],
            "messaging_product":"whatsapp"}"#;
        let r = parse_receipt("wa", body).unwrap();
        assert_eq!(r.message_id, "wamid.HBg");
        assert_eq!(r.recipient_id.as_deref(), Some("16505551234"));
        assert_eq!(r.status, AcceptanceStatus::HeldForQualityAssessment);
    }

    #[test]
    fn receipt_from_on_premises_response() {
        let r = parse_receipt(
            "wa",
            br#"{"messages":[{"id":"gBEGkYiEB1VXAglK1ZEqA1YKPrU"}]}"#,
        )
        .unwrap();
        assert_eq!(r.message_id, "gBEGkYiEB1VXAglK1ZEqA1YKPrU");
        assert_eq!(r.recipient_id, None);
        assert_eq!(r.status, AcceptanceStatus::Accepted);
    }

    #[test]
    fn malformed_success_bodies_are_clear_errors() {
        for body in [
            &b""[..],
            b"not json",
            b"{}",
            b"[]",
            br#"{"messages":[]}"#,
            br#"{"messages":[{"id":""}]}"#,
            br#"{"messages":[{"id":5}]}"#,
            br#"{"messages":"x"}"#,
        ] {
            let e = parse_receipt("wa", body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse, "{e}");
            assert!(!e.is_temporary());
        }
    }
}
