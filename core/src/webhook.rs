//! Webhooks: neutral typed events, how a platform authenticates its
//! deliveries ([`WebhookAuth`]), duplicate detection, and the
//! customer-service window.
//!
//! Channel crates verify and parse their platform's payloads into
//! [`Event`]s; this module holds what is common. With feature `webhooks`,
//! [`service`] gives an axum router to mount at a path.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{Error, ErrorKind, PlatformError, Violations};
use crate::message::content::MediaKind;

/// Why a webhook request was refused.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// The request carries no signature (or authentication header).
    MissingSignature,
    /// The signature header is not in the platform's format.
    MalformedSignature,
    /// The signature does not match the body (tampered body or wrong secret).
    InvalidSignature,
    /// The handshake is not a subscription request, or its token differs.
    HandshakeRefused(String),
    /// The body is not a payload of the platform.
    InvalidPayload(String),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingSignature => f.write_str("the signature header is missing"),
            WebhookError::MalformedSignature => f.write_str("the signature header is malformed"),
            WebhookError::InvalidSignature => f.write_str("the signature does not match the body"),
            WebhookError::HandshakeRefused(why) => {
                write!(f, "subscription handshake refused: {why}")
            }
            WebhookError::InvalidPayload(why) => write!(f, "invalid webhook payload: {why}"),
        }
    }
}

impl std::error::Error for WebhookError {}

/// The headers of a webhook request, by case-insensitive name.
pub trait Headers {
    /// The value of header `name` (lower case), when present and text.
    fn header(&self, name: &str) -> Option<&str>;
}

impl Headers for HashMap<String, String> {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Headers for [(&str, &str)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// How a platform authenticates its webhook deliveries and answers its
/// subscription handshake. Channel crates implement it (an HMAC header, a
/// secret-token header…); [`service`] calls it for every request.
pub trait WebhookAuth: Send + Sync + 'static {
    /// Checks that a delivery comes from the platform: `Ok` or why not.
    /// Implementations compare secrets in constant time.
    fn verify(&self, headers: &dyn Headers, body: &[u8]) -> Result<(), WebhookError>;

    /// Answers a subscription handshake (a `GET` with `query`): the body to
    /// answer with 200, or why the handshake is refused. Platforms without a
    /// handshake refuse every one (the default).
    fn handshake(&self, query: &HashMap<String, String>) -> Result<String, WebhookError> {
        let _ = query;
        Err(WebhookError::HandshakeRefused(
            "this platform has no subscription handshake".into(),
        ))
    }
}

/// Authentication by a shared token the platform sends back in a header
/// (Telegram's `X-Telegram-Bot-Api-Secret-Token`, many gateways'), compared
/// in constant time; an empty token is refused when built.
///
/// ```
/// use switchboard::webhook::{HeaderToken, WebhookAuth};
/// use switchboard::Secret;
/// let auth = HeaderToken::new("x-hook-token", Secret::new("s3cret")).unwrap();
/// let mut headers = std::collections::HashMap::new();
/// headers.insert("x-hook-token".to_string(), "s3cret".to_string());
/// assert!(auth.verify(&headers, b"{}").is_ok());
/// headers.insert("x-hook-token".to_string(), "guess".to_string());
/// assert!(auth.verify(&headers, b"{}").is_err());
/// assert!(HeaderToken::new("x-hook-token", Secret::new("")).is_err());
/// ```
#[derive(Debug)]
pub struct HeaderToken {
    header: &'static str,
    token: crate::Secret,
}

impl HeaderToken {
    /// Deliveries must carry `token` in `header` (any case).
    pub fn new(header: &'static str, token: crate::Secret) -> Result<Self, crate::Error> {
        if token.is_empty() {
            return Err(crate::Error::config(format!(
                "the webhook token sent in {header} is empty"
            )));
        }
        Ok(HeaderToken { header, token })
    }
}

impl WebhookAuth for HeaderToken {
    fn verify(&self, headers: &dyn Headers, _: &[u8]) -> Result<(), WebhookError> {
        let given = headers
            .header(self.header)
            .ok_or(WebhookError::MissingSignature)?;
        if constant_time_eq(given.as_bytes(), self.token.expose().as_bytes()) {
            Ok(())
        } else {
            Err(WebhookError::InvalidSignature)
        }
    }
}

/// Compares two secrets in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// One event from a webhook payload.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The platform (`whatsapp`, `messenger`).
    pub platform: String,
    /// The account it concerns (phone number id, page id, WABA id).
    pub account: String,
    /// A stable id for duplicate detection.
    pub id: String,
    /// When it happened, in milliseconds since the Unix epoch, when the payload says.
    pub timestamp_ms: Option<u64>,
    /// What happened.
    pub kind: EventKind,
}

