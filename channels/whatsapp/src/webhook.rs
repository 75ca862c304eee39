//! WhatsApp webhook payloads into typed [`Event`]s (api-contract §6): the
//! Cloud API's `whatsapp_business_account` changes and the On-Premises
//! `{contacts, messages}` / `{statuses}` bodies. Unknown types are kept as raw
//! JSON, never an error; every entry of a batch comes through.
//!
//! ```
//! let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages",
//!   "value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
//!   "messages":[{"from":"16505551234","id":"wamid.1","timestamp":"1749416383","type":"text","text":{"body":"Hi"}}]}}]}]}"#;
//! let events = switchboard_whatsapp::webhook::parse(body).unwrap();
//! assert_eq!(events.len(), 1);
//! ```

use std::time::Duration;

use serde_json::Value;
use switchboard::webhook::{
    fingerprint, seconds_to_ms, DeliveryStatus, Event, EventKind, InboundContent, InboundMedia,
    InboundMessage, StatusUpdate, WebhookError, WindowRule, CUSTOMER_SERVICE_WINDOW,
};
use switchboard::{Content, MediaKind, Message};
use switchboard_graph::webhook::{array, json_object, text, Envelope};

use crate::errors::classify_webhook_error;
use crate::model::WhatsAppContent;
use crate::PLATFORM;

/// Parses a WhatsApp webhook body (Cloud or On-Premises).
pub fn parse(body: &[u8]) -> Result<Vec<Event>, WebhookError> {
    let root = json_object(body)?;
    if root.get("object").is_some() {
        let envelope = Envelope::from_value(&root, "whatsapp_business_account")?;
        let mut events = Vec::new();
        for entry in &envelope.entries {
            for change in &entry.changes {
                if change.field != "messages" {
                    events.push(unknown(&entry.id, &change.raw));
                    continue;
                }
                let account = change
                    .value
                    .pointer("/metadata/phone_number_id")
                    .and_then(Value::as_str)
                    .unwrap_or(&entry.id);
                value_events(&change.value, account, &mut events);
            }
        }
        return Ok(events);
    }
    // On-Premises: no envelope, the value itself.
    if ["messages", "statuses", "errors"]
        .iter()
        .any(|k| root.get(k).is_some())
    {
        let mut events = Vec::new();
        value_events(&root, "on_premises", &mut events);
        return Ok(events);
    }
    Err(WebhookError::InvalidPayload(
        "neither a Cloud API envelope nor an On-Premises payload".into(),
    ))
}

fn unknown(account: &str, raw: &Value) -> Event {
    Event::new(
        PLATFORM,
        account,
        format!("wa:unknown:{}", fingerprint(raw)),
        EventKind::Unknown { raw: raw.clone() },
    )
}

/// The events of one `value` (Cloud) or one On-Premises body.
fn value_events(value: &Value, account: &str, out: &mut Vec<Event>) {
    let contacts = array(value, "contacts");
    for m in array(value, "messages") {
        let from = text(m, "from").unwrap_or_default();
        let sender_name = contacts
            .iter()
            .find(|c| c.get("wa_id").and_then(Value::as_str) == Some(from.as_str()))
            .or(contacts.first())
            .and_then(|c| c.pointer("/profile/name"))
            .and_then(Value::as_str)
            .map(String::from);
        let id = text(m, "id").unwrap_or_default();
        let event_id = if id.is_empty() {
            format!("wa:msg:{}", fingerprint(m))
        } else {
            format!("wa:msg:{id}")
        };
        let mut inbound = InboundMessage::new(id, from, content(m));
        inbound.sender_name = sender_name;
        inbound.reply_to = m
            .pointer("/context/id")
            .and_then(Value::as_str)
            .map(String::from);
        inbound.referral = m.get("referral").cloned();
        inbound.errors = array(m, "errors")
            .iter()
            .map(classify_webhook_error)
            .collect();
        out.push(
            Event::new(PLATFORM, account, event_id, EventKind::Message(inbound))
                .timestamp_ms(m.get("timestamp").and_then(seconds_to_ms)),
        );
    }
    for s in array(value, "statuses") {
        let message_id = text(s, "id").unwrap_or_default();
        let status_name = text(s, "status").unwrap_or_default();
        let status = match status_name.as_str() {
            "sent" => DeliveryStatus::Sent,
            "delivered" => DeliveryStatus::Delivered,
            "read" => DeliveryStatus::Read,
            "played" => DeliveryStatus::Played,
            "failed" => DeliveryStatus::Failed,
            other => DeliveryStatus::Other(other.to_string()),
        };
        let event_id = format!("wa:status:{message_id}:{status_name}");
        let mut update = StatusUpdate::new(message_id, status);
        update.recipient_id = text(s, "recipient_id");
        update.errors = array(s, "errors")
            .iter()
            .map(classify_webhook_error)
            .collect();
        update.callback_data = text(s, "biz_opaque_callback_data");
        out.push(
            Event::new(PLATFORM, account, event_id, EventKind::Status(update))
                .timestamp_ms(s.get("timestamp").and_then(seconds_to_ms)),
        );
    }
    let errors = array(value, "errors");
    if !errors.is_empty() && value.get("statuses").is_none() && value.get("messages").is_none() {
        out.push(Event::new(
            PLATFORM,
            account,
            format!("wa:errors:{}", fingerprint(value)),
            EventKind::Errors {
                errors: errors.iter().map(classify_webhook_error).collect(),
            },
        ));
    }
}

