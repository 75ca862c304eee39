//! The `Channel` trait every platform adapter implements, and what a send returns.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::capabilities::check_capabilities_measured;
use crate::error::{Error, Violations};
use crate::message::content::ContentKind;
use crate::message::recipient::RecipientKind;
use crate::message::Message;

/// A configured connection to one messaging account on one platform.
///
/// Object-safe: applications hold `Arc<dyn Channel>` and send through it
/// without knowing the platform.
///
/// A channel implements [`info`](Channel::info), [`check_rules`](Channel::check_rules)
/// (its platform's own rules) and [`send_validated`](Channel::send_validated)
/// (the request). Core provides [`validate`](Channel::validate), which
/// enforces the capabilities the channel declares before its rules, and
/// [`send`](Channel::send), which validates exactly once and then sends.
/// Decorators (delivery layers, the window policy) forward `validate` and
/// `send_validated`, so a send through any stack validates once.
///
/// ```
/// use switchboard::plugin::Violations;
/// use switchboard::{async_trait, Capabilities, Channel, ChannelInfo, ContentKind, Error, Message, Receipt, RecipientKind};
///
/// struct Console { info: ChannelInfo }
///
/// #[async_trait]
/// impl Channel for Console {
///     fn info(&self) -> &ChannelInfo { &self.info }
///     fn check_rules(&self, _: &Message, _: &mut Violations) -> Result<(), Error> { Ok(()) }
///     async fn send_validated(&self, message: &Message) -> Result<Receipt, Error> {
///         println!("to {}: {:?}", message.to.id, message.content);
///         Ok(Receipt::new(&self.info.name, "console-1"))
///     }
/// }
///
/// # tokio_test_block(async {
/// let console = Console { info: ChannelInfo::new("console", "console", "stdout")
///     .capabilities(Capabilities::new().content_kinds([ContentKind::Text]).recipient_kinds([RecipientKind::UserId])) };
/// let to = switchboard::Recipient::user_id("me");
/// assert!(console.send(&Message::text(to.clone(), "hi")).await.is_ok());
/// let err = console.send(&Message::text(to, "")).await.unwrap_err();
/// assert_eq!(err.violations()[0].field, "text.body");
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[async_trait]
pub trait Channel: Send + Sync + 'static {
    /// Name, platform, account and capabilities of this channel.
    fn info(&self) -> &ChannelInfo;

    /// The platform's own rules, without any I/O: push every violation to
    /// `violations`, or return an [`crate::ErrorKind::Unsupported`] error for
    /// what the platform cannot express. Core has already checked the
    /// capabilities in [`Channel::info`] (content and recipient kinds,
    /// channel-specific content addressed to this platform, text length).
    fn check_rules(&self, message: &Message, violations: &mut Violations) -> Result<(), Error>;

    /// Checks every rule without any I/O, reporting all violations at once
    /// ([`crate::ErrorKind::InvalidMessage`]) or an
    /// [`crate::ErrorKind::Unsupported`] error for content or recipient kinds
    /// the channel cannot express.
    fn validate(&self, message: &Message) -> Result<(), Error> {
        let info = self.info();
        let mut violations = Violations::new();
        let measure = |text: &str| self.text_length(message, text);
        check_capabilities_measured(info, message, &mut violations, &measure)?;
        self.check_rules(message, &mut violations)?;
        violations.into_result(&info.name)
    }

    /// The length of a text body of `message` as the platform counts it
    /// against [`Capabilities::max_text_chars`]: by default its characters.
    /// A platform that counts after parsing markup (Telegram's "after
    /// entities parsing") measures it here.
    fn text_length(&self, message: &Message, text: &str) -> usize {
        let _ = message;
        text.chars().count()
    }

    /// Sends a message that [`Channel::validate`] accepted; the receipt means
    /// the platform accepted it (not that it was delivered). Call
    /// [`Channel::send`] instead unless you validated the message yourself.
    async fn send_validated(&self, message: &Message) -> Result<Receipt, Error>;

    /// Whether sends through this channel honour
    /// [`Message::idempotency_key`]: the delivery stack does
    /// ([`crate::delivery`]); a bare channel does not, and says so in a
    /// warning the first time a key reaches it.
    fn honours_idempotency_keys(&self) -> bool {
        false
    }

    /// Validates once, then sends the message.
    async fn send(&self, message: &Message) -> Result<Receipt, Error> {
        self.validate(message)?;
        if message.options.idempotency_key.is_some() && !self.honours_idempotency_keys() {
            warn_unhonoured_key(self.info());
        }
        self.send_validated(message).await
    }
}