/// What an [`Event`] is.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A message from a customer.
    Message(InboundMessage),
    /// A message the page itself sent (Messenger echo).
    Echo(InboundMessage),
    /// A customer edited a message they sent earlier: the id is the
    /// original message's, the content the new one.
    Edit(InboundMessage),
    /// The delivery status of a message sent.
    Status(StatusUpdate),
    /// A postback button tapped (Messenger).
    Postback(Postback),
    /// A reaction to a message (Messenger `reaction` event).
    Reaction(InboundReaction),
    /// Messages delivered up to a watermark (Messenger).
    Delivery(DeliveryWatermark),
    /// Messages read up to a watermark (Messenger).
    Read(ReadWatermark),
    /// Account-level errors (WhatsApp `value.errors[]`).
    Errors {
        /// The errors, classified.
        errors: Vec<ClassifiedError>,
    },
    /// Anything not modelled, kept as it came.
    Unknown {
        /// The raw JSON of the event.
        raw: serde_json::Value,
    },
}

/// A message from a customer.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundMessage {
    /// The platform message id.
    pub id: String,
    /// The sender (WhatsApp id, PSID).
    pub from: String,
    /// The sender's profile name, when given.
    pub sender_name: Option<String>,
    /// The message this one replies to, when it does.
    pub reply_to: Option<String>,
    /// The content.
    pub content: InboundContent,
    /// Ad or link referral data, as it came.
    pub referral: Option<serde_json::Value>,
    /// Errors attached to the message (e.g. unsupported types).
    pub errors: Vec<ClassifiedError>,
}

/// Media a customer sent.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundMedia {
    /// What sort of media.
    pub kind: MediaKind,
    /// The platform media id (WhatsApp).
    pub id: Option<String>,
    /// A URL (Messenger).
    pub url: Option<String>,
    /// The MIME type.
    pub mime_type: Option<String>,
    /// The SHA-256 of the file.
    pub sha256: Option<String>,
    /// The caption.
    pub caption: Option<String>,
    /// The file name (documents).
    pub filename: Option<String>,
    /// Whether an audio is a voice note.
    pub voice: bool,
}

/// What a customer sent.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InboundContent {
    /// Text.
    Text {
        /// The text.
        body: String,
    },
    /// Text sent by tapping a quick reply (Messenger).
    QuickReply {
        /// The text shown.
        text: String,
        /// The quick reply's payload.
        payload: String,
    },
    /// One media file.
    Media(InboundMedia),
    /// Several attachments (Messenger).
    Attachments {
        /// The attachments.
        items: Vec<InboundMedia>,
    },
    /// A location.
    Location {
        /// Latitude.
        latitude: f64,
        /// Longitude.
        longitude: f64,
        /// The place's name.
        name: Option<String>,
        /// The place's address.
        address: Option<String>,
    },
    /// Contact cards, as they came.
    Contacts {
        /// The contacts.
        contacts: serde_json::Value,
    },
    /// A reaction to a message (WhatsApp; empty emoji = removed).
    Reaction {
        /// The message reacted to.
        message_id: String,
        /// The emoji.
        emoji: String,
    },
    /// A template quick-reply button tapped (WhatsApp `button`).
    Button {
        /// The button's payload.
        payload: String,
        /// The button's text.
        text: String,
    },
    /// A reply button tapped (WhatsApp `interactive.button_reply`).
    ButtonReply {
        /// The button id.
        id: String,
        /// The button title.
        title: String,
    },
    /// A list row chosen (WhatsApp `interactive.list_reply`).
    ListReply {
        /// The row id.
        id: String,
        /// The row title.
        title: String,
        /// The row description.
        description: Option<String>,
    },
    /// A Flow completed (WhatsApp `interactive.nfm_reply`).
    FlowReply {
        /// The Flow's name.
        name: Option<String>,
        /// The body shown.
        body: Option<String>,
        /// The Flow's response, a JSON string.
        response_json: String,
    },
    /// An order from the catalog, as it came.
    Order {
        /// The order.
        order: serde_json::Value,
    },
    /// A system message (number changed, …), as it came.
    System {
        /// The system message.
        system: serde_json::Value,
    },
    /// A message type the platform does not support.
    Unsupported,
    /// A type not modelled, kept as it came.
    Other {
        /// The platform's type name.
        kind: String,
        /// The raw JSON.
        raw: serde_json::Value,
    },
}

