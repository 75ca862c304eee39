//! Every documented Send API limit, checked before any request.
//!
//! Sources: the Send API reference (../shared/spec/messenger-send-api.ar.txt)
//! and api-contract §3, §7.

use switchboard::plugin::{Problem, Violations};
use switchboard::{
    Content, Error, MediaKind, MediaSource, Message, RecipientKind, SenderActionKind,
};

use crate::model::{
    MessagingType, MessengerButton, MessengerContent, MessengerOptions, QuickReplyType,
};

/// Text: 2000 characters (Send API reference "2000 character limit"; api-contract §3).
pub const TEXT: usize = 2000;
/// Quick replies: ≤13 (api-contract §3).
pub const MAX_QUICK_REPLIES: usize = 13;
/// Quick reply title: ≤20 characters (api-contract §3).
pub const QUICK_REPLY_TITLE: usize = 20;
/// Quick reply and postback payload: ≤1000 characters (api-contract §3).
pub const PAYLOAD: usize = 1000;
/// `message.metadata`: ≤1000 characters (api-contract §3).
pub const METADATA: usize = 1000;
/// Button template text: ≤640 characters (api-contract §3).
pub const BUTTON_TEMPLATE_TEXT: usize = 640;
/// Buttons per button template and per generic element: 1–3 / ≤3 (api-contract §3).
pub const MAX_BUTTONS: usize = 3;
/// Button title: ≤20 characters (api-contract §3).
pub const BUTTON_TITLE: usize = 20;
/// Generic template elements: ≤10 (api-contract §3).
pub const MAX_ELEMENTS: usize = 10;
/// Generic element title and subtitle: ≤80 characters (api-contract §3).
pub const ELEMENT_TEXT: usize = 80;
/// Images in one message (`attachments[]`, images only): ≤30 (api-contract §3).
pub const MAX_IMAGES: usize = 30;

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

fn link(v: &mut Violations, field: impl FnOnce() -> String, url: &str) {
    v.http_url(field, url);
}

fn not_allowed(v: &mut Violations, field: &str, reason: &str) {
    v.push(
        field,
        Problem::NotAllowed {
            reason: reason.into(),
        },
    );
}

fn check_buttons(buttons: &[MessengerButton], field: &str, min: usize, v: &mut Violations) {
    v.count(|| field.into(), buttons.len(), min, MAX_BUTTONS);
    for (i, b) in buttons.iter().enumerate() {
        v.required_max_chars(|| format!("{field}[{i}].title"), b.title(), BUTTON_TITLE);
        match b {
            MessengerButton::WebUrl { url, .. } => link(v, || format!("{field}[{i}].url"), url),
            MessengerButton::Postback { payload, .. } => {
                v.required_max_chars(|| format!("{field}[{i}].payload"), payload, PAYLOAD)
            }
            MessengerButton::PhoneNumber { payload, .. } => {
                v.required(|| format!("{field}[{i}].payload"), payload);
            }
        }
    }
}

