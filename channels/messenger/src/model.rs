//! Messenger-only content and options, as typed builders that convert into
//! [`switchboard::Content`] or attach to a message as an extension.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use switchboard::plugin::ChannelPayload;
use switchboard::{ChannelContent, Content};

use crate::PLATFORM;

/// What only Messenger can send: the button, generic and media templates,
/// and several images in one message. Each converts into
/// [`switchboard::Content`] with `into()`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    content = "payload",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum MessengerContent {
    /// The button template.
    ButtonTemplate(ButtonTemplate),
    /// The generic template (a carousel).
    GenericTemplate(GenericTemplate),
    /// The media template.
    MediaTemplate(MediaTemplate),
    /// Several images in one message.
    Images(Images),
}

impl ChannelPayload for MessengerContent {
    const CHANNEL: &'static str = PLATFORM;

    fn kind(&self) -> &'static str {
        match self {
            MessengerContent::ButtonTemplate(_) => "button_template",
            MessengerContent::GenericTemplate(_) => "generic_template",
            MessengerContent::MediaTemplate(_) => "media_template",
            MessengerContent::Images(_) => "images",
        }
    }
}

impl From<MessengerContent> for Content {
    fn from(c: MessengerContent) -> Self {
        Content::Channel(ChannelContent::new(c))
    }
}

macro_rules! messenger_content {
    ($($ty:ident),*) => {
        $(impl From<$ty> for Content {
            fn from(value: $ty) -> Self {
                MessengerContent::$ty(value).into()
            }
        })*
    };
}
messenger_content!(ButtonTemplate, GenericTemplate, MediaTemplate, Images);

/// Why a message is sent (`messaging_type`, Send API reference).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessagingType {
    /// A reply to a message received within the 24-hour standard window (the default).
    #[default]
    Response,
    /// A proactive update within the standard window.
    Update,
    /// Outside the standard window, under a message tag (see [`Tag`]).
    MessageTag,
    /// A utility message (`UTILITY`, in the Page messages reference; api-contract §2).
    /// The standard window applies as to `UPDATE`.
    Utility,
}

impl MessagingType {
    /// The platform's value.
    pub fn as_str(self) -> &'static str {
        match self {
            MessagingType::Response => "RESPONSE",
            MessagingType::Update => "UPDATE",
            MessagingType::MessageTag => "MESSAGE_TAG",
            MessagingType::Utility => "UTILITY",
        }
    }
}

/// A message tag: lets a page message a person outside the standard window
/// for one allowed purpose (Send API reference, `tag`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Tag {
    /// A non-recurring update to the person's account or application.
    AccountUpdate,
    /// A reminder of, or update to, an event the person registered for.
    ConfirmedEventUpdate,
    /// A feedback survey about an earlier interaction.
    CustomerFeedback,
    /// A human agent answering the person's message.
    HumanAgent,
    /// An update about a recent purchase.
    PostPurchaseUpdate,
    /// Non-promotional news of a page registered with the News Page Index.
    NonPromotionalSubscription,
}

/// What the platform says about a tag, as data a user can read.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagRules {
    /// The tag.
    pub tag: Tag,
    /// The platform's value.
    pub name: &'static str,
    /// The date from which the platform answers error 100 to this tag, if retired.
    pub retired_since: Option<&'static str>,
    /// How long after the person's last message the tag may be used, when limited.
    pub window: Option<Duration>,
    /// What the tag is for.
    pub purpose: &'static str,
}

const SEVEN_DAYS: Duration = Duration::from_secs(7 * 24 * 3600);