/// A delivery status of a message sent.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusUpdate {
    /// The platform message id.
    pub message_id: String,
    /// The recipient.
    pub recipient_id: Option<String>,
    /// The status.
    pub status: DeliveryStatus,
    /// Why it failed (status `failed`).
    pub errors: Vec<ClassifiedError>,
    /// The `biz_opaque_callback_data` sent with the message.
    pub callback_data: Option<String>,
}

/// Where a message sent is.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Sent by the platform.
    Sent,
    /// Delivered to the device.
    Delivered,
    /// Read.
    Read,
    /// Voice message played.
    Played,
    /// Failed; see the errors.
    Failed,
    /// Another status, as named by the platform.
    Other(String),
}

/// A platform error, with Switchboard's classification of its code.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifiedError {
    /// The kind of error.
    pub kind: ErrorKind,
    /// Whether sending again later may succeed.
    pub temporary: bool,
    /// The platform's details.
    pub platform: PlatformError,
}

impl ClassifiedError {
    /// Classifies a platform error through an [`Error`] built by the channel.
    pub fn from_error(e: &Error) -> Self {
        ClassifiedError {
            kind: e.kind(),
            temporary: e.is_temporary(),
            platform: e.platform().cloned().unwrap_or_default(),
        }
    }

    /// As a Switchboard [`Error`].
    pub fn to_error(&self) -> Error {
        let msg = self
            .platform
            .message
            .clone()
            .or_else(|| self.platform.error_type.clone())
            .unwrap_or_else(|| format!("platform error {}", self.platform.code));
        Error::new(self.kind, msg)
            .with_platform(self.platform.clone())
            .with_temporary(self.temporary)
    }
}

/// A postback (Messenger).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postback {
    /// Who tapped.
    pub from: String,
    /// The button title.
    pub title: Option<String>,
    /// The payload.
    pub payload: Option<String>,
    /// The message id of the postback, when given.
    pub mid: Option<String>,
}

/// A reaction event (Messenger).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundReaction {
    /// Who reacted.
    pub from: String,
    /// The message reacted to.
    pub message_id: String,
    /// `react` or `unreact`.
    pub action: String,
    /// The emoji.
    pub emoji: Option<String>,
}

/// Delivery watermark (Messenger).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryWatermark {
    /// The recipient.
    pub from: String,
    /// The message ids delivered, when given.
    pub message_ids: Vec<String>,
    /// Everything before this time (ms) is delivered.
    pub watermark: u64,
}

/// Read watermark (Messenger).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadWatermark {
    /// The reader.
    pub from: String,
    /// Everything before this time (ms) is read.
    pub watermark: u64,
}

impl Event {
    /// An event `id` (stable, for duplicate detection) of `platform` about
    /// `account`.
    pub fn new(
        platform: impl Into<String>,
        account: impl Into<String>,
        id: impl Into<String>,
        kind: EventKind,
    ) -> Self {
        Event {
            platform: platform.into(),
            account: account.into(),
            id: id.into(),
            timestamp_ms: None,
            kind,
        }
    }

    /// When it happened, in milliseconds since the Unix epoch.
    #[must_use]
    pub fn timestamp_ms(mut self, at: Option<u64>) -> Self {
        self.timestamp_ms = at;
        self
    }

    /// The customer whose message opens the customer-service window, if this
    /// event is one that opens it.
    pub fn opens_window_for(&self) -> Option<&str> {
        match &self.kind {
            EventKind::Message(m) | EventKind::Edit(m) => Some(&m.from),
            EventKind::Postback(p) => Some(&p.from),
            EventKind::Reaction(r) => Some(&r.from),
            _ => None,
        }
    }
}

