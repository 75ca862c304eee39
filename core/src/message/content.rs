//! What a message says: the neutral content kinds every channel maps, and
//! [`Content::Channel`] for what only one platform has.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::contact::Contact;
use super::extension::ChannelContent;

/// What a message says. The neutral kinds mean the same on every channel;
/// [`Content::Channel`] carries what only one platform has.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    /// Plain text.
    Text(Text),
    /// An image, audio, video, document or sticker.
    Media(Media),
    /// A map pin.
    Location(Location),
    /// One or more contact cards.
    Contacts(Contacts),
    /// An emoji reaction to an earlier message.
    Reaction(Reaction),
    /// Text with up to a few reply buttons.
    ReplyButtons(ReplyButtons),
    /// Text with a menu of choices in sections.
    ChoiceList(ChoiceList),
    /// Typing indicator or read receipt.
    SenderAction(SenderAction),
    /// Content only one channel understands, typed by that channel's crate.
    Channel(ChannelContent),
}

/// The kind of a [`Content`], without its data.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    /// [`Content::Text`]
    Text,
    /// [`Content::Media`]
    Media,
    /// [`Content::Location`]
    Location,
    /// [`Content::Contacts`]
    Contacts,
    /// [`Content::Reaction`]
    Reaction,
    /// [`Content::ReplyButtons`]
    ReplyButtons,
    /// [`Content::ChoiceList`]
    ChoiceList,
    /// [`Content::SenderAction`]
    SenderAction,
    /// [`Content::Channel`]
    Channel,
}

impl ContentKind {
    /// Every kind, in declaration order.
    pub const ALL: [ContentKind; 9] = [
        ContentKind::Text,
        ContentKind::Media,
        ContentKind::Location,
        ContentKind::Contacts,
        ContentKind::Reaction,
        ContentKind::ReplyButtons,
        ContentKind::ChoiceList,
        ContentKind::SenderAction,
        ContentKind::Channel,
    ];

    /// The snake_case name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Text => "text",
            ContentKind::Media => "media",
            ContentKind::Location => "location",
            ContentKind::Contacts => "contacts",
            ContentKind::Reaction => "reaction",
            ContentKind::ReplyButtons => "reply_buttons",
            ContentKind::ChoiceList => "choice_list",
            ContentKind::SenderAction => "sender_action",
            ContentKind::Channel => "channel",
        }
    }
}

impl fmt::Display for ContentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Content {
    /// The kind of this content.
    pub fn kind(&self) -> ContentKind {
        match self {
            Content::Text(_) => ContentKind::Text,
            Content::Media(_) => ContentKind::Media,
            Content::Location(_) => ContentKind::Location,
            Content::Contacts(_) => ContentKind::Contacts,
            Content::Reaction(_) => ContentKind::Reaction,
            Content::ReplyButtons(_) => ContentKind::ReplyButtons,
            Content::ChoiceList(_) => ContentKind::ChoiceList,
            Content::SenderAction(_) => ContentKind::SenderAction,
            Content::Channel(_) => ContentKind::Channel,
        }
    }
}

macro_rules! into_content {
    ($($ty:ident),*) => {
        $(impl From<$ty> for Content {
            fn from(value: $ty) -> Self {
                Content::$ty(value)
            }
        })*
    };
}
into_content!(
    Text,
    Media,
    Location,
    Contacts,
    Reaction,
    ReplyButtons,
    ChoiceList,
    SenderAction
);

/// Plain text.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// The text itself.
    pub body: String,
    /// Whether to render a preview of the first link (platform default when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<bool>,
}

impl Text {
    /// Text with the platform's default link preview.
    pub fn new(body: impl Into<String>) -> Self {
        Text {
            body: body.into(),
            preview_url: None,
        }
    }

    /// Asks for (or against) a link preview.
    #[must_use]
    pub fn preview_url(mut self, preview: bool) -> Self {
        self.preview_url = Some(preview);
        self
    }
}

/// What sort of media a [`Media`] is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// A picture.
    Image,
    /// A sound file or voice note.
    Audio,
    /// A video.
    Video,
    /// Any file (PDF, spreadsheet, …).
    Document,
    /// A sticker.
    Sticker,
}

