//! The channel-neutral message model: who receives it, what it says, and how.

use std::any::Any;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};

/// A message to one recipient: who, what, and per-message options.
///
/// ```
/// use switchboard::{Message, Recipient};
/// let msg = Message::text(Recipient::phone_number("+16505551234"), "Your order has shipped")
///     .reply_to("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3")
///     .idempotency_key("order-1042-shipped");
/// assert_eq!(msg.to.id, "+16505551234");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Who receives the message.
    pub to: Recipient,
    /// What the message says.
    pub content: Content,
    /// Per-message options every channel understands.
    #[serde(default, skip_serializing_if = "MessageOptions::is_default")]
    pub options: MessageOptions,
    /// Options only one channel understands, keyed by channel.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    pub extensions: Extensions,
}

impl Message {
    /// A message with `content` to `to`, with default options.
    pub fn new(to: Recipient, content: impl Into<Content>) -> Self {
        Message {
            to,
            content: content.into(),
            options: MessageOptions::default(),
            extensions: Extensions::default(),
        }
    }

    /// A plain text message.
    pub fn text(to: Recipient, body: impl Into<String>) -> Self {
        Message::new(to, Text::new(body))
    }

    /// Quotes (replies to) the platform message with this id.
    pub fn reply_to(mut self, message_id: impl Into<String>) -> Self {
        self.options.reply_to = Some(message_id.into());
        self
    }

    /// Sets a caller-chosen key: the same key is never delivered twice by the
    /// idempotency layer.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Opaque data the platform echoes back in status webhooks
    /// (WhatsApp `biz_opaque_callback_data`, Messenger `metadata`).
    pub fn callback_data(mut self, data: impl Into<String>) -> Self {
        self.options.callback_data = Some(data.into());
        self
    }

    /// How the recipient's device notifies them.
    pub fn notification(mut self, notification: Notification) -> Self {
        self.options.notification = Some(notification);
        self
    }

    /// Adds a channel-specific option set (e.g. Messenger's messaging type and tag).
    pub fn with_extension<T: ChannelPayload>(mut self, extension: T) -> Self {
        self.extensions.insert(extension);
        self
    }
}

/// Options every channel understands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageOptions {
    /// The platform id of the message this one replies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// A key the idempotency layer uses to never send the same message twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// Opaque data echoed back by the platform in status webhooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_data: Option<String>,
    /// How the recipient's device notifies them (platform default when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<Notification>,
}

impl MessageOptions {
    fn is_default(&self) -> bool {
        *self == MessageOptions::default()
    }
}

/// How the recipient's device announces a message.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notification {
    /// Sound or vibration and a visible notification.
    Regular,
    /// A visible notification only.
    Silent,
    /// No notification.
    None,
}

/// Who receives a message: an id and what kind of id it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Recipient {
    /// What kind of identifier [`Recipient::id`] is.
    pub kind: RecipientKind,
    /// The identifier itself.
    pub id: String,
}

impl Recipient {
    /// A recipient of the given kind.
    pub fn new(kind: RecipientKind, id: impl Into<String>) -> Self {
        Recipient {
            kind,
            id: id.into(),
        }
    }

    /// The platform's own user id: a Messenger page-scoped id (PSID) or a WhatsApp id (`wa_id`).
    pub fn user_id(id: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::UserId, id)
    }

    /// A phone number in international format (`+` and country code).
    pub fn phone_number(number: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::PhoneNumber, number)
    }

    /// A Messenger `user_ref` from the checkbox or chat plugin.
    pub fn user_ref(user_ref: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::UserRef, user_ref)
    }

    /// A comment to answer with a private reply (Messenger).
    pub fn comment_id(id: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::CommentId, id)
    }

    /// A visitor post to answer with a private reply (Messenger).
    pub fn post_id(id: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::PostId, id)
    }

    /// A group (WhatsApp groups).
    pub fn group(id: impl Into<String>) -> Self {
        Recipient::new(RecipientKind::Group, id)
    }
}

/// What kind of identifier a [`Recipient`] carries.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    /// The platform's user id (Messenger PSID, WhatsApp `wa_id`).
    UserId,
    /// A phone number.
    PhoneNumber,
    /// A Messenger plugin `user_ref`.
    UserRef,
    /// A comment id (Messenger private reply).
    CommentId,
    /// A post id (Messenger private reply).
    PostId,
    /// A group id.
    Group,
}

impl RecipientKind {
    /// The snake_case name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientKind::UserId => "user_id",
            RecipientKind::PhoneNumber => "phone_number",
            RecipientKind::UserRef => "user_ref",
            RecipientKind::CommentId => "comment_id",
            RecipientKind::PostId => "post_id",
            RecipientKind::Group => "group",
        }
    }
}