impl InboundMessage {
    /// Message `id` from `from` with `content`; fill the optional fields in.
    pub fn new(id: impl Into<String>, from: impl Into<String>, content: InboundContent) -> Self {
        InboundMessage {
            id: id.into(),
            from: from.into(),
            sender_name: None,
            reply_to: None,
            content,
            referral: None,
            errors: Vec::new(),
        }
    }
}

impl InboundMedia {
    /// Media of `kind`; fill in what the platform said about it.
    pub fn new(kind: MediaKind) -> Self {
        InboundMedia {
            kind,
            id: None,
            url: None,
            mime_type: None,
            sha256: None,
            caption: None,
            filename: None,
            voice: false,
        }
    }
}

impl StatusUpdate {
    /// The message `message_id` reached `status`.
    pub fn new(message_id: impl Into<String>, status: DeliveryStatus) -> Self {
        StatusUpdate {
            message_id: message_id.into(),
            recipient_id: None,
            status,
            errors: Vec::new(),
            callback_data: None,
        }
    }
}

impl Postback {
    /// A postback from `from`; fill in its title, payload and message id.
    pub fn new(from: impl Into<String>) -> Self {
        Postback {
            from: from.into(),
            title: None,
            payload: None,
            mid: None,
        }
    }
}

impl InboundReaction {
    /// `from` reacted (`action`: `react` / `unreact`) to `message_id`.
    pub fn new(
        from: impl Into<String>,
        message_id: impl Into<String>,
        action: impl Into<String>,
        emoji: Option<String>,
    ) -> Self {
        InboundReaction {
            from: from.into(),
            message_id: message_id.into(),
            action: action.into(),
            emoji,
        }
    }
}

impl DeliveryWatermark {
    /// Messages to `from` delivered up to `watermark`.
    pub fn new(from: impl Into<String>, message_ids: Vec<String>, watermark: u64) -> Self {
        DeliveryWatermark {
            from: from.into(),
            message_ids,
            watermark,
        }
    }
}

impl ReadWatermark {
    /// Messages to `from` read up to `watermark`.
    pub fn new(from: impl Into<String>, watermark: u64) -> Self {
        ReadWatermark {
            from: from.into(),
            watermark,
        }
    }
}

/// Remembers which event ids were handed on, so that the platforms'
/// retries (for days) reach the handler once.
pub trait SeenEvents: Send + Sync {
    /// Whether `id` was handed on already.
    fn seen(&self, id: &str) -> bool;

    /// Records `id` as handed on.
    fn mark(&self, id: &str);

    /// Records `id`; `true` when it had not been seen before (atomically,
    /// where the store can).
    fn first_time(&self, id: &str) -> bool {
        if self.seen(id) {
            return false;
        }
        self.mark(id);
        true
    }
}