/// The rules of every tag. Retirements: api-contract §7 ("ACCOUNT_UPDATE,
/// CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE return error 100 from
/// 2026-04-27"). Windows: HUMAN_AGENT within 7 days of the person's message
/// (Send API reference); CUSTOMER_FEEDBACK ≤7 days (api-contract §7, marked U).
pub const TAG_RULES: [TagRules; 6] = [
    TagRules {
        tag: Tag::AccountUpdate,
        name: "ACCOUNT_UPDATE",
        retired_since: Some("2026-04-27"),
        window: None,
        purpose: "non-recurring updates to the person's account or application",
    },
    TagRules {
        tag: Tag::ConfirmedEventUpdate,
        name: "CONFIRMED_EVENT_UPDATE",
        retired_since: Some("2026-04-27"),
        window: None,
        purpose: "reminders or updates of an event the person registered for",
    },
    TagRules {
        tag: Tag::CustomerFeedback,
        name: "CUSTOMER_FEEDBACK",
        retired_since: None,
        window: Some(SEVEN_DAYS),
        purpose: "a feedback survey about an earlier interaction",
    },
    TagRules {
        tag: Tag::HumanAgent,
        name: "HUMAN_AGENT",
        retired_since: None,
        window: Some(SEVEN_DAYS),
        purpose: "a human agent answering the person's message (needs the Human Agent permission)",
    },
    TagRules {
        tag: Tag::PostPurchaseUpdate,
        name: "POST_PURCHASE_UPDATE",
        retired_since: Some("2026-04-27"),
        window: None,
        purpose: "updates about a recent purchase",
    },
    // NON_PROMOTIONAL_SUBSCRIPTION: pages in the News Page Index (api-contract §7).
    TagRules {
        tag: Tag::NonPromotionalSubscription,
        name: "NON_PROMOTIONAL_SUBSCRIPTION",
        retired_since: None,
        window: None,
        purpose: "non-promotional news from a page registered with the News Page Index",
    },
];

impl Tag {
    /// The rules of this tag.
    pub fn rules(self) -> &'static TagRules {
        TAG_RULES
            .iter()
            .find(|r| r.tag == self)
            .unwrap_or(&TAG_RULES[3])
    }

    /// The platform's value.
    pub fn as_str(self) -> &'static str {
        self.rules().name
    }

    /// Whether the platform refuses this tag now.
    pub fn is_retired(self) -> bool {
        self.rules().retired_since.is_some()
    }
}

/// How the person's device announces the message (`notification_type`)
/// comes from the neutral [`switchboard::Notification`]; these are the
/// Messenger-only options of one message.
///
/// ```
/// use switchboard::{Message, Recipient};
/// use switchboard_messenger::{MessengerOptions, QuickReply, Tag};
/// let msg = Message::text(Recipient::user_id("6123456789012345"), "An agent will follow up")
///     .with_extension(
///         MessengerOptions::default()
///             .tag(Tag::HumanAgent)
///             .quick_reply(QuickReply::text("Thanks!", "THANKS")),
///     );
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessengerOptions {
    /// `messaging_type` (RESPONSE unless set).
    #[serde(default)]
    pub messaging_type: MessagingType,
    /// The tag; required with `MESSAGE_TAG` and refused without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Tag>,
    /// Send a retired tag anyway (the platform answers error 100 since its retirement).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_retired_tag: bool,
    /// Send as this persona.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona_id: Option<String>,
    /// Quick replies shown under the message (≤13).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<QuickReply>,
    /// Let the platform reuse an attachment sent by URL (`is_reusable`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reusable_attachment: bool,
}

impl MessengerOptions {
    /// Sets `messaging_type` (RESPONSE by default).
    #[must_use]
    pub fn messaging_type(mut self, messaging_type: MessagingType) -> Self {
        self.messaging_type = messaging_type;
        self
    }

    /// `messaging_type: UPDATE`.
    #[must_use]
    pub fn update(mut self) -> Self {
        self.messaging_type = MessagingType::Update;
        self
    }

    /// `messaging_type: MESSAGE_TAG` with `tag`.
    #[must_use]
    pub fn tag(mut self, tag: Tag) -> Self {
        self.messaging_type = MessagingType::MessageTag;
        self.tag = Some(tag);
        self
    }

    /// Sends a retired tag although the platform refuses it.
    #[must_use]
    pub fn send_retired_tag_anyway(mut self) -> Self {
        self.allow_retired_tag = true;
        self
    }

    /// Sends as a persona.
    #[must_use]
    pub fn persona(mut self, persona_id: impl Into<String>) -> Self {
        self.persona_id = Some(persona_id.into());
        self
    }

    /// Adds a quick reply.
    #[must_use]
    pub fn quick_reply(mut self, reply: QuickReply) -> Self {
        self.quick_replies.push(reply);
        self
    }

    /// Marks an attachment sent by URL as reusable.
    #[must_use]
    pub fn reusable(mut self) -> Self {
        self.reusable_attachment = true;
        self
    }
}

impl MessengerOptions {
    /// The options attached to `message` (defaults when none are);
    /// `channel` names the sending channel in errors.
    pub(crate) fn of<'a>(
        channel: &str,
        message: &'a switchboard::Message,
    ) -> Result<std::borrow::Cow<'a, Self>, switchboard::Error> {
        Ok(message
            .extensions
            .get::<MessengerOptions>(channel)?
            .unwrap_or_default())
    }
}

