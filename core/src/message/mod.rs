//! The channel-neutral message model: who receives it ([`recipient`]), what
//! it says ([`content`], [`contact`]), and how ([`MessageOptions`] and the
//! per-channel [`extension`]s).

pub mod contact;
pub mod content;
pub mod extension;
pub mod recipient;

use serde::{Deserialize, Serialize};

use self::content::{Content, Text};
use self::extension::{ChannelPayload, Extensions};
use self::recipient::Recipient;

/// A message to one recipient: who, what, and per-message options.
///
/// ```
/// use switchboard::{Message, Recipient};
/// let msg = Message::text(Recipient::phone_number("+16505551234"), "Your order has shipped")
///     .reply_to("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3")
///     .idempotency_key("order-1042-shipped");
/// assert_eq!(msg.to.id, "+16505551234");
/// ```
#[non_exhaustive]
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
    #[must_use]
    pub fn reply_to(mut self, message_id: impl Into<String>) -> Self {
        self.options.reply_to = Some(message_id.into());
        self
    }

    /// Sets a caller-chosen key: the same key is never delivered twice by the
    /// idempotency layer.
    #[must_use]
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Opaque data the platform echoes back in status webhooks
    /// (WhatsApp `biz_opaque_callback_data`, Messenger `metadata`).
    #[must_use]
    pub fn callback_data(mut self, data: impl Into<String>) -> Self {
        self.options.callback_data = Some(data.into());
        self
    }

    /// How the recipient's device notifies them.
    #[must_use]
    pub fn notification(mut self, notification: Notification) -> Self {
        self.options.notification = Some(notification);
        self
    }

    /// Replaces every neutral option at once.
    #[must_use]
    pub fn options(mut self, options: MessageOptions) -> Self {
        self.options = options;
        self
    }

    /// Adds a channel's option set (e.g. Messenger's messaging type and tag);
    /// one per channel, a second replaces the first.
    #[must_use]
    pub fn with_extension<T: ChannelPayload>(mut self, extension: T) -> Self {
        self.extensions.insert(extension);
        self
    }
}

/// Options every channel understands.
#[non_exhaustive]
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