/// An in-memory [`SeenEvents`] that keeps the most recent `capacity` ids.
pub struct MemorySeenEvents {
    capacity: usize,
    inner: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl MemorySeenEvents {
    /// Keeps the last `capacity` ids (at least 1).
    pub fn new(capacity: usize) -> Self {
        MemorySeenEvents {
            capacity: capacity.max(1),
            inner: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }
}

impl Default for MemorySeenEvents {
    /// Keeps the last 100,000 ids.
    fn default() -> Self {
        MemorySeenEvents::new(100_000)
    }
}

impl SeenEvents for MemorySeenEvents {
    fn seen(&self, id: &str) -> bool {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.contains(id)
    }

    fn mark(&self, id: &str) {
        self.first_time(id);
    }

    fn first_time(&self, id: &str) -> bool {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *guard;
        if set.contains(id) {
            return false;
        }
        set.insert(id.to_string());
        order.push_back(id.to_string());
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        true
    }
}

/// A source of the current time, in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync {
    /// Now.
    fn now_ms(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
}

/// A clock tests move by hand.
#[derive(Debug, Default)]
pub struct ManualClock(std::sync::atomic::AtomicU64);

impl ManualClock {
    /// A clock showing `now_ms`.
    pub fn new(now_ms: u64) -> Self {
        ManualClock(std::sync::atomic::AtomicU64::new(now_ms))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.0
            .fetch_add(by.as_millis() as u64, std::sync::atomic::Ordering::SeqCst);
    }

    /// Sets the clock.
    pub fn set(&self, now_ms: u64) {
        self.0.store(now_ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The customer's id as a window key: phone-like ids keep their digits only,
/// so that `+1 (650) 555-1234` and `16505551234` are the same person.
pub fn window_key(platform: &str, user: &str) -> String {
    let phone_like = !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
    if phone_like {
        let digits: String = user.chars().filter(char::is_ascii_digit).collect();
        format!("{platform}:{digits}")
    } else {
        format!("{platform}:{user}")
    }
}

/// Where the time of each customer's last message is kept, by
/// [`window_key`]. In memory by default; durable stores make windows survive
/// restarts and shared between processes.
pub trait WindowStore: Send + Sync {
    /// Records a message at `at_ms` (keeps the latest).
    fn record(&self, key: &str, at_ms: u64);
    /// The time of the latest message, if any.
    fn last(&self, key: &str) -> Option<u64>;
}

/// A [`WindowStore`] in this process's memory.
#[derive(Debug, Default)]
pub struct MemoryWindowStore(Mutex<HashMap<String, u64>>);

impl WindowStore for MemoryWindowStore {
    fn record(&self, key: &str, at_ms: u64) {
        let mut last = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let entry = last.entry(key.to_string()).or_insert(at_ms);
        *entry = (*entry).max(at_ms);
    }

    fn last(&self, key: &str) -> Option<u64> {
        let last = self.0.lock().unwrap_or_else(|p| p.into_inner());
        last.get(key).copied()
    }
}

/// When each customer last wrote, fed by inbound events; the basis of the
/// customer-service window.
pub struct WindowTracker {
    clock: Arc<dyn Clock>,
    store: Arc<dyn WindowStore>,
}

impl WindowTracker {
    /// A tracker on the system clock, in memory.
    pub fn new() -> Self {
        WindowTracker::with_clock(Arc::new(SystemClock))
    }

    /// A tracker on `clock`, in memory.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        WindowTracker::with_store(clock, Arc::new(MemoryWindowStore::default()))
    }

    /// A tracker on `clock` keeping its times in `store`.
    pub fn with_store(clock: Arc<dyn Clock>, store: Arc<dyn WindowStore>) -> Self {
        WindowTracker { clock, store }
    }

    /// Records that `user` wrote on `platform` now.
    pub fn record_inbound(&self, platform: &str, user: &str) {
        let now = self.clock.now_ms();
        self.record_inbound_at(platform, user, now);
    }

    /// Records that `user` wrote at `at_ms`.
    pub fn record_inbound_at(&self, platform: &str, user: &str, at_ms: u64) {
        self.store.record(&window_key(platform, user), at_ms);
    }

    /// Feeds an event: messages, postbacks and reactions open the window.
    pub fn observe(&self, event: &Event) {
        if let Some(user) = event.opens_window_for() {
            match event.timestamp_ms {
                Some(at) => self.record_inbound_at(&event.platform, user, at),
                None => self.record_inbound(&event.platform, user),
            }
        }
    }

    /// How long ago `user` last wrote; `None` when never.
    pub fn since_last_inbound(&self, platform: &str, user: &str) -> Option<Duration> {
        let at = self.store.last(&window_key(platform, user))?;
        Some(Duration::from_millis(
            self.clock.now_ms().saturating_sub(at),
        ))
    }
}

impl fmt::Debug for WindowTracker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WindowTracker").finish_non_exhaustive()
    }
}

impl Default for WindowTracker {
    fn default() -> Self {
        WindowTracker::new()
    }
}

/// The 24-hour standard window (api-contract §7, both platforms).
pub const CUSTOMER_SERVICE_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// A platform's rule for what may be sent given the time since the customer
/// last wrote. Channel crates implement it.
pub trait WindowRule: Send + Sync {
    /// `Ok` when `message` may be sent; else what is allowed instead.
    fn check(
        &self,
        message: &crate::Message,
        since_last_inbound: Option<Duration>,
    ) -> Result<(), String>;
}

/// What a window check does with a customer the tracker has never heard from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownCustomers {
    /// Lets the platform decide: the right choice when this process does not
    /// see every inbound message (another process receives the webhooks and
    /// no shared store is configured).
    #[default]
    Allow,
    /// Treats them as outside the window: for a process that sees every
    /// inbound message (or shares a durable store with the one that does).
    Refuse,
}

/// A platform's window rule with the tracker that knows when customers last
/// wrote: checks a message before any request.
#[derive(Clone)]
pub struct WindowGuard {
    tracker: Arc<WindowTracker>,
    rule: Arc<dyn WindowRule>,
    unknown: UnknownCustomers,
}

impl WindowGuard {
    /// `rule` (the platform's) with `tracker`; unknown customers are allowed.
    pub fn new(tracker: Arc<WindowTracker>, rule: Arc<dyn WindowRule>) -> Self {
        WindowGuard {
            tracker,
            rule,
            unknown: UnknownCustomers::Allow,
        }
    }