impl ChannelPayload for MessengerOptions {
    const CHANNEL: &'static str = PLATFORM;

    fn kind(&self) -> &'static str {
        "options"
    }
}

/// A quick reply button shown under a message.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickReply {
    /// `text`, `user_phone_number` or `user_email`.
    pub content_type: QuickReplyType,
    /// The label (text quick replies; ≤20 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The payload returned (text quick replies; ≤1000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// An icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

impl QuickReply {
    /// A text quick reply.
    pub fn text(title: impl Into<String>, payload: impl Into<String>) -> Self {
        QuickReply {
            content_type: QuickReplyType::Text,
            title: Some(title.into()),
            payload: Some(payload.into()),
            image_url: None,
        }
    }

    /// Asks for the person's phone number.
    pub fn user_phone_number() -> Self {
        QuickReply {
            content_type: QuickReplyType::UserPhoneNumber,
            title: None,
            payload: None,
            image_url: None,
        }
    }

    /// Asks for the person's e-mail address.
    pub fn user_email() -> Self {
        QuickReply {
            content_type: QuickReplyType::UserEmail,
            title: None,
            payload: None,
            image_url: None,
        }
    }

    /// Adds an icon.
    #[must_use]
    pub fn image_url(mut self, url: impl Into<String>) -> Self {
        self.image_url = Some(url.into());
        self
    }
}

/// The kind of a quick reply.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuickReplyType {
    /// A label with a payload.
    Text,
    /// The person's phone number.
    UserPhoneNumber,
    /// The person's e-mail address.
    UserEmail,
}

/// A template button.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum MessengerButton {
    /// Opens a URL.
    WebUrl {
        /// The label (≤20 characters).
        title: String,
        /// The URL.
        url: String,
        /// `compact`, `tall` or `full`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        webview_height_ratio: Option<WebviewHeight>,
    },
    /// Sends a postback to the page.
    Postback {
        /// The label (≤20 characters).
        title: String,
        /// The payload (≤1000 characters).
        payload: String,
    },
    /// Calls a phone number.
    PhoneNumber {
        /// The label (≤20 characters).
        title: String,
        /// The phone number.
        payload: String,
    },
}

impl MessengerButton {
    /// A URL button.
    pub fn web_url(title: impl Into<String>, url: impl Into<String>) -> Self {
        MessengerButton::WebUrl {
            title: title.into(),
            url: url.into(),
            webview_height_ratio: None,
        }
    }

    /// A postback button.
    pub fn postback(title: impl Into<String>, payload: impl Into<String>) -> Self {
        MessengerButton::Postback {
            title: title.into(),
            payload: payload.into(),
        }
    }

    /// A call button.
    pub fn phone_number(title: impl Into<String>, number: impl Into<String>) -> Self {
        MessengerButton::PhoneNumber {
            title: title.into(),
            payload: number.into(),
        }
    }

    /// The label.
    pub fn title(&self) -> &str {
        match self {
            MessengerButton::WebUrl { title, .. }
            | MessengerButton::Postback { title, .. }
            | MessengerButton::PhoneNumber { title, .. } => title,
        }
    }
}

/// The height of the webview a URL opens in.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebviewHeight {
    /// A small part of the screen.
    Compact,
    /// Most of the screen.
    Tall,
    /// The whole screen.
    Full,
}

/// The button template: text with 1–3 buttons.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ButtonTemplate {
    /// The text (≤640 characters).
    pub text: String,
    /// The buttons.
    pub buttons: Vec<MessengerButton>,
}

/// The generic template: a carousel of up to 10 elements.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenericTemplate {
    /// The elements.
    pub elements: Vec<Element>,
}

/// One element of a generic template.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// The title (≤80 characters).
    pub title: String,
    /// The subtitle (≤80 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// An image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// What tapping the element opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_action: Option<DefaultAction>,
    /// Up to 3 buttons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<MessengerButton>,
}

impl Element {
    /// An element with a title.
    pub fn new(title: impl Into<String>) -> Self {
        Element {
            title: title.into(),
            subtitle: None,
            image_url: None,
            default_action: None,
            buttons: Vec::new(),
        }
    }
}

