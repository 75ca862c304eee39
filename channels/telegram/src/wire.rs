//! The Bot API request of a validated message: which method, and its JSON
//! body. Private to this crate; the field names are the Bot API's.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use switchboard::contact::Contact;
use switchboard::{
    ChoiceList, Content, Error, ErrorKind, Location, MediaKind, MediaSource, Message, Notification,
    ReplyButtons,
};

use crate::model::{ParseMode, TelegramContent, TelegramFile, TelegramOptions};

/// One Bot API call.
pub(crate) struct Request {
    /// The method, e.g. `sendMessage`.
    pub(crate) method: &'static str,
    /// The JSON body.
    pub(crate) body: Vec<u8>,
}

/// `chat_id`: an integer, or `@username` as a string.
enum ChatId<'a> {
    Id(i64),
    Username(&'a str),
}

impl Serialize for ChatId<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ChatId::Id(id) => s.serialize_i64(*id),
            ChatId::Username(name) => s.serialize_str(name),
        }
    }
}

impl<'a> ChatId<'a> {
    fn of(id: &'a str) -> Self {
        id.parse().map_or(ChatId::Username(id), ChatId::Id)
    }
}

#[derive(Serialize)]
struct ReplyParameters {
    message_id: i64,
}

/// The parameters every send method shares.
#[derive(Serialize)]
struct Head<'a> {
    chat_id: ChatId<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_thread_id: Option<i64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    disable_notification: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    protect_content: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_parameters: Option<ReplyParameters>,
}

/// A send method's parameters: the shared ones and its own.
#[derive(Serialize)]
struct Send<'a, B> {
    #[serde(flatten)]
    head: Head<'a>,
    #[serde(flatten)]
    body: B,
}

impl<'a> Head<'a> {
    fn with<B: Serialize>(self, body: B) -> Send<'a, B> {
        Send { head: self, body }
    }
}

#[derive(Serialize)]
struct LinkPreviewOptions {
    is_disabled: bool,
}

#[derive(Serialize)]
struct Button<'a> {
    text: &'a str,
    callback_data: &'a str,
}

#[derive(Serialize)]
struct InlineKeyboard<'a> {
    inline_keyboard: Vec<[Button<'a>; 1]>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    parse_mode: Option<ParseMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link_preview_options: Option<LinkPreviewOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_markup: Option<InlineKeyboard<'a>>,
}

/// A file parameter whose name is the method's (`photo`, `voice`, …).
struct NamedFile<'a> {
    name: &'static str,
    value: &'a str,
}

impl Serialize for NamedFile<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.name, self.value)?;
        map.end()
    }
}

#[derive(Serialize)]
struct File<'a> {
    #[serde(flatten)]
    file: NamedFile<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parse_mode: Option<ParseMode>,
}

#[derive(Serialize)]
struct Pin<'a> {
    latitude: f64,
    longitude: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'a str>,
}

#[derive(Serialize)]
struct ContactCard<'a> {
    phone_number: &'a str,
    first_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    vcard: String,
}

#[derive(Serialize)]
struct Action {
    action: &'static str,
}

#[derive(Serialize)]
struct EmojiReaction<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    emoji: &'a str,
}

#[derive(Serialize)]
struct SetReaction<'a> {
    chat_id: ChatId<'a>,
    message_id: i64,
    reaction: Vec<EmojiReaction<'a>>,
}

fn encode(method: &'static str, body: &impl Serialize) -> Result<Request, Error> {
    let body = serde_json::to_vec(body)
        .map_err(|e| Error::new(ErrorKind::InvalidMessage, e.to_string()))?;
    Ok(Request { method, body })
}

