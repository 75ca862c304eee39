//! # Switchboard
//!
//! One channel-neutral API for sending customer messages over any messaging
//! platform a channel crate adds (WhatsApp, Messenger, Telegram, …).
//!
//! - [`Message`] = [`Recipient`] + [`Content`] + options: one message model
//!   every channel understands.
//! - [`Channel`]: the object-safe async trait each platform adapter
//!   implements; core enforces the capabilities a channel declares and
//!   validates every message exactly once per send.
//! - [`Registry`] / [`register_channel!`]: channel crates register themselves
//!   with `inventory`; [`Switchboard::from_config`] builds named channels from TOML.
//! - [`Error`] / [`ErrorKind`]: one classified error type (temporary or not,
//!   retry-after, the platform's code / subcode / trace id, violations).
//! - [`delivery`]: rate limits, retries, idempotency as tower layers;
//!   [`webhook`]: neutral inbound events and the customer-service window.
//! - [`compose`]: routes with failover (closed window → template, unsupported
//!   → degraded), customers reached across channels, broadcast, tenants.
//! - [`plugin`]: what a channel crate needs to implement a platform.
//! - The emulator of every platform is the `switchboard-emulator` crate.
//!
//! ```
//! use switchboard::{Content, Message, Recipient, Text};
//! let msg = Message::text(Recipient::phone_number("+16505551234"), "Hello!");
//! assert!(matches!(msg.content, Content::Text(Text { .. })));
//! ```

mod capabilities;
mod channel;
mod error;
mod message;
mod registry;
mod secret;
mod switchboard;

pub mod plugin;
#[cfg(feature = "webhooks")]
pub mod server;
pub mod webhook;

#[cfg(feature = "delivery")]
pub mod compose;
#[cfg(feature = "delivery")]
pub mod delivery;

pub use crate::channel::{AcceptanceStatus, Capabilities, Channel, ChannelInfo, Receipt};
pub use crate::error::{Error, ErrorKind, PlatformError, Violation};
pub use crate::message::contact;
pub use crate::message::content::{
    Choice, ChoiceList, ChoiceSection, Contacts, Content, ContentKind, Location, Media, MediaKind,
    MediaSource, Reaction, ReplyButton, ReplyButtons, SenderAction, SenderActionKind, Text,
};
pub use crate::message::extension::{ChannelContent, Extensions};
pub use crate::message::recipient::{Recipient, RecipientKind};
pub use crate::message::{Message, MessageOptions, Notification};
pub use crate::registry::Registry;
pub use crate::secret::Secret;
pub use crate::switchboard::{parse_channel_configs, Switchboard};

/// The `async_trait` attribute, re-exported so channel crates implement
/// [`Channel`] with the same version.
pub use async_trait::async_trait;

#[doc(hidden)]
pub mod __private {
    pub use inventory;
}