impl fmt::Display for RecipientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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

/// Plain text.
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
    pub fn preview_url(mut self, preview: bool) -> Self {
        self.preview_url = Some(preview);
        self
    }
}

impl From<Text> for Content {
    fn from(t: Text) -> Self {
        Content::Text(t)
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

/// Where the platform finds a media file.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaSource {
    /// A file uploaded to the platform earlier (WhatsApp media id, Messenger attachment id).
    Id(String),
    /// A public http(s) URL the platform downloads.
    Url(String),
}

/// An image, audio, video, document or sticker.
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

    /// An image at a URL.
    pub fn image_url(url: impl Into<String>) -> Self {
        Media::new(MediaKind::Image, MediaSource::Url(url.into()))
    }

    /// Adds a caption.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// Sets the file name (documents).
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }
}

impl From<Media> for Content {
    fn from(m: Media) -> Self {
        Content::Media(m)
    }
}

/// A map pin.
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

impl From<Location> for Content {
    fn from(l: Location) -> Self {
        Content::Location(l)
    }
}

/// One or more contact cards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    /// The cards.
    pub contacts: Vec<Contact>,
}

impl From<Contacts> for Content {
    fn from(c: Contacts) -> Self {
        Content::Contacts(c)
    }
}

/// A contact card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The person's name.
    pub name: ContactName,
    /// Phone numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<ContactPhone>,
    /// E-mail addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<ContactEmail>,
    /// Web addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<ContactUrl>,
    /// Postal addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<ContactAddress>,
    /// Organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<ContactOrg>,
    /// Birthday, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
}

/// A contact's name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactName {
    /// The full name as displayed.
    pub formatted_name: String,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Name prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Name suffix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

/// A contact's phone number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPhone {
    /// The number.
    pub phone: String,
    /// `HOME`, `WORK`, `CELL`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The number's WhatsApp id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<String>,
}

/// A contact's e-mail address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEmail {
    /// The address.
    pub email: String,
    /// `HOME`, `WORK`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A contact's web address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactUrl {
    /// The URL.
    pub url: String,
    /// `HOME`, `WORK`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A contact's postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactAddress {
    /// Street and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Country name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// ISO country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// `HOME`, `WORK`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A contact's organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactOrg {
    /// Company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// An emoji reaction to an earlier message; an empty emoji removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// The platform id of the message reacted to.
    pub message_id: String,
    /// The emoji, or empty to remove the reaction.
    pub emoji: String,
}

impl From<Reaction> for Content {
    fn from(r: Reaction) -> Self {
        Content::Reaction(r)
    }
}

/// Text with a few reply buttons the recipient taps to answer.
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

/// One reply button: the id comes back in the webhook, the title is shown.
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

impl From<ReplyButtons> for Content {
    fn from(r: ReplyButtons) -> Self {
        Content::ReplyButtons(r)
    }
}

/// Text with a menu of choices grouped in sections.
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

/// A section of a [`ChoiceList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceSection {
    /// The section title (required when there is more than one section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The choices.
    pub rows: Vec<Choice>,
}

/// One choice of a [`ChoiceList`].
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

impl From<ChoiceList> for Content {
    fn from(c: ChoiceList) -> Self {
        Content::ChoiceList(c)
    }
}

/// An indicator shown in the conversation rather than a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderAction {
    /// Which indicator.
    pub action: SenderActionKind,
    /// The inbound message it refers to (WhatsApp needs it for read receipts and typing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
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

impl From<SenderAction> for Content {
    fn from(a: SenderAction) -> Self {
        Content::SenderAction(a)
    }
}

/// A value only one channel understands, carried typed from builder to wire.
///
/// A channel crate implements this for its own types (templates, Messenger
/// generic templates, per-message option sets). [`ChannelData`] carries them
/// inside a [`Message`] without a JSON detour.
pub trait ChannelPayload:
    Any + Send + Sync + fmt::Debug + Clone + Serialize + DeserializeOwned
{
    /// The platform the value belongs to (the channel plugin name, e.g. `"whatsapp"`).
    const CHANNEL: &'static str;
    /// What the value is (e.g. `"template"`).
    const KIND: &'static str;
}

trait ErasedPayload: Send + Sync + fmt::Debug {
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error>;
    fn as_any(&self) -> &dyn Any;
}

impl<T: ChannelPayload> ErasedPayload for T {
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[derive(Clone)]
enum Repr {
    Typed(Arc<dyn ErasedPayload>),
    Raw(serde_json::Value),
}

/// A channel-specific value: either the channel crate's typed value, or its
/// JSON form after a round trip through serde (decoded back on demand).
#[derive(Clone)]
pub struct ChannelData {
    channel: Cow<'static, str>,
    kind: Cow<'static, str>,
    repr: Repr,
}

impl ChannelData {
    /// Wraps a typed value.
    pub fn new<T: ChannelPayload>(value: T) -> Self {
        ChannelData {
            channel: Cow::Borrowed(T::CHANNEL),
            kind: Cow::Borrowed(T::KIND),
            repr: Repr::Typed(Arc::new(value)),
        }
    }

