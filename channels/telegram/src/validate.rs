//! Telegram's documented rules, checked without I/O. Each limit cites the
//! Bot API documentation (<https://core.telegram.org/bots/api>).

use switchboard::plugin::{is_single_emoji, Problem, Violations};
use switchboard::{
    ChoiceList, Contacts, Content, Error, Location, Media, MediaKind, MediaSource, Message,
    Notification, ReplyButtons, SenderAction, SenderActionKind,
};

use crate::format::visible_chars;
use crate::model::{ParseMode, TelegramContent, TelegramFile, TelegramOptions};
use crate::PLATFORM;

/// `sendMessage.text`: "1-4096 characters after entities parsing".
pub const MAX_TEXT_CHARS: usize = 4096;

/// `sendPhoto.caption` (and every other caption): "0-1024 characters after
/// entities parsing".
pub const MAX_CAPTION_CHARS: usize = 1024;

/// `InlineKeyboardButton.callback_data`: "1-64 bytes" (bytes, not characters).
pub const MAX_CALLBACK_DATA_BYTES: usize = 64;

/// `sendContact.vcard`: "0-2048 bytes".
pub const MAX_VCARD_BYTES: usize = 2048;

/// The parse mode of `message` (none when its options do not decode; the
/// rules report that).
pub(crate) fn parse_mode(message: &Message) -> Option<ParseMode> {
    message
        .extensions
        .get::<TelegramOptions>(PLATFORM)
        .ok()
        .flatten()
        .and_then(|o| o.parse_mode)
}

/// At most `limit` characters after entity parsing.
fn max_visible(
    field: impl FnOnce() -> String,
    text: &str,
    limit: usize,
    mode: Option<ParseMode>,
    v: &mut Violations,
) {
    v.max_measured(field, text, limit, |t| visible_chars(t, mode));
}

/// Every rule of `message` that Telegram documents.
pub(crate) fn check(channel: &str, message: &Message, v: &mut Violations) -> Result<(), Error> {
    check_chat_id(&message.to.id, v);
    check_options(message, v);
    message.extensions.get::<TelegramOptions>(channel)?;
    let mode = parse_mode(message);
    match &message.content {
        Content::Text(_) => {} // core checks 1..=4096 with `Channel::text_length`
        Content::Media(m) => check_media(m, mode, v),
        Content::Location(l) => check_location(l, v),
        Content::Contacts(c) => check_contacts(c, v),
        Content::Reaction(r) => {
            check_message_id("reaction.message_id", &r.message_id, v);
            if !r.emoji.is_empty() && !is_single_emoji(&r.emoji) {
                v.push(
                    "reaction.emoji",
                    Problem::Invalid {
                        reason: "a reaction is one emoji (or empty to remove it)".into(),
                    },
                );
            }
        }
        Content::ReplyButtons(b) => check_buttons(b, mode, v),
        Content::ChoiceList(l) => check_choices(l, mode, v),
        Content::SenderAction(a) => check_sender_action(channel, a, v)?,
        Content::Channel(c) => match &*c.decode::<TelegramContent>(channel)? {
            TelegramContent::Voice(f) => check_file("voice", f, mode, v),
            TelegramContent::Animation(f) => check_file("animation", f, mode, v),
            TelegramContent::ChatAction(_) => {}
        },
        other => {
            return Err(Error::unsupported(
                channel,
                format!("{} content", other.kind()),
            ))
        }
    }
    Ok(())
}

/// `chat_id`: "Integer or String … unique identifier for the target chat or
/// username of the target channel (in the format @channelusername)".
fn check_chat_id(id: &str, v: &mut Violations) {
    let digits = id.strip_prefix('-').unwrap_or(id);
    let numeric = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && id.parse::<i64>().is_ok_and(|n| n != 0);
    let username = id.strip_prefix('@').is_some_and(|name| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    });
    if !(numeric || username) {
        v.push(
            "to",
            Problem::Invalid {
                reason: "a Telegram chat id is an integer, or @username for a public chat".into(),
            },
        );
    }
}