impl MediaKind {
    /// Every kind, in declaration order.
    pub const ALL: [MediaKind; 5] = [
        MediaKind::Image,
        MediaKind::Audio,
        MediaKind::Video,
        MediaKind::Document,
        MediaKind::Sticker,
    ];

    /// The snake_case name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
            MediaKind::Document => "document",
            MediaKind::Sticker => "sticker",
        }
    }
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the platform finds a media file.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaSource {
    /// A file uploaded to the platform earlier (WhatsApp media id, Messenger attachment id).
    Id(String),
    /// A public http(s) URL the platform downloads.
    Url(String),
}

impl MediaSource {
    /// A file uploaded to the platform earlier.
    pub fn id(id: impl Into<String>) -> Self {
        MediaSource::Id(id.into())
    }

    /// A public http(s) URL.
    pub fn url(url: impl Into<String>) -> Self {
        MediaSource::Url(url.into())
    }
}

/// An image, audio, video, document or sticker.
///
/// ```
/// use switchboard::{Media, MediaKind};
/// let invoice = Media::document_url("https://example.com/invoice-1042.pdf")
///     .filename("invoice-1042.pdf")
///     .caption("Your invoice");
/// assert_eq!(invoice.kind, MediaKind::Document);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    /// What sort of media.
    pub kind: MediaKind,
    /// Where the file is.
    pub source: MediaSource,
    /// A caption shown under the media (where the platform allows one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// The file name shown for documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
}

macro_rules! media_shortcuts {
    ($($kind:ident: $url:ident, $id:ident;)*) => {
        $(
            #[doc = concat!("A ", stringify!($url), " media at a public http(s) URL.")]
            pub fn $url(url: impl Into<String>) -> Self {
                Media::new(MediaKind::$kind, MediaSource::Url(url.into()))
            }

            #[doc = concat!("A ", stringify!($id), " media uploaded to the platform earlier.")]
            pub fn $id(id: impl Into<String>) -> Self {
                Media::new(MediaKind::$kind, MediaSource::Id(id.into()))
            }
        )*
    };
}

impl Media {
    /// Media of `kind` from `source`.
    pub fn new(kind: MediaKind, source: MediaSource) -> Self {
        Media {
            kind,
            source,
            caption: None,
            filename: None,
        }
    }

    media_shortcuts! {
        Image: image_url, image_id;
        Audio: audio_url, audio_id;
        Video: video_url, video_id;
        Document: document_url, document_id;
        Sticker: sticker_url, sticker_id;
    }

    /// Adds a caption.
    #[must_use]
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// Sets the file name (documents).
    #[must_use]
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }
}

/// A map pin.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Latitude in degrees.
    pub latitude: f64,
    /// Longitude in degrees.
    pub longitude: f64,
    /// The place's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The place's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Location {
    /// A pin at `latitude`, `longitude` (degrees).
    pub fn new(latitude: f64, longitude: f64) -> Self {
        Location {
            latitude,
            longitude,
            name: None,
            address: None,
        }
    }

    /// Names the place.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Gives the place's address.
    #[must_use]
    pub fn address(mut self, address: impl Into<String>) -> Self {
        self.address = Some(address.into());
        self
    }
}

/// One or more contact cards.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    /// The cards.
    pub contacts: Vec<Contact>,
}

impl Contacts {
    /// The given cards.
    pub fn new(contacts: impl IntoIterator<Item = Contact>) -> Self {
        Contacts {
            contacts: contacts.into_iter().collect(),
        }
    }
}

/// An emoji reaction to an earlier message; an empty emoji removes it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// The platform id of the message reacted to.
    pub message_id: String,
    /// The emoji, or empty to remove the reaction.
    pub emoji: String,
}

impl Reaction {
    /// Reacts to `message_id` with `emoji`.
    pub fn new(message_id: impl Into<String>, emoji: impl Into<String>) -> Self {
        Reaction {
            message_id: message_id.into(),
            emoji: emoji.into(),
        }
    }

    /// Removes the reaction to `message_id`.
    pub fn remove(message_id: impl Into<String>) -> Self {
        Reaction::new(message_id, "")
    }
}

/// Text with a few reply buttons the recipient taps to answer.
///
/// ```
/// use switchboard::{ReplyButton, ReplyButtons};
/// let ask = ReplyButtons::new("Is 7 pm fine?", [ReplyButton::new("yes", "Yes"), ReplyButton::new("no", "No")])
///     .footer("Reply any time");
/// assert_eq!(ask.buttons.len(), 2);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyButtons {
    /// The message text.
    pub body: String,
    /// The buttons.
    pub buttons: Vec<ReplyButton>,
    /// A text header, where the platform shows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// A footer, where the platform shows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
}

