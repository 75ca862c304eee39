//! Messenger webhook payloads (`object: "page"`) into typed [`Event`]s
//! (api-contract §6): messages, echoes, deliveries, reads, postbacks and
//! reactions. Unknown events are kept as raw JSON; every entry comes through.
//!
//! ```
//! let body = br#"{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"42"},
//!   "recipient":{"id":"1"},"timestamp":1458692752478,"message":{"mid":"m_1","text":"hello"}}]}]}"#;
//! let events = switchboard_messenger::webhook::parse(body).unwrap();
//! assert_eq!(events.len(), 1);
//! ```

use std::time::Duration;

use serde_json::Value;
use switchboard::webhook::{
    fingerprint, DeliveryWatermark, Event, EventKind, InboundContent, InboundMedia, InboundMessage,
    InboundReaction, Postback, ReadWatermark, WebhookError, WindowRule, CUSTOMER_SERVICE_WINDOW,
};
use switchboard::{MediaKind, Message};
use switchboard_graph::webhook::{array, id, text, Envelope};

use crate::model::{MessagingType, MessengerOptions, Tag};
use crate::PLATFORM;

/// Parses a Messenger webhook body.
pub fn parse(body: &[u8]) -> Result<Vec<Event>, WebhookError> {
    let envelope = Envelope::parse(body, "page")?;
    Ok(envelope
        .entries
        .iter()
        .flat_map(|entry| {
            entry
                .messaging
                .iter()
                .map(|m| messaging_event(&entry.id, m))
        })
        .collect())
}

fn attachment(a: &Value) -> InboundMedia {
    let kind = match a.get("type").and_then(Value::as_str) {
        Some("audio") => MediaKind::Audio,
        Some("video") => MediaKind::Video,
        Some("file") => MediaKind::Document,
        Some("sticker") => MediaKind::Sticker,
        _ => MediaKind::Image,
    };
    let mut media = InboundMedia::new(kind);
    media.url = a
        .pointer("/payload/url")
        .and_then(Value::as_str)
        .map(String::from);
    media
}

fn messaging_event(page: &str, m: &Value) -> Event {
    let sender = id(m.pointer("/sender/id")).unwrap_or_default();
    let timestamp_ms = m.get("timestamp").and_then(Value::as_u64);
    let event = |id: String, kind: EventKind| {
        Event::new(PLATFORM, page, id, kind).timestamp_ms(timestamp_ms)
    };
    if let Some(msg) = m.get("message") {
        let mid = text(msg, "mid").unwrap_or_default();
        let attachments = array(msg, "attachments");
        let content = match (text(msg, "text"), msg.pointer("/quick_reply/payload")) {
            (Some(t), Some(Value::String(payload))) => InboundContent::QuickReply {
                text: t,
                payload: payload.clone(),
            },
            (Some(body), _) => InboundContent::Text { body },
            (None, _) if attachments.len() == 1 => {
                InboundContent::Media(attachment(&attachments[0]))
            }
            (None, _) if !attachments.is_empty() => InboundContent::Attachments {
                items: attachments.iter().map(attachment).collect(),
            },
            _ => InboundContent::Other {
                kind: "message".into(),
                raw: msg.clone(),
            },
        };
        let echo = msg.get("is_echo").and_then(Value::as_bool).unwrap_or(false);
        let mut inbound = InboundMessage::new(mid.clone(), sender, content);
        inbound.reply_to = msg
            .pointer("/reply_to/mid")
            .and_then(Value::as_str)
            .map(String::from);
        inbound.referral = m.get("referral").cloned();
        let key = if mid.is_empty() { fingerprint(m) } else { mid };
        return if echo {
            event(format!("fb:echo:{key}"), EventKind::Echo(inbound))
        } else {
            event(format!("fb:msg:{key}"), EventKind::Message(inbound))
        };
    }
    if let Some(d) = m.get("delivery") {
        let watermark = d.get("watermark").and_then(Value::as_u64).unwrap_or(0);
        return event(
            format!("fb:delivery:{sender}:{watermark}"),
            EventKind::Delivery(DeliveryWatermark::new(
                sender,
                array(d, "mids")
                    .iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect(),
                watermark,
            )),
        );
    }
    if let Some(r) = m.get("read") {
        let watermark = r.get("watermark").and_then(Value::as_u64).unwrap_or(0);
        return event(
            format!("fb:read:{sender}:{watermark}"),
            EventKind::Read(ReadWatermark::new(sender, watermark)),
        );
    }
    if let Some(p) = m.get("postback") {
        return event(
            format!(
                "fb:postback:{}",
                text(p, "mid").unwrap_or_else(|| fingerprint(m))
            ),
            EventKind::Postback({
                let mut postback = Postback::new(sender);
                postback.title = text(p, "title");
                postback.payload = text(p, "payload");
                postback.mid = text(p, "mid");
                postback
            }),
        );
    }
    if let Some(r) = m.get("reaction") {
        return event(
            format!("fb:reaction:{}", fingerprint(m)),
            EventKind::Reaction(InboundReaction::new(
                sender,
                text(r, "mid").unwrap_or_default(),
                text(r, "action").unwrap_or_else(|| "react".into()),
                text(r, "emoji").or_else(|| text(r, "reaction")),
            )),
        );
    }
    event(
        format!("fb:unknown:{}", fingerprint(m)),
        EventKind::Unknown { raw: m.clone() },
    )
}

/// Messenger's windows (api-contract §7, Send API reference): anything within
/// 24 hours of the person's last message; outside it, a `HUMAN_AGENT` tag
/// within 7 days (where enabled) or another tag still in its window.
#[derive(Debug, Default, Clone, Copy)]
pub struct Window {
    human_agent: bool,
}

impl Window {
    /// Allows `HUMAN_AGENT`-tagged replies within 7 days (the page needs the
    /// Human Agent permission).
    pub const fn with_human_agent() -> Self {
        Window { human_agent: true }
    }
}

impl WindowRule for Window {
    fn check(&self, message: &Message, since: Option<Duration>) -> Result<(), String> {
        if since.is_some_and(|d| d <= CUSTOMER_SERVICE_WINDOW) {
            return Ok(());
        }
        let options = message
            .extensions
            .get::<MessengerOptions>(PLATFORM)
            .ok()
            .flatten()
            .map(|o| o.into_owned())
            .unwrap_or_default();
        let human =
            "a HUMAN_AGENT-tagged reply by a person within 7 days of the customer's message";
        match (options.messaging_type, options.tag) {
            (MessagingType::MessageTag, Some(tag)) if !tag.is_retired() => {
                let rules = tag.rules();
                let in_window = match (rules.window, since) {
                    (Some(w), Some(d)) => d <= w,
                    (Some(_), None) => false,
                    (None, _) => true,
                };
                if tag == Tag::HumanAgent && !self.human_agent {
                    Err(format!("{human} is allowed, but HUMAN_AGENT is not enabled for this channel"))
                } else if in_window {
                    Ok(())
                } else {
                    Err(format!("the {} tag's window is over too", rules.name))
                }
            }
            _ if self.human_agent => Err(format!("only {human} is allowed")),
            _ => Err("only message tags are allowed outside the window (enable HUMAN_AGENT for human replies within 7 days)".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_never_a_panic() {
        for body in [&b""[..], b"[]", b"{}", b"{\"object\":\"user\"}", b"\xff"] {
            assert!(parse(body).is_err());
        }
        let odd = br#"{"object":"page","entry":[{"messaging":[{}, 5, {"message":{}}, {"delivery":{"mids":[1]}}]}, null]}"#;
        assert_eq!(parse(odd).unwrap().len(), 4);
    }
}