    /// A raw JSON value for `channel` and `kind`: the escape hatch for fields
    /// a channel crate does not model yet, and the form after deserialization.
    pub fn raw(
        channel: impl Into<String>,
        kind: impl Into<String>,
        payload: serde_json::Value,
    ) -> Self {
        ChannelData {
            channel: Cow::Owned(channel.into()),
            kind: Cow::Owned(kind.into()),
            repr: Repr::Raw(payload),
        }
    }

    /// The channel this value belongs to.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// What the value is.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Whether this holds a `T`.
    pub fn is<T: ChannelPayload>(&self) -> bool {
        self.channel == T::CHANNEL && self.kind == T::KIND
    }

    /// The value as a `T`: borrowed when it was built typed, decoded when it
    /// arrived as JSON. `None` when it is not a `T`.
    pub fn get<T: ChannelPayload>(&self) -> Option<Result<Cow<'_, T>, Error>> {
        if !self.is::<T>() {
            return None;
        }
        Some(match &self.repr {
            Repr::Typed(v) => v
                .as_any()
                .downcast_ref::<T>()
                .map(Cow::Borrowed)
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidMessage,
                        format!(
                            "{}/{} holds a value of another type than expected",
                            T::CHANNEL,
                            T::KIND
                        ),
                    )
                }),
            Repr::Raw(v) => T::deserialize(v).map(Cow::Owned).map_err(|e| {
                Error::new(
                    ErrorKind::InvalidMessage,
                    format!("{}/{} payload does not decode: {e}", T::CHANNEL, T::KIND),
                )
            }),
        })
    }

    /// The value as JSON (for logging and serde).
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        match &self.repr {
            Repr::Typed(v) => v.to_json(),
            Repr::Raw(v) => Ok(v.clone()),
        }
    }
}

impl fmt::Debug for ChannelData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ChannelData");
        d.field("channel", &self.channel).field("kind", &self.kind);
        match &self.repr {
            Repr::Typed(v) => d.field("value", v),
            Repr::Raw(v) => d.field("raw", v),
        };
        d.finish()
    }
}

impl PartialEq for ChannelData {
    fn eq(&self, other: &Self) -> bool {
        self.channel == other.channel
            && self.kind == other.kind
            && match (self.to_json(), other.to_json()) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            }
    }
}

#[derive(Serialize, Deserialize)]
struct ChannelDataWire {
    channel: String,
    kind: String,
    payload: serde_json::Value,
}

impl Serialize for ChannelData {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let payload = self.to_json().map_err(serde::ser::Error::custom)?;
        ChannelDataWire {
            channel: self.channel.to_string(),
            kind: self.kind.to_string(),
            payload,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ChannelData {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = ChannelDataWire::deserialize(d)?;
        Ok(ChannelData::raw(w.channel, w.kind, w.payload))
    }
}

/// Content only one channel understands (see [`ChannelData`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChannelContent(pub ChannelData);

impl ChannelContent {
    /// Wraps a channel crate's typed content.
    pub fn new<T: ChannelPayload>(value: T) -> Self {
        ChannelContent(ChannelData::new(value))
    }
}

/// Channel-specific options of a message, at most one value per channel and kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extensions(BTreeMap<String, ChannelData>);

impl Extensions {
    fn key(channel: &str, kind: &str) -> String {
        format!("{channel}.{kind}")
    }

    /// Adds or replaces the value of `T`'s channel and kind.
    pub fn insert<T: ChannelPayload>(&mut self, value: T) {
        self.0
            .insert(Self::key(T::CHANNEL, T::KIND), ChannelData::new(value));
    }

    /// Adds or replaces a raw value.
    pub fn insert_data(&mut self, data: ChannelData) {
        self.0.insert(Self::key(data.channel(), data.kind()), data);
    }

    /// The `T` set on this message, if any (decoded when it arrived as JSON).
    pub fn get<T: ChannelPayload>(&self) -> Option<Result<Cow<'_, T>, Error>> {
        // Most messages carry no extension: no key to build then.
        if self.0.is_empty() {
            return None;
        }
        self.0
            .values()
            .find(|d| d.channel() == T::CHANNEL && d.kind() == T::KIND)?
            .get::<T>()
    }

    /// All values, for channels that want to refuse options of other channels.
    pub fn iter(&self) -> impl Iterator<Item = &ChannelData> {
        self.0.values()
    }

    /// Whether no extension is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
