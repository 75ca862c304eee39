//! What core enforces for every channel, first- or third-party, before the
//! channel's own rules run: the content and recipient kinds its capabilities
//! declare, channel-specific content addressed to it, and its text length.

use crate::channel::ChannelInfo;
use crate::error::{Error, Problem, Violations};
use crate::message::content::Content;
use crate::message::Message;

/// Checks `message` against the capabilities of the channel described by
/// `info`: an unsupported content or recipient kind, or content of another
/// platform, is an [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported)
/// error; a text body over [`Capabilities::max_text_chars`](crate::Capabilities::max_text_chars)
/// (or an empty one) is a violation of `text.body` added to `violations`.
///
/// [`Channel::validate`](crate::Channel::validate) calls it before the
/// channel's own rules; channel authors need not.
///
/// ```
/// use switchboard::plugin::check_capabilities;
/// use switchboard::{Capabilities, ChannelInfo, ContentKind, Message, Recipient, RecipientKind};
/// use switchboard::plugin::Violations;
///
/// let info = ChannelInfo::new("sms", "sms-gateway", "+15550001111")
///     .capabilities(Capabilities::new()
///         .content_kinds([ContentKind::Text])
///         .recipient_kinds([RecipientKind::PhoneNumber])
///         .max_text_chars(160));
/// let mut v = Violations::new();
/// let ok = Message::text(Recipient::phone_number("+16505551234"), "hi");
/// assert!(check_capabilities(&info, &ok, &mut v).is_ok() && v.is_empty());
/// let psid = Message::text(Recipient::user_id("42"), "hi");
/// assert!(check_capabilities(&info, &psid, &mut v).is_err());
/// ```
pub fn check_capabilities(
    info: &ChannelInfo,
    message: &Message,
    violations: &mut Violations,
) -> Result<(), Error> {
    check_capabilities_measured(info, message, violations, &|text| text.chars().count())
}