/// Message ids are integers, unique within their chat.
fn check_message_id(field: &str, id: &str, v: &mut Violations) {
    if !id.parse::<i64>().is_ok_and(|n| n > 0) {
        v.push(
            field,
            Problem::Invalid {
                reason: format!("a Telegram message id is a positive integer, not {id:?}"),
            },
        );
    }
}

fn check_options(message: &Message, v: &mut Violations) {
    let options = &message.options;
    if let Some(reply_to) = &options.reply_to {
        check_message_id("reply_to", reply_to, v);
    }
    if options.notification == Some(Notification::None) {
        v.push(
            "options.notification",
            Problem::NotAllowed {
                reason: "Telegram delivers silently (disable_notification) but always notifies"
                    .into(),
            },
        );
    }
    if options.callback_data.is_some() {
        v.push(
            "options.callback_data",
            Problem::NotAllowed {
                reason: "Telegram sends no delivery statuses to echo it in".into(),
            },
        );
    }
}

fn check_source(field: &str, source: &MediaSource, v: &mut Violations) {
    match source {
        MediaSource::Url(url) => v.http_url(|| format!("{field}.url"), url),
        MediaSource::Id(id) => {
            v.required(|| format!("{field}.file_id"), id);
        }
        _ => v.push(
            field,
            Problem::Invalid {
                reason: "Telegram takes a file by URL or file_id".into(),
            },
        ),
    }
}

fn check_caption(field: &str, caption: Option<&str>, mode: Option<ParseMode>, v: &mut Violations) {
    if let Some(caption) = caption {
        max_visible(
            || format!("{field}.caption"),
            caption,
            MAX_CAPTION_CHARS,
            mode,
            v,
        );
    }
}

fn check_media(m: &Media, mode: Option<ParseMode>, v: &mut Violations) {
    let field = m.kind.as_str();
    check_source(field, &m.source, v);
    if m.kind == MediaKind::Sticker && m.caption.is_some() {
        v.push(
            "sticker.caption",
            Problem::NotAllowed {
                reason: "sendSticker has no caption".into(),
            },
        );
    } else {
        check_caption(field, m.caption.as_deref(), mode, v);
    }
    if m.filename.is_some() {
        v.push(
            format!("{field}.filename"),
            Problem::NotAllowed {
                reason: "Telegram names a file sent by URL or file_id itself".into(),
            },
        );
    }
}

fn check_file(field: &str, f: &TelegramFile, mode: Option<ParseMode>, v: &mut Violations) {
    check_source(field, &f.source, v);
    check_caption(field, f.caption.as_deref(), mode, v);
}

/// `sendLocation` takes a pin; `sendVenue` needs both `title` and `address`.
/// (Core checks the coordinates.)
fn check_location(l: &Location, v: &mut Violations) {
    match (&l.name, &l.address) {
        (Some(name), Some(address)) => {
            v.required(|| "location.name".into(), name);
            v.required(|| "location.address".into(), address);
        }
        (Some(_), None) => v.push("location.address", Problem::Required),
        (None, Some(_)) => v.push("location.name", Problem::Required),
        (None, None) => {}
    }
}

/// `sendContact`: one contact, with `phone_number` and `first_name`.
fn check_contacts(c: &Contacts, v: &mut Violations) {
    v.count(|| "contacts".into(), c.contacts.len(), 1, 1);
    let Some(contact) = c.contacts.first() else {
        return;
    };
    if contact.phones.is_empty() {
        v.push("contacts[0].phones", Problem::Required);
    } else {
        v.required(
            || "contacts[0].phones[0].phone".into(),
            &contact.phones[0].phone,
        );
    }
    let first = contact.name.first_name.as_deref();
    v.required(
        || "contacts[0].name".into(),
        first.unwrap_or(&contact.name.formatted_name),
    );
    let vcard = crate::wire::vcard(contact).len();
    if vcard > MAX_VCARD_BYTES {
        v.push(
            "contacts[0]",
            Problem::Invalid {
                reason: format!(
                    "its vCard is {vcard} bytes; Telegram takes at most {MAX_VCARD_BYTES}"
                ),
            },
        );
    }
}