/// The request of a message [`crate::validate`] accepted.
pub(crate) fn request(
    channel: &str,
    message: &Message,
    options: Option<&TelegramOptions>,
) -> Result<Request, Error> {
    let chat_id = ChatId::of(&message.to.id);
    let parse_mode = options.and_then(|o| o.parse_mode);
    let head = Head {
        chat_id: ChatId::of(&message.to.id),
        message_thread_id: options.and_then(|o| o.message_thread_id),
        disable_notification: message.options.notification == Some(Notification::Silent),
        protect_content: options.is_some_and(|o| o.protect_content),
        reply_parameters: message
            .options
            .reply_to
            .as_deref()
            .and_then(|id| id.parse().ok())
            .map(|message_id| ReplyParameters { message_id }),
    };
    match &message.content {
        Content::Text(t) => encode(
            "sendMessage",
            &head.with(Text {
                text: &t.body,
                parse_mode,
                link_preview_options: t
                    .preview_url
                    .map(|p| LinkPreviewOptions { is_disabled: !p }),
                reply_markup: None,
            }),
        ),
        Content::Media(m) => {
            let (method, name) = match m.kind {
                MediaKind::Image => ("sendPhoto", "photo"),
                MediaKind::Audio => ("sendAudio", "audio"),
                MediaKind::Video => ("sendVideo", "video"),
                MediaKind::Sticker => ("sendSticker", "sticker"),
                _ => ("sendDocument", "document"),
            };
            encode(
                method,
                &head.with(file(name, &m.source, m.caption.as_deref(), parse_mode)),
            )
        }
        Content::Location(l) => encode(location_method(l), &head.with(pin(l))),
        Content::Contacts(c) => match c.contacts.first() {
            Some(contact) => encode("sendContact", &head.with(card(contact))),
            None => Err(Error::new(ErrorKind::InvalidMessage, "no contact to send")),
        },
        Content::Reaction(r) => {
            let reaction = if r.emoji.is_empty() {
                Vec::new()
            } else {
                vec![EmojiReaction {
                    kind: "emoji",
                    emoji: &r.emoji,
                }]
            };
            encode(
                "setMessageReaction",
                &SetReaction {
                    chat_id,
                    message_id: r.message_id.parse().unwrap_or_default(),
                    reaction,
                },
            )
        }
        Content::ReplyButtons(b) => encode("sendMessage", &head.with(buttons(b, parse_mode))),
        Content::ChoiceList(l) => encode("sendMessage", &head.with(choices(l, parse_mode))),
        Content::SenderAction(_) => {
            encode("sendChatAction", &head.with(Action { action: "typing" }))
        }
        Content::Channel(c) => match &*c.decode::<TelegramContent>(channel)? {
            TelegramContent::Voice(f) => encode(
                "sendVoice",
                &head.with(telegram_file("voice", f, parse_mode)),
            ),
            TelegramContent::Animation(f) => encode(
                "sendAnimation",
                &head.with(telegram_file("animation", f, parse_mode)),
            ),
            TelegramContent::ChatAction(a) => {
                encode("sendChatAction", &head.with(Action { action: a.as_str() }))
            }
        },
        other => Err(Error::unsupported(
            channel,
            format!("{} content", other.kind()),
        )),
    }
}

fn file<'a>(
    name: &'static str,
    source: &'a MediaSource,
    caption: Option<&'a str>,
    parse_mode: Option<ParseMode>,
) -> File<'a> {
    let value = match source {
        MediaSource::Id(id) => id,
        MediaSource::Url(url) => url,
        _ => "",
    };
    File {
        file: NamedFile { name, value },
        caption,
        parse_mode: caption.and(parse_mode),
    }
}

fn telegram_file<'a>(name: &'static str, f: &'a TelegramFile, mode: Option<ParseMode>) -> File<'a> {
    file(name, &f.source, f.caption.as_deref(), mode)
}

fn location_method(l: &Location) -> &'static str {
    if l.name.is_some() && l.address.is_some() {
        "sendVenue"
    } else {
        "sendLocation"
    }
}

fn pin(l: &Location) -> Pin<'_> {
    let venue = l.name.is_some() && l.address.is_some();
    Pin {
        latitude: l.latitude,
        longitude: l.longitude,
        title: l.name.as_deref().filter(|_| venue),
        address: l.address.as_deref().filter(|_| venue),
    }
}