fn media(kind: MediaKind, v: &Value) -> InboundMedia {
    let mut media = InboundMedia::new(kind);
    media.id = text(v, "id");
    media.url = text(v, "url").or_else(|| text(v, "link"));
    media.mime_type = text(v, "mime_type");
    media.sha256 = text(v, "sha256");
    media.caption = text(v, "caption");
    media.filename = text(v, "filename");
    media.voice = v.get("voice").and_then(Value::as_bool).unwrap_or(false);
    media
}

fn number(v: &Value, key: &str) -> Option<f64> {
    match v.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn content(m: &Value) -> InboundContent {
    let kind = text(m, "type").unwrap_or_default();
    let payload = m.get(kind.as_str()).unwrap_or(&Value::Null);
    let other = || InboundContent::Other {
        kind: kind.clone(),
        raw: m.clone(),
    };
    match kind.as_str() {
        "text" => match text(payload, "body") {
            Some(body) => InboundContent::Text { body },
            None => other(),
        },
        "image" => InboundContent::Media(media(MediaKind::Image, payload)),
        "audio" | "voice" => {
            let mut a = media(MediaKind::Audio, payload);
            a.voice |= kind == "voice";
            InboundContent::Media(a)
        }
        "video" => InboundContent::Media(media(MediaKind::Video, payload)),
        "document" => InboundContent::Media(media(MediaKind::Document, payload)),
        "sticker" => InboundContent::Media(media(MediaKind::Sticker, payload)),
        "location" => match (number(payload, "latitude"), number(payload, "longitude")) {
            (Some(latitude), Some(longitude)) => InboundContent::Location {
                latitude,
                longitude,
                name: text(payload, "name"),
                address: text(payload, "address"),
            },
            _ => other(),
        },
        "contacts" => InboundContent::Contacts {
            contacts: payload.clone(),
        },
        "reaction" => match text(payload, "message_id") {
            Some(message_id) => InboundContent::Reaction {
                message_id,
                emoji: text(payload, "emoji").unwrap_or_default(),
            },
            None => other(),
        },
        "button" => InboundContent::Button {
            payload: text(payload, "payload").unwrap_or_default(),
            text: text(payload, "text").unwrap_or_default(),
        },
        "interactive" => interactive(payload).unwrap_or_else(other),
        "order" => InboundContent::Order {
            order: payload.clone(),
        },
        "system" => InboundContent::System {
            system: payload.clone(),
        },
        "unsupported" | "unknown" => InboundContent::Unsupported,
        _ => other(),
    }
}

fn interactive(v: &Value) -> Option<InboundContent> {
    let reply = |key: &str| v.get(key);
    match v.get("type").and_then(Value::as_str)? {
        "button_reply" => {
            let r = reply("button_reply")?;
            Some(InboundContent::ButtonReply {
                id: text(r, "id")?,
                title: text(r, "title").unwrap_or_default(),
            })
        }
        "list_reply" => {
            let r = reply("list_reply")?;
            Some(InboundContent::ListReply {
                id: text(r, "id")?,
                title: text(r, "title").unwrap_or_default(),
                description: text(r, "description"),
            })
        }
        "nfm_reply" => {
            let r = reply("nfm_reply")?;
            Some(InboundContent::FlowReply {
                name: text(r, "name"),
                body: text(r, "body"),
                response_json: text(r, "response_json")?,
            })
        }
        _ => None,
    }
}

/// WhatsApp's customer-service window: free-form messages within 24 hours of
/// the customer's last message; outside it, only templates (api-contract §7,
/// error 131047 / On-Premises 470).
#[derive(Debug, Default, Clone, Copy)]
pub struct Window;

impl WindowRule for Window {
    fn check(&self, message: &Message, since: Option<Duration>) -> Result<(), String> {
        if since.is_some_and(|d| d <= CUSTOMER_SERVICE_WINDOW) {
            return Ok(());
        }
        match &message.content {
            Content::Channel(c)
                if c.decode::<WhatsAppContent>(PLATFORM)
                    .is_ok_and(|content| content.is_template()) =>
            {
                Ok(())
            }
            // Read receipts and typing indicators answer a message received.
            Content::SenderAction(_) => Ok(()),
            _ => Err("send an approved message template instead".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_never_a_panic() {
        for body in [&b""[..], b"[]", b"null", b"{}", b"{\"object\":5}", b"\xff"] {
            assert!(parse(body).is_err());
        }
        let odd = br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"type":"interactive","interactive":{"type":"button_reply"}}],"statuses":[{}]}}]}, 5, null]}"#;
        let events = parse(odd).unwrap();
        assert_eq!(events.len(), 2);
    }
}