    /// What to do with customers the tracker has never heard from.
    #[must_use]
    pub fn unknown_customers(mut self, unknown: UnknownCustomers) -> Self {
        self.unknown = unknown;
        self
    }

    /// `Ok` when `message` may be sent by the channel `info`; otherwise an
    /// [`ErrorKind::OutsideWindow`] error saying what is allowed instead.
    pub fn check(&self, info: &crate::ChannelInfo, message: &crate::Message) -> Result<(), Error> {
        let since = self
            .tracker
            .since_last_inbound(&info.platform, &message.to.id);
        if since.is_none() && self.unknown == UnknownCustomers::Allow {
            return Ok(());
        }
        self.rule.check(message, since).map_err(|allowed| {
            let when = match since {
                Some(d) => format!("last wrote {} min ago", d.as_secs() / 60),
                None => "has not written yet".to_string(),
            };
            Error::new(
                ErrorKind::OutsideWindow,
                format!(
                    "{} is outside the customer-service window (the customer {when}); {allowed}",
                    message.content.kind()
                ),
            )
            .with_channel(info.name.clone())
        })
    }
}

impl fmt::Debug for WindowGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WindowGuard")
            .field("unknown", &self.unknown)
            .finish_non_exhaustive()
    }
}

impl<T: WindowRule + ?Sized> WindowRule for &'static T {
    fn check(
        &self,
        message: &crate::Message,
        since_last_inbound: Option<Duration>,
    ) -> Result<(), String> {
        (**self).check(message, since_last_inbound)
    }
}

/// A channel that refuses what the customer-service window does not allow
/// before any request ([`ErrorKind::OutsideWindow`]); customers the tracker
/// has never heard from are refused too. The delivery stack has the same
/// check as a layer ([`crate::delivery::Delivery::window`]).
pub struct WindowPolicy {
    inner: Arc<dyn crate::Channel>,
    guard: WindowGuard,
}

impl WindowPolicy {
    /// Wraps `inner` with `rule`, using `tracker` to know when customers last wrote.
    pub fn new(
        inner: Arc<dyn crate::Channel>,
        tracker: Arc<WindowTracker>,
        rule: Arc<dyn WindowRule>,
    ) -> Self {
        WindowPolicy {
            inner,
            guard: WindowGuard::new(tracker, rule).unknown_customers(UnknownCustomers::Refuse),
        }
    }

    fn check(&self, message: &crate::Message) -> Result<(), Error> {
        self.guard.check(self.inner.info(), message)
    }
}

#[async_trait::async_trait]
impl crate::Channel for WindowPolicy {
    fn info(&self) -> &crate::ChannelInfo {
        self.inner.info()
    }

    fn check_rules(
        &self,
        message: &crate::Message,
        violations: &mut Violations,
    ) -> Result<(), Error> {
        self.inner.check_rules(message, violations)
    }

    fn validate(&self, message: &crate::Message) -> Result<(), Error> {
        self.inner.validate(message)?;
        self.check(message)
    }

    fn text_length(&self, message: &crate::Message, text: &str) -> usize {
        self.inner.text_length(message, text)
    }

    fn honours_idempotency_keys(&self) -> bool {
        self.inner.honours_idempotency_keys()
    }

    async fn send_validated(&self, message: &crate::Message) -> Result<crate::Receipt, Error> {
        self.check(message)?;
        self.inner.send_validated(message).await
    }
}

