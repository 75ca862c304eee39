//! The Send API's JSON, private to this crate (api-contract §3).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;
use switchboard::plugin::{decode_response, snippet, unexpected_response};
use switchboard::{
    Content, Error, ErrorKind, MediaKind, MediaSource, Message, Notification, Receipt,
    RecipientKind, SenderActionKind,
};

use crate::model::{
    MediaTemplate, MessengerButton, MessengerContent, MessengerOptions, QuickReply, Tag,
};

#[skip_serializing_none]
#[derive(Serialize)]
struct Outgoing<'a> {
    recipient: RecipientObject<'a>,
    messaging_type: Option<&'static str>,
    tag: Option<&'static str>,
    notification_type: Option<&'static str>,
    persona_id: Option<&'a str>,
    reply_to: Option<ReplyTo<'a>>,
    message: Option<MessageObject<'a>>,
    sender_action: Option<&'static str>,
    /// The `react` / `unreact` sender actions carry the message reacted to.
    payload: Option<ReactionPayload<'a>>,
}

/// Exactly one of the recipient keys is set.
#[skip_serializing_none]
#[derive(Serialize)]
struct RecipientObject<'a> {
    id: Option<&'a str>,
    user_ref: Option<&'a str>,
    comment_id: Option<&'a str>,
    post_id: Option<&'a str>,
    phone_number: Option<&'a str>,
}

#[derive(Serialize)]
struct ReplyTo<'a> {
    mid: &'a str,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct ReactionPayload<'a> {
    message_id: &'a str,
    reaction: Option<&'a str>,
}

#[skip_serializing_none]
#[derive(Serialize, Default)]
struct MessageObject<'a> {
    text: Option<&'a str>,
    attachment: Option<Attachment<'a>>,
    attachments: Option<Vec<Attachment<'a>>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    quick_replies: Vec<QuickReplyObject<'a>>,
    metadata: Option<&'a str>,
}

#[derive(Serialize)]
struct Attachment<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    payload: AttachmentPayload<'a>,
}

#[skip_serializing_none]
#[derive(Serialize)]
#[serde(untagged)]
enum AttachmentPayload<'a> {
    Media {
        url: Option<&'a str>,
        attachment_id: Option<&'a str>,
        is_reusable: Option<bool>,
    },
    Template(TemplatePayload<'a>),
}