fn card(c: &Contact) -> ContactCard<'_> {
    ContactCard {
        phone_number: c.phones.first().map_or("", |p| p.phone.as_str()),
        first_name: c
            .name
            .first_name
            .as_deref()
            .unwrap_or(&c.name.formatted_name),
        last_name: c.name.last_name.as_deref(),
        vcard: vcard(c),
    }
}

fn keyboard<'a>(buttons: impl Iterator<Item = (&'a str, &'a str)>) -> InlineKeyboard<'a> {
    InlineKeyboard {
        inline_keyboard: buttons
            .map(|(text, callback_data)| {
                [Button {
                    text,
                    callback_data,
                }]
            })
            .collect(),
    }
}

fn buttons(b: &ReplyButtons, parse_mode: Option<ParseMode>) -> Text<'_> {
    Text {
        text: &b.body,
        parse_mode,
        link_preview_options: None,
        reply_markup: Some(keyboard(
            b.buttons.iter().map(|b| (b.title.as_str(), b.id.as_str())),
        )),
    }
}

fn choices(l: &ChoiceList, parse_mode: Option<ParseMode>) -> Text<'_> {
    Text {
        text: &l.body,
        parse_mode,
        link_preview_options: None,
        reply_markup: Some(keyboard(
            l.sections
                .iter()
                .flat_map(|s| &s.rows)
                .map(|r| (r.title.as_str(), r.id.as_str())),
        )),
    }
}

/// Escapes a vCard 3.0 text value (RFC 2426 §4: `\`, `,`, `;`, newlines).
fn vcard_text(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' | ',' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
}

fn vcard_line(out: &mut String, name: &str, values: &[Option<&str>]) {
    out.push_str(name);
    out.push(':');
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        vcard_text(out, value.unwrap_or_default());
    }
    out.push_str("\r\n");
}

/// The contact's full card as vCard 3.0 (`sendContact.vcard`): everything
/// beyond the first phone and the name travels here, nothing is dropped.
pub(crate) fn vcard(c: &Contact) -> String {
    let mut out = String::from("BEGIN:VCARD\r\nVERSION:3.0\r\n");
    let n = &c.name;
    vcard_line(&mut out, "FN", &[Some(&n.formatted_name)]);
    vcard_line(
        &mut out,
        "N",
        &[
            n.last_name.as_deref(),
            n.first_name.as_deref(),
            n.middle_name.as_deref(),
            n.prefix.as_deref(),
            n.suffix.as_deref(),
        ],
    );
    for p in &c.phones {
        let name = p
            .label
            .as_ref()
            .map_or("TEL".to_string(), |l| format!("TEL;TYPE={}", type_param(l)));
        vcard_line(&mut out, &name, &[Some(&p.phone)]);
    }
    for e in &c.emails {
        let name = e.label.as_ref().map_or("EMAIL".to_string(), |l| {
            format!("EMAIL;TYPE={}", type_param(l))
        });
        vcard_line(&mut out, &name, &[Some(&e.email)]);
    }
    for u in &c.urls {
        vcard_line(&mut out, "URL", &[Some(&u.url)]);
    }
    for a in &c.addresses {
        vcard_line(
            &mut out,
            "ADR",
            &[
                None,
                None,
                a.street.as_deref(),
                a.city.as_deref(),
                a.state.as_deref(),
                a.zip.as_deref(),
                a.country.as_deref(),
            ],
        );
    }
    if let Some(org) = &c.org {
        if org.company.is_some() || org.department.is_some() {
            vcard_line(
                &mut out,
                "ORG",
                &[org.company.as_deref(), org.department.as_deref()],
            );
        }
        if let Some(title) = &org.title {
            vcard_line(&mut out, "TITLE", &[Some(title)]);
        }
    }
    if let Some(birthday) = &c.birthday {
        vcard_line(&mut out, "BDAY", &[Some(birthday)]);
    }
    out.push_str("END:VCARD");
    out
}

/// A label as a vCard `TYPE` parameter: letters, digits and `-` only.
fn type_param(label: &str) -> String {
    let t: String = label
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if t.is_empty() {
        "OTHER".into()
    } else {
        t.to_ascii_uppercase()
    }
}