/// Checks a message; returns early with `Unsupported` for what Messenger cannot express.
pub(crate) fn check(channel: &str, message: &Message, v: &mut Violations) -> Result<(), Error> {
    let options = &*MessengerOptions::of(channel, message)?;
    v.required(|| recipient_field(message.to.kind).into(), &message.to.id);
    let action = matches!(
        message.content,
        Content::SenderAction(_) | Content::Reaction(_)
    );
    let mut neutral_quick_replies = 0;
    match &message.content {
        // Core checks the text against the capabilities (MAX_TEXT_CHARS).
        Content::Text(_) => {}
        Content::Media(m) => {
            match m.kind {
                MediaKind::Image | MediaKind::Audio | MediaKind::Video | MediaKind::Document => {}
                other => {
                    return Err(Error::unsupported(
                        channel,
                        format!("{} attachments", other.as_str()),
                    ))
                }
            }
            match &m.source {
                MediaSource::Url(url) => link(v, || "message.attachment.payload.url".into(), url),
                MediaSource::Id(id) => {
                    v.required(|| "message.attachment.payload.attachment_id".into(), id);
                    if options.reusable_attachment {
                        not_allowed(
                            v,
                            "message.attachment.payload.is_reusable",
                            "only an attachment sent by URL can be made reusable",
                        );
                    }
                }
                _ => v.push("message.attachment.payload", Problem::Required),
            }
            if m.caption.is_some() {
                not_allowed(
                    v,
                    "message.attachment.caption",
                    "Messenger attachments have no caption; send the text as its own message",
                );
            }
            if m.filename.is_some() {
                not_allowed(
                    v,
                    "message.attachment.filename",
                    "Messenger takes the file name from the URL",
                );
            }
        }
        Content::ReplyButtons(b) => {
            v.required_max_chars(|| "message.text".into(), &b.body, TEXT);
            if b.header.is_some() {
                not_allowed(v, "message.header", "Messenger messages have no header");
            }
            if b.footer.is_some() {
                not_allowed(v, "message.footer", "Messenger messages have no footer");
            }
            if b.buttons.is_empty() {
                v.push(
                    "message.quick_replies",
                    Problem::TooFew { min: 1, actual: 0 },
                );
            }
            for (i, button) in b.buttons.iter().enumerate() {
                v.required_max_chars(
                    || format!("message.quick_replies[{i}].title"),
                    &button.title,
                    QUICK_REPLY_TITLE,
                );
                v.required_max_chars(
                    || format!("message.quick_replies[{i}].payload"),
                    &button.id,
                    PAYLOAD,
                );
            }
            neutral_quick_replies = b.buttons.len();
        }
        Content::Reaction(r) => {
            v.required(|| "payload.message_id".into(), &r.message_id);
            // One emoji, or empty to remove the reaction (Send API reference, `react`).
            if !r.emoji.is_empty() && !switchboard::plugin::is_single_emoji(&r.emoji) {
                v.push(
                    "payload.reaction",
                    Problem::Invalid {
                        reason: "a reaction is one emoji (or empty to remove it)".into(),
                    },
                );
            }
        }
        Content::SenderAction(a) => {
            match a.action {
                SenderActionKind::TypingOn
                | SenderActionKind::TypingOff
                | SenderActionKind::MarkSeen => {}
                _ => return Err(Error::unsupported(channel, "this sender action")),
            }
            if a.message_id.is_some() {
                not_allowed(
                    v,
                    "sender_action",
                    "Messenger sender actions apply to the conversation, not to one message",
                );
            }
        }
        Content::Channel(c) => match &*c.decode::<MessengerContent>(channel)? {
            MessengerContent::ButtonTemplate(t) => {
                let f = "message.attachment.payload";
                v.required_max_chars(|| format!("{f}.text"), &t.text, BUTTON_TEMPLATE_TEXT);
                check_buttons(&t.buttons, &format!("{f}.buttons"), 1, v);
            }
            MessengerContent::GenericTemplate(t) => {
                let f = "message.attachment.payload.elements";
                v.count(|| f.into(), t.elements.len(), 1, MAX_ELEMENTS);
                for (i, e) in t.elements.iter().enumerate() {
                    v.required_max_chars(|| format!("{f}[{i}].title"), &e.title, ELEMENT_TEXT);
                    if let Some(s) = &e.subtitle {
                        v.max_chars(|| format!("{f}[{i}].subtitle"), s, ELEMENT_TEXT);
                    }
                    if let Some(u) = &e.image_url {
                        link(v, || format!("{f}[{i}].image_url"), u);
                    }
                    if let Some(d) = &e.default_action {
                        link(v, || format!("{f}[{i}].default_action.url"), &d.url);
                    }
                    check_buttons(&e.buttons, &format!("{f}[{i}].buttons"), 0, v);
                }
            }
            MessengerContent::MediaTemplate(t) => {
                let f = "message.attachment.payload.elements[0]";
                match (&t.attachment_id, &t.url) {
                    (Some(id), None) => {
                        v.required(|| format!("{f}.attachment_id"), id);
                    }
                    (None, Some(url)) => link(v, || format!("{f}.url"), url),
                    _ => v.push(
                        f,
                        Problem::Invalid {
                            reason: "exactly one of attachment_id and url is required".into(),
                        },
                    ),
                }
                check_buttons(&t.buttons, &format!("{f}.buttons"), 0, v);
            }
            MessengerContent::Images(i) => {
                v.count(|| "message.attachments".into(), i.urls.len(), 1, MAX_IMAGES);
                for (n, url) in i.urls.iter().enumerate() {
                    link(v, || format!("message.attachments[{n}].payload.url"), url);
                }
            }
        },
        other => {
            return Err(Error::unsupported(
                channel,
                format!("{} content", other.kind()),
            ))
        }
    }

    if action {
        // A sender action goes out alone with the recipient (Send API reference).
        let alone = "a sender action is sent alone with the recipient, as its own request";
        if !options.quick_replies.is_empty() {
            not_allowed(v, "message.quick_replies", alone);
        }
        if message.options.reply_to.is_some() {
            not_allowed(v, "reply_to", alone);
        }
        if message.options.callback_data.is_some() {
            not_allowed(v, "message.metadata", alone);
        }
        if message.options.notification.is_some() {
            not_allowed(v, "notification_type", alone);
        }
        if options.messaging_type != MessagingType::Response || options.tag.is_some() {
            not_allowed(v, "messaging_type", alone);
        }
        if options.persona_id.is_some() {
            not_allowed(v, "persona_id", alone);
        }
        return Ok(());
    }

    match (options.messaging_type, options.tag) {
        (MessagingType::MessageTag, None) => v.push("tag", Problem::Required),
        (MessagingType::MessageTag, Some(tag)) => {
            let rules = tag.rules();
            if let (Some(since), false) = (rules.retired_since, options.allow_retired_tag) {
                not_allowed(
                    v,
                    "tag",
                    &format!(
                        "{} is retired: the platform answers error 100 since {since}; \
                         opt in with send_retired_tag_anyway() to send it regardless",
                        rules.name
                    ),
                );
            }
        }
        (_, Some(_)) => not_allowed(v, "tag", "a tag needs messaging_type MESSAGE_TAG"),
        _ => {}
    }
    let total = options.quick_replies.len() + neutral_quick_replies;
    if total > MAX_QUICK_REPLIES {
        v.push(
            "message.quick_replies",
            Problem::TooMany {
                limit: MAX_QUICK_REPLIES,
                actual: total,
            },
        );
    }
    for (i, q) in options.quick_replies.iter().enumerate() {
        let n = i + neutral_quick_replies;
        if q.content_type == QuickReplyType::Text {
            v.required_max_chars(
                || format!("message.quick_replies[{n}].title"),
                q.title.as_deref().unwrap_or_default(),
                QUICK_REPLY_TITLE,
            );
            v.required_max_chars(
                || format!("message.quick_replies[{n}].payload"),
                q.payload.as_deref().unwrap_or_default(),
                PAYLOAD,
            );
        }
        if let Some(u) = &q.image_url {
            link(v, || format!("message.quick_replies[{n}].image_url"), u);
        }
    }
    if options.reusable_attachment
        && !matches!(&message.content, Content::Media(m) if matches!(m.source, MediaSource::Url(_)))
    {
        not_allowed(
            v,
            "message.attachment.payload.is_reusable",
            "only an attachment sent by URL can be made reusable",
        );
    }
    if let Some(mid) = &message.options.reply_to {
        v.required(|| "reply_to.mid".into(), mid);
    }
    if let Some(data) = &message.options.callback_data {
        v.max_chars(|| "message.metadata".into(), data, METADATA);
    }
    if let Some(p) = &options.persona_id {
        v.required(|| "persona_id".into(), p);
    }
    Ok(())
}