#[skip_serializing_none]
#[derive(Serialize)]
struct TemplatePayload<'a> {
    template_type: &'static str,
    text: Option<&'a str>,
    buttons: Option<&'a [MessengerButton]>,
    elements: Option<Elements<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Elements<'a> {
    Generic(&'a [crate::model::Element]),
    Media([&'a MediaTemplate; 1]),
}

/// A quick reply: the Messenger builder's own, or one made from a neutral reply button.
#[derive(Serialize)]
#[serde(untagged)]
enum QuickReplyObject<'a> {
    Typed(&'a QuickReply),
    Button {
        content_type: &'static str,
        title: &'a str,
        payload: &'a str,
    },
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

fn attachment_type(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Audio => "audio",
        MediaKind::Video => "video",
        MediaKind::Document => "file",
        _ => "image",
    }
}

fn invalid(what: String) -> Error {
    Error::new(ErrorKind::InvalidMessage, what)
}

/// Serializes a validated message.
pub(crate) fn serialize(channel: &str, message: &Message) -> Result<Vec<u8>, Error> {
    let options = &*MessengerOptions::of(channel, message)?;
    let mut out = Outgoing {
        recipient: recipient(message),
        messaging_type: None,
        tag: None,
        notification_type: None,
        persona_id: None,
        reply_to: None,
        message: None,
        sender_action: None,
        payload: None,
    };
    // Sender actions: only the recipient and the action (Send API reference).
    match &message.content {
        Content::SenderAction(a) => {
            out.sender_action = Some(match a.action {
                SenderActionKind::TypingOn => "typing_on",
                SenderActionKind::TypingOff => "typing_off",
                _ => "mark_seen",
            });
            return serde_json::to_vec(&out).map_err(|e| invalid(e.to_string()));
        }
        Content::Reaction(r) => {
            let remove = r.emoji.is_empty();
            out.sender_action = Some(if remove { "unreact" } else { "react" });
            out.payload = Some(ReactionPayload {
                message_id: &r.message_id,
                reaction: (!remove).then_some(r.emoji.as_str()),
            });
            return serde_json::to_vec(&out).map_err(|e| invalid(e.to_string()));
        }
        _ => {}
    }
    out.messaging_type = Some(options.messaging_type.as_str());
    out.tag = options.tag.map(Tag::as_str);
    out.notification_type = message.options.notification.map(|n| match n {
        Notification::Silent => "SILENT_PUSH",
        Notification::None => "NO_PUSH",
        _ => "REGULAR",
    });
    out.persona_id = options.persona_id.as_deref();
    out.reply_to = message
        .options
        .reply_to
        .as_deref()
        .map(|mid| ReplyTo { mid });
    let mut m = MessageObject {
        metadata: message.options.callback_data.as_deref(),
        ..MessageObject::default()
    };
    let typed;
    match &message.content {
        Content::Text(t) => m.text = Some(&t.body),
        Content::Media(media) => {
            let (url, attachment_id) = match &media.source {
                MediaSource::Url(u) => (Some(u.as_str()), None),
                MediaSource::Id(id) => (None, Some(id.as_str())),
                _ => (None, None),
            };
            m.attachment = Some(Attachment {
                kind: attachment_type(media.kind),
                payload: AttachmentPayload::Media {
                    url,
                    attachment_id,
                    is_reusable: options.reusable_attachment.then_some(true),
                },
            });
        }
        Content::ReplyButtons(b) => {
            m.text = Some(&b.body);
            m.quick_replies = b
                .buttons
                .iter()
                .map(|b| QuickReplyObject::Button {
                    content_type: "text",
                    title: &b.title,
                    payload: &b.id,
                })
                .collect();
        }
        Content::Channel(c) => {
            typed = c.decode::<MessengerContent>(channel)?;
            let template = |payload| Attachment {
                kind: "template",
                payload: AttachmentPayload::Template(payload),
            };
            match &*typed {
                MessengerContent::ButtonTemplate(t) => {
                    m.attachment = Some(template(TemplatePayload {
                        template_type: "button",
                        text: Some(&t.text),
                        buttons: Some(&t.buttons),
                        elements: None,
                    }))
                }
                MessengerContent::GenericTemplate(t) => {
                    m.attachment = Some(template(TemplatePayload {
                        template_type: "generic",
                        text: None,
                        buttons: None,
                        elements: Some(Elements::Generic(&t.elements)),
                    }))
                }
                MessengerContent::MediaTemplate(t) => {
                    m.attachment = Some(template(TemplatePayload {
                        template_type: "media",
                        text: None,
                        buttons: None,
                        elements: Some(Elements::Media([t])),
                    }))
                }
                MessengerContent::Images(i) => {
                    m.attachments = Some(
                        i.urls
                            .iter()
                            .map(|u| Attachment {
                                kind: "image",
                                payload: AttachmentPayload::Media {
                                    url: Some(u),
                                    attachment_id: None,
                                    is_reusable: None,
                                },
                            })
                            .collect(),
                    )
                }
            }
            m.quick_replies
                .extend(options.quick_replies.iter().map(QuickReplyObject::Typed));
            out.message = Some(m);
            return serde_json::to_vec(&out).map_err(|e| invalid(e.to_string()));
        }
        other => {
            return Err(invalid(format!(
                "{} content cannot be serialized",
                other.kind()
            )))
        }
    }
    m.quick_replies
        .extend(options.quick_replies.iter().map(QuickReplyObject::Typed));
    out.message = Some(m);
    serde_json::to_vec(&out).map_err(|e| invalid(e.to_string()))
}

/// `{"recipient_id": "...", "message_id": "m_..."}`; `recipient_id` is absent
/// for `user_ref` and `phone_number` recipients (Send API reference,
/// "Limitations").
#[derive(Deserialize)]
struct SendResponse {
    #[serde(default)]
    recipient_id: Option<String>,
    #[serde(default)]
    message_id: Option<String>,
}

/// The platform's refusal carried by a 2xx body, if it is one.
fn refusal_in_success(channel: &str, body: &[u8]) -> Option<Error> {
    let errors = &crate::errors::ERRORS;
    errors
        .parses(body)
        .then(|| errors.error_from_response(channel, 200, None, body))
}

/// Turns the 2xx body of a sender action (`{"recipient_id": …}` only) into a
/// receipt; `message_id` is the message reacted to, or empty. A 2xx carrying
/// `error` is the platform's refusal.
pub(crate) fn parse_action_receipt(
    channel: &str,
    message_id: &str,
    body: &[u8],
) -> Result<Receipt, Error> {
    if let Some(refusal) = refusal_in_success(channel, body) {
        return Err(refusal);
    }
    let parsed: SendResponse = decode_response(channel, "sender action response", body)?;
    Ok(Receipt::new(channel, message_id).recipient_id(parsed.recipient_id))
}

/// Turns a 2xx body into a receipt.
pub(crate) fn parse_receipt(channel: &str, body: &[u8]) -> Result<Receipt, Error> {
    let parsed = serde_json::from_slice::<SendResponse>(body).ok();
    match parsed {
        Some(SendResponse {
            recipient_id,
            message_id: Some(id),
        }) if !id.is_empty() => Ok(Receipt::new(channel, id).recipient_id(recipient_id)),
        _ => Err(refusal_in_success(channel, body).unwrap_or_else(|| {
            match decode_response::<serde::de::IgnoredAny>(channel, "success response", body) {
                Err(e) => e,
                Ok(_) => unexpected_response(
                    channel,
                    format!("the success response has no message_id: {}", snippet(body)),
                ),
            }
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard::Recipient;

    #[test]
    fn text_body_matches_the_reference_shape() {
        let m = Message::text(Recipient::user_id("<PSID>"), "Hello, world!");
        let v: serde_json::Value = serde_json::from_slice(&serialize("fb", &m).unwrap()).unwrap();
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
                serde_json::from_slice(&serialize("fb", &Message::text(r, "x")).unwrap()).unwrap();
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

    #[test]
    fn a_200_carrying_an_error_is_the_platform_refusal() {
        let body = br#"{"error":{"message":"(#100) No matching user found","code":100,"error_subcode":2018001,"fbtrace_id":"T"}}"#;
        for e in [
            parse_action_receipt("fb", "", body).unwrap_err(),
            parse_receipt("fb", body).unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::InvalidRecipient);
            assert_eq!(e.code(), Some(100));
        }
    }
}