fn check_callback_data(field: impl FnOnce() -> String, data: &str, v: &mut Violations) {
    if data.is_empty() {
        v.push(field(), Problem::Required);
    } else if data.len() > MAX_CALLBACK_DATA_BYTES {
        v.push(
            field(),
            Problem::TooLong {
                limit: MAX_CALLBACK_DATA_BYTES,
                actual: data.len(),
            },
        );
    }
}

fn no_header_or_footer(kind: &str, header: Option<&str>, footer: Option<&str>, v: &mut Violations) {
    for (part, value) in [("header", header), ("footer", footer)] {
        if value.is_some() {
            v.push(
                format!("{kind}.{part}"),
                Problem::NotAllowed {
                    reason: format!("a Telegram message has no {part}; put it in the body"),
                },
            );
        }
    }
}

/// Reply buttons are an inline keyboard, one button per row; the button id
/// is its `callback_data`.
fn check_buttons(b: &ReplyButtons, mode: Option<ParseMode>, v: &mut Violations) {
    if v.required(|| "reply_buttons.body".into(), &b.body) {
        max_visible(
            || "reply_buttons.body".into(),
            &b.body,
            MAX_TEXT_CHARS,
            mode,
            v,
        );
    }
    no_header_or_footer("reply_buttons", b.header.as_deref(), b.footer.as_deref(), v);
    if b.buttons.is_empty() {
        v.push("reply_buttons.buttons", Problem::Required);
    }
    for (i, button) in b.buttons.iter().enumerate() {
        v.required(
            || format!("reply_buttons.buttons[{i}].title"),
            &button.title,
        );
        check_callback_data(|| format!("reply_buttons.buttons[{i}].id"), &button.id, v);
    }
}

/// A choice list is an inline keyboard, one choice per row; Telegram shows
/// the choices directly, so the list's button label has no counterpart.
fn check_choices(l: &ChoiceList, mode: Option<ParseMode>, v: &mut Violations) {
    if v.required(|| "choice_list.body".into(), &l.body) {
        max_visible(
            || "choice_list.body".into(),
            &l.body,
            MAX_TEXT_CHARS,
            mode,
            v,
        );
    }
    no_header_or_footer("choice_list", l.header.as_deref(), l.footer.as_deref(), v);
    if l.sections.iter().all(|s| s.rows.is_empty()) {
        v.push("choice_list.sections", Problem::Required);
    }
    for (s, section) in l.sections.iter().enumerate() {
        if section.title.is_some() {
            v.push(
                format!("choice_list.sections[{s}].title"),
                Problem::NotAllowed {
                    reason: "Telegram's inline keyboards have no section titles".into(),
                },
            );
        }
        for (r, row) in section.rows.iter().enumerate() {
            let field = |part: &str| format!("choice_list.sections[{s}].rows[{r}].{part}");
            v.required(|| field("title"), &row.title);
            check_callback_data(|| field("id"), &row.id, v);
            if row.description.is_some() {
                v.push(
                    field("description"),
                    Problem::NotAllowed {
                        reason: "Telegram's inline keyboard buttons have no description".into(),
                    },
                );
            }
        }
    }
}

/// `sendChatAction` shows typing (and upload states); Telegram clears it by
/// itself, and bots cannot mark messages read.
fn check_sender_action(channel: &str, a: &SenderAction, v: &mut Violations) -> Result<(), Error> {
    match a.action {
        SenderActionKind::TypingOn => {
            if a.message_id.is_some() {
                v.push(
                    "sender_action.message_id",
                    Problem::NotAllowed {
                        reason: "a Telegram chat action is about the chat, not a message".into(),
                    },
                );
            }
            Ok(())
        }
        SenderActionKind::TypingOff => Err(Error::unsupported(
            channel,
            "sender_action typing_off (Telegram clears the typing status by itself)",
        )),
        _ => Err(Error::unsupported(
            channel,
            "sender_action mark_seen (Telegram bots cannot mark messages read)",
        )),
    }
}