/// The URL opened when an element is tapped (`{"type": "web_url", …}`).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// No `deny_unknown_fields`: serde counts a struct's own tag (`type`) as unknown.
#[serde(tag = "type", rename = "web_url")]
pub struct DefaultAction {
    /// The URL.
    pub url: String,
    /// The webview height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webview_height_ratio: Option<WebviewHeight>,
}

/// The media template: one image or video with optional buttons.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaTemplate {
    /// `image` or `video`.
    pub media_type: MediaTemplateType,
    /// An attachment id uploaded earlier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<String>,
    /// A Facebook URL of the media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Buttons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<MessengerButton>,
}

/// The media of a [`MediaTemplate`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaTemplateType {
    /// An image.
    Image,
    /// A video.
    Video,
}

/// Several images in one message (`message.attachments`, images only, ≤30).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Images {
    /// The image URLs.
    pub urls: Vec<String>,
}

impl ButtonTemplate {
    /// `text` (≤640 characters) with 1–3 `buttons`.
    pub fn new(
        text: impl Into<String>,
        buttons: impl IntoIterator<Item = MessengerButton>,
    ) -> Self {
        ButtonTemplate {
            text: text.into(),
            buttons: buttons.into_iter().collect(),
        }
    }
}

impl GenericTemplate {
    /// A carousel of up to 10 `elements`.
    ///
    /// ```
    /// use switchboard_messenger::{Element, GenericTemplate, MessengerButton};
    /// let carousel = GenericTemplate::new([Element::new("Blue shirt")
    ///     .subtitle("Cotton, all sizes")
    ///     .image_url("https://example.com/shirt.png")
    ///     .button(MessengerButton::postback("Buy", "BUY_SHIRT"))]);
    /// let content: switchboard::Content = carousel.into();
    /// ```
    pub fn new(elements: impl IntoIterator<Item = Element>) -> Self {
        GenericTemplate {
            elements: elements.into_iter().collect(),
        }
    }
}

impl Element {
    /// Adds a subtitle (≤80 characters).
    #[must_use]
    pub fn subtitle(mut self, subtitle: impl Into<String>) -> Self {
        self.subtitle = Some(subtitle.into());
        self
    }

    /// Adds an image.
    #[must_use]
    pub fn image_url(mut self, url: impl Into<String>) -> Self {
        self.image_url = Some(url.into());
        self
    }

    /// Opens `action` when the element is tapped.
    #[must_use]
    pub fn default_action(mut self, action: DefaultAction) -> Self {
        self.default_action = Some(action);
        self
    }

    /// Adds a button (≤3).
    #[must_use]
    pub fn button(mut self, button: MessengerButton) -> Self {
        self.buttons.push(button);
        self
    }
}

impl DefaultAction {
    /// Opens `url`.
    pub fn new(url: impl Into<String>) -> Self {
        DefaultAction {
            url: url.into(),
            webview_height_ratio: None,
        }
    }

    /// Sets the webview height.
    #[must_use]
    pub fn webview_height_ratio(mut self, height: WebviewHeight) -> Self {
        self.webview_height_ratio = Some(height);
        self
    }
}

impl MediaTemplate {
    fn new(
        media_type: MediaTemplateType,
        attachment_id: Option<String>,
        url: Option<String>,
    ) -> Self {
        MediaTemplate {
            media_type,
            attachment_id,
            url,
            buttons: Vec::new(),
        }
    }

    /// An image uploaded earlier (its attachment id).
    pub fn image_id(attachment_id: impl Into<String>) -> Self {
        Self::new(MediaTemplateType::Image, Some(attachment_id.into()), None)
    }

    /// An image at a Facebook URL.
    pub fn image_url(url: impl Into<String>) -> Self {
        Self::new(MediaTemplateType::Image, None, Some(url.into()))
    }

    /// A video uploaded earlier (its attachment id).
    pub fn video_id(attachment_id: impl Into<String>) -> Self {
        Self::new(MediaTemplateType::Video, Some(attachment_id.into()), None)
    }

    /// A video at a Facebook URL.
    pub fn video_url(url: impl Into<String>) -> Self {
        Self::new(MediaTemplateType::Video, None, Some(url.into()))
    }

    /// Adds a button.
    #[must_use]
    pub fn button(mut self, button: MessengerButton) -> Self {
        self.buttons.push(button);
        self
    }
}

impl Images {
    /// Several images in one message (≤30 URLs).
    pub fn new(urls: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Images {
            urls: urls.into_iter().map(Into::into).collect(),
        }
    }
}