/// Parses a platform's webhook body into events.
pub type ParseFn = fn(&[u8]) -> Result<Vec<Event>, WebhookError>;

/// The axum service that receives webhooks (feature `webhooks`).
#[cfg(feature = "webhooks")]
pub mod service {
    use std::collections::HashMap;
    use std::future::Future;
    use std::sync::Arc;

    use axum::body::Bytes;
    use axum::extract::{Query, State};
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;

    use super::{Event, Headers, ParseFn, SeenEvents, WebhookAuth, WindowTracker};

    /// How a webhook endpoint checks and parses what it receives.
    #[derive(Clone)]
    pub struct WebhookConfig {
        auth: Arc<dyn WebhookAuth>,
        parse: ParseFn,
        seen: Arc<dyn SeenEvents>,
        tracker: Option<Arc<WindowTracker>>,
    }

    impl WebhookConfig {
        /// Deliveries authenticated by `auth` (the platform's scheme, from
        /// its channel crate) and parsed by `parse`.
        pub fn new(auth: Arc<dyn WebhookAuth>, parse: ParseFn) -> Self {
            WebhookConfig {
                auth,
                parse,
                seen: Arc::new(super::MemorySeenEvents::default()),
                tracker: None,
            }
        }

        /// Uses another store of seen event ids.
        #[must_use]
        pub fn seen_events(mut self, seen: Arc<dyn SeenEvents>) -> Self {
            self.seen = seen;
            self
        }

        /// Feeds a window tracker with every inbound event.
        #[must_use]
        pub fn window_tracker(mut self, tracker: Arc<WindowTracker>) -> Self {
            self.tracker = Some(tracker);
            self
        }
    }

    impl Headers for HeaderMap {
        fn header(&self, name: &str) -> Option<&str> {
            self.get(name).and_then(|v| v.to_str().ok())
        }
    }

    struct Shared<H> {
        config: WebhookConfig,
        handler: H,
    }