impl ReplyButtons {
    /// `body` with `buttons`.
    pub fn new(body: impl Into<String>, buttons: impl IntoIterator<Item = ReplyButton>) -> Self {
        ReplyButtons {
            body: body.into(),
            buttons: buttons.into_iter().collect(),
            header: None,
            footer: None,
        }
    }

    /// Adds a text header.
    #[must_use]
    pub fn header(mut self, header: impl Into<String>) -> Self {
        self.header = Some(header.into());
        self
    }

    /// Adds a footer.
    #[must_use]
    pub fn footer(mut self, footer: impl Into<String>) -> Self {
        self.footer = Some(footer.into());
        self
    }
}

/// One reply button: the id comes back in the webhook, the title is shown.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyButton {
    /// The id (payload) returned when tapped.
    pub id: String,
    /// The label shown.
    pub title: String,
}

impl ReplyButton {
    /// A button with `id` and `title`.
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        ReplyButton {
            id: id.into(),
            title: title.into(),
        }
    }
}

/// Text with a menu of choices grouped in sections.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceList {
    /// The message text.
    pub body: String,
    /// The label of the button that opens the menu.
    pub button: String,
    /// The sections of the menu.
    pub sections: Vec<ChoiceSection>,
    /// A text header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// A footer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
}

impl ChoiceList {
    /// `body` with a menu opened by `button`, made of `sections`.
    pub fn new(
        body: impl Into<String>,
        button: impl Into<String>,
        sections: impl IntoIterator<Item = ChoiceSection>,
    ) -> Self {
        ChoiceList {
            body: body.into(),
            button: button.into(),
            sections: sections.into_iter().collect(),
            header: None,
            footer: None,
        }
    }

    /// Adds a text header.
    #[must_use]
    pub fn header(mut self, header: impl Into<String>) -> Self {
        self.header = Some(header.into());
        self
    }

    /// Adds a footer.
    #[must_use]
    pub fn footer(mut self, footer: impl Into<String>) -> Self {
        self.footer = Some(footer.into());
        self
    }
}

/// A section of a [`ChoiceList`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceSection {
    /// The section title (required when there is more than one section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The choices.
    pub rows: Vec<Choice>,
}

impl ChoiceSection {
    /// A section of `rows`, untitled.
    pub fn new(rows: impl IntoIterator<Item = Choice>) -> Self {
        ChoiceSection {
            title: None,
            rows: rows.into_iter().collect(),
        }
    }

    /// Titles the section.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

/// One choice of a [`ChoiceList`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// The id returned when chosen.
    pub id: String,
    /// The label shown.
    pub title: String,
    /// A longer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Choice {
    /// A choice with `id` and `title`.
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        Choice {
            id: id.into(),
            title: title.into(),
            description: None,
        }
    }

    /// Adds a longer description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// An indicator shown in the conversation rather than a message.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderAction {
    /// Which indicator.
    pub action: SenderActionKind,
    /// The inbound message it refers to (WhatsApp needs it for read receipts and typing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

impl SenderAction {
    /// The indicator `action`, referring to no message.
    pub fn new(action: SenderActionKind) -> Self {
        SenderAction {
            action,
            message_id: None,
        }
    }

    /// Marks the inbound message `message_id` (and the conversation) as read.
    pub fn mark_seen(message_id: impl Into<String>) -> Self {
        SenderAction::new(SenderActionKind::MarkSeen).message_id(message_id)
    }

    /// Shows the typing bubble.
    pub fn typing_on() -> Self {
        SenderAction::new(SenderActionKind::TypingOn)
    }

    /// Refers to the inbound message `message_id`.
    #[must_use]
    pub fn message_id(mut self, message_id: impl Into<String>) -> Self {
        self.message_id = Some(message_id.into());
        self
    }
}

/// Which indicator a [`SenderAction`] shows.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderActionKind {
    /// Show the typing bubble.
    TypingOn,
    /// Hide the typing bubble.
    TypingOff,
    /// Mark the conversation (or the given message) as seen / read.
    MarkSeen,
}