/// [`check_capabilities`], with text lengths measured by `text_length` (for
/// platforms that count a text after parsing its markup; see
/// [`crate::Channel::text_length`]).
pub fn check_capabilities_measured(
    info: &ChannelInfo,
    message: &Message,
    violations: &mut Violations,
    text_length: &dyn Fn(&str) -> usize,
) -> Result<(), Error> {
    let caps = &info.capabilities;
    let kind = message.content.kind();
    if !caps.supports_content(kind) {
        return Err(Error::unsupported(
            &info.name,
            format!("{kind} content ({} cannot express it)", info.platform),
        ));
    }
    if !caps.supports_recipient(message.to.kind) {
        return Err(Error::unsupported(
            &info.name,
            format!("{} recipients", message.to.kind),
        ));
    }
    if message.to.kind == crate::RecipientKind::PhoneNumber {
        check_phone_number(&message.to.id, violations);
    } else {
        check_recipient_id(&message.to.id, violations);
    }
    check_ceilings(message, violations);
    match &message.content {
        Content::Channel(content) if content.channel() != info.platform => Err(Error::unsupported(
            &info.name,
            format!(
                "{} content of the {} platform on a {} channel",
                content.describe(),
                content.channel(),
                info.platform
            ),
        )),
        Content::Text(text) => {
            let present = violations.required(|| "text.body".into(), &text.body);
            if let Some(limit) = caps.max_text_chars.filter(|_| present) {
                violations.max_measured(|| "text.body".into(), &text.body, limit, text_length);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The longest recipient id (user id, user ref, chat id…) sent. No platform
/// documents one; this is this library's own ceiling, far above the ids they
/// issue (page-scoped ids are about 16 digits), so that a runaway value is
/// refused naming `to` instead of being uploaded and refused by the server.
pub const MAX_RECIPIENT_ID_CHARS: usize = 1024;

/// The longest URL sent for a media file, when the platform documents no
/// limit: this library's own ceiling, the request-line size most HTTP
/// servers accept (8 KiB), so that a runaway value is refused naming its
/// field instead of uploaded and refused without one.
pub const MAX_URL_CHARS: usize = 8192;

/// The longest value of a neutral field no platform documents a limit for
/// (a file name, a place's name or address, a callback string): this
/// library's own ceiling, far above any real value.
pub const MAX_UNDOCUMENTED_CHARS: usize = 4096;

/// Ceilings on the neutral fields no platform bounds: ids at
/// [`MAX_RECIPIENT_ID_CHARS`], URLs at [`MAX_URL_CHARS`], other texts at
/// [`MAX_UNDOCUMENTED_CHARS`]. Channels check the documented limits (which
/// are lower) in their own rules.
fn check_ceilings(message: &Message, v: &mut Violations) {
    let o = &message.options;
    let ids = [
        ("reply_to", o.reply_to.as_deref()),
        ("idempotency_key", o.idempotency_key.as_deref()),
    ];
    for (field, value) in ids {
        if let Some(value) = value {
            v.max_chars(|| field.into(), value, MAX_RECIPIENT_ID_CHARS);
        }
    }
    if let Some(data) = &o.callback_data {
        v.max_chars(|| "callback_data".into(), data, MAX_UNDOCUMENTED_CHARS);
    }
    match &message.content {
        Content::Media(m) => {
            let field = m.kind.as_str();
            match &m.source {
                crate::MediaSource::Url(url) => {
                    v.max_chars(|| format!("{field}.link"), url, MAX_URL_CHARS)
                }
                crate::MediaSource::Id(id) => {
                    v.max_chars(|| format!("{field}.id"), id, MAX_RECIPIENT_ID_CHARS)
                }
            }
            if let Some(name) = &m.filename {
                v.max_chars(|| format!("{field}.filename"), name, MAX_UNDOCUMENTED_CHARS);
            }
        }
        Content::Location(l) => {
            check_coordinates(l, v);
            for (field, value) in [("location.name", &l.name), ("location.address", &l.address)] {
                if let Some(value) = value {
                    v.max_chars(|| field.into(), value, MAX_UNDOCUMENTED_CHARS);
                }
            }
        }
        Content::Reaction(r) => v.max_chars(
            || "reaction.message_id".into(),
            &r.message_id,
            MAX_RECIPIENT_ID_CHARS,
        ),
        Content::SenderAction(a) => {
            if let Some(id) = &a.message_id {
                v.max_chars(
                    || "sender_action.message_id".into(),
                    id,
                    MAX_RECIPIENT_ID_CHARS,
                );
            }
        }
        _ => {}
    }
}

/// Latitude in -90..=90 and longitude in -180..=180 degrees, finite: a pin
/// on Earth, whatever the platform.
fn check_coordinates(l: &crate::Location, v: &mut Violations) {
    if !(l.latitude.is_finite() && (-90.0..=90.0).contains(&l.latitude)) {
        let reason = format!("{} is not a latitude in -90..=90", l.latitude);
        v.push("location.latitude", Problem::Invalid { reason });
    }
    if !(l.longitude.is_finite() && (-180.0..=180.0).contains(&l.longitude)) {
        let reason = format!("{} is not a longitude in -180..=180", l.longitude);
        v.push("location.longitude", Problem::Invalid { reason });
    }
}

/// A recipient id that is not a phone number: at most
/// [`MAX_RECIPIENT_ID_CHARS`], no control characters. (It may be empty:
/// WhatsApp marks a message read by its id alone; channels that need an id
/// say so in their rules.)
fn check_recipient_id(id: &str, violations: &mut Violations) {
    violations.max_chars(|| "to".into(), id, MAX_RECIPIENT_ID_CHARS);
    if id.chars().any(char::is_control) {
        let reason = "a recipient id has no control characters".to_string();
        violations.push("to", crate::error::Problem::Invalid { reason });
    }
}

/// At most 15 digits in an international phone number (ITU-T E.164, §6).
pub const MAX_PHONE_DIGITS: usize = 15;

/// A phone number: an optional leading `+`, then ASCII digits, with the
/// spaces, dashes and parentheses people write between them (api-contract
/// §1, WhatsApp `to`), 1 to [`MAX_PHONE_DIGITS`] digits. Anything else is a
/// violation of `to`.
fn check_phone_number(number: &str, violations: &mut Violations) {
    let body = number
        .trim_start()
        .strip_prefix('+')
        .unwrap_or(number.trim_start());
    let mut digits = 0;
    let mut stray = None;
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            ' ' | '-' | '(' | ')' => {}
            other => {
                stray = Some(other);
                break;
            }
        }
    }
    let reason = match stray {
        Some(c) => Some(format!(
            "{:?} is not a phone number: only an optional leading +, digits, spaces, dashes and parentheses (found {})",
            crate::plugin::foreign_text(number),
            c.escape_default()
        )),
        None if digits == 0 => Some("a phone number needs digits".to_string()),
        None if digits > MAX_PHONE_DIGITS => Some(format!(
            "a phone number has at most {MAX_PHONE_DIGITS} digits (E.164), this one has {digits}"
        )),
        None => None,
    };
    if let Some(reason) = reason {
        violations.push("to", crate::error::Problem::Invalid { reason });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_ids_are_bounded() {
        let problems = |id: &str| {
            let mut v = Violations::new();
            check_recipient_id(id, &mut v);
            v.as_slice()
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
        };
        assert!(problems(&"7".repeat(MAX_RECIPIENT_ID_CHARS)).is_empty());
        let over = problems(&"7".repeat(MAX_RECIPIENT_ID_CHARS + 1));
        assert_eq!(over.len(), 1);
        assert!(
            over[0].contains("to") && over[0].contains("1024") && over[0].contains("1025"),
            "{over:?}"
        );
        assert!(problems("").is_empty());
        assert_eq!(problems("12\r\n34").len(), 1);
        assert_eq!(problems("ab\0").len(), 1);
    }

    fn ceiling_violations(message: &Message) -> Vec<(String, Problem)> {
        let mut v = Violations::new();
        check_ceilings(message, &mut v);
        v.as_slice()
            .iter()
            .map(|v| (v.field.clone(), v.problem.clone()))
            .collect()
    }

    #[test]
    fn undocumented_fields_have_ceilings_at_the_boundary() {
        use crate::message::content::{Location, Media, Reaction};
        use crate::Recipient;
        let to = || Recipient::user_id("1");
        let too_long = |limit: usize| Problem::TooLong {
            limit,
            actual: limit + 1,
        };
        type Make = Box<dyn Fn(usize) -> Message>;
        let cases: Vec<(Make, &str, usize)> = vec![
            (
                Box::new(move |n| Message::text(to(), "hi").reply_to("1".repeat(n))),
                "reply_to",
                MAX_RECIPIENT_ID_CHARS,
            ),
            (
                Box::new(move |n| Message::text(to(), "hi").idempotency_key("k".repeat(n))),
                "idempotency_key",
                MAX_RECIPIENT_ID_CHARS,
            ),
            (
                Box::new(move |n| Message::text(to(), "hi").callback_data("c".repeat(n))),
                "callback_data",
                MAX_UNDOCUMENTED_CHARS,
            ),
            (
                Box::new(move |n| {
                    let url = format!("https://e.example/{}", "a".repeat(n - 18));
                    Message::new(to(), Media::image_url(url))
                }),
                "image.link",
                MAX_URL_CHARS,
            ),
            (
                Box::new(move |n| Message::new(to(), Media::document_id("9".repeat(n)))),
                "document.id",
                MAX_RECIPIENT_ID_CHARS,
            ),
            (
                Box::new(move |n| {
                    Message::new(to(), Media::document_id("9").filename("f".repeat(n)))
                }),
                "document.filename",
                MAX_UNDOCUMENTED_CHARS,
            ),
            (
                Box::new(move |n| {
                    Message::new(to(), Location::new(1.0, 2.0).address("a".repeat(n)))
                }),
                "location.address",
                MAX_UNDOCUMENTED_CHARS,
            ),
            (
                Box::new(move |n| Message::new(to(), Reaction::new("m".repeat(n), "👍"))),
                "reaction.message_id",
                MAX_RECIPIENT_ID_CHARS,
            ),
        ];
        for (make, field, limit) in cases {
            assert!(
                ceiling_violations(&make(limit)).is_empty(),
                "{field} at its ceiling"
            );
            assert_eq!(
                ceiling_violations(&make(limit + 1)),
                [(field.to_string(), too_long(limit))],
                "{field} one over"
            );
        }
    }

    fn problems(number: &str) -> usize {
        let mut v = Violations::new();
        check_phone_number(number, &mut v);
        v.as_slice().len()
    }

    #[test]
    fn phone_numbers_as_people_write_them_pass_and_garbage_does_not() {
        for ok in [
            "+16505551234",
            "16505551234",
            "+1 (650) 555-1234",
            "+123456789012345",
            "7",
        ] {
            assert_eq!(problems(ok), 0, "{ok}");
        }
        for bad in [
            "abc",
            "+",
            "",
            "++16505551234",
            "+1234567890123456",
            &"1".repeat(40),
            "+1650555\r\n1234",
            "+1650\u{0}5551234",
            "+١٦٥٠٥٥٥١٢٣٤",
            "not a number",
        ] {
            assert_eq!(problems(bad), 1, "{bad:?}");
        }
    }
}