    /// A router answering `GET /` (handshake) and `POST /` (events) — mount
    /// it with `Router::nest("/webhooks/whatsapp", router(..))`.
    ///
    /// At most once: each event is marked seen and the 200 sent first, then
    /// the events reach `handler` in the background, in their order. A crash
    /// in between loses them; see [`router_at_least_once`] for the other
    /// choice.
    pub fn router<H, F>(config: WebhookConfig, handler: H) -> axum::Router
    where
        H: Fn(Event) -> F + Send + Sync + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let shared = Arc::new(Shared { config, handler });
        axum::Router::new()
            .route("/", get(on_get::<H>).post(on_post::<H, F>))
            .with_state(shared)
    }

    /// Like [`router`], at least once: the events of a delivery reach
    /// `handler` before the answer, each is marked seen only when its
    /// handler succeeded, and a failure answers 500 so that the platform
    /// delivers again (events already handled are then skipped). A crash
    /// never loses an event; an event may reach the handler twice (when the
    /// process dies after the handler, before the mark), so handlers should
    /// be idempotent. With a durable [`SeenEvents`] store, this holds across
    /// restarts.
    pub fn router_at_least_once<H, F, E>(config: WebhookConfig, handler: H) -> axum::Router
    where
        H: Fn(Event) -> F + Send + Sync + 'static,
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        let shared = Arc::new(Shared { config, handler });
        axum::Router::new()
            .route("/", get(on_get::<H>).post(on_post_at_least_once::<H, F, E>))
            .with_state(shared)
    }

    async fn on_get<H: Send + Sync + 'static>(
        State(shared): State<Arc<Shared<H>>>,
        Query(query): Query<HashMap<String, String>>,
    ) -> Response {
        match shared.config.auth.handshake(&query) {
            Ok(challenge) => (StatusCode::OK, challenge).into_response(),
            Err(e) => (StatusCode::FORBIDDEN, e.to_string()).into_response(),
        }
    }

    /// Counts a webhook event (`switchboard.webhook.events`: `messaging.system`,
    /// `outcome` = `accepted` | `duplicate`).
    fn count_event(event: &Event, outcome: &'static str) {
        metrics::counter!(
            "switchboard.webhook.events",
            "messaging.system" => event.platform.clone(),
            "outcome" => outcome
        )
        .increment(1);
    }

    /// Authenticates and parses a delivery, or the answer refusing it.
    fn accept(
        config: &WebhookConfig,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Vec<Event>, (StatusCode, String)> {
        if let Err(e) = config.auth.verify(headers, body) {
            tracing::warn!(error = %e, "webhook refused");
            metrics::counter!("switchboard.webhook.refusals", "reason" => "authentication")
                .increment(1);
            return Err((StatusCode::UNAUTHORIZED, e.to_string()));
        }
        (config.parse)(body).map_err(|e| {
            tracing::warn!(error = %e, "webhook payload refused");
            metrics::counter!("switchboard.webhook.refusals", "reason" => "payload").increment(1);
            (StatusCode::BAD_REQUEST, e.to_string())
        })
    }

    async fn on_post<H, F>(
        State(shared): State<Arc<Shared<H>>>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response
    where
        H: Fn(Event) -> F + Send + Sync + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let config = &shared.config;
        let events = match accept(config, &headers, &body) {
            Ok(events) => events,
            Err(refused) => return refused.into_response(),
        };
        let mut fresh = Vec::with_capacity(events.len());
        for event in events {
            if !config.seen.first_time(&event.id) {
                tracing::debug!(id = %event.id, "duplicate webhook event skipped");
                count_event(&event, "duplicate");
                continue;
            }
            count_event(&event, "accepted");
            if let Some(t) = &config.tracker {
                t.observe(&event);
            }
            fresh.push(event);
        }
        // The events of one delivery reach the handler in their order, after
        // the 200 is sent. Separate deliveries may be handled concurrently:
        // the platforms do not order them either (order by timestamp).
        if !fresh.is_empty() {
            let shared = shared.clone();
            tokio::spawn(async move {
                for event in fresh {
                    (shared.handler)(event).await;
                }
            });
        }
        StatusCode::OK.into_response()
    }

    async fn on_post_at_least_once<H, F, E>(
        State(shared): State<Arc<Shared<H>>>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response
    where
        H: Fn(Event) -> F + Send + Sync + 'static,
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        let config = &shared.config;
        let events = match accept(config, &headers, &body) {
            Ok(events) => events,
            Err(refused) => return refused.into_response(),
        };
        for event in events {
            if config.seen.seen(&event.id) {
                tracing::debug!(id = %event.id, "duplicate webhook event skipped");
                count_event(&event, "duplicate");
                continue;
            }
            count_event(&event, "accepted");
            if let Some(t) = &config.tracker {
                t.observe(&event);
            }
            let id = event.id.clone();
            if let Err(e) = (shared.handler)(event).await {
                tracing::warn!(id = %id, error = %e, "webhook handler failed; the platform will deliver again");
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "handler failed; deliver again",
                )
                    .into_response();
            }
            config.seen.mark(&id);
        }
        StatusCode::OK.into_response()
    }
}

/// Parses a timestamp in seconds given as a string or a number (WhatsApp).
pub fn seconds_to_ms(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
        serde_json::Value::Number(n) => n.as_u64(),
        _ => None,
    }
    .map(|s| s.saturating_mul(1000))
}

/// A stable id for an event that has none of its own: the SHA-256 of its JSON.
pub fn fingerprint(value: &serde_json::Value) -> String {
    use sha2::Digest;
    let text = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"token", b"token"));
        assert!(!constant_time_eq(b"token", b"tokem"));
        assert!(!constant_time_eq(b"token", b"token2"));
        let headers: &[(&str, &str)] = &[("X-Example-Token", "s")];
        assert_eq!(headers.header("x-example-token"), Some("s"));
    }

    #[test]
    fn seen_events_are_bounded() {
        let seen = MemorySeenEvents::new(2);
        assert!(seen.first_time("a"));
        assert!(!seen.first_time("a"));
        assert!(seen.first_time("b"));
        assert!(seen.first_time("c"));
        assert!(seen.first_time("a"), "a was evicted");
    }

    #[test]
    fn window_keys_match_phone_forms() {
        assert_eq!(
            window_key("wa", "+1 (650) 555-1234"),
            window_key("wa", "16505551234")
        );
        assert_ne!(window_key("fb", "123"), window_key("wa", "123"));
        assert_eq!(window_key("fb", "user_ref-1"), "fb:user_ref-1");
    }
}