/// Warns, once per channel, that an idempotency key reached a channel that
/// does not honour it.
fn warn_unhonoured_key(info: &ChannelInfo) {
    static WARNED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut warned = WARNED.lock().unwrap_or_else(|p| p.into_inner());
    if warned.contains(&info.name) {
        return;
    }
    warned.push(info.name.clone());
    tracing::warn!(
        channel = %info.name,
        "an idempotency key reached a channel without the delivery stack: it is not honoured \
         (send through Switchboard or Delivery::for_channel to never send a key twice)"
    );
}

/// What a channel is and what it can do.
#[non_exhaustive]
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

impl ChannelInfo {
    /// The channel `name` of `platform`, sending from `account`, with no
    /// capabilities yet.
    pub fn new(
        name: impl Into<String>,
        platform: impl Into<String>,
        account: impl Into<String>,
    ) -> Self {
        ChannelInfo {
            name: name.into(),
            platform: platform.into(),
            account: account.into(),
            capabilities: Capabilities::default(),
        }
    }

    /// Declares what the channel can send.
    #[must_use]
    pub fn capabilities(mut self, capabilities: Capabilities) -> Self {
        self.capabilities = capabilities;
        self
    }
}

/// What a channel can send, and how fast.
#[non_exhaustive]
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
    /// The documented pacing of group recipients, when groups have their own.
    #[serde(default)]
    pub per_group_interval: Option<Duration>,
    /// How many messages one group may get at once before its pacing applies.
    #[serde(default)]
    pub per_group_burst: Option<u32>,
}

impl Capabilities {
    /// No capabilities yet; add them with the setters.
    pub fn new() -> Self {
        Capabilities::default()
    }

    /// The neutral content kinds the channel expresses.
    #[must_use]
    pub fn content_kinds(mut self, kinds: impl IntoIterator<Item = ContentKind>) -> Self {
        self.content_kinds = kinds.into_iter().collect();
        self
    }

    /// The recipient kinds the channel addresses.
    #[must_use]
    pub fn recipient_kinds(mut self, kinds: impl IntoIterator<Item = RecipientKind>) -> Self {
        self.recipient_kinds = kinds.into_iter().collect();
        self
    }

    /// The longest text body, in characters.
    #[must_use]
    pub fn max_text_chars(mut self, chars: usize) -> Self {
        self.max_text_chars = Some(chars);
        self
    }

    /// The documented default send rate of the account.
    #[must_use]
    pub fn messages_per_second(mut self, rate: f64) -> Self {
        self.messages_per_second = Some(rate);
        self
    }

    /// The documented per-recipient pacing: `burst` messages at once, then
    /// one per `interval`.
    #[must_use]
    pub fn per_recipient(mut self, interval: Duration, burst: u32) -> Self {
        self.per_recipient_interval = Some(interval);
        self.per_recipient_burst = Some(burst);
        self
    }

    /// The documented pacing of group recipients: `burst` messages at once,
    /// then one per `interval`.
    #[must_use]
    pub fn per_group(mut self, interval: Duration, burst: u32) -> Self {
        self.per_group_interval = Some(interval);
        self.per_group_burst = Some(burst);
        self
    }

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
#[non_exhaustive]
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

impl Receipt {
    /// An accepted message `message_id` sent by `channel`.
    pub fn new(channel: impl Into<String>, message_id: impl Into<String>) -> Self {
        Receipt {
            channel: channel.into(),
            message_id: message_id.into(),
            recipient_id: None,
            status: AcceptanceStatus::Accepted,
        }
    }

    /// The recipient's platform id, as the platform returned it.
    #[must_use]
    pub fn recipient_id(mut self, id: Option<String>) -> Self {
        self.recipient_id = id.filter(|id| !id.is_empty());
        self
    }

    /// How the platform took the message.
    #[must_use]
    pub fn status(mut self, status: AcceptanceStatus) -> Self {
        self.status = status;
        self
    }
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
