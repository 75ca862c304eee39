//! The `Channel` trait every platform adapter implements, and what a send returns.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::message::{ContentKind, Message, RecipientKind};

/// A configured connection to one messaging account on one platform.
///
/// Object-safe: applications hold `Arc<dyn Channel>` and send through it
/// without knowing the platform.
#[async_trait]
pub trait Channel: Send + Sync + 'static {
    /// Name, platform, account and capabilities of this channel.
    fn info(&self) -> &ChannelInfo;

    /// Checks every documented rule without any I/O, reporting all violations
    /// at once ([`crate::ErrorKind::InvalidMessage`]) or an
    /// [`crate::ErrorKind::Unsupported`] error for content or recipient kinds
    /// the channel cannot express.
    fn validate(&self, message: &Message) -> Result<(), Error>;

    /// Validates, then sends the message; the receipt means the platform
    /// accepted it (not that it was delivered).
    async fn send(&self, message: &Message) -> Result<Receipt, Error>;
}

/// What a channel is and what it can do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelInfo {
    /// The instance name given in configuration (e.g. `support_whatsapp`).
    pub name: String,
    /// The platform / plugin name (e.g. `whatsapp`).
    pub platform: String,
    /// The account the channel sends from (phone number id, page id), never a secret.
    pub account: String,
    /// What the channel can send.
    pub capabilities: Capabilities,
}

/// What a channel can send, and how fast.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Neutral content kinds the channel expresses.
    pub content_kinds: Vec<ContentKind>,
    /// Recipient kinds the channel addresses.
    pub recipient_kinds: Vec<RecipientKind>,
    /// The longest text body the channel accepts, in characters.
    pub max_text_chars: Option<usize>,
    /// The documented default send rate for this account, in messages per second.
    pub messages_per_second: Option<f64>,
    /// The documented per-recipient pacing, when the platform has one.
    pub per_recipient_interval: Option<Duration>,
    /// How many messages one recipient may get at once before the pacing applies.
    pub per_recipient_burst: Option<u32>,
}

impl Capabilities {
    /// Whether `kind` is supported.
    pub fn supports_content(&self, kind: ContentKind) -> bool {
        self.content_kinds.contains(&kind)
    }

    /// Whether `kind` is supported.
    pub fn supports_recipient(&self, kind: RecipientKind) -> bool {
        self.recipient_kinds.contains(&kind)
    }
}

/// The platform's acknowledgement of a sent message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The channel instance that sent it.
    pub channel: String,
    /// The platform's message id (`wamid.…`, `m_…`).
    pub message_id: String,
    /// The recipient's platform id, when the platform returned one.
    pub recipient_id: Option<String>,
    /// Whether the platform accepted the message outright.
    pub status: AcceptanceStatus,
}

/// How the platform took a message.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceStatus {
    /// Accepted for delivery.
    Accepted,
    /// Held while the platform assesses quality (WhatsApp marketing templates).
    HeldForQualityAssessment,
    /// Paused by template pacing (WhatsApp).
    Paused,
}

impl AcceptanceStatus {
    /// The platform's snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AcceptanceStatus::Accepted => "accepted",
            AcceptanceStatus::HeldForQualityAssessment => "held_for_quality_assessment",
            AcceptanceStatus::Paused => "paused",
        }
    }
}

impl fmt::Display for AcceptanceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for dyn Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.info();
        f.debug_struct("Channel")
            .field("name", &info.name)
            .field("platform", &info.platform)
            .field("account", &info.account)
            .finish()
    }
}
